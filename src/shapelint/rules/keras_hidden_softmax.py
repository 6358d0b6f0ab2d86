"""A softmax over a hidden layer (issue 16): a model that ends `Dense(256, activation="relu")`
(or a Dense, then a relu), perhaps a Dropout, then a softmax of its own (Activation("softmax"),
Softmax()), fit on labels one-hot over another number of classes. The Dense is a hidden layer:
its nonlinearity says so, and a softmax over relu outputs is no classifier. The layer missing
is a Dense(num_classes) between them (Azure/DataScienceVM#9's maintainer: the Dense(num_classes)
before the softmax was meant), so the label fault (SHP110) goes on the layer the softmax is
applied to, after which that Dense is inserted; the hidden Dense's width is not the fix. A
model whose width-setting Dense feeds the softmax without a nonlinearity between keeps the
finding on that Dense (edges._last_layer)."""
from __future__ import annotations

from ..domain.dims import is_known

# layers that keep the width and the values' meaning as the hidden activations pass them on
_PASS = ("Dropout", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization",
         "BatchNormalization", "LayerNormalization")
_NONLINEAR_LAYERS = ("ReLU", "LeakyReLU", "ELU", "PReLU")
_PLAIN = (None, "linear", "softmax")


def softmax_on_hidden(graph, width, activation_name):
    """(node to place on, sentence) when the model's one output is a softmax layer applied,
    through width-keeping layers, to a Dense made hidden by a nonlinearity; None otherwise.
    `width` is the labels' class count, activation_name reads a layer's activation."""
    if len(graph.outputs) != 1 or not is_known(width):
        return None
    out = graph.outputs[0]
    if not _is_softmax(out, activation_name) or len(out.inputs) != 1:
        return None
    before = node = out.inputs[0]
    nonlinear = None
    while node is not None and len(node.inputs) == 1 and (
            node.type_name in _PASS or node.type_name in _NONLINEAR_LAYERS or
            node.type_name == "Activation"):
        if node.type_name in _NONLINEAR_LAYERS or node.type_name == "Activation" and \
                activation_name(getattr(node.layer, "activation", None)) not in _PLAIN:
            nonlinear = nonlinear or node
        node = node.inputs[0]
    if node is None or node.type_name != "Dense":
        return None
    own = activation_name(getattr(node.layer, "activation", None))
    if nonlinear is None and own in _PLAIN:
        return None
    units = node.output_shape.dims[-1] if node.output_shape.known_rank else None
    if not is_known(units) or units == width:
        return None
    how = f"its {own}" if nonlinear is None else f"the {nonlinear.type_name} at line " \
        f"{nonlinear.line}"
    return before, (f"The softmax at line {out.line} is applied to the {units} units of the "
                    f"hidden Dense at line {node.line}, after {how}: no Dense maps them to the "
                    f"{width} classes; add Dense({width}) after this line, before the softmax.")


def _is_softmax(node, activation_name) -> bool:
    if node.type_name == "Softmax":
        return True
    return node.type_name == "Activation" and \
        activation_name(getattr(node.layer, "activation", None)) == "softmax"
