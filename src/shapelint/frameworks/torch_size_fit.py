"""Which input sizes a skip connection fits. A torch.cat of an encoder's map with the upsampled
decoder map (a U-Net) needs both the same size, which holds only for some input sizes (a
multiple of 2**depth when each level halves with floor division). When the script's input size
makes a cat fail, forward() runs once more with the spatial sizes symbolic and the cat's two
sizes, as expressions of the input size, are compared over 1..LIMIT: the fault then says which
sizes work. Where the input size is symbolic from the start, the same comparison gives SHP303."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..catalogue import LayerFault
from ..domain.codes import SHP303, Diagnostic
from ..domain.dims import Sym, SymDim, is_known, same
from ..domain.graph import runs_at, sizes_made
from ..domain.shapes import Shape
from . import torch_fix_origins as fix_origins

LIMIT = 2048  # input sizes tried, 1..LIMIT (as rules/checks.py tries for a Linear)
CATS = ("cat", "concat", "concatenate")
_DIFFER = re.compile(r"sizes differ in dim (\d+)")
# spatial symbols by input rank (N, C, *spatial): those a model's placeholder input uses
SPATIAL = {3: ("L",), 4: ("H", "W"), 5: ("D", "H", "W")}


@dataclass(frozen=True)
class CatCall:
    """One torch.cat met in forward(): where, its tensors' shapes, its dim."""
    path: str
    line: int
    col: int
    shapes: tuple
    dim: object


def record(interp, name: str, args, kwargs, node) -> None:
    """Log a torch.cat of known-rank tensors while a capture list is open."""
    log = getattr(interp.state, "cat_log", None)
    if log is None or name not in CATS or not args:
        return
    tensors = args[0]
    shapes = tuple(getattr(t, "shape", None) for t in tensors) if isinstance(
        tensors, (list, tuple)) else ()
    if len(shapes) < 2 or not all(isinstance(s, Shape) and s.known_rank for s in shapes) or \
            len({s.rank for s in shapes}) != 1:
        return
    path, line, col = interp.position(node) if node is not None else ("", 0, 0)
    log.append(CatCall(path, int(line), int(col), shapes,
                       args[1] if len(args) > 1 else kwargs.get("dim", 0)))


def fitting(dims, made=()) -> list[int] | None:
    """Sizes n in 1..LIMIT for which every dim (an expression of one symbol) is equal and
    every size in `made` (domain.graph.sizes_made: the maps the forward pass made) is at
    least one; None when the dims involve other symbols, or not exactly one."""
    names = set().union(*(d.symbols() for d in dims if isinstance(d, SymDim)))
    if len(names) != 1 or not all(is_known(d) or isinstance(d, SymDim) for d in dims):
        return None
    [name] = names
    fits = []
    for n in range(1, LIMIT + 1):
        try:
            values = {d if is_known(d) else d.evaluate({name: n}) for d in dims}
        except (ZeroDivisionError, KeyError):
            continue
        if len(values) == 1:
            fits.append(n)
    return [n for n in fits if runs_at(made, {name: n})]


def period(fits: list[int]) -> int | None:
    """The smallest k > 1 whose every multiple up to LIMIT fits (16 for a U-Net of depth 4)."""
    found = set(fits)
    for k in range(2, LIMIT // 4 + 1):
        if all(m in found for m in range(k, LIMIT + 1, k)):
            return k
    return None


def describe(fits: list[int], given: int | None = None) -> str:
    """'a multiple of 16 (..., or 695)', or the sizes that fit nearest the given one."""
    k = period(fits)
    others = [s for s in fits if (k is None or s % k) and s > (k or 0)]
    anchor = given if given is not None else 8 * (k or 1)
    near = sorted(others, key=lambda s: (abs(s - anchor), s))[:2]
    if k is None and len(fits) >= 3 and fits == list(range(fits[0], fits[-1] + 1)):
        return f"a size from {fits[0]} to {fits[-1]}, the sizes that fit"  # one unbroken run
    if k is None:
        return "one of the sizes that fit, e.g. " + " or ".join(map(str, sorted(near)))
    text = f"a multiple of {k}"
    if given is not None:
        multiples = [m for m in (given // k * k, (given // k + 1) * k) if m > 0]
        text += f" ({' or '.join(map(str, multiples))})"
    if near:
        text += f", or one of a few other sizes such as {' or '.join(map(str, sorted(near)))}"
    return text


def constraints(calls, log=()) -> dict:
    """symbol -> (sizes every cat met fits, the lines of the cats that constrain it): each
    cat's sizes off its own dim, compared as expressions of one input size, at sizes for which
    the layers of the same forward pass (its log) make no empty map."""
    out, made = {}, None
    for call in calls:
        rank = call.shapes[0].rank
        axis = call.dim % rank if isinstance(call.dim, int) and -rank <= call.dim < rank \
            else None
        if axis is None:
            continue
        for i in range(rank):
            dims = [s[i] for s in call.shapes]
            if i == axis or all(same(dims[0], d) is True for d in dims[1:]):
                continue
            made = made if made is not None else sizes_made(log)
            fits = fitting(dims, made)
            if fits is None or len(fits) == LIMIT:
                continue
            [name] = set().union(*(d.symbols() for d in dims if isinstance(d, SymDim)))
            sizes, lines = out.get(name, (set(range(1, LIMIT + 1)), []))
            out[name] = (sizes & set(fits), lines + [call])
    return {name: (sorted(sizes), lines) for name, (sizes, lines) in out.items()}


def explain(model, graph, shape: Shape) -> None:
    """A cat that fails on a spatial axis of the script's concrete input: say which input
    sizes along that axis every skip connection fits (the fault's message and data)."""
    faults = [n for n in graph.applications if n.fault is not None and n.type_name in CATS]
    symbols = SPATIAL.get(shape.rank) if shape.known_rank else None
    if not faults or not symbols or not all(is_known(d) for d in shape.dims):
        return
    symbolic = Shape(tuple(shape.dims[:2]) + tuple(Sym(s) for s in symbols))
    fit = constraints(*capture(model, symbolic))
    for node in faults:
        match = _DIFFER.search(node.fault.message)
        axis = int(match.group(1)) if match else None
        if axis is None or axis < 2 or axis - 2 >= len(symbols):
            continue
        fits, _ = fit.get(symbols[axis - 2], ([], []))
        given = shape.dims[axis]
        if not fits or given in fits:
            continue
        fault = node.fault
        message = (f"{fault.message}. The model is called on {shape}; its skip connections "
                   f"fit only inputs whose size in dim {axis} is {describe(fits, given)}: "
                   f"resize or pad the input, or change the model's pooling")
        node.fault = LayerFault(fault.code, message, **fault.data, input_size=given,
                                fitting_sizes=_summary(fits))
        sizes = [(i + 2, describe(f, shape.dims[i + 2])) for i, f in
                 ((i, fit.get(s, ([], []))[0]) for i, s in enumerate(symbols))
                 if f and shape.dims[i + 2] not in f]
        fix_origins.input_size(model, shape, node, sizes or [(axis, describe(fits, given))])


def _summary(fits):
    k = period(fits)
    return {"multiple_of": k} if k else {"sizes": fits[:16]}


def capture(model, shape: Shape) -> tuple:
    """The cats forward() meets on an input of this shape, and the log of its layers."""
    state = model.interp.state
    saved, state.cat_log = state.cat_log, []
    try:
        _, log, _, _ = model._forward(shape, None)
        return state.cat_log, log
    finally:
        state.cat_log = saved


def symbolic_constraints(calls, log=()) -> list[Diagnostic]:
    """SHP303: skip connections whose sizes are equal only for some values of a symbolic
    input size; one finding per size, at the first cat that constrains it."""
    out, said = [], {}
    for name, (fits, cats) in sorted(constraints(calls, log).items()):
        lines = sorted({c.line for c in cats})
        key = (tuple(fits), tuple(lines))
        if key in said:  # H and W constrained alike: one finding names both
            said[key].append(name)
            continue
        said[key] = [name]
        first = cats[0]
        out.append((key, first, fits, lines))
    diagnostics = []
    for key, first, fits, lines in out:
        names = " and ".join(said[key])
        where = f"line {lines[0]}" if len(lines) == 1 else \
            f"lines {', '.join(map(str, lines))}"
        text = describe(fits) if fits else f"no size from 1 to {LIMIT}"
        diagnostics.append(Diagnostic(
            SHP303, first.line, first.col,
            f"the torch.cat skip connections ({where}) fit only inputs with {names} {text}",
            {"symbols": said[key], "lines": lines, "fitting_sizes": _summary(fits) if fits
             else {"sizes": []}}, first.path))
    return diagnostics


_SPATIAL = re.compile(r"^(?:Lazy)?(?:Conv|ConvTranspose|MaxPool|AvgPool|LPPool)([123])d$")


def batched_input(graph, shape: Shape) -> bool:
    """The model's first layer reads the input as a batch: a Conv/pooling of spatial rank
    rank - 2 applied to it as given (not one unbatched sample, torch_unbatched)."""
    first = next((n for n in graph.applications if n.layer is not None), None)
    found = _SPATIAL.match(first.type_name) if first is not None else None
    return found is not None and bool(first.input_shapes) and \
        first.input_shapes[0].known_rank and \
        tuple(first.input_shapes[0].dims) == tuple(shape.dims) and \
        shape.rank == int(found.group(1)) + 2


def forward_log(model, shape: Shape) -> list:
    """The layer applications forward() makes on an input of this shape."""
    _, log, _, _ = model._forward(shape, None)
    return log


def square_side(model, graph, shape: Shape):
    """The side of the square input the script gives the model as a batch (N, C, S, S[, S]),
    every size known; None otherwise (then nothing about the input's size is said)."""
    if model.interp.state.observed_inputs.get(id(model.root)) is not shape or \
            not shape.known_rank or not 3 <= shape.rank <= 5 or \
            not all(is_known(d) for d in shape.dims[2:]) or len(set(shape.dims[2:])) != 1 or \
            not batched_input(graph, shape):
        return None
    return shape.dims[2]
