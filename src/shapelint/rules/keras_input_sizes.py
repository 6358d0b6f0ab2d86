"""Where a Keras U-Net's skip connection that fails for the script's input size is fixed (issue
16): the input size, on the line that writes it. A Concatenate of an encoder's map with the
upsampled decoder map needs both the same size, which holds only for some input sizes (a
multiple of 2**depth when each level halves with floor division). When a merge rejects its
inputs (SHP107), the model's graph is replayed with the input's spatial sizes symbolic, every
merge's sizes are compared as expressions of the input size (frameworks/torch_size_fit), and
the sizes that fit say what to write instead. Facts only: the fault stands as it is; it moves
only when the script's own size is among those that do not fit, a size that fits exists, and
a concrete replay at that size builds the whole model. The place is where the size is written
(keras_size_written): a module constant, the keras.Input line, or the call that gives the
function building the model its shape; the merge stays data["seen_at_line"]."""
from __future__ import annotations

from ..domain.codes import SHP107, Diagnostic
from ..domain.dims import Sym, is_known
from ..domain.shapes import Shape
from ..frameworks.torch_size_fit import LIMIT, describe, fitting, period
from .keras_channel_layout import channel_axis, described, offset, spatial, with_spatial
from .keras_size_written import written

_SPATIAL = {3: ("L",), 4: ("H", "W"), 5: ("D", "H", "W")}  # by input rank (N, *spatial, C)
# or (N, C, *spatial) when every image layer reads channels first (keras_channel_layout)


def at_input_size(graph, node, diagnostic: Diagnostic) -> Diagnostic:
    """SHP107 of a merge, placed where the input size it does not fit is written (see above)."""
    if diagnostic.code is not SHP107 or graph.apply is None or not _merges(node):
        return diagnostic
    source = _only_input(graph, node)
    if source is None:
        return diagnostic
    shape = source.output_shape
    symbols = _SPATIAL.get(shape.rank) if shape.known_rank else None
    axis = channel_axis(graph)
    if symbols is None or not all(is_known(d) for d in shape.dims[1:]) or axis is None:
        return diagnostic
    fits = _fitting_sizes(graph, source, symbols, axis)
    given = dict(zip(symbols, spatial(shape.dims, axis)))
    wrong = [s for s in symbols if s in fits and given[s] not in fits[s]]
    from .keras_branch_sizes import at_branch_layer, no_usable_size
    if no_usable_size(fits, wrong, given):  # the structure, not the input size, is the fix
        return at_branch_layer(node, diagnostic, _applied_at(node)) or diagnostic
    if not wrong or not all(fits[s] for s in wrong):
        return diagnostic
    fitted = tuple(_nearest(fits[s], given[s]) if s in wrong else given[s] for s in symbols)
    if not _builds(graph, source, fitted, axis):
        return diagnostic
    place = _origin(graph, source)
    # the sizes as the shape is written for one sample, channels included where they lead
    sample = tuple(shape.dims[1:])
    found = written(place, [symbols.index(s) + offset(axis) for s in wrong], sample) \
        if place is not None else None
    seen_line, seen_col = _applied_at(node)
    sizes = "; ".join(f"axis {symbols.index(s) + 1 + offset(axis)} is {given[s]}, make it "
                      f"{describe(fits[s], given[s])}" for s in wrong)
    input_size = tuple(given[s] for s in symbols)
    text = (f"{diagnostic.message}. The model's input is {input_size} (spatial sizes, "
            f"{described(axis)}); its skip connections fit only some input sizes: {sizes}")
    data = {**diagnostic.data, "input_size": list(input_size),
            "fitting_sizes": {s: _summary(fits[s]) for s in wrong},
            "fitted_input": list(fitted)}
    if found is None or found[0] != node.path or not found[1] or \
            int(found[1]) == int(seen_line):
        return Diagnostic(diagnostic.code, diagnostic.line, diagnostic.column,
                          text + " (resize or pad the input, or change the model's pooling)",
                          data, diagnostic.path)
    path, line, col, sentence = found
    message = (f"The input size written here does not fit the model's skip connections; at "
               f"line {seen_line}: {text}. {sentence}")
    data.update(seen_at_line=int(seen_line), seen_at_col=int(seen_col))
    return Diagnostic(diagnostic.code, line, col, message, data, diagnostic.path)


def _merges(node) -> bool:
    rule = getattr(node.layer, "rule", None)
    return rule is not None and "merge" in getattr(rule, "tags", ()) and len(node.inputs) >= 2


def _only_input(graph, node):
    """The one model input node's tensors come from, else None."""
    found, seen, todo = set(), set(), list(node.inputs)
    while todo:
        p = todo.pop()
        if id(p) in seen:
            continue
        seen.add(id(p))
        if p.is_input:
            found.add(p)
        todo.extend(p.inputs)
    return next(iter(found)) if len(found) == 1 and len(graph.inputs) == 1 else None


def _with_input(graph, source, shape):
    return graph.replay({c: (lambda shapes, c=c: [shape if i is source else s
                                                  for i, s in zip(c.inputs, shapes)])
                         for c in graph.nodes if source in c.inputs})


def _fitting_sizes(graph, source, symbols, axis) -> dict:
    """symbol -> the sizes in 1..LIMIT every merge fits, for each symbol a merge constrains."""
    dims = source.output_shape.dims
    symbolic = Shape(with_spatial(dims, axis, tuple(Sym(s) for s in symbols)))
    try:
        replayed = _with_input(graph, source, symbolic)
    except Exception:  # noqa: BLE001 - a what-if that cannot be derived says nothing
        return {}
    out: dict = {}
    for n in replayed.nodes:
        if not _merges(n) or not all(s.known_rank for s in n.input_shapes) or \
                len({s.rank for s in n.input_shapes}) != 1:
            continue
        rank = n.input_shapes[0].rank
        axis = (getattr(n.layer, "arguments", None) or {}).get("axis", -1) \
            if n.type_name == "Concatenate" else None
        axis = axis % rank if isinstance(axis, int) and -rank <= axis < rank else axis
        for i in range(1, rank):
            column = [s.dims[i] for s in n.input_shapes]
            if i == axis or all(is_known(d) for d in column):
                continue
            fits = fitting(column)
            names = set().union(*(d.symbols() for d in column if not is_known(d)))
            if fits is None or len(names) != 1:
                return {}  # a size that mixes axes: not one input size to name
            [name] = names
            out[name] = sorted(set(out.get(name, range(1, LIMIT + 1))) & set(fits))
    return out


def _nearest(fits: list, given: int) -> int:
    k = period(fits)
    if k is not None and given // k:
        return given // k * k
    return min(fits, key=lambda s: (abs(s - given), s))


def _builds(graph, source, sizes, axis) -> bool:
    """The model builds, every merge included, with the input at these spatial sizes."""
    dims = source.output_shape.dims
    try:
        replayed = _with_input(graph, source, Shape(with_spatial(dims, axis, sizes)))
    except Exception:  # noqa: BLE001
        return False
    return all(n.fault is None for n in replayed.nodes)


def _origin(graph, source):
    """The keras.Input node a model's input comes from (its call line, its source text)."""
    origin = source if graph.show_inputs else getattr(source, "input_origin", None)
    return origin if getattr(origin, "source_lines", None) else None


def _applied_at(n) -> tuple:
    at = n.__dict__.get("call_at")
    if at and at[0] == n.path and at[1]:
        return at[1], at[2]
    return n.line, n.col


def _summary(fits):
    k = period(fits)
    return {"multiple_of": k} if k else {"sizes": fits[:16]}
