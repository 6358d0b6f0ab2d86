"""A pooling window too large for one side of a non-square input the script builds, where the
input made square at its other side passes every layer (issue 16): `torch.randn(1, 2, 20, 224)`
given to a model whose AvgPool2d(7) is written for 224x224. The model already fits the other
side, so it is written for that size along both; the one side that differs is what the script
wrote wrong. The finding moves to where the script builds the input (fix_origins.input_size),
or to the F.interpolate that wrote its sizes (a photo shrunk to keep its aspect ratio).
A square input is left to torch_size_written: there nothing in the model says which size it
was written for, and either side is an honest fix (the finding stays on the model's line)."""
from __future__ import annotations

from ..domain.codes import SHP102
from ..domain.dims import is_known
from ..domain.shapes import Shape
from . import torch_fix_origins as fix_origins
from .torch_size_fit import batched_input

_POOLS = ("MaxPool", "AvgPool", "LPPool")


def explain(model, graph, shape: Shape) -> None:
    if model.interp.state.observed_inputs.get(id(model.root)) is not shape or \
            not shape.known_rank or shape.rank != 4 or \
            not all(is_known(d) for d in shape.dims) or shape.dims[2] == shape.dims[3] or \
            not batched_input(graph, shape):
        return
    faults = [n for n in graph.applications if n.fault is not None]
    # one fault, a pooling's, along a spatial axis: anything else and the model is at fault too
    if len(faults) != 1 or faults[0].fault.code is not SHP102 or \
            not faults[0].type_name.startswith(_POOLS) or \
            faults[0].fault.data.get("axis") not in (2, 3) or \
            getattr(faults[0].fault, "fix_at", None) is not None:
        return
    node = faults[0]
    odd = node.fault.data["axis"]
    other = shape.dims[5 - odd]
    square = Shape(tuple(shape.dims[:odd]) + (other,) + tuple(shape.dims[odd + 1:]))
    result, log, _, _ = model._forward(square, None)
    # every layer accepts the square input, and forward() runs to a known result
    if not log or any(getattr(a, "fault", None) is not None for a in log) or \
            not getattr(getattr(result, "shape", None), "known_rank", False):
        return
    resized = (model.interp.state.observed_sizes.get(id(model.root)) or (None,))[0]
    if resized is not None and resized[4] == "resized" and resized[0] == node.path and \
            shape.rank - len(resized[3]) <= odd:
        sizes = "x".join(str(d) for d in resized[3])
        node.fault.fix_at = fix_origins.FixAt(
            resized[0], int(resized[1]), int(resized[2]), None,
            f"The F.interpolate on this line writes the input's sizes, {sizes}: dim {odd} is "
            f"{shape.dims[odd]}, make it {other}.")
        return
    fix_origins.input_size(model, shape, node, [(odd, str(other))])
