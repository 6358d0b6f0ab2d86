"""Where data a Keras model refuses is fixed when a transpose made its layout (issue 16): a
camera frame of (224, 224, 3) is transposed to (3, 224, 224), given a batch axis and passed to
predict() for a model whose input is (None, 224, 224, 3). Before that transpose the frame had
the very sizes the model takes, axis by axis; the transpose alone breaks it, so the fix is to
drop it (or transpose the other way), and the finding goes on the transpose's statement,
naming the call where Keras raises (data["seen_at_line"]) and the model's input.

Facts only: the array keeps the transposed axes (frameworks/array_transposes.py), is of the
model input's rank, and with those axes in their order before the transpose every size after
the batch axis is known and equal to the model's; the transpose is a statement of this file.
Inside a helper (`def to_channels_first(x): return np.transpose(x, ...)`), the call of the
helper is what a fix changes (drop it), so the finding goes on that call's statement
(array_callers.caller_place), which may be the fit / predict call itself.
Otherwise None, and edges.py keeps the finding on the model's input."""
from __future__ import annotations

from ..domain.codes import SHP109, Diagnostic
from ..domain.dims import is_known
from ..frameworks.array_callers import caller_place


def at_transpose(use, x_name: str, array, ref) -> Diagnostic | None:
    moved = getattr(array, "transposed", None)
    if moved is None or moved.at is None or ref is None or not ref.known_rank or \
            not array.shape.known_rank or not moved.kept_by(array):
        return None
    at = caller_place(None, moved.calls) if moved.in_function else moved.at
    if at is None:
        return None
    dims, wanted = tuple(array.dims), tuple(ref.dims)
    if len(dims) != len(wanted) or moved.before == moved.after:
        return None
    before = moved.undone(dims)
    if not all(is_known(a) and is_known(b) and a == b for a, b in zip(before[1:], wanted[1:])):
        return None
    path, line, col = at
    if path != use.path or not line or int(line) == int(use.line) and not moved.in_function:
        return None
    show = lambda d: tuple(x if is_known(x) else None for x in d)  # noqa: E731
    where = (f"the transpose at line {moved.at[1]}, run by the call on this line," if
             moved.in_function else "the transpose on this line")
    message = (f"{x_name} given to model.{use.method}() at line {use.line} is {show(dims)}, but "
               f"the model's input is {show(wanted)}, so Keras raises ValueError. Before "
               f"{where} the data was {show(moved.before)}, the model's own layout: this "
               f"transpose to {show(moved.after)} is what breaks it; drop it")
    data = {"data_shape": list(show(dims)), "model_input": list(show(wanted)),
            "method": use.method, "transposed_from": list(show(moved.before)),
            "seen_at_line": int(use.line), "seen_at_col": int(use.col)}
    return Diagnostic(SHP109, line, col, message, data, use.path)
