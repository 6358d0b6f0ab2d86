"""Shape rules of Tensor.repeat and torch.tile / Tensor.tile (torch docs: torch.Tensor.repeat,
torch.tile): each axis is multiplied by its count, the counts lined up from the last axis.

repeat takes at least one count per axis (more add leading axes, each of size 1 before it is
repeated); fewer is torch's RuntimeError. tile instead pads the counts with leading ones when
there are fewer of them than axes. A negative count is refused by torch; it is left unknown
here rather than worded, as is a count the analysis does not know the type of."""
from __future__ import annotations

from ..domain.codes import SHP103
from ..domain.dims import NotKnown, is_known
from ..domain.shapes import Shape
from . import LayerFault
from .torch_ops import op


def _counts(args) -> tuple:
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


def _multiplied(x: Shape, counts: tuple) -> Shape:
    if any(is_known(c) and (not isinstance(c, int) or isinstance(c, bool) or c < 0)
           for c in counts):
        raise NotKnown("a repeat count that is not a non-negative int")
    dims = (1,) * (len(counts) - x.rank) + tuple(x[:])
    return Shape(tuple(d * c for d, c in zip(dims, counts)))


@op("repeat")
def repeat(x: Shape, *repeats):
    """Tensor.repeat(*sizes): len(sizes) >= x.dim(), the result has len(sizes) axes."""
    counts = _counts(repeats)
    if not x.known_rank:
        raise NotKnown("repeat of a tensor of unknown rank")
    if len(counts) < x.rank:
        raise LayerFault(SHP103, "Number of dimensions of repeat dims can not be smaller than "
                         "number of dimensions of tensor", input_shape=x.to_json(),
                         repeats=len(counts))
    return _multiplied(x, counts)


@op("tile")
def tile(x: Shape, dims):
    """torch.tile(input, dims): fewer counts than axes are padded with leading ones."""
    counts = _counts((dims,))
    if not x.known_rank:
        raise NotKnown("tile of a tensor of unknown rank")
    return _multiplied(x, (1,) * (x.rank - len(counts)) + counts)
