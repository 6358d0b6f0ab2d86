"""A single sample given to a model without its batch axis (issue 16): `model(img)` with img a
(C, H, W) image from a transform or torch.rand(3, H, W). torch's Conv2d takes it as one
unbatched image, so the fault shows later, where the code treats dim 0 as the batch: a
`view(x.size(0), -1)` or `flatten(1)` then a Linear, a BatchNorm that needs the batched rank.
The fix is `img.unsqueeze(0)` on the call that passes it, and the finding goes there (SHP109,
the data does not fit the model), naming the layer where it shows.
Facts only: the model's first layer must take the input as it is given in its unbatched form
(a Conv/pooling of spatial rank k on a tensor of rank k + 1), and forward() must run on the
same sample with a batch axis of 1 in front without any fault."""
from __future__ import annotations

import re

from ..domain.codes import SHP109
from ..domain.dims import is_known
from ..domain.shapes import Shape

_SPATIAL = re.compile(r"^(?:Lazy)?(?:Conv|ConvTranspose|MaxPool|AvgPool|LPPool)([123])d$")


def takes_unbatched(graph, shape: Shape) -> bool:
    """The model's first layer is applied to the input as given, and reads it as one
    unbatched sample: a Conv/pooling of spatial rank k on a tensor of rank k + 1."""
    first = next((n for n in graph.applications if n.layer is not None), None)
    if first is None or not first.input_shapes or not shape.known_rank:
        return False
    found = _SPATIAL.match(first.type_name)
    x = first.input_shapes[0]
    return found is not None and x.known_rank and tuple(x.dims) == tuple(shape.dims) and \
        shape.rank == int(found.group(1)) + 1


def explain(model, graph, shape: Shape) -> None:
    """Move the first fault of forward() on the script's unbatched sample to the call."""
    from .torch_fix_origins import FixAt
    state = model.interp.state
    faults = [n for n in graph.applications if n.fault is not None]
    called = state.observed_lines.get(id(model.root))
    if not faults or called is None or state.observed_inputs.get(id(model.root)) is not shape \
            or not all(is_known(d) for d in shape.dims) or not takes_unbatched(graph, shape):
        return
    node = faults[0]
    if getattr(node.fault, "fix_at", None) is not None or node.path != called[0]:
        return
    batched = Shape((1,) + tuple(shape.dims))
    result, log, _, _ = model._forward(batched, None)
    if any(n.fault is not None for n in log) or not getattr(
            getattr(result, "shape", None), "known_rank", False):
        return
    path, line = called
    lines = getattr(model.interp.modules.get(path), "lines", None) or []
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    first = graph.applications[0]
    sentence = (f"The model is called on this line with {shape}, one sample without a batch "
                f"axis: {first.type_name} takes it unbatched, and what follows needs the batch "
                f"axis. .unsqueeze(0) gives {batched}, on which forward() "
                f"runs to {result.shape}.")
    fed, _ = state.observed_fed.get(id(model.root), (None, None))
    data_at = None
    if fed is not None and fed[0] == path and int(fed[1]) != line and \
            0 < int(fed[1]) <= len(lines) and \
            not lines[int(fed[1]) - 1].lstrip().startswith(("for ", "async for ")):
        # the name given to the model is assigned on an earlier line: the sample is made
        # there, and .unsqueeze(0) of it there is the same fix (the other honest place)
        data_at = (fed[0], int(fed[1]), int(fed[2]))
        sentence += (f" The sample is made at line {data_at[1]}: .unsqueeze(0) of it there "
                     f"does the same.")
    node.fault.fix_at = FixAt(path, line, len(text) - len(text.lstrip()), SHP109, sentence,
                              data_at=data_at)
