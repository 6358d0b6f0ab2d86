"""The shape of `x[key]` for a torch tensor: basic and advanced indexing as torch does it.

torch (torch/csrc/autograd/python_variable_indexing.cpp `applySlicing`, then `at::index`)
first applies the integers (select: the dim goes away), slices and None, then the tensor
indices: their shapes broadcast together, and the result takes the place of the indexed dims
when those were adjacent, else goes first. Integers are not advanced indices here (NumPy's
rule differs: x[0, :, i] has i's dims last in torch, first in NumPy). A boolean mask picks a
number of elements only the data knows: one dim of unknown size.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..domain.codes import SHP103, SHP105, SHP106
from ..domain.dims import NotKnown, SymDim, Unknown, fmt, is_known, same
from ..domain.shapes import Shape
from . import LayerFault

INDEX_DTYPES = frozenset({"int64", "int32", "uint8", "bool"})  # what torch indexes with
_INTEGERS = frozenset({"int64", "int32", "int16", "int8"})  # 0-dim ones select like an int
_MASKS = frozenset({"bool", "uint8"})


@dataclass(frozen=True)
class IndexTensor:
    """A tensor used as an index: its shape, and its dtype when certain (None otherwise)."""
    shape: Shape
    dtype: str | None


_ADVANCED = object()  # a slot of the result the advanced indices fill


def index(shape: Shape, key) -> Shape:
    """The shape of a tensor of shape `shape` indexed by `key` (the subscript's value)."""
    if not shape.known_rank:
        raise NotKnown("indexing a tensor of unknown rank")
    keys = _as_tuple(key)
    rank = shape.rank
    if rank == 0 and not isinstance(key, (tuple, list)):
        _scalar_index(key)
    specified = sum(_consumes(k) for k in keys)
    if specified > rank:
        raise LayerFault(SHP103, f"too many indices for tensor of dimension {rank} "
                         f"(indexing {shape})", input_shape=shape.to_json())
    if sum(1 for k in keys if k is Ellipsis) > 1:
        raise NotKnown("an index with several ellipses")
    # The tensor after the basic indices (None, slices, ints), as torch builds it before the
    # tensor indices run: `basic`; the tensor indices with where their dims start in it.
    dims, basic, tensors, at = list(shape[:]), [], [], 0
    for position, k in enumerate(keys):
        if k is None:
            basic.append(1)
        elif k is Ellipsis:
            span = rank - specified
            basic.extend(dims[at:at + span])
            at += span
        elif isinstance(k, slice):
            basic.append(_sliced(dims[at], k))
            at += 1
        elif isinstance(k, IndexTensor) and (k.shape.rank or k.dtype not in _INTEGERS):
            taken = k.shape.rank if k.dtype in _MASKS else 1
            tensors.append((len(basic), k))
            basic.extend(dims[at:at + taken])
            at += taken
        else:  # an integer (or a 0-dim integer tensor): torch selects, the dim goes away
            _check_bound(k, dims[at], position)
            at += 1
    basic.extend(dims[at:])
    if not tensors:
        return Shape(tuple(basic))
    for _, k in tensors:
        _check_dtype(k)
    out, advanced, skip = [], [], set()
    for start, k in tensors:
        advanced.append(_tensor_index(k, basic, start))
        taken = k.shape.rank if k.dtype in _MASKS else 1
        skip.update(range(start + 1, start + taken))
    starts = {start for start, _ in tensors}
    out = [_ADVANCED if i in starts else d for i, d in enumerate(basic) if i not in skip]
    together = _broadcast_indices(advanced)
    slots = [i for i, d in enumerate(out) if d is _ADVANCED]
    if slots == list(range(slots[0], slots[0] + len(slots))):
        return Shape(tuple(out[:slots[0]]) + together + tuple(out[slots[-1] + 1:]))
    return Shape(together + tuple(d for d in out if d is not _ADVANCED))


def _scalar_index(key) -> None:
    """What torch says when a 0-dim tensor is indexed by one int or slice."""
    if isinstance(key, slice):
        raise LayerFault(SHP103, "slice() cannot be applied to a 0-dim tensor.")
    if isinstance(key, int) and not isinstance(key, bool):
        if key == 0:
            raise LayerFault(SHP103, "invalid index of a 0-dim tensor. Use `tensor.item()` in "
                             "Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor "
                             "to a number")
        raise LayerFault(SHP103, f"index {key} is out of bounds for dimension 0 with size 0")


def _as_tuple(key) -> tuple:
    """The key as torch reads it: a tuple; a list holding tensors, sequences, slices, None or
    Ellipsis is a tuple too (treatSequenceAsTuple), a list of numbers is one index tensor."""
    if isinstance(key, list):
        if len(key) < 32 and any(isinstance(k, (IndexTensor, list, tuple, slice)) or k is None
                                 or k is Ellipsis for k in key):
            key = tuple(key)
        else:
            key = _list_tensor(key)
    keys = tuple(_list_tensor(k) if isinstance(k, list) else k for k in
                 (key if isinstance(key, tuple) else (key,)))
    for k in keys:
        if isinstance(k, bool):  # x[True] adds a dim of size 1 through a tensor index
            raise NotKnown("indexing with a Python bool")
        if not (k is None or k is Ellipsis or isinstance(k, (slice, int, SymDim, IndexTensor))):
            raise NotKnown("an index shapelint cannot read")
    return keys


def _list_tensor(values: list) -> IndexTensor:
    """x[[0, 2]]: the list becomes an int64 (or bool) tensor of its nesting's shape."""
    dims, level = [], values
    while isinstance(level, list):
        dims.append(len(level))
        level = level[0] if level else None
    leaves = _flat(values)
    if leaves is None or not all(isinstance(v, (int, SymDim)) for v in leaves):
        raise NotKnown("a list index shapelint cannot read")
    dtype = "bool" if leaves and all(isinstance(v, bool) for v in leaves) else \
        "int64" if not any(isinstance(v, bool) for v in leaves) else None
    if dtype is None:
        raise NotKnown("a list index of bools and ints")
    return IndexTensor(Shape(tuple(dims)), dtype)


def _flat(values):
    """The numbers of a nested list that is a block (every level even); None otherwise."""
    if not isinstance(values, list):
        return [values]
    if any(isinstance(v, list) != isinstance(values[0], list) or
           (isinstance(v, list) and len(v) != len(values[0])) for v in values):
        return None
    out = []
    for v in values:
        inner = _flat(v)
        if inner is None:
            return None
        out.extend(inner)
    return out


def _consumes(k) -> int:
    """How many of the tensor's dims one index entry takes."""
    if k is None or k is Ellipsis:
        return 0
    if isinstance(k, IndexTensor):
        if k.dtype is None:
            raise NotKnown("an index tensor of unknown dtype (a mask or indices)")
        if not k.shape.known_rank:
            raise NotKnown("an index tensor of unknown rank")
        return k.shape.rank if k.dtype in _MASKS else 1
    return 1


def _sliced(d, k: slice):
    for part in (k.start, k.stop, k.step):
        if not (part is None or isinstance(part, int)):
            return Unknown("slice of unknown bounds")
    if k.step is not None and k.step <= 0:
        raise LayerFault(SHP105, "step must be greater than zero")
    if k == slice(None):
        return d
    if not is_known(d):
        return Unknown("slice of a symbolic size")
    return len(range(*k.indices(d)))


def _check_bound(k, d, position: int) -> None:
    """torch names the dim by the index entry's position in the subscript."""
    if isinstance(k, int) and is_known(d) and not -d <= k < d:
        raise LayerFault(SHP105, f"index {k} is out of bounds for dimension {position} with size "
                         f"{fmt(d)}")


def _check_dtype(k) -> None:
    if k.dtype in INDEX_DTYPES:
        return
    if k.dtype in _INTEGERS or k.dtype is None:
        raise NotKnown(f"an index tensor of dtype {k.dtype}")
    raise LayerFault(SHP105, "tensors used as indices must be long, int, byte or bool tensors "
                     f"(got {k.dtype})")


def _tensor_index(k: IndexTensor, basic: list, start: int) -> tuple:
    """The shape one tensor index contributes (before broadcasting with the others); basic is
    the tensor it indexes, from dim start on."""
    if k.dtype not in _MASKS:
        return tuple(k.shape[:])
    mask = k.shape[:]
    for i, (m, d) in enumerate(zip(mask, basic[start:])):
        if same(m, d) is False:
            raise LayerFault(SHP106, f"The shape of the mask [{', '.join(map(fmt, mask))}] at "
                             f"index {i} does not match the shape of the indexed tensor "
                             f"[{', '.join(map(fmt, basic))}] at index {start + i}")
    return (Unknown("the number of elements a mask picks"),)


def _broadcast_indices(shapes: list) -> tuple:
    from .torch_functional import broadcast
    try:
        return broadcast(*[Shape(s) for s in shapes])[:]
    except LayerFault:
        listed = ", ".join("[" + ", ".join(map(fmt, s)) + "]" for s in shapes)
        raise LayerFault(SHP106, "shape mismatch: indexing tensors could not be broadcast "
                         f"together with shapes {listed}") from None
