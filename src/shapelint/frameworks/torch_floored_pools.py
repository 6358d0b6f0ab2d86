"""A shortcut pooling that rounds a side down where the branch it meets rounds it up (issue 16):
a DLA tree's `nn.MaxPool2d(2, stride=2)` turns a width of 75 into 37, the strided 3x3
convolution of the residual branch into 38, and `out += residual` fails. The pooling's
ceil_mode=True gives 38 and the add runs: the finding moves to the pooling's constructor
(SHP107, two tensors that cannot be merged) and names the add where torch raises.

Facts only: the pooling has ceil_mode off and known window sizes; the note it leaves on its
output is kept only by layers whose output has the same shape (activations, normalisation,
1x1 projections that keep the grid); both operands' sizes are known, and on every axis where
they differ the noted one is the pooling's size and the other is what ceil_mode=True gives."""
from __future__ import annotations

from ..catalogue.torch.pool import pool_args, pool_out
from ..domain.codes import SHP107
from ..domain.dims import is_known

_POOLS = {f"{kind}Pool{n}d": n for kind in ("Max", "Avg") for n in (1, 2, 3)}


def after_layer(layer, source, out) -> None:
    """Note on a pooling's output the axes it rounds down (their size with ceil_mode=True);
    a layer whose output keeps its input's shape keeps the note of that input."""
    if layer.type_name in _POOLS:
        out.pool_floored = _floored(layer, source.shape, out.shape)
    elif source.pool_floored is not None and out.shape.known_rank and \
            source.shape.known_rank and tuple(out.shape.dims[2:]) == \
            tuple(source.shape.dims[2:]) and out.shape.rank == source.shape.rank:
        out.pool_floored = source.pool_floored


def _floored(layer, shape, out):
    """(layer, {axis: (floored, ceiled)}) for the axes ceil_mode=True would make one larger."""
    a = getattr(layer, "arguments", None) or {}
    n = _POOLS[layer.type_name]
    if a.get("ceil_mode", False) is not False or not getattr(layer, "line", 0) or \
            not (shape.known_rank and out.known_rank) or shape.rank != out.rank:
        return None
    try:
        kernel, strides, pads, dil = pool_args(n, a.get("kernel_size"), a.get("stride"),
                                               a.get("padding", 0), a.get("dilation", 1))
    except Exception:  # noqa: BLE001 - arguments not known: nothing noted
        return None
    axes = {}
    for i, (k, s, p, d) in enumerate(zip(kernel, strides, pads, dil)):
        axis = shape.rank - n + i
        if not is_known(shape[axis]) or not is_known(out[axis]):
            return None
        ceiled = pool_out(shape[axis], k, s, p, d, True)
        if is_known(ceiled) and ceiled == out[axis] + 1:
            axes[axis] = (out[axis], ceiled)
    return (layer, axes) if axes else None


def broadcast_fault(fault, tensors, fix_at) -> None:
    """Set fault.fix_at to the pooling whose rounding alone makes the operands differ."""
    if getattr(fault, "fix_at", None) is not None or len(tensors) != 2:
        return
    a, b = (t.shape for t in tensors)
    if not (a.known_rank and b.known_rank) or a.rank != b.rank or \
            not all(is_known(d) for d in (*a.dims, *b.dims)):
        return
    differ = [k for k in range(a.rank) if a[k] != b[k]]
    for mine, other in ((tensors[0], b), (tensors[1], a)):
        noted = mine.pool_floored
        if noted is None or not differ:
            continue
        layer, axes = noted
        if all(k in axes and axes[k] == (mine.shape[k], other[k]) for k in differ):
            where = ", ".join(f"dim {k} to {mine.shape[k]}" for k in differ)
            ceiled = ", ".join(f"{other[k]}" for k in differ)
            sentence = (f"The {layer.type_name} on this line rounds {where} (ceil_mode off); "
                        f"the tensor it meets, {other}, has {ceiled} there, which "
                        f"ceil_mode=True gives.")
            fault.fix_at = fix_at(layer.path, int(layer.line), int(layer.col), SHP107,
                                  sentence)
            return
