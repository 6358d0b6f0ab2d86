"""Where a data-shape finding (SHP109) goes when the data given to predict() was made by a
helper whose argument chose its shape (issue 16): `imread(path, GRAYSCALE)` returning (224, 224)
where IMREAD_COLOR gives (224, 224, 3), or `load_image(path)` whose default mode keeps an
alpha band. Reading an image for inference exists to give the model the input it takes, so the
call that chose another shape, not the model, is the line to change: the finding goes on that
call, naming the model's line (data["model_at_line"]). Data for fit or evaluate is the model's
design as much as its input is: that stays on the model's side, naming the call
(rules/data_places.py), as does an array the helper sized itself (frameworks/array_callers.py
records a call only when a statement of the helper read a parameter to choose what it made)."""
from __future__ import annotations

from ..domain.codes import SHP109, Diagnostic
from ..frameworks.array_callers import chosen_call
from .advice import without_advice
from .moved import moved_to_data

_PREDICTS = ("predict", "predict_on_batch")


def at_chosen_read(found: Diagnostic, use, array, model_dims) -> Diagnostic | None:
    """found (kept on the model, naming the data) moved to the helper call that chose the
    data's shape, for data given to predict(); None otherwise."""
    if found is None or found.code is not SHP109 or use.method not in _PREDICTS:
        return None
    data = found.data if isinstance(found.data, dict) else {}
    place = chosen_call(array, model_dims)
    if place is None or not place[1] or place[0] != found.path or \
            int(place[1]) != data.get("data_at_line") or int(place[1]) == int(found.line):
        return None
    line, col = int(place[1]), int(place[2])
    message = (f"{without_advice(found.message)}. The call on this line chose that shape "
               f"through the helper's argument (or its default), before predict(), while the model "
               f"(line {found.line}) takes {tuple(data.get('model_input') or ())}: ask it for "
               f"the data the model takes here")
    return moved_to_data(found, line, col, message, model_at_line=int(found.line))
