"""A BatchNorm1d given (N, L, C) with num_features=C (issue 16): torch normalises dim 1, the
L positions, and raises ("running_mean should contain L elements not C").

Which line, which code:
- L > 1: the tensor is right for what follows (an LSTM with batch_first, a Linear: both read
  the last axis), so the batch and the layer that made it are not the fix: the BatchNorm1d
  is, applied to x.transpose(1, 2) and transposed back, or LayerNorm(C). SHP106 (the
  channel count against the axis it reads) on its constructor, whatever made the tensor. When
  the tensor is the batch the script feeds an nn.Sequential of row layers (Linear, norms,
  activations, Dropout), packing its positions into the batch there (reshape(-1, C)) fits the
  whole model and normalises the same values: that line is named too (data_at_line).
- L == 1 and that axis of one is the fed batch's own, carried unchanged by layers that keep
  rows (Linear, ReLU, Dropout): the model is written for (N, C) rows and the batch has one
  axis too many. Transposing would normalise one position per sample, the same as
  BatchNorm1d on (N, C): the axis itself is the fault, so SHP109 (data that does not fit the
  model) where the batch is bound, with the squeeze(1) that fits.
Only when the transposed (or squeezed) tensor fits the layer."""
from __future__ import annotations

from ..domain.codes import SHP109
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
    fed = getattr(tensor, "fed_at", None) if getattr(tensor, "rows_model", False) else None
    if fed is not None:
        sentence += (f" The batch is given to the model at line {fed[1]}: .reshape(-1, {size}) "
                     f"there packs its {shape[1]} positions into the batch, which normalises "
                     f"the same values.")
    return fix_at(layer.path, int(layer.line), int(getattr(layer, "col", 0)), None, sentence,
                  data_at=(fed[0], fed[1], fed[2]) if fed is not None else None)


# leaf modules that act on each row (the last axis, or elementwise), whatever the leading axes
_ROW_TYPES = frozenset({"Linear", "BatchNorm1d", "LayerNorm", "Dropout", "Identity", "ReLU",
                        "GELU", "Tanh", "Sigmoid", "LeakyReLU", "ELU", "SiLU"})


def rows_model(root) -> bool:
    """root is an nn.Sequential of row layers only: it takes (N * L, C) rows as well as any."""
    children = getattr(root, "children", None)
    if getattr(root, "kind", None) != "Sequential" or getattr(root, "uncertain", "") or \
            not children:
        return False
    return all(getattr(child, "type_name", None) in _ROW_TYPES for child in children.values())


def unit_axis_of_the_batch(layer, tensor, fits, fix_at):
    """FixAt (SHP109) where the script binds a batch (N, 1, F) whose axis of one reaches the
    norm as (N, 1, C), for a norm that (N, C) fits; or None."""
    shape, arguments = tensor.shape, getattr(layer, "arguments", None) or {}
    size = arguments.get("num_features")
    fed = getattr(tensor, "row_fed", None) or (
        (tensor.fed_at, shape) if getattr(tensor, "fed_at", None) is not None else None)
    if layer.type_name not in _NORMS or fed is None or not shape.known_rank or \
            shape.rank != 3 or shape[1] != 1 or not isinstance(size, int) or shape[2] != size:
        return None
    (path, line, col, _), given = fed[0], fed[1]
    if not given.known_rank or given.rank != 3 or given[1] != 1 or given[0] != shape[0]:
        return None
    rows = Shape((shape[0], shape[2]))
    if not fits(layer, rows):
        return None
    squeezed = Shape((given[0], given[2]))
    sentence = (f"The batch given to the model here is {given}: its axis of one reaches "
                f"{layer.type_name}({size}) as {shape}, read as 1 channel; the layers before "
                f"it keep rows, so .squeeze(1) here gives {squeezed} and the {layer.type_name} "
                f"{rows}, which it accepts.")
    return fix_at(path, line, col, SHP109, sentence)
