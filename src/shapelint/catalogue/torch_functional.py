"""Shape rules of torch tensor operations (torch.*, torch.nn.functional.*, Tensor methods).

Each op takes the input Shape(s) and the call's other arguments and returns the output
Shape (or a tuple of Shapes). Faults raise LayerFault; unknowable results raise NotKnown.
Rules follow the "Shape" sections of the torch docs for each op.
"""
from __future__ import annotations

from ..domain.codes import SHP103, SHP104, SHP105, SHP106, SHP107
from ..domain.dims import NotKnown, SymDim, Unknown, fmt, is_known, same
from ..domain.shapes import Shape, product
from . import LayerFault, flag, int_tuple
from .torch.pool import pool_args, _pool_rule
from .torch_ops import ELEMENTWISE, OPS, broadcast, op  # noqa: F401 - ELEMENTWISE: callers


def _axis(d, rank: int, what="dim") -> int:
    """A dim argument as an index; a scalar takes dim 0 or -1, as in torch's maybe_wrap_dim."""
    if not is_known(d) or not isinstance(d, int):
        raise NotKnown(f"{what} is not known")
    span = max(rank, 1)
    if not -span <= d < span:
        raise LayerFault(SHP105, f"{what}={d} is out of range for a rank-{rank} tensor: "
                         f"Dimension out of range (expected to be in range of [{-span}, "
                         f"{span - 1}], but got {d})")
    return d % rank if rank else 0


@op("flatten")
def flatten(x: Shape, start_dim=0, end_dim=-1):
    rank = x.rank
    a, b = _axis(start_dim, rank, "start_dim"), _axis(end_dim, rank, "end_dim")
    if rank == 0:
        return Shape((1,))
    return Shape(x[:a] + (product(x[a:b + 1]),) + x[b + 1:])


def _shape_arg(args):
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


@op("view", "reshape")
def reshape(x: Shape, *shape):
    target = _shape_arg(shape)
    if any(isinstance(d, Unknown) for d in target):
        raise NotKnown("a target size is not known")
    if sum(1 for d in target if is_known(d) and d == -1) > 1:
        raise LayerFault(SHP104, f"view/reshape{target}: only one dimension can be -1")
    total = product(x[:])
    if not any(is_known(d) and d == -1 for d in target):
        if is_known(total) and is_known(product(target)) and total != product(target):
            raise LayerFault(SHP104, f"shape {tuple(target)} is invalid for input of size "
                             f"{total} (input {x})", input_shape=x.to_json())
        return Shape(target)
    return Shape(tuple(_infer(x[:], target) if is_known(d) and d == -1 else d for d in target))


def _infer(dims, target):
    """The size of the -1 in a view: what remains of the input after cancelling equal factors."""
    rest = [d for d in dims]
    known = [d for d in target if not (is_known(d) and d == -1)]
    for d in list(known):
        if isinstance(d, SymDim) and d in rest:
            rest.remove(d)
            known.remove(d)
    size, divisor = product(rest), product(known)
    if is_known(size) and is_known(divisor):
        if divisor == 0 or size % divisor:
            raise LayerFault(SHP104, f"shape {tuple(target)} is invalid for input of size "
                             f"{size}", input_shape=list(dims))
        return size // divisor
    if divisor == 1:
        return size
    return size // divisor if is_known(divisor) else Unknown("view size")


@op("permute")
def permute(x: Shape, *dims):
    order = _shape_arg(dims)
    rank = x.rank
    if len(order) != rank:
        raise LayerFault(SHP105, f"permute{order} does not match a rank-{rank} tensor {x}")
    return Shape(tuple(x[_axis(d, rank)] for d in order))


@op("transpose", "swapaxes")
def transpose(x: Shape, dim0, dim1):
    rank = x.rank
    a, b = _axis(dim0, rank), _axis(dim1, rank)
    if rank == 0:
        return x
    dims = list(x[:])
    dims[a], dims[b] = dims[b], dims[a]
    return Shape(tuple(dims))


@op("t")
def t(x: Shape):
    if x.rank > 2:
        raise LayerFault(SHP103, f"t() expects a tensor with <= 2 dimensions, but self is "
                         f"{x.rank}D", input_shape=x.to_json())
    return transpose(x, 0, 1) if x.rank == 2 else x


@op("squeeze")
def squeeze(x: Shape, dim=None):
    if dim is None:
        if not all(is_known(d) for d in x[:]):
            raise NotKnown("squeeze() of symbolic sizes")
        return Shape(tuple(d for d in x[:] if d != 1))
    axes = dim if isinstance(dim, (tuple, list)) else (dim,)
    axes = {_axis(a, x.rank) for a in axes}
    out = []
    for i, d in enumerate(x[:]):
        if i in axes:
            if not is_known(d):
                raise NotKnown("squeeze() of a symbolic size")
            if d == 1:
                continue
        out.append(d)
    return Shape(tuple(out))


@op("unsqueeze")
def unsqueeze(x: Shape, dim):
    rank = x.rank + 1
    a = _axis(dim, rank)
    dims = list(x[:])
    dims.insert(a, 1)
    return Shape(tuple(dims))


def _reduce(x: Shape, dim=None, keepdim=False, _empty="all", **_):
    """A reduction over dim; over every dim when dim is None, and when it is empty as
    sum(dim=[]) does (_empty: "none" for all/any, which then reduce nothing)."""
    axes = dim if isinstance(dim, (tuple, list)) else (dim,)
    if not axes and _empty == "none":
        return x
    if not axes and _empty == "unknown":
        raise NotKnown("a reduction over an empty dim list")
    if dim is None or not axes:
        axes = set(range(x.rank))
    else:
        axes = {_axis(a, x.rank) for a in axes}
    keepdim = flag(keepdim, "keepdim")
    if keepdim:
        return Shape(tuple(1 if i in axes else d for i, d in enumerate(x[:])))
    return Shape(tuple(d for i, d in enumerate(x[:]) if i not in axes))


for _name in ("mean", "sum", "amax", "amin", "prod", "std", "var", "norm_dim", "nansum",
              "nanmean", "count_nonzero"):
    OPS[_name] = _reduce
OPS["all"] = OPS["any"] = lambda x, dim=None, keepdim=False: _reduce(x, dim, keepdim, "none")
OPS["logsumexp"] = lambda x, dim, keepdim=False: _reduce(x, dim, keepdim, "unknown")


@op("max", "min")
def max_min(x: Shape, dim=None, keepdim=False):
    if isinstance(dim, Shape):
        return broadcast(x, dim)
    out = _reduce(x, dim, keepdim)
    return out if dim is None else (out, out)


@op("pairwise_distance")
def pairwise_distance(x1: Shape, x2: Shape, p=2.0, eps=1e-06, keepdim=False):
    """F.pairwise_distance: the p-norm of x1 - x2 over the last axis of their broadcast shape
    (kept as 1 with keepdim); two 0-d tensors give a 0-d one."""
    both = broadcast(x1, x2)
    return both if both.rank == 0 else _reduce(both, -1, keepdim)


@op("argmax", "argmin")
def argmax(x: Shape, dim=None, keepdim=False):
    return _reduce(x, dim, keepdim)


@op("cat", "concat", "concatenate")
def cat(shapes, dim=0):
    shapes = list(shapes)
    rank = shapes[0].rank
    axis = _axis(dim, rank)
    for s in shapes[1:]:
        if s.rank != rank:
            raise LayerFault(SHP107, f"torch.cat: tensors of ranks {rank} and {s.rank}")
        for i in range(rank):
            if i != axis and same(s[i], shapes[0][i]) is False:
                raise LayerFault(SHP107, f"torch.cat along dim {dim}: sizes differ in dim {i} "
                                 f"({shapes[0]} vs {s})",
                                 shapes=[t.to_json() for t in shapes])
    return Shape(tuple(sum_dims([s[axis] for s in shapes]) if i == axis else shapes[0][i]
                       for i in range(rank)))


def sum_dims(dims):
    total = 0
    for d in dims:
        total = total + d
    return total


@op("stack")
def stack(shapes, dim=0):
    shapes = list(shapes)
    out = unsqueeze(shapes[0], dim)
    for s in shapes[1:]:
        pairs = zip(s[:], shapes[0][:])
        if s.rank != shapes[0].rank or any(same(a, b) is False for a, b in pairs):
            raise LayerFault(SHP106, f"torch.stack: shapes differ ({shapes[0]} vs {s})")
    return out.replace(_axis(dim, out.rank), len(shapes))


@op("chunk")
def chunk(x: Shape, chunks, dim=0):
    axis = _axis(dim, x.rank)
    n = x[axis]
    if not (is_known(n) and is_known(chunks)):
        raise NotKnown("chunk of a symbolic size")
    step = -(-n // chunks)
    sizes = [min(step, n - i) for i in range(0, n, step)]
    return tuple(x.replace(axis, s) for s in sizes)


@op("unbind")
def unbind(x: Shape, dim=0):
    """One tensor per index along dim, each without that dim (a tuple as long as the dim)."""
    axis = _axis(dim, x.rank)
    n = x[axis]
    if not is_known(n):
        raise NotKnown("unbind along a symbolic size")
    dims = x[:axis] + x[axis + 1:]
    return tuple(Shape(dims) for _ in range(n))


@op("split")
def split(x: Shape, split_size_or_sections, dim=0):
    axis = _axis(dim, x.rank)
    n = x[axis]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = list(split_size_or_sections)
    else:
        if not (is_known(n) and is_known(split_size_or_sections)):
            raise NotKnown("split of a symbolic size")
        step = split_size_or_sections
        sizes = [min(step, n - i) for i in range(0, n, step)]
    return tuple(x.replace(axis, s) for s in sizes)


@op("expand")
def expand(x: Shape, *sizes):
    """Tensor.expand: one size per axis of the result, new leading axes first; -1 keeps an axis
    of x, and any other size needs x's to be it or 1 (torch 2.13's checks and messages)."""
    target = _shape_arg(sizes)
    offset = len(target) - x.rank
    if offset < 0:
        raise LayerFault(SHP103, f"expand({x}, size={list(target)}): the number of sizes "
                         f"provided ({len(target)}) must be greater or equal to the number of "
                         f"dimensions in the tensor ({x.rank})", input_shape=x.to_json())
    out = []
    for i in reversed(range(len(target))):  # torch checks from the last axis back
        d = target[i]
        if is_known(d) and d < -1:
            raise NotKnown(f"expand to a negative size ({d})")
        if i < offset:
            if is_known(d) and d == -1:
                raise LayerFault(SHP105, f"The expanded size of the tensor (-1) isn't allowed "
                                 f"in a leading, non-existing dimension {i}")
            out.append(d)
            continue
        have = x[i - offset]
        if is_known(d) and d == -1:
            out.append(have)
            continue
        if same(have, d) is False and same(have, 1) is False:
            raise LayerFault(SHP106, f"The expanded size of the tensor ({fmt(d)}) must match "
                             f"the existing size ({fmt(have)}) at non-singleton dimension {i}.  "
                             f"Target sizes: [{', '.join(map(fmt, target))}].  Tensor sizes: "
                             f"[{', '.join(map(fmt, x[:]))}]",
                             input_shape=x.to_json(), target=[fmt(t) for t in target])
        out.append(d)
    return Shape(tuple(reversed(out)))


@op("expand_as")
def expand_as(x: Shape, other: Shape):
    """Tensor.expand_as(other) is x.expand(other.size())."""
    return expand(x, tuple(other[:]))


@op("view_as", "reshape_as")
def view_as(x: Shape, other: Shape):
    """Tensor.view_as(other) is x.view(other.size()); reshape_as, x.reshape(other.size())."""
    return reshape(x, tuple(other[:]))


def _max_pool(x: Shape, rank: int, kernel_size, stride=None, padding=0, dilation=1,
              ceil_mode=False, return_indices=False):
    """F.max_pool{n}d: the nn.MaxPool{n}d rule (padding at most half the kernel, an output
    of size 0 is refused, ceil_mode)."""
    k, s, p, d = pool_args(rank, kernel_size, None if stride == [] else stride, padding,
                           dilation)
    out = _pool_rule(rank, f"max_pool{rank}d", k, s, p, d, flag(ceil_mode, "ceil_mode")).output(x)
    return (out, out) if flag(return_indices, "return_indices") else out


def _avg_pool(x: Shape, rank: int, kernel_size, stride=None, padding=0, ceil_mode=False,
              *_, **__):
    """F.avg_pool{n}d (its fourth argument is ceil_mode: avg pooling has no dilation)."""
    k, s, p, d = pool_args(rank, kernel_size, None if stride == [] else stride, padding, 1)
    return _pool_rule(rank, f"avg_pool{rank}d", k, s, p, d, flag(ceil_mode, "ceil_mode"),
                      rank == 3).output(x)


for _r in (1, 2, 3):
    OPS[f"max_pool{_r}d"] = (lambda r: lambda x, *a, **k: _max_pool(x, r, *a, **k))(_r)
    OPS[f"avg_pool{_r}d"] = (lambda r: lambda x, *a, **k: _avg_pool(x, r, *a, **k))(_r)

    def _adaptive(x, output_size, r=_r, **_):
        size = int_tuple(output_size, r, "output_size") if output_size is not None else None
        if size is None:
            raise NotKnown("adaptive pooling without an output size")
        return Shape(x[:-r] + size)
    OPS[f"adaptive_avg_pool{_r}d"] = _adaptive
    OPS[f"adaptive_max_pool{_r}d"] = _adaptive


@op("interpolate", "upsample")
def interpolate(x: Shape, size=None, scale_factor=None, mode="nearest", align_corners=None,
                **_):
    spatial = x.rank - 2
    if size is not None:
        return Shape(x[:2] + int_tuple(size, spatial, "size"))
    if scale_factor is None:
        raise NotKnown("interpolate without size or scale_factor")
    factors = scale_factor if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * spatial
    out = []
    for d, f in zip(x[2:], factors):
        if isinstance(f, int):
            out.append(d * f)
        elif is_known(d) and isinstance(f, float):
            out.append(int(d * f))
        else:
            raise NotKnown("interpolate by a non-integer factor of a symbolic size")
    return Shape(x[:2] + tuple(out))


@op("pad")
def pad(x: Shape, pad, mode="constant", value=None):
    if not isinstance(pad, (tuple, list)) or len(pad) % 2:
        raise NotKnown("pad widths are not known")
    dims = list(x[:])
    for i in range(len(pad) // 2):
        dims[-1 - i] = dims[-1 - i] + pad[2 * i] + pad[2 * i + 1]
    return Shape(tuple(dims))


@op("linear")
def linear(x: Shape, weight: Shape, bias=None):
    if same(x[-1], weight[-1]) is False:
        raise LayerFault(SHP106, f"linear: input {x} and weight {weight} cannot be multiplied")
    return x.with_last(weight[0])


@op("embedding")
def embedding(x: Shape, weight: Shape, *args, **kwargs):
    return Shape(x[:] + (weight[-1],))


@op("one_hot")
def one_hot(x: Shape, num_classes=-1):
    if not is_known(num_classes) or num_classes < 0:
        raise NotKnown("one_hot without num_classes")
    return Shape(x[:] + (num_classes,))


@op("pixel_shuffle")
def pixel_shuffle(x: Shape, upscale_factor):
    r = upscale_factor
    return Shape(x[:-3] + (x[-3] // (r * r), x[-2] * r, x[-1] * r))


@op("glu")
def glu(x: Shape, dim=-1):
    axis = _axis(dim, x.rank)
    return x.replace(axis, x[axis] // 2)
