"""Where an image's band count that the model's input does not take is reported (issue 16): on
the last PIL call that made the image (frameworks/pil_images.py: Image.new, open, resize,
convert, copy), where `.convert(mode)` gives it the model's bands, when the mode is known for
every input: an RGBA image (1, 28, 28, 4) predicted with a model whose input is (None, 28, 28,
3) wants `.convert("RGB")` before img_to_array, as Pillow drops the alpha band. The model's
input line, the other honest fix, is named in the message. Kept off (the finding stays on the
model's input) when the file trains or evaluates the model on data of another shape than its
input, or the image's other sizes differ from the model's too."""
from __future__ import annotations

from ..domain.codes import SHP109, Diagnostic
from ..domain.dims import is_known
from .keras_places import contradicts

# the PIL mode a model's channel count asks for (Pillow's "Modes" page)
WANTED = {1: "L", 3: "RGB", 4: "RGBA"}


def pil_bands(use, x_name: str, array, ref, trained) -> Diagnostic | None:
    origin = getattr(array, "origin", None)
    at, mode = getattr(origin, "at", None), getattr(origin, "pil_mode", "")
    if not mode or at is None or not at[1] or at[0] != use.path or not ref.known_rank or \
            not array.shape.known_rank:
        return None
    data, model = tuple(array.dims), tuple(ref.dims)
    wanted = WANTED.get(model[-1]) if is_known(model[-1]) else None
    if len(data) != len(model) or wanted is None or not is_known(data[-1]) or \
            data[-1] == model[-1] or any(is_known(a) and is_known(b) and a != b
                                         for a, b in zip(data[1:-1], model[1:-1])):
        return None
    if any(contradicts(a, model) for a in trained):
        return None
    shown = tuple(d if is_known(d) else None for d in model)
    given = tuple(d if is_known(d) else None for d in data)
    message = (f"The PIL image made on this line has mode {mode!r}, {data[-1]} "
               f"band{'s' if data[-1] > 1 else ''}: {x_name} given to model.{use.method}() at "
               f"line {use.line} is {given}, but the model's input is {shown}; Keras "
               f"raises ValueError. Convert it to the model's bands: .convert({wanted!r}) (or "
               f"build the model for {data[-1]} channels)")
    data = {"data_shape": list(given), "model_input": list(shown), "method": use.method,
            "image_mode": mode, "wanted_mode": wanted,
            "seen_at_line": int(use.line), "seen_at_col": int(use.col)}
    return Diagnostic(SHP109, at[1], at[2], message, data, use.path)
