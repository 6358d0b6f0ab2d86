"""Where the script itself calls a model: the input it is judged on, where the file built
that input, and the line of the call, which findings on the model name as where they show."""
from __future__ import annotations

from . import torch_fix_origins as fix_origins


def observed_at(interp, model, tensor, node, rest=(), keywords=None) -> None:
    """The input the script calls a model on, where the file built it (TorchTensor.shape_at)
    and where the call is (torch_model.shows_at): the model is judged on that input. `rest`:
    the further positional tensors of a multi-input forward(a, b, ...), each of known rank,
    which the model's own forward pass is given again (observed_rest), with the keyword
    arguments of the call (`model(x, scale=1.5)`)."""
    interp.state.observed_inputs[id(model)] = tensor.shape
    interp.state.observed_rest[id(model)] = (tuple(rest), dict(keywords or {}))
    interp.state.observed_places[id(model)] = tensor.shape_at
    interp.state.observed_sizes[id(model)] = (getattr(tensor, "sizes_at", None),
                                              getattr(tensor, "channels_at", None))
    # where the script feeds it and a reshape of it the script dropped (torch_fix_origins)
    interp.state.observed_fed[id(model)] = (fix_origins.fed_at(interp, tensor, node),
                                            tensor.dropped_reshape)
    interp.state.observed_reshaped[id(model)] = tensor.reshaped_from  # a view's source
    # the PIL call that made the image it was read from (torch_image_bands)
    interp.state.observed_bands[id(model)] = getattr(tensor, "bands_from", None)
    # the layer whose output it is (another model's last Linear: torch_fix_origins)
    interp.state.observed_made[id(model)] = (tensor.made_by, tensor.made_at) \
        if tensor.made_by is not None else None
    if node is not None:  # (a model called on one tensor keeps an empty rest)
        path, line, _ = interp.position(node)
        interp.state.observed_lines[id(model)] = (path, int(line))
