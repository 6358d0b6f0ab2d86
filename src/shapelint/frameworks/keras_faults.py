"""Keras-specific wording of faults: an input_shape that includes the batch dimension
(SHP108) and an image fed without its channel axis (SHP103 with the fix spelled out)."""
from __future__ import annotations

from ..catalogue import LayerFault
from ..domain.codes import SHP103, SHP108, SHP202
from ..domain.dims import is_known

_IMAGE_LAYERS = ("Conv", "Pooling", "Pool", "ZeroPadding", "UpSampling", "Cropping")


def explain(node, declared=None) -> None:
    """Rewrite a node's fault (or add one) after it was applied. `declared` is the
    input_shape= the user wrote on this layer, when the layer is the model's first."""
    layer, fault = node.layer, node.fault
    rule = getattr(layer, "rule", None)
    ndim = getattr(rule, "ndim", None)
    if ndim is None:
        return
    if fault is not None and fault.code is SHP103 and node.input_shapes:
        shape = node.input_shapes[0]
        given = declared if declared is not None else _input_dims(node)
        if shape.known_rank and shape.rank == ndim + 1 and given is not None:
            node.fault = LayerFault(
                SHP108, f"{node.type_name} expects a rank-{ndim} input (batch included) but "
                f"input_shape={tuple(given)} already includes the batch dimension, so Keras "
                f"builds a rank-{shape.rank} input {shape}; drop the leading "
                f"{_fmt(given[0])}: input_shape={tuple(given[1:])}",
                input_shape=list(given), expected_rank=ndim)
        elif shape.known_rank and shape.rank == ndim - 1 and _is_image(node.type_name):
            dims = tuple(d if is_known(d) else None for d in shape.dims[1:])
            node.fault = LayerFault(
                SHP103, f"{fault.message}: the channel axis is missing; for single-channel "
                f"images use input_shape={dims + (1,)} and reshape the data to "
                f"(..., {', '.join(_fmt(d) for d in dims)}, 1)", **fault.data)
        return
    if fault is None and declared is not None and _looks_like_dataset(declared, ndim):
        node.fault = LayerFault(  # Keras builds this model: a warning, not a build error
            SHP202, f"input_shape={tuple(declared)} starts with {declared[0]}, which looks like "
            f"the number of samples, not a size of one sample: Keras adds the batch axis itself "
            f"and builds {node.input_shapes[0]}; for {declared[0]} images of "
            f"{'x'.join(str(d) for d in declared[1:])} use "
            f"input_shape={tuple(declared[1:]) + (1,)}",
            input_shape=list(declared), samples=declared[0])


def _input_dims(node):
    """The shape the user gave keras.Input, when the layer reads an Input directly."""
    producer = node.inputs[0] if node.inputs else None
    if producer is not None and producer.is_input and producer.output_shape.known_rank:
        return tuple(None if not is_known(d) else d for d in producer.output_shape.dims[1:])
    return None


def _looks_like_dataset(declared, ndim) -> bool:
    """(60000, 28, 28) on a Conv2D: the right rank, but the first size is a sample count of
    a channel-less image stack (it dwarfs the others, and the last is not a channel count)."""
    if not isinstance(declared, (tuple, list)) or len(declared) != ndim - 1 or ndim < 4:
        return False
    if not all(is_known(d) for d in declared):
        return False
    first, rest = declared[0], declared[1:]
    return first >= 1000 and first > 8 * max(rest) and rest[-1] > 4


def _is_image(type_name: str) -> bool:
    return any(word in type_name for word in _IMAGE_LAYERS)


def _fmt(d) -> str:
    return "None" if d is None else str(d)
