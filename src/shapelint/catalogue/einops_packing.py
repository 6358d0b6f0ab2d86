"""einops.pack and einops.unpack (einops/packing.py): the `*` axis of a pattern such as
"b * d" takes every dim between the named ones; pack flattens it in each tensor and
concatenates the tensors there (torch.cat's checks), unpack splits it again by the packed
shapes."""
from __future__ import annotations

from ..domain.codes import SHP103, SHP104
from ..domain.dims import NotKnown, SymDim, Unknown, is_known
from ..domain.shapes import Shape, product
from . import LayerFault
from .einops_patterns import pattern_error, valid_name
from .torch_functional import cat, sum_dims


def analyze(pattern, opname: str) -> tuple[int, int]:
    """(axes before `*`, axes after it), or einops' error."""
    if not isinstance(pattern, str):
        raise NotKnown("the pattern is not a known string")
    axes = pattern.split()
    if len(axes) != len(set(axes)):
        raise pattern_error(f'Duplicates in axes names in {opname}(..., "{pattern}")')
    if "*" not in axes:
        raise pattern_error(f'No *-axis in {opname}(..., "{pattern}")')
    for axis in axes:
        if axis != "*" and valid_name(axis):
            raise pattern_error(f'Invalid axis name {axis} in {opname}(..., "{pattern}")')
    before = axes.index("*")
    return before, len(axes) - before - 1


def pack(shapes: list, pattern) -> tuple[Shape, list]:
    """The packed tensor's shape and the packed shapes (PS) einops returns with it."""
    before, after = analyze(pattern, "pack")
    if not shapes:
        raise NotKnown("pack of no tensors")
    if any(not s.known_rank for s in shapes):
        raise NotKnown("pack of a tensor of unknown rank")
    flat, packed = [], []
    for i, shape in enumerate(shapes):
        dims = shape.dims
        if len(dims) < before + after:
            raise LayerFault(SHP103, f"packed tensor #{i} (enumeration starts with 0) has "
                             f"shape {shape}, while pattern {pattern} assumes at least "
                             f"{before + after} axes")
        end = len(dims) - after
        packed.append(tuple(dims[before:end]))
        flat.append(Shape(dims[:before] + (product(dims[before:end]),) + dims[end:]))
    try:
        out = cat(flat, before)
    except LayerFault as fault:
        raise LayerFault(fault.code, f"pack(..., \"{pattern}\"): the tensors do not "
                         f"concatenate: {fault.message}", **fault.data) from None
    return out, packed


def _known_sizes(packed_shapes) -> list:
    if not isinstance(packed_shapes, (list, tuple)):
        raise NotKnown("the packed shapes are not known")
    out = []
    for p in packed_shapes:
        if not isinstance(p, (list, tuple)) or not all(
                is_known(d) or isinstance(d, (SymDim, Unknown)) for d in p):
            raise NotKnown("the packed shapes are not known")
        out.append(tuple(p))
    return out


def unpack(shape: Shape, packed_shapes, pattern) -> list[Shape]:
    """The shapes of the tensors einops.unpack returns."""
    before, after = analyze(pattern, "unpack")
    if not shape.known_rank:
        raise NotKnown("unpack of a tensor of unknown rank")
    dims = shape.dims
    if len(dims) != before + 1 + after:
        raise LayerFault(SHP103, f"unpack(..., {pattern}) received input of wrong dim with "
                         f"shape {shape}")
    shapes = _known_sizes(packed_shapes)
    open_ = [i for i, p in enumerate(shapes) if any(is_known(d) and d == -1 for d in p)]
    if len(open_) > 1:
        raise pattern_error(f"unpack(..., {pattern}) received more than one -1 in "
                            f"{[tuple(p) for p in shapes]} and can't infer dimensions")
    total = dims[before]
    lengths = [product(p) for p in shapes]
    if not open_:
        whole = sum_dims(lengths)
        if is_known(whole) and is_known(total) and whole != total and \
                all(is_known(n) and n > 0 for n in lengths):
            raise LayerFault(SHP104, f'Error during unpack(..., "{pattern}"): could not split '
                             f"axis of size {total} into requested "
                             f"{[tuple(p) for p in shapes]}", size=total)
    else:
        at = open_[0]
        rest = total - sum_dims(n for i, n in enumerate(lengths) if i != at)
        part = product(d for d in shapes[at] if not (is_known(d) and d == -1))
        size = Unknown("unpack with -1")
        if is_known(rest) and is_known(part) and rest >= 0 and part > 0 and rest % part == 0:
            size = rest // part
        shapes[at] = tuple(size if is_known(d) and d == -1 else d for d in shapes[at])
    return [Shape(dims[:before] + p + dims[before + 1:]) for p in shapes]
