"""nn.TransformerEncoder and nn.TransformerDecoder as torch 2.13 builds and runs them
(torch/nn/modules/transformer.py): `layers` is a ModuleList of num_layers deep copies of the
layer given (torch's _get_clones), `norm` the module given, not copied (so shared with whoever
else holds it, and counted once); forward runs the copies in turn, the decoder's each with the
same memory, then the norm. Masks change no shape and are not passed on to the copies."""
from __future__ import annotations

import copy
import inspect

from ..domain.dims import Unknown
from .torch_values import TorchContainer, TorchLayer, is_module


def _encoder(encoder_layer, num_layers, norm=None, enable_nested_tensor=True,
             mask_check=True):
    """nn.TransformerEncoder.__init__'s signature."""


def _decoder(decoder_layer, num_layers, norm=None):
    """nn.TransformerDecoder.__init__'s signature."""


def _encode(src, mask=None, src_key_padding_mask=None, is_causal=None):
    """nn.TransformerEncoder.forward's signature."""


def _decode(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
            memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
    """nn.TransformerDecoder.forward's signature."""


# kind -> (constructor, forward, the layer argument, the tensors each copy is given, the
# layer type whose self_attn.batch_first forward reads from layers[0])
STACKS = {
    "TransformerEncoder": (inspect.signature(_encoder), inspect.signature(_encode),
                           "encoder_layer", ("src",), "TransformerEncoderLayer"),
    "TransformerDecoder": (inspect.signature(_decoder), inspect.signature(_decode),
                           "decoder_layer", ("tgt", "memory"), "TransformerDecoderLayer"),
}


def build(interp, kind: str, args, kwargs, node) -> TorchContainer:
    """The stack torch builds; `uncertain` says why its count is not known, when it is not."""
    path, line, col = interp.position(node) if node is not None else ("", 0, 0)
    stack = TorchContainer(kind, {}, path, line, col, interp=interp)
    layers = TorchContainer("ModuleList", {}, path, line, col, interp=interp)
    stack.children["layers"] = layers
    init, _, layer_arg, _, _ = STACKS[kind]
    try:
        bound = init.bind(*args, **kwargs)
    except TypeError:
        stack.uncertain = f"nn.{kind}(...) with arguments shapelint cannot bind"
        return stack
    bound.apply_defaults()
    given, count, norm = (bound.arguments[k] for k in (layer_arg, "num_layers", "norm"))
    stack.plain = {"num_layers": count, "norm": None}  # a norm given is a child instead
    if type(count) is not int:
        stack.uncertain = f"nn.{kind} of an unknown number of layers"
    else:
        for _ in range(count):  # range(): none for a count below one, as _get_clones
            clone = _clone(given)
            if clone is None:
                stack.uncertain = f"nn.{kind} of copies of a layer shapelint cannot copy"
                break
            layers._add(clone)
    if is_module(norm):
        stack.children["norm"] = norm
    elif norm is not None:
        stack.uncertain = stack.uncertain or f"nn.{kind}'s norm is a value shapelint cannot read"
    if interp.uncertain:
        stack.uncertain = stack.uncertain or "built under an undecided condition"
    return stack


def _clone(layer):
    """copy.deepcopy of a catalogue layer: the same arguments, parameters of its own. None for
    what shapelint cannot copy (a user's module, a layer whose parameters were replaced)."""
    if not isinstance(layer, TorchLayer) or layer.slots is not None and (
            layer.slots.replaced or layer.slots.modules):
        return None
    clone = copy.copy(layer)
    clone.slots = None  # its parameters are new tensors, made on first read
    clone.built_shapes = None
    clone.plain = dict(layer.plain) if layer.plain else None
    return clone


def forward(stack: TorchContainer, interp, args, kwargs, node):
    """stack(src) / stack(tgt, memory): each copy in turn, then the norm."""
    _, signature, _, inputs, first_type = STACKS[stack.kind]
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        return Unknown(f"nn.{stack.kind} called with arguments shapelint cannot bind")
    given = [bound.arguments[name] for name in inputs]
    layers = list(stack.children["layers"].children.values())
    if stack.uncertain or not layers or not isinstance(layers[0], TorchLayer) or \
            layers[0].type_name != first_type:  # torch reads layers[0].self_attn
        return Unknown(f"nn.{stack.kind} of layers shapelint does not know")
    value = given[0]
    for layer in layers:
        value = interp.call(layer, (value, *given[1:]), {}, None)
    norm = stack.children.get("norm")
    if norm is not None:
        value = interp.call(norm, (value,), {}, None)
    return value
