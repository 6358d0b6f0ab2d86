"""Where the script writes the size of the input it gives a model (issue 16). A layer whose
failure depends on the spatial input size (a flattening Linear, a view of the map, a pooling
window larger than the map) is fixed honestly either side: the model, or the size the script
gives. The finding stays on the model's line and names the other place: the statement that
wrote the input's trailing sizes (TorchTensor.sizes_at, torch_provenance: a factory given its
sizes, `torch.rand(3, 640, 640)`, or the Resize/CenterCrop of a Compose whose images the
loader batches), or, when that call reads the size from one module-level constant bound once
(`IMG_SIZE = 96`, `load_size, input_size = 146, 128`, `input_shape = (3, 21, 21)` given as
`*input_shape`), the constant's line. JSON data["data_at_line"] / ["data_at_col"], SARIF's
relatedLocation (rules/data_places.py). Read from the source text: only what the file writes."""
from __future__ import annotations

import libcst as cst

from ..domain.codes import SHP102, SHP104, SHP106
from ..domain.dims import Sym, SymDim, is_known
from ..domain.graph import runs_at, sizes_made
from ..domain.shapes import Shape
from . import torch_size_fit as size_fit
from . import torch_size_splits as size_splits
from .module_constants import call_names as _names
from .module_constants import constants as _constants

_POOLS = ("MaxPool", "AvgPool", "LPPool", "max_pool", "avg_pool", "lp_pool")  # F.max_pool2d


def written(model, size) -> tuple | None:
    """(line, col, phrase) of where the script writes `size`, one of the trailing sizes of the
    input it calls the model on ("written at line 9 (IMG = 96), read by ...", "that of the
    datasets.CIFAR10(...) images at line 34"); None when not known or in another file."""
    sizes = size if isinstance(size, tuple) else (size,)  # a non-square input's sizes
    at = (model.interp.state.observed_sizes.get(id(model.root)) or (None, None))[0]
    module = model.interp.modules.get(at[0]) if at else None
    lines = getattr(module, "lines", None) or []
    if at is None or at[0] != model.path or any(s not in at[3] for s in sizes) or \
            not 0 < int(at[1]) <= len(lines):
        return None
    from .source_text import call_at
    line, col = int(at[1]), int(at[2])
    call = call_at(lines, line, col)
    if call is None:
        return None
    callee = cst.Module([]).code_for_node(call.func)
    if at[4] == "dataset":
        kept = at[5] if len(at) > 5 else None  # the transforms the dataset was given
        if kept and kept[0] == at[0] and int(kept[1]) != line:  # built apart: a Resize there
            return int(kept[1]), int(kept[2]), (
                f"that of the {callee}(...) images at line {line}, which the transforms built "
                f"at line {int(kept[1])} keep (a Resize there sets it)")
        return line, col, f"that of the {callee}(...) images at line {line}"
    constants = _constants("\n".join(lines))
    # a constant that writes every size: an int for a square input, a tuple holding them all
    named = {name: constants[name] for name in _names(call) if name in constants and (
        len(set(sizes)) == 1 and constants[name][1] == sizes[0] or
        isinstance(constants[name][1], tuple) and set(sizes) <= set(constants[name][1]))}
    if len(named) == 1:
        [(name, (bound, value, text))] = named.items()
        return bound, 0, (f"written at line {bound} ({text}), read by the {callee}(...) at "
                          f"line {line}")
    return line, col, f"written at line {line} ({callee}(...))"


def explain(model, graph, shape: Shape) -> None:
    """Name where the script's size is written on the view and pooling faults of a batched
    image model called on a square input the script gives (fault.note and data_at_line)."""
    _channels(model, graph, shape)
    faults = [n for n in graph.applications if n.fault is not None and (
        n.fault.code is SHP104 and n.type_name in ("view", "reshape") or
        n.fault.code is SHP102 and n.type_name.startswith(_POOLS))]
    given = size_fit.square_side(model, graph, shape) if faults else None
    if given is None:
        if faults:
            _non_square(model, graph, shape, faults)
        return
    place = written(model, given)
    if place is None:
        return
    log = forwarded = None
    for node in faults:
        x = node.input_shapes[0] if node.input_shapes else None  # a tensor op's: in data
        rank = x.rank if x is not None and x.known_rank else \
            len(node.fault.data.get("input_shape") or ())
        if rank < 3:  # a map, not rows
            continue
        symbolic = Shape(tuple(shape.dims[:2]) + (Sym("S"),) * (shape.rank - 2))
        if node.fault.code is SHP102 and node.layer is None:  # F.max_pool2d: read apart,
            axis = node.fault.data.get("axis")  # and named only when some size fits
            fits = _functional_pool_fits(dict(model._forward(size_splits.symbolic(shape),
                                                             None)[2]), node, shape, axis) \
                if isinstance(axis, int) and 2 <= axis < shape.rank else ""
            if not fits:
                continue
        elif node.fault.code is SHP102:
            log = log if log is not None else size_fit.forward_log(model, symbolic)
            fits = _pool_fits(log, node, given)
        else:
            forwarded = forwarded or model._forward(symbolic, None)
            fits = _view_fits(dict(forwarded[2]), sizes_made(forwarded[1]), node,
                              shape)
            if fits is None:  # no input size gives the view one row per sample: the view
                continue  # is the one side to change
        node.fault.note = (f"The model is given {shape}, its size {place[2]}"
                           f"{fits}: change {_what(node)}, or the size there.")
        node.fault.data.update(input_size=given, data_at_line=place[0], data_at_col=place[1])


def _non_square(model, graph, shape: Shape, faults: list) -> None:
    """The view and pooling faults of a batched image model called on an input of another
    height than width (torch_size_splits): named where the script writes its size when some
    sizes give the view one row per sample, or leave the window room along the axis it
    shrinks; else the model is the one side to change."""
    given = size_splits.sides(model, graph, shape)
    place = written(model, given) if given is not None else None
    if place is None:
        return
    lines = log = None
    for node in faults:
        axis = node.fault.data.get("axis")
        if node.fault.code is SHP102 and isinstance(axis, int) and 2 <= axis < shape.rank:
            # the window's room along the axis it shrinks: that axis's own symbol (H or W)
            log = log if log is not None else size_fit.forward_log(
                model, size_splits.symbolic(shape))
            fits = _pool_fits(log, node, shape.dims[axis], f" in dim {axis}")
            if not fits:  # a functional pooling (F.max_pool2d) has no module in the log
                lines = lines if lines is not None else dict(
                    model._forward(size_splits.symbolic(shape), None)[2])
                fits = _functional_pool_fits(lines, node, shape, axis)
            if fits:
                node.fault.note = (f"The model is given {shape}, its size {place[2]}{fits}: "
                                   f"change {_what(node)}, or the size there.")
                node.fault.data.update(input_size=list(given), data_at_line=place[0],
                                       data_at_col=place[1])
            continue
        seen = node.fault.data.get("input_shape")
        if node.fault.code is not SHP104 or not isinstance(seen, list) or \
                len(seen) != shape.rank or not all(isinstance(d, int) for d in seen):
            continue
        lines = lines if lines is not None else dict(
            model._forward(size_splits.symbolic(shape), None)[2])
        out = lines.get((node.path, int(node.line)))
        per = [d for d in out.dims if is_known(d)] if out is not None and out.known_rank \
            else []
        if out is None or not out.known_rank or len(per) != out.rank - 1 or \
                is_known(out.dims[0]):  # view(-1, P...): rows inferred, P per row
            continue
        per = _count(per, 0)
        x = size_splits.map_before(size_splits.statements_before(lines, node.path,
                                                                 int(node.line)),
                                   shape, _count(seen[1:], 0))
        if x is None or not size_splits.reads(x, shape, out.dims[0], shape.dims[0], per):
            continue
        found = size_splits.splits(x, per)
        if not found:  # no input size gives one row per sample: the view is the side to change
            continue
        node.fault.note = (f"The model is given {shape}, its size {place[2]}; other input "
                           f"sizes give the view one row of {per} per sample, those whose map "
                           f"here is {size_splits.sentence(x, shape, per)}: change "
                           f"{_what(node)}, or the size there.")
        node.fault.data.update(input_size=list(given), data_at_line=place[0],
                               data_at_col=place[1])


def _channels(model, graph, shape: Shape) -> None:
    """A first layer that rejects the channels of a torchvision dataset's images names the
    transforms they pass through, where a Grayscale() goes, or the dataset call
    (torchvision_data: channels_at): ImageFolder's loader converts every file to RGB, and
    MNIST-like sets are grayscale, CIFAR-like ones RGB; transforms.Grayscale gives 1 channel,
    or 3 with num_output_channels=3 (torchvision's documentation), the other honest fix when
    the layer wants 1 or 3."""
    state = model.interp.state
    at = (state.observed_sizes.get(id(model.root)) or (None, None))[1]
    if at is None or at[0] != model.path or state.observed_inputs.get(id(model.root)) \
            is not shape or not shape.known_rank or shape.rank != 4 or \
            shape.dims[1] not in (1, 3):
        return
    from .torchvision_data import DATASETS
    folder = len(at) < 6 or at[5] == "ImageFolder"
    if folder and shape.dims[1] != 3:
        return
    for node in graph.applications:
        if node.fault is None or node.fault.code is not SHP106 or \
                not node.type_name.startswith(("Conv", "LazyConv")) or not node.input_shapes \
                or tuple(node.input_shapes[0].dims or ()) != tuple(shape.dims):
            continue
        expected = node.fault.data.get("expected")
        hint = ": transforms.Grayscale() there gives them 1" if expected == 1 else \
            ": transforms.Grayscale(num_output_channels=3) there gives them 3" \
            if expected == 3 else ""
        if not folder and not hint:
            continue  # no transform gives the channels the layer wants: the layer is the fix
        where = "their transforms are built" if at[4] == "transforms" else \
            "the ImageFolder is built" if folder else f"the {at[5]} is built"
        own = None if folder else DATASETS.get(at[5], (None, None))[1]
        why = "ImageFolder's loader converts every file to RGB" if folder else \
            f"{at[5]}'s images are {'grayscale' if own == 1 else 'RGB'}" + (
                " and their transforms keep that" if at[4] == "transforms" else "") \
            if own == shape.dims[1] else f"their transforms convert {at[5]}'s images"
        count = "1 channel" if shape.dims[1] == 1 else f"{shape.dims[1]} channels"
        node.fault.note = (f"The images have {count} because {why}; {where} at line "
                           f"{int(at[1])}{hint}.")
        node.fault.data.update(data_at_line=int(at[1]), data_at_col=int(at[2]))


def _what(node) -> str:
    """The model's side of the fix: the view here, or the window where it is written."""
    if node.fault.code is SHP104:
        return "the view here"
    line = int(getattr(node.layer, "line", 0) or 0)
    if line and line != int(node.line) and getattr(node.layer, "path", "") == node.path:
        # the finding sits on that constructor (rules/checks.at_constructor)
        return f"the window of this {node.type_name}"
    return "the window here"


def _view_fits(lines: dict, made: list, node, shape: Shape) -> str | None:
    """'; inputs of 32 to 35 px give it one row of 400 per sample' for a view(-1, P) (one
    size left to infer, the others known): the statement before the view whose shape, as an
    expression of the input size S, is at the script's size the view's input, gives its
    per-sample count over 1..LIMIT, at sizes no layer makes an empty map at (made: their
    sizes); None when no size gives P, or when that is not known."""
    path, line = node.path, int(node.line)
    out = lines.get((path, line))
    given = shape.dims[2]
    seen = node.fault.data.get("input_shape")
    if out is None or not out.known_rank or not isinstance(seen, list):
        return None
    free = [d for d in out.dims if not is_known(d)]
    if len(free) != 1 or not all(isinstance(d, SymDim) for d in free):
        return None
    per = 1
    for d in out.dims:
        per = per * d if is_known(d) else per
    before = sorted((k[1], v) for k, v in lines.items() if k[0] == path and k[1] < line)
    for _, x in reversed(before):
        if x.known_rank and x.rank == len(seen) and x.dims[0] == shape.dims[0] and \
                _at(x.dims, given) == tuple(seen):
            fits = [n for n in range(1, size_fit.LIMIT + 1) if _count(x.dims[1:], n) == per
                    and runs_at(made, {"S": n})]
            if not fits or given in fits:
                return None
            span = str(fits[0]) if len(fits) == 1 else f"{fits[0]} to {fits[-1]}" \
                if fits == list(range(fits[0], fits[-1] + 1)) else ", ".join(map(str, fits[:6]))
            return f"; inputs of {span} px give it one row of {per} per sample"
    return None


def _at(dims, n):
    """The dims at input size n (None where one cannot be evaluated)."""
    try:
        return tuple(d if is_known(d) else d.evaluate({"S": n}) for d in dims)
    except (ZeroDivisionError, KeyError, AttributeError):
        return None


def _count(dims, n):
    values = _at(dims, n)
    if values is None:
        return None
    total = 1
    for v in values:
        total *= v
    return total


def _functional_pool_fits(lines: dict, node, shape: Shape, axis: int) -> str:
    """The same for a pooling function: its input is the statement just above it in forward()
    (its value at the script's sizes is the input the fault names), whose size along the axis,
    an expression of that axis's own symbol, must reach the window's least input size."""
    seen, least = node.fault.data.get("input_shape"), node.fault.data.get("least")
    before = size_splits.statements_before(lines, node.path, int(node.line))
    if not before or not isinstance(seen, list) or not isinstance(least, int):
        return ""
    x = before[-1]
    at = size_splits.env(shape)
    if not x.known_rank or x.rank != len(seen) or _at_env(x.dims, at) != tuple(seen) or \
            not isinstance(x.dims[axis], SymDim) or len(x.dims[axis].symbols()) != 1:
        return ""
    [name] = x.dims[axis].symbols()
    fits = []
    for n in range(1, size_fit.LIMIT + 1):
        try:
            if x.dims[axis].evaluate({name: n}) >= least:
                fits.append(n)
        except (ZeroDivisionError, KeyError):
            continue
    given = shape.dims[axis]
    if fits and given not in fits and fits == list(range(fits[0], size_fit.LIMIT + 1)):
        return f"; inputs of at least {fits[0]} px in dim {axis} leave the window room"
    return ""


def _at_env(dims, at: dict):
    try:
        return tuple(d if is_known(d) else d.evaluate(at) for d in dims)
    except (ZeroDivisionError, KeyError, AttributeError):
        return None


def _pool_fits(log, node, given, along: str = "") -> str:
    """', and inputs of at least 299 px leave the window room' from the pooling's output size
    as an expression of the input size (S, or for a non-square input the one symbol of that
    axis, H or W, said `along` it), evaluated over 1..LIMIT."""
    axis = node.fault.data.get("axis")
    for applied in log:
        out = applied.output_shape
        if applied.layer is node.layer and applied.line == node.line and out.known_rank and \
                isinstance(axis, int) and axis < out.rank and isinstance(out[axis], SymDim):
            names = out[axis].symbols()
            if len(names) != 1:
                return ""
            [name] = names
            fits = []
            for n in range(1, size_fit.LIMIT + 1):
                try:
                    if out[axis].evaluate({name: n}) >= 1:
                        fits.append(n)
                except (ZeroDivisionError, KeyError):
                    continue
            if fits and given not in fits and fits == list(range(fits[0], size_fit.LIMIT + 1)):
                return f"; inputs of at least {fits[0]} px{along} leave the window room"
            return ""
    return ""
