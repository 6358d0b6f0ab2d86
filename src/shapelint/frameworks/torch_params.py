"""A leaf torch.nn module's parameters as objects, the way nn.Module keeps them by name.

`layer.weight` is one tensor object for the life of the layer, so `head.weight = embed.weight`
(the tied embeddings of GPT-2, nanoGPT and PyTorch's word-language-model example) makes two
layers hold one tensor, which `model.parameters()` yields once. Re-parametrizations
(weight_norm, spectral_norm, torch.nn.utils.parametrize) replace a tensor by the parameters
they register in its place (torch_wrap.py builds them). `count` is a leaf's share of the model
total: its formula count, less what another row already counted, adjusted for replacements.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.dims import NotKnown, Unknown, is_known
from ..domain.shapes import Shape, product
from .torch_values import TorchTensor, is_module

_BASE_NAMES = ("weight", "bias")


def _flag(value) -> bool | None:
    return value if isinstance(value, bool) else None


def _kernel(value, n: int):
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * n
    if isinstance(value, (tuple, list)) and len(value) == n:
        return tuple(value)
    return None


def own_shapes(layer) -> dict | None:
    """name -> Shape of each parameter the layer registers, in torch's order (None for a
    parameter torch keeps as None, e.g. `bias=False`); None when shapelint does not know the
    parameters of this layer type or its arguments."""
    a, t = layer.arguments, layer.type_name
    if a is None or layer.rule is None or layer.fault is not None:
        return None
    try:
        return _shapes(t, a)
    except (NotKnown, TypeError, ValueError, ZeroDivisionError):
        return None


def _affine(weight: bool | None, bias: bool | None, shape: tuple) -> dict | None:
    if weight is None or bias is None:
        return None
    return {"weight": Shape(shape) if weight else None,
            "bias": Shape(shape) if weight and bias else None}


def _shapes(t: str, a: dict) -> dict | None:
    if t == "Linear":
        bias = _flag(a["bias"])
        return None if bias is None else {
            "weight": Shape((a["out_features"], a["in_features"])),
            "bias": Shape((a["out_features"],)) if bias else None}
    if t == "Bilinear":
        out, bias = a["out_features"], _flag(a["bias"])
        return None if bias is None else {
            "weight": Shape((out, a["in1_features"], a["in2_features"])),
            "bias": Shape((out,)) if bias else None}
    for n in (1, 2, 3):
        if t in (f"Conv{n}d", f"ConvTranspose{n}d"):
            k, groups, bias = _kernel(a["kernel_size"], n), a["groups"], _flag(a["bias"])
            if k is None or bias is None or not is_known(groups):
                return None
            i, o = a["in_channels"], a["out_channels"]
            weight = (o, i // groups) if t == f"Conv{n}d" else (i, o // groups)
            return {"weight": Shape(weight + k), "bias": Shape((o,)) if bias else None}
        if t in (f"BatchNorm{n}d", f"InstanceNorm{n}d"):
            return _affine(_flag(a["affine"]), _flag(a["bias"]), (a["num_features"],))
    if t in ("Embedding", "EmbeddingBag"):
        return None if a.get("_weight") is not None else {
            "weight": Shape((a["num_embeddings"], a["embedding_dim"]))}
    if t in ("LayerNorm", "RMSNorm"):
        ns = a["normalized_shape"]
        ns = (ns,) if isinstance(ns, int) else tuple(ns) if isinstance(ns, (tuple, list)) \
            else None
        if ns is None:
            return None
        bias = _flag(a["bias"]) if t == "LayerNorm" else False
        shapes = _affine(_flag(a["elementwise_affine"]), bias, ns)
        if shapes is not None and t == "RMSNorm":
            del shapes["bias"]
        return shapes
    if t == "GroupNorm":
        return _affine(_flag(a["affine"]), _flag(a["bias"]), (a["num_channels"],))
    if t == "PReLU":
        return {"weight": Shape((a["num_parameters"],))}
    return None


@dataclass(eq=False)
class Slot:
    """What now stands where a layer's parameter was: the parameters registered in its place
    (an assigned one, or the ones a re-parametrization adds) and how it reads back."""
    params: tuple = ()  # ((registered name, TorchTensor), ...)
    assigned: bool = True  # `layer.weight = p`: reads back as p; else a computed tensor
    keeps_count: bool = False  # a re-parametrization whose parameters total the tensor's own


@dataclass(eq=False)
class Slots:
    own: dict = field(default_factory=dict)  # name -> TorchTensor, made on first read
    replaced: dict = field(default_factory=dict)  # name -> Slot, or Unknown with a reason
    modules: list = field(default_factory=list)  # (registered name, module) added to the layer


def slots_of(layer) -> Slots:
    if layer.slots is None:
        layer.slots = Slots()
    return layer.slots


def own_tensor(layer, name: str):
    """The layer's own parameter `name` (one object), None where torch keeps None, or
    NotImplemented when shapelint does not know it."""
    shapes = own_shapes(layer)
    if shapes is None or name not in shapes:
        return NotImplemented
    if shapes[name] is None:
        return None
    slots = slots_of(layer)
    if name not in slots.own:
        slots.own[name] = TorchTensor(shapes[name], parameter=True,
                                      requires_grad=layer.requires_grad)
    return slots.own[name]


def current_shape(layer, name: str) -> Shape:
    """The shape of the tensor now read as `layer.name`."""
    slot = layer.slots.replaced.get(name) if layer.slots else None
    if isinstance(slot, Slot) and slot.assigned:
        return slot.params[0][1].shape if slot.params else Shape.unknown(f"{name} is None")
    shapes = own_shapes(layer)
    if shapes is not None and shapes.get(name) is not None:
        return shapes[name]
    return Shape.unknown(f"the shape of {layer.type_name}.{name}")


def read(layer, name: str):
    """`layer.name` for a parameter name (or one a re-parametrization registered);
    NotImplemented for any other attribute."""
    slots = layer.slots
    if slots is not None:
        slot = slots.replaced.get(name)
        if isinstance(slot, Unknown):
            return slot
        if isinstance(slot, Slot):
            if slot.assigned:
                return slot.params[0][1] if slot.params else None
            return TorchTensor(current_shape(layer, name))  # computed from the parameters
        for other in slots.replaced.values():
            for registered, tensor in getattr(other, "params", ()):
                if registered == name:
                    return tensor
        for registered, module in slots.modules:
            if registered == name:
                return module
    return own_tensor(layer, name)


def is_slot(layer, name: str) -> bool:
    shapes = own_shapes(layer)
    return name in (shapes if shapes is not None else _BASE_NAMES) or bool(
        layer.slots and name in layer.slots.replaced)


def assign(layer, name: str, value) -> bool:
    """`layer.name = value` as nn.Module.__setattr__ does it; False when it is not a
    parameter or module assignment (a plain attribute: left alone)."""
    if is_module(value):
        slots_of(layer).modules.append((name, value))
        return True
    parameter = isinstance(value, TorchTensor) and value.parameter
    if not (parameter or is_slot(layer, name)):
        return False
    slots = slots_of(layer)
    if parameter:
        slots.replaced[name] = Slot(((name, value),))
    elif value is None:
        slots.replaced[name] = Slot(())
    else:  # torch rejects a plain tensor here; anything else is unknown to us
        slots.replaced[name] = Unknown(f"{layer.name or layer.type_name}.{name} is set to a "
                                       "value shapelint cannot read")
    return True


def numel(tensor) -> object:
    shape = tensor.shape
    return product(shape[:]) if shape.known_rank else Unknown(
        f"a parameter of unknown shape ({shape.reason})")


def split(layer, seen: set) -> tuple:
    """(trainable, non-trainable) of the layer's share of the total: a parameter whose
    requires_grad is False (requires_grad_(False), `p.requires_grad = False`) is not
    trainable; an unknown flag makes both unknown."""
    counted: list = []
    total = count(layer, seen, counted)
    flags = [t.requires_grad for t in counted] + [layer.requires_grad]
    if all(f is True for f in flags):
        return total, 0
    if any(not isinstance(f, bool) for f in flags):
        why = Unknown("whether some parameters require grad is not known")
        return why, why
    frozen = sum(numel(t) for t in counted if t.requires_grad is False)
    if layer.requires_grad is False:  # the parameters not read as objects follow the layer
        frozen = frozen + total - sum(numel(t) for t in counted)
    return total - frozen, frozen


def count(layer, seen: set, counted: list | None = None):
    """The layer's share of `sum(p.numel() for p in model.parameters())`: each tensor once
    over the whole model (`seen` holds the ids already counted; `counted` receives the tensor
    objects counted here)."""
    counted = [] if counted is None else counted
    base = layer.params()
    slots = layer.slots
    if slots is None:
        return base
    total = base
    for name, tensor in slots.own.items():
        if name in slots.replaced:
            continue
        if id(tensor) in seen:  # tied: another row counted it
            total = total - numel(tensor)
        else:
            counted.append(tensor)
        seen.add(id(tensor))
    shapes = own_shapes(layer)
    for name, slot in slots.replaced.items():
        if isinstance(slot, Unknown):
            return slot
        added = [t for _, t in slot.params if id(t) not in seen]
        seen.update(id(t) for t in added)
        counted.extend(added)
        if slot.keeps_count:
            continue
        if shapes is None or name not in shapes and name in _BASE_NAMES:
            return Unknown(f"{layer.type_name}.{name} was replaced; shapelint does not know "
                           "the size of the original")
        if shapes.get(name) is not None:
            total = total - product(shapes[name][:])
        for tensor in added:
            total = total + numel(tensor)
    return total
