"""Image resizes of data arrays, with the size written in the call: the array they give has
that height and width, and remembers the call (ArrayValue.sized_at), so a model that
contradicts those sizes names the resize as the data's side of the fix (rules/data_places.py),
not the np.expand_dims that adds the batch axis after it.

- keras.ops.image.resize(images, size, ..., data_format=None): size (height, width); images
  (H, W, C) or (N, H, W, C) channels_last, (C, H, W) / (N, C, H, W) channels_first; None
  reads the configured image data format, as the layers do (keras.io/api/ops/image/).
- keras.ops.convert_to_numpy of a data array is that array.

Any other argument (a size not written as two ints, an array of unknown rank, another
data_format) leaves the result unknown. tests/test_image_resize.py checks the shapes against
keras.ops.image.resize itself. (tf.image.resize and cv2.resize, whose dsize is (width,
height), are not read: neither library runs here to check them.)"""
from __future__ import annotations

from dataclasses import dataclass

from ..domain.dims import is_known
from ..domain.shapes import Shape
from .arrays import ArrayValue, unknown_array

NAMES = frozenset({"keras.ops.image.resize", "keras.ops.convert_to_numpy"})


@dataclass(frozen=True)
class Resized:
    """Where a resize wrote an image array's height and width, and the axes from the height
    on that it gave ((229, 229, 3) channels_last, (3, 229, 229) channels_first)."""
    at: tuple  # (path, line, col) of the call, lazy as the interpreter's positions are
    size: tuple  # (height, width)
    tail: tuple  # the output's dims from the height axis to the last
    first: int  # the height's axis within tail (1 for channels_first, else 0)

    def kept_by(self, array: ArrayValue) -> bool:
        """array keeps the resized axes: the same dims from the height axis on (a batch axis
        added in front, the channels flipped, a scalar applied)."""
        dims = array.dims if array.shape.known_rank else None
        n = len(self.tail)
        return dims is not None and len(dims) >= n and tuple(dims[-n:]) == self.tail

    def axes(self, rank: int) -> tuple:
        """The height and width axes in an array of `rank` that keeps them."""
        h = rank - len(self.tail) + self.first
        return h, h + 1


def _size(value):
    if isinstance(value, (tuple, list)) and len(value) == 2 and \
            all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in value):
        return tuple(value)
    return None


def call(interp, name: str, args, kwargs, node):
    """The resized array, or NotImplemented when the call is not one this module reads."""
    first = args[0] if args else kwargs.get("x", kwargs.get("images"))
    if not isinstance(first, ArrayValue):
        return NotImplemented
    if name == "keras.ops.convert_to_numpy":
        return first
    if not first.shape.known_rank or not all(is_known(d) for d in first.dims):
        return unknown_array(f"{name}() of an array of unknown shape")
    dims = tuple(first.dims)
    size = _size(args[1] if len(args) > 1 else kwargs.get("size"))
    data_format = kwargs.get("data_format")
    if data_format is None:  # keras.config.image_data_format(), as the layers read it
        from ..catalogue.keras import _common as keras_common
        data_format = keras_common.DEFAULT_DATA_FORMAT
    if size is None or len(dims) not in (3, 4) or \
            data_format not in ("channels_last", "channels_first"):
        return unknown_array(f"{name}() of a size or image it does not read")
    first_axis = 1 if data_format == "channels_first" else 0
    h = len(dims) - 3 + first_axis
    out = dims[:h] + size + dims[h + 2:]
    where = interp.position(node) if interp is not None and node is not None else None
    resized = ArrayValue(Shape(out), None, origin=first.origin, built_at=where)
    if where is not None:
        resized.sized_at = Resized(where, size, out[h - first_axis:], first_axis)
    return resized
