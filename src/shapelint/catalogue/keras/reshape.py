"""Keras 3 reshaping layers: Flatten, Reshape, Permute, RepeatVector, and the upsampling,
cropping and zero-padding layers. None has weights; shapes follow each layer's
compute_output_shape() in keras/src/layers/reshaping/ and compute_reshape_output_shape (Keras
3.15). Cross-checked against real Keras 3 (torch backend) in tests/test_keras_catalogue.py and
test_keras_catalogue_more.py.
"""
from __future__ import annotations

from ...domain.codes import SHP102, SHP104, SHP105
from ...domain.dims import NotKnown, Unknown, is_known
from ...domain.shapes import Shape, product
from .. import LayerFault, Rule, int_tuple, known_int, layer
from ._common import _data_format, _spatial_axes


@layer("keras", "Flatten")
def flatten(data_format=None, **kwargs):
    """(batch, d1, ..., dn) -> (batch, d1*...*dn); data_format only reorders the values."""
    _data_format(data_format)
    return Rule(output=lambda x: Shape((x[0], x.features())), min_ndim=1,
                tags=frozenset({"flattens"}))


@layer("keras", "Reshape")
def reshape(target_shape, **kwargs):
    """Target excludes the batch axis; one -1 is inferred (compute_reshape_output_shape)."""
    if is_known(target_shape):
        raise LayerFault(SHP105, f"Reshape: target_shape must be a tuple, got {target_shape}")
    if not isinstance(target_shape, (tuple, list)) or not all(is_known(d) for d in target_shape):
        raise NotKnown("target_shape is not known")
    target = tuple(target_shape)
    if any(d < -1 for d in target) or target.count(-1) > 1:
        raise LayerFault(SHP105, f"Reshape: target_shape {target} may hold non-negative sizes "
                         f"and at most one -1 (validate_reshape_shape)")

    def output(x):
        size = x.features()
        if -1 in target:
            rest = product(d for d in target if d != -1)
            if is_known(size):
                if rest == 0 or size % rest:
                    raise LayerFault(SHP104, f"Reshape{target} cannot hold {size} elements "
                                     f"from input {x}", input_shape=x.to_json(),
                                     target_shape=list(target))
                return Shape((x[0],) + tuple(size // rest if d == -1 else d for d in target))
            return Shape((x[0],) + tuple(Unknown("reshape") if d == -1 else d for d in target))
        if is_known(size) and size != product(target):
            raise LayerFault(SHP104, f"Reshape{target} holds {product(target)} elements but its "
                             f"input {x} has {size}", input_shape=x.to_json(),
                             target_shape=list(target))
        return Shape((x[0],) + target)
    return Rule(output=output, min_ndim=1, tags=frozenset({"flattens"}))


@layer("keras", "Permute")
def permute(dims, **kwargs):
    """dims are 1-based axes after the batch axis."""
    if not isinstance(dims, (tuple, list)) or not all(is_known(d) for d in dims):
        raise NotKnown("dims is not known")
    order = tuple(dims)
    if sorted(order) != list(range(1, len(order) + 1)):
        raise LayerFault(SHP105, f"Permute dims {order} are not a permutation of 1..{len(order)}")
    return Rule(output=lambda x: Shape((x[0],) + tuple(x[d] for d in order)),
                ndim=len(order) + 1)


@layer("keras", "RepeatVector")
def repeat_vector(n, **kwargs):
    n = known_int(n, "n")
    return Rule(output=lambda x: Shape((x[0], n, x[1])), ndim=2)


# -- resampling: upsampling, cropping, padding ------------------------------------------------

def _pairs(value, rank, what):
    """int, (a, b, ...) symmetric per axis, or ((a0, a1), ...) per side."""
    if is_known(value):
        return ((value, value),) * rank
    if isinstance(value, (tuple, list)) and len(value) == rank:
        out = []
        for v in value:
            if is_known(v):
                out.append((v, v))
            else:
                out.append(int_tuple(v, 2, what, allow_zero=True))
        return tuple(out)
    if rank == 1 and isinstance(value, (tuple, list)) and len(value) == 2:
        return (int_tuple(value, 2, what, allow_zero=True),)
    raise NotKnown(f"{what} is not known")


def _resample_entry(rank, kind, default):
    def entry(*args, **kwargs):
        names = ("size",) if kind == "up" else ("cropping",) if kind == "crop" else ("padding",)
        value = args[0] if args else kwargs.get(names[0], default)
        fmt = _data_format(args[1] if len(args) > 1 else kwargs.get("data_format"))
        if rank == 1:
            fmt = "channels_last"
        if kind == "up":
            sizes = int_tuple(value, rank, "size")
        else:
            pairs = _pairs(value, rank, names[0])

        def output(x):
            dims = list(x[:])
            for i, axis in enumerate(_spatial_axes(rank, fmt)):
                if kind == "up":
                    dims[axis] = dims[axis] * sizes[i]
                elif kind == "crop":
                    dims[axis] = dims[axis] - pairs[i][0] - pairs[i][1]
                    if is_known(dims[axis]) and dims[axis] <= 0:
                        raise LayerFault(SHP105, f"Cropping{rank}D{value} removes all of axis "
                                         f"{axis} of {x}", input_shape=x.to_json())
                else:
                    dims[axis] = dims[axis] + pairs[i][0] + pairs[i][1]
            return Shape(tuple(dims))
        return Rule(output=output, ndim=rank + 2, tags=frozenset({"spatial"}))
    return entry


for _rank in (1, 2, 3):
    layer("keras", f"UpSampling{_rank}D")(_resample_entry(_rank, "up", 2 if _rank == 1
                                                          else (2,) * _rank))
    layer("keras", f"Cropping{_rank}D")(_resample_entry(_rank, "crop", 0 if _rank == 2
                                                        else 1))
for _rank in (1, 3):
    layer("keras", f"ZeroPadding{_rank}D")(_resample_entry(_rank, "pad", 1))


@layer("keras", "ZeroPadding2D")
def zero_padding2d(padding=(1, 1), data_format=None, **kwargs):
    """padding: int, (sym_h, sym_w) or ((top, bottom), (left, right))."""
    if is_known(padding):
        pads = ((padding, padding), (padding, padding))
    elif isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise LayerFault(SHP105, f"ZeroPadding2D: padding should have two elements, got "
                             f"{tuple(padding)}")
        pads = tuple(int_tuple(p, 2, "padding", allow_zero=True) for p in padding)
    else:
        raise NotKnown("padding is not known")
    fmt = _data_format(data_format)

    def output(x):
        # a negative int padding crops (Keras does not check it) until a size would be negative
        dims = list(x[:])
        for axis, (a, b) in zip(_spatial_axes(2, fmt), pads):
            dims[axis] = dims[axis] + a + b
            if is_known(dims[axis]) and dims[axis] < 0:
                raise LayerFault(SHP102, f"ZeroPadding2D({padding!r}) makes axis {axis} of {x} "
                                 f"negative ({dims[axis]})", input_shape=x.to_json(),
                                 axis=axis, size=dims[axis])
        return Shape(tuple(dims))
    return Rule(output=output, ndim=4, tags=frozenset({"spatial"}))
