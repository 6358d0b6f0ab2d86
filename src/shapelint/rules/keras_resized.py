"""The data side of a Keras input-size fault when a resize wrote the sizes the model
contradicts (issue 16): `img = keras.ops.image.resize(upload, (224, 224))` then
`model.predict(np.expand_dims(img, 0))` for a model built for 150x150 images. The statement
that made the array given to predict only added the batch axis; the height and width the
model refuses were written by the resize, whose size is where a fix on the data's side goes
(frameworks/image_resize.py records it). Named only when every size that differs from the
model's input is the resized height or width, and the array kept both."""
from __future__ import annotations

from ..domain.dims import is_known
from .moved import moved_to_data


def resized_place(array, ref):
    """((path, line, col) of the resize, (height, width) the model takes), or None."""
    resized = getattr(array, "sized_at", None)
    if resized is None or ref is None or not ref.known_rank or not array.shape.known_rank or \
            not resized.kept_by(array) or len(array.dims) != len(ref.dims):
        return None
    dims, wanted = tuple(array.dims), tuple(ref.dims)
    h, w = resized.axes(len(dims))
    differ = [i for i in range(1, len(dims)) if is_known(dims[i]) and is_known(wanted[i])
              and dims[i] != wanted[i]]
    if not differ or any(i not in (h, w) for i in differ) or \
            not (is_known(wanted[h]) and is_known(wanted[w])):
        return None
    return resized.at, (wanted[h], wanted[w])


def sentence(array, ref) -> str | None:
    """The other side to name, formatted with {line} by data_places.naming_data."""
    found = resized_place(array, ref)
    if found is None:
        return None
    size = array.sized_at.size
    return (f"The images are resized to height {size[0]} and width {size[1]} at line {{line}}: "
            f"change either the model's input on this line or that resize to height "
            f"{found[1][0]} and width {found[1][1]} there")


_PREDICTS = ("predict", "predict_on_batch")


def at_resize(found, use, array, ref):
    """The finding placed on the resize, when the resized images go to predict(): a resize
    written before inference exists to give the model the size it takes, so the size it writes,
    not the model, is what contradicts (the model's input is named as the other side). A
    resize of training data (fit, evaluate) is a design choice like the model's own input,
    and stays named from the model's side. Only a size written on the resize itself as
    numbers: one passed in by a caller is written elsewhere. None otherwise."""
    resized = resized_place(array, ref)
    module = getattr(use, "module", None)
    if found is None or resized is None or use.method not in _PREDICTS or module is None:
        return None
    path, line, col = resized[0][0], int(resized[0][1]), int(resized[0][2])
    if path != use.path or path != found.path or line in (int(found.line), int(use.line)) or \
            not _numbers_written(module.lines, line, col):
        return None
    size = array.sized_at.size
    (height, width) = resized[1]
    message = found.message.split(". The images are resized to")[0]
    message = (f"{message.rstrip('.')}. The images are resized to height {size[0]} and width "
               f"{size[1]} on this line, before predict(), while the model (line {found.line}) "
               f"takes height {height} and width {width}: resize to ({height}, {width}) here")
    return moved_to_data(found, line, col, message, model_at_line=int(found.line))


def _numbers_written(lines, line: int, col: int) -> bool:
    """The resize call at (line, col) writes its size as a tuple or list of integers."""
    import libcst as cst

    from ..frameworks.source_text import argument, call_at
    if not 0 < line <= len(lines):
        return False
    call = call_at(lines, line, col)
    size = argument(call, "size", 1) if call is not None else None
    return isinstance(size, (cst.Tuple, cst.List)) and size.elements and all(
        isinstance(e.value, cst.Integer) for e in size.elements)
