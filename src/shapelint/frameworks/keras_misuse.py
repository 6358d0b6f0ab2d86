"""Misuses of Keras's functional API that Keras 3 rejects while the model is wired, met as the
interpreter runs the file:

- a layer object handed where a tensor goes: `x = Dense(10)` never called on anything, then
  `Dense(1)(x)` (Layer.__call__: "Only input tensors may be passed as positional arguments")
  or `Model(inp, x)` (Functional: "All `outputs` values must be KerasTensors");
- a built layer called again on an input its weights do not fit: a decoder wired from
  `autoencoder.layers[-1]` alone, on the code's width, while that layer was built on the
  width of the layer before it (its InputSpec raises "expected axis -1 of input shape to have
  value 128").

The first is reported where the layer is made when it was never called (the fix calls it
there), else where it is handed over; the second where the layer is called again."""
from __future__ import annotations

from ..catalogue import LayerFault, lookup
from ..domain.codes import SHP101, SHP105, SHP106, Diagnostic
from ..domain.dims import NotKnown, is_known
from .keras_calls import tensors_in

# Layers whose call accepts non-tensors positionally (Keras sets
# _allow_non_tensor_positional_args on its preprocessing layers): not judged.
_LENIENT_FAMILIES = ("preprocessing", "augmentation", "lookup")
# Layers that fix an InputSpec on the axis their weights read when first built (Dense: the last
# axis; convolutions and BatchNormalization: the channel axis): called again on an input whose
# size there differs, Keras raises. Their weight count grows with that size, so two different
# counts for the two inputs mean two different sizes.
_SPEC_ON_WEIGHTS = {
    "Dense": SHP101, "Conv1D": SHP106, "Conv2D": SHP106, "Conv3D": SHP106,
    "Conv1DTranspose": SHP106, "Conv2DTranspose": SHP106, "Conv3DTranspose": SHP106,
    "SeparableConv1D": SHP106, "SeparableConv2D": SHP106, "DepthwiseConv1D": SHP106,
    "DepthwiseConv2D": SHP106, "BatchNormalization": SHP106,
}


def strict(layer) -> bool:
    """A catalogue layer whose call takes only tensors positionally."""
    entry = lookup("keras", layer.type_name) if getattr(layer, "rule", None) else None
    if entry is None:
        return False
    module = getattr(entry.factory, "__module__", "")
    return not module.rsplit(".", 1)[-1].startswith(_LENIENT_FAMILIES)


def layers_in(value, kind) -> list:
    """The layer objects of type kind inside an argument (lists, tuples, dicts)."""
    return [v for v in tensors_in(value, kind) if type(v) is kind]


def layer_as_tensor(interp, layers: list, receiver: str, error: str, node) -> None:
    """Record the first of `layers` handed to `receiver` where a tensor goes."""
    if interp.uncertain or not layers:
        return
    path, line, col = interp.position(node)
    if not path:
        return
    layer = layers[0]
    made_here = not layer.built and layer.path == path and layer.line
    what = f"{layer.type_name} (line {layer.line})" if layer.line else layer.type_name
    message = (f"{what} is a layer object, not a tensor: {receiver} at line {line} gets the "
               f"layer itself and Keras raises ValueError ({error})")
    if made_here:
        message += (f"; the layer is never called: call it on its input, "
                    f"{layer.type_name}(...)(x), to get the tensor")
    data = {"layer": layer.name, "type": layer.type_name, "receiver": receiver}
    if made_here:
        data.update(seen_at_line=int(line), seen_at_col=int(col))
        line, col = layer.line, layer.col
    interp.state.findings.append(Diagnostic(SHP105, line, col, message, data, path))


def refit(layer, first_shape, shape, interp, node):
    """The fault of calling a built layer again on `shape` when its weights, made for
    `first_shape`, cannot take it; None when they can or when that is not certain."""
    code = _SPEC_ON_WEIGHTS.get(layer.type_name)
    rule = getattr(layer, "rule", None)
    if code is None or rule is None or not shape.known_rank or not first_shape.known_rank:
        return None
    try:
        before, after = rule.params(first_shape), rule.params(shape)
    except (NotKnown, LayerFault, TypeError, ValueError, IndexError):
        return None
    if not (is_known(before) and is_known(after)) or before == after:
        return None
    _, line, _ = interp.position(node) if node is not None else ("", 0, 0)
    built_line = getattr(getattr(layer, "first_node", None), "line", 0)
    axis = "last axis" if layer.type_name == "Dense" else "channel axis"
    return LayerFault(code, (
        f"{layer.type_name} (line {layer.line}) was built on input {first_shape}"
        + (f" at line {built_line}" if built_line and built_line != layer.line else "")
        + f" and is called again at line {line} on {shape}: its weights fix the {axis} "
        f"({_size(first_shape, layer)}) and Keras raises ValueError (the input is "
        f"incompatible with the layer). Call it on what it was built for: a decoder taken "
        f"from an autoencoder's last layer alone skips the decoding layers before it, which "
        f"must be chained from the one that reads the code"),
        built_on=first_shape.to_json(), called_on=shape.to_json())


def _size(shape, layer) -> str:
    axis = layer.arguments.get("data_format") if layer.arguments else None
    dim = shape.dims[1] if axis == "channels_first" else shape.dims[-1]
    return str(dim) if is_known(dim) else "?"
