"""The data side of a Keras input-size fault when a resize wrote the sizes the model
contradicts (issue 16): `img = keras.ops.image.resize(upload, (224, 224))` then
`model.predict(np.expand_dims(img, 0))` for a model built for 150x150 images. The statement
that made the array given to predict only added the batch axis; the height and width the
model refuses were written by the resize, whose size is where a fix on the data's side goes
(frameworks/image_resize.py records it). Named only when every size that differs from the
model's input is the resized height or width, and the array kept both."""
from __future__ import annotations

from ..domain.dims import is_known


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
