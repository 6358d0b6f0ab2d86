"""Which sizes of a non-square input give a flattened map the count a layer reads (issue 16).
A Linear or a view written for the map a 360x640 frame leaves (`nn.Linear(8 * 3 * 5, 32)`,
`x.view(-1, 48 * 6 * 27)`) fails on the 480x640 frames a script builds, and the fix is
honestly either side: the layer, or the size of the input. With one symbol for a square
input's side the sizes that fit are a range (torch_linear_fit, torch_size_written); with
another height than width they are pairs, so forward() runs with one symbol per spatial axis
(H, W; D, H, W), the map before the flatten is found among the statements' shapes, and each
of its spatial sizes, an expression of one symbol, is evaluated over 1..LIMIT. The input side
is said to be a fix only when some sizes give the count: the per-axis values must multiply to
it. Only for an input the script gives, every size known: nothing assumed."""
from __future__ import annotations

from ..domain.dims import Sym, SymDim, is_known
from ..domain.shapes import Shape
from . import torch_size_fit as size_fit


def sides(model, graph, shape: Shape) -> tuple | None:
    """The spatial sizes of the batch (N, C, H, W[, D]) the script gives the model when they
    are not all equal (torch_size_fit.square_side takes the square ones), every size known;
    None otherwise."""
    if model.interp.state.observed_inputs.get(id(model.root)) is not shape or \
            not shape.known_rank or shape.rank not in (4, 5) or \
            not all(is_known(d) for d in shape.dims[2:]) or len(set(shape.dims[2:])) == 1 or \
            not size_fit.batched_input(graph, shape):
        return None
    return tuple(shape.dims[2:])


def symbolic(shape: Shape) -> Shape:
    """The input with one symbol per spatial axis (torch_size_fit.SPATIAL's names)."""
    return Shape(tuple(shape.dims[:2]) + tuple(Sym(s) for s in size_fit.SPATIAL[shape.rank]))


def env(shape: Shape) -> dict:
    """{symbol: the script's size} for the input's spatial axes."""
    return dict(zip(size_fit.SPATIAL[shape.rank], shape.dims[2:]))


def statements_before(lines: dict, path: str, line: int) -> list:
    """The shapes of forward()'s statements above `line` in its symbolic run, in file order."""
    return [v for _, v in sorted((k[1], v) for k, v in lines.items()
                                 if k[0] == path and k[1] < line)]


def map_before(shapes: list, shape: Shape, count: int):
    """The last of `shapes` (in the order forward() made them) that is a map (N, C, *spatial),
    each spatial size an expression of one symbol of its own, with `count` values per sample
    at the script's sizes: what a flatten after them may read (reads() says whether it does)."""
    at = env(shape)
    for x in reversed(shapes):
        if not isinstance(x, Shape) or not x.known_rank or x.rank != shape.rank or \
                x.dims[0] != shape.dims[0]:
            continue
        spatial = x.dims[2:]
        own = [d.symbols() if isinstance(d, SymDim) else frozenset() for d in spatial]
        if not is_known(x.dims[1]) or any(len(s) != 1 for s in own) or \
                len(frozenset().union(*own)) != len(own):
            continue
        values = _at(x.dims[1:], at)
        if values is not None and _product(values) == count:
            return x
    return None


def reads(x: Shape, shape: Shape, other, rows: int = 1, per: int = 1) -> bool:
    """Whether `other`, an expression of the spatial symbols (a Linear's input width, the rows
    a view(-1, per) infers), is rows * (the values per sample of map x) // per at the
    script's sizes and at two other sizes of each axis: the flatten reads that map, not one
    that happens to hold as many values at the script's size."""
    if not isinstance(other, SymDim):
        return False
    base = env(shape)
    for at in (base, {k: v + 7 for k, v in base.items()}, {k: 2 * v for k, v in base.items()}):
        values = _at(x.dims[1:], at)
        try:
            if values is None or other.evaluate(at) != rows * _product(values) // per:
                return False
        except (ZeroDivisionError, KeyError, AttributeError):
            return False
    return True


def splits(x: Shape, per: int) -> list | None:
    """The spatial sizes (one tuple per split) of map x that give `per` values per sample for
    some input sizes in 1..LIMIT; None when the map is not one map_before accepts."""
    channels = x.dims[1]
    if not isinstance(channels, int) or channels <= 0 or per % channels:
        return [] if isinstance(channels, int) and channels > 0 else None
    reach = []
    for d in x.dims[2:]:
        [name] = d.symbols()
        reach.append(_values(d, name))
    out: list = []
    _combine(reach, per // channels, (), out)
    return out


def sentence(x: Shape, shape: Shape, per: int) -> str:
    """'48 x h x w with h x w = 162 (48 x 9 x 47 at the script's size)'."""
    names = ("h", "w") if shape.rank == 4 else ("d", "h", "w")
    here = " x ".join(str(v) for v in _at(x.dims[1:], env(shape)))
    return (f"{x.dims[1]} x {' x '.join(names)} with {' x '.join(names)} = "
            f"{per // x.dims[1]} ({here} at the script's size)")


def _values(d, name: str) -> set:
    out = set()
    for n in range(1, size_fit.LIMIT + 1):
        try:
            v = d.evaluate({name: n})
        except (ZeroDivisionError, KeyError):
            continue
        if v >= 1:
            out.add(v)
    return out


def _combine(reach: list, target: int, chosen: tuple, out: list) -> None:
    if not reach:
        if target == 1:
            out.append(chosen)
        return
    for v in sorted(reach[0]):
        if v > target:
            break
        if target % v == 0:
            _combine(reach[1:], target // v, chosen + (v,), out)


def _at(dims, at: dict):
    try:
        return tuple(d if is_known(d) else d.evaluate(at) for d in dims)
    except (ZeroDivisionError, KeyError, AttributeError):
        return None


def _product(values) -> int:
    total = 1
    for v in values:
        total *= v
    return total
