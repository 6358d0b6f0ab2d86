"""frameworks/image_resize.py: the shapes keras.ops.image.resize gives data arrays, checked
against keras.ops.image.resize itself (Keras 3, torch backend), and the resize they remember."""
from __future__ import annotations

import pytest

from shapelint.domain.shapes import Shape
from shapelint.frameworks.arrays import ArrayValue
from shapelint.frameworks.image_resize import call

CASES = [((30, 40, 3), (12, 20), {}), ((2, 30, 40, 3), (7, 9), {}),
         ((3, 30, 40), (12, 20), {"data_format": "channels_first"}),
         ((2, 1, 30, 40), (5, 6), {"data_format": "channels_first"}),
         ((2, 30, 40, 3), (7, 9), {"data_format": "channels_last"}),
         ((1, 64, 48, 1), (48, 64), {"interpolation": "nearest"})]


class _Interp:
    def position(self, node):
        return ("m.py", 7, 4)


@pytest.mark.parametrize("shape, size, kwargs", CASES)
def test_resized_shape_is_keras(shape, size, kwargs):
    keras = pytest.importorskip("keras")
    import numpy as np
    real = keras.ops.convert_to_numpy(
        keras.ops.image.resize(np.zeros(shape, "float32"), size, **kwargs)).shape
    made = call(_Interp(), "keras.ops.image.resize", (ArrayValue(Shape(shape)), size), kwargs,
                object())
    assert tuple(made.dims) == tuple(real)
    assert made.sized_at.at == ("m.py", 7, 4) and made.sized_at.size == size
    h, w = made.sized_at.axes(len(real))
    assert (real[h], real[w]) == size


def test_what_it_does_not_read_is_unknown():
    array = ArrayValue(Shape((30, 40, 3)))
    for args, kwargs in [((array, (12,)), {}), ((array, "big"), {}),
                         ((array, (12, 20)), {"data_format": "nchw"})]:
        made = call(_Interp(), "keras.ops.image.resize", args, kwargs, object())
        assert not made.shape.known_rank
    assert call(None, "keras.ops.image.resize", ("img", (2, 2)), {}, None) is NotImplemented
    assert call(None, "keras.ops.convert_to_numpy", (array,), {}, None) is array


def test_a_batch_axis_added_keeps_the_resize():
    from shapelint.frameworks.arrays import expand_dims, stamp
    made = call(_Interp(), "keras.ops.image.resize", (ArrayValue(Shape((30, 40, 3))), (8, 9)),
                {}, object())
    batch = stamp(expand_dims(made, 0), _Interp(), object(), (made,))
    assert tuple(batch.dims) == (1, 8, 9, 3) and batch.sized_at is made.sized_at
    moved = stamp(ArrayValue(Shape((1, 3, 8, 9))), _Interp(), object(), (made,))
    assert moved.sized_at is None  # channels moved first: not the axes it wrote
