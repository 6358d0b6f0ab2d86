"""A BatchNorm1d given (N, L, C) with num_features=C (issue 16): torch normalises dim 1, the
L positions, and raises ("running_mean should contain L elements not C"). The tensor is
right for what follows (an LSTM with batch_first, a Linear: both read the last axis), so the
batch and the layer that made it are not the fix: the BatchNorm1d is, applied to
x.transpose(1, 2) and transposed back, or given the other size. The finding sits on its
constructor, whatever made the tensor. Only when the transposed tensor fits the layer."""
from __future__ import annotations

from ..domain.dims import is_known
from ..domain.shapes import Shape

_NORMS = ("BatchNorm1d", "InstanceNorm1d")


def features_last(layer, tensor, fits, fix_at):
    """FixAt on the norm's constructor for an (N, L, C) input it takes as (N, C, L), or None."""
    shape, arguments = tensor.shape, getattr(layer, "arguments", None) or {}
    size = arguments.get("num_features")
    if layer.type_name not in _NORMS or not shape.known_rank or shape.rank != 3 or \
            not isinstance(size, int) or not getattr(layer, "line", 0) or \
            not (is_known(shape[1]) and is_known(shape[2])) or shape[2] != size or \
            shape[1] == size:
        return None
    swapped = Shape((shape[0], shape[2], shape[1]))
    if not fits(layer, swapped):
        return None
    name = layer.type_name
    sentence = (f"{name}(num_features={size}) on this line matches the last axis of "
                f"{shape}, features-last, but {name} normalises dim 1 ({shape[1]} positions): "
                f"apply it to x.transpose(1, 2), {swapped}, and transpose back, or use "
                f"nn.LayerNorm({size}) to normalise each position's features.")
    return fix_at(layer.path, int(layer.line), int(getattr(layer, "col", 0)), None, sentence)
