"""Which input sizes a flattening Linear's in_features was computed for (issue 16). A Linear
sized for 224px images (`nn.Linear(32 * 56 * 56, 128)`) that a script calls on 640px ones
fails at the Linear, but the fix is honestly either side: in_features for these inputs, or
inputs of the size the model was sized for. The finding stays on the Linear's constructor
(rules/checks.at_constructor) and its message says both: forward() runs once more with the
input's spatial sizes one symbol S (a square input; one axis for a sequence), the Linear's
input width as an expression of S is compared with in_features over 1..LIMIT, and the line
that writes the script's size is named (a module constant in the line that builds the input,
else that line). Only for an input the script gives, every size known: nothing assumed."""
from __future__ import annotations

import re

from ..domain.codes import SHP101
from ..domain.dims import Sym, SymDim, is_known
from ..domain.graph import sizes_made
from ..domain.shapes import Shape
from . import torch_size_fit as size_fit
from . import torch_size_splits as size_splits
from . import torch_size_written as size_written

_SIZE = Sym("S")


def explain(model, graph, shape: Shape) -> None:
    """Add to each failing Linear's fault the input sizes its in_features fits, and where the
    script's size is written (fault.note, read by rules/checks.fault_diagnostic)."""
    faults = [n for n in graph.applications if n.fault is not None and
              n.fault.code is SHP101 and n.type_name == "Linear" and n.input_shapes and
              not _unflattened_map(n)]
    given = size_fit.square_side(model, graph, shape) if faults else None
    if given is None:
        if faults:
            _non_square(model, graph, shape, faults)
        return
    log = size_fit.forward_log(model, Shape(tuple(shape.dims[:2]) + (_SIZE,) * (shape.rank - 2)))
    for node in faults:
        declared = (getattr(node.layer, "arguments", None) or {}).get("in_features")
        width = _width_for(log, node)
        if not isinstance(declared, int) or not isinstance(width, SymDim):
            continue
        fits = size_fit.fitting([width, declared], sizes_made(log))
        if fits is None or given in fits or not is_known(node.input_shapes[0][-1]):
            continue
        place = size_written.written(model, given) if fits else None
        node.fault.note = _sentence(model, shape, declared, node.input_shapes[0][-1], fits,
                                    place)
        node.fault.data.update(input_size=given, fitting_sizes=fits[:16])
        if place is not None:  # where the script's size is written (SARIF relatedLocation)
            node.fault.data.update(data_at_line=place[0], data_at_col=place[1])


def _non_square(model, graph, shape: Shape, faults: list) -> None:
    """The same for an input of another height than width (torch_size_splits): the map the
    Linear's input flattens, h x w per channel, gives in_features for some input sizes when
    the per-axis sizes it reaches multiply to in_features / channels; the note says so and
    names where the script writes the input's size."""
    given = size_splits.sides(model, graph, shape)
    if given is None:
        return
    log = None
    for node in faults:
        declared = (getattr(node.layer, "arguments", None) or {}).get("in_features")
        actual = node.input_shapes[0][-1]
        if not isinstance(declared, int) or not isinstance(actual, int):
            continue
        log = log if log is not None else size_fit.forward_log(
            model, size_splits.symbolic(shape))
        # the maps the layers applied before this Linear made, in the order forward() ran
        made = []
        for applied in log:
            if applied.layer is node.layer and applied.line == node.line:
                break
            made.append(applied.output_shape)
        x = size_splits.map_before(made, shape, actual)
        if x is None or not size_splits.reads(x, shape, _width_for(log, node)) or \
                not size_splits.splits(x, declared):
            continue
        place = size_written.written(model, given)
        where = f", its size {place[2]}" if place is not None else ""
        node.fault.note = (f"in_features={declared} fits inputs whose map before the flatten "
                           f"is {size_splits.sentence(x, shape, declared)}; the script "
                           f"gives {shape}{where}: make in_features {actual} for these "
                           f"inputs, or give the model inputs of such a size.")
        node.fault.data.update(input_size=list(given))
        if place is not None:
            node.fault.data.update(data_at_line=place[0], data_at_col=place[1])


def _unflattened_map(node) -> bool:
    """A conv's (N, C, *spatial) map reaching the Linear: in_features then fits the map's width,
    and no input size makes the model right; the fix is a flatten (rules/checks says so)."""
    x = node.input_shapes[0]
    return x.known_rank and x.rank >= 4 and bool(getattr(node, "channels_first", False))


def _width_for(log, node):
    """The input width the same Linear, applied on the same line, gets in the symbolic run."""
    for applied in log:
        if applied.layer is node.layer and applied.line == node.line and applied.input_shapes:
            x = applied.input_shapes[0]
            return x[-1] if x.known_rank else None
    return None


def _sentence(model, shape: Shape, declared: int, actual: int, fits: list, place) -> str:
    axes = "px" if shape.rank == 4 else "per axis" if shape.rank == 5 else "steps"
    if not fits:
        return (f"No input size from 1 to {size_fit.LIMIT} {axes} gives {declared} features "
                f"there: in_features is the value to change, to {actual} for the input the "
                f"script gives.")
    span = f"{fits[0]}" if len(fits) == 1 else f"{fits[0]} to {fits[-1]}" \
        if fits == list(range(fits[0], fits[-1] + 1)) else ", ".join(map(str, fits[:6]))
    where = _written(model, shape.dims[2]) or (
        f", its size {place[2]}" if place is not None else "")
    return (f"in_features={declared} fits inputs of {span} {axes}; the script gives "
            f"{shape}{where}: make in_features {actual} for these inputs, or give the model "
            f"inputs of {fits[0] if len(fits) == 1 else span} {axes}.")


_RESIZE = re.compile(r"(?<![\w])(Resize|CenterCrop|RandomResizedCrop|RandomCrop)\s*\(([^)]*)")


def _written(model, size: int) -> str:
    """' (built at line 25 with IMG_SIZE = 640, line 4)', where the input was built, or the
    one transform in the file that resizes to that size."""
    from . import torch_size_origins as origins
    state = model.interp.state
    built = state.observed_places.get(id(model.root))
    module = model.interp.modules.get(built[0] if built else model.path)
    lines = getattr(module, "lines", None) or []
    line = int(built[1]) if built and built[1] else 0
    if not 0 < line <= len(lines) or built[3] != "built":
        return _resized(lines, size, origins)
    text = lines[line - 1].split("#", 1)[0]
    names = sorted({n for n in re.findall(r"(?<![\w.])([A-Za-z_]\w*)\b", text)
                    if (origins.module_constant(lines, n) or (0, None))[1] == size})
    if len(names) == 1:
        bound = origins.module_constant(lines, names[0])[0]
        return f" (built at line {line} with {names[0]} = {size}, line {bound})"
    return f" (built at line {line})"


def _resized(lines: list, size: int, origins) -> str:
    """' (the transforms resize to 640 at line 7)' when exactly one resize or crop in the
    file names that size, as a number or a module constant of that value."""
    found = []
    for number, text in enumerate(lines, 1):
        for match in _RESIZE.finditer(text.split("#", 1)[0]):
            words = re.findall(r"(?<![\w.])\w+", match.group(2))
            if any(w == str(size) or (origins.module_constant(lines, w) or (0, None))[1] == size
                   for w in words):
                found.append((number, match.group(1)))
    if len(found) != 1:
        return ""
    return f" (transforms.{found[0][1]} to {size} at line {found[0][0]})"
