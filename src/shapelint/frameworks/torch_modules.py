"""nn.Module as the interpreter runs it: containers built, a user's module instantiated
abstractly (`__init__` on an abstract self, what nn.Module.__setattr__ would register), its
attributes and nn.Module's own methods, super() into torch.nn bases, calls into forward(), and
isinstance() against torch.nn classes."""
from __future__ import annotations

import libcst as cst

from ..catalogue import lookup
from ..domain.dims import Unknown
from ..interpreter.values import Builtin, Class, Instance
from ..domain.shapes import Shape
from . import torch_output_places as output_places
from . import torch_params as params
from . import torch_tensors, torch_wrap
from .layers import make_layer_object
from .torch_values import (CONTAINERS, MODULE_BASES, ModuleRecord, TorchContainer, TorchLayer,
                           TorchTensor, children_of, is_module, is_module_class,
                           outside_modules, torch_bases)
from .torch_last_batch import GivenInt
from .torch_observed import observed_at


def nn_class(name: str) -> str | None:
    """The class name of a torch.nn module path (torch.nn.modules.conv.Conv2d -> Conv2d)."""
    parts = name.split(".")
    if len(parts) >= 3 and parts[:2] == ["torch", "nn"] and \
            parts[2] not in ("functional", "init", "utils"):
        return parts[-1] if parts[-1][:1].isupper() else None
    return None


def make_container(interp, kind, args, kwargs, node, into: TorchContainer | None = None):
    path, line, col = interp.position(node) if node is not None else ("", 0, 0)
    container = into or TorchContainer(kind, {}, path, line, col)
    container.interp = interp
    if kind == "Sequential":
        if len(args) == 1 and isinstance(args[0], dict):
            for name, module in args[0].items():
                container.children[str(name)] = module
        else:
            for module in args:
                container._add(module)
    elif kind == "ModuleList":
        source = args[0] if args else kwargs.get("modules")
        if source is not None:
            items = interp.iterate(source)
            if items is None:
                container.uncertain = "a ModuleList of unknown modules"
            else:
                for module in items:
                    container._add(module)
    elif kind == "ModuleDict":
        source = args[0] if args else kwargs.get("modules")
        if isinstance(source, dict):
            container.children.update({str(k): v for k, v in source.items()})
        elif source is not None:
            pairs = interp.iterate(source)
            if pairs is None:
                container.uncertain = "a ModuleDict of unknown modules"
            else:
                for pair in pairs:
                    container.children[str(pair[0])] = pair[1]
    if interp.uncertain:
        container.uncertain = container.uncertain or "built under an undecided condition"
    return container


def instantiate(interp, cls: Class, args, kwargs, node):
    if not is_module_class(cls):
        return NotImplemented
    # built by an ENTRY expression, which has no line: the class's own
    path, line, col = interp.position_or(node, cls.module, cls.node) if node is not None \
        else interp.position_in(cls.module, cls.node)
    record = ModuleRecord(path=path, line=line, col=col, interp=interp)
    interp.state.torch_records.append(record)
    container_kind = next((b.rsplit(".", 1)[-1] for b in torch_bases(cls)
                           if b.rsplit(".", 1)[-1] in CONTAINERS), None)
    if container_kind:
        record.container = TorchContainer(container_kind, {}, path, line, col)
        record.children = record.container.children  # one _modules dict, as in torch
    instance = Instance(cls, payload=record)
    instance.attrs["training"] = False  # shapes are read as in eval mode (torchinfo's default)
    if interp.uncertain:
        record.uncertain = "built under an undecided condition"
    try:
        init = cls.lookup("__init__")
    except KeyError:
        init = None
    if init is None:  # the external base's own __init__ runs
        base = next((b for b in torch_bases(cls)), "torch.nn.Module")
        init = external_super(interp, instance, base, "__init__")
        if init is NotImplemented:
            return instance
        done = interp.call(init, tuple(args), kwargs, node)
    else:
        done = interp.call(init, (instance,) + tuple(args), kwargs, node)
    if isinstance(done, Unknown) and done.opaque:
        record.uncertain = f"{cls.name}.__init__ did not run to its end ({done.reason})"
    return instance


def external_super(interp, self_value, base: str, name: str):
    if not base.startswith("torch.nn.") or not isinstance(self_value, Instance) or \
            not isinstance(self_value.payload, ModuleRecord):
        return NotImplemented
    record = self_value.payload
    kind = base.rsplit(".", 1)[-1]
    if base not in MODULE_BASES:
        return _leaf_super(interp, self_value, kind, name)
    if name == "__init__":
        if kind in CONTAINERS and record.container is not None:
            return Builtin(f"nn.{kind}.__init__", lambda i, a, k, n: make_container(
                i, kind, a, k, n, into=record.container) and None)
        return Builtin("nn.Module.__init__", lambda i, a, k, n: None)
    if name == "forward" and record.container is not None:
        return Builtin("nn.Sequential.forward",
                       lambda i, a, k, n: record.container.shapelint_call(i, a, k, n))
    return NotImplemented


def _leaf_super(interp, obj: Instance, kind: str, name: str):
    """A user class deriving from a catalogue layer (class LayerNorm2d(nn.LayerNorm)): the
    base's __init__ builds that layer, whose parameters the subclass owns."""
    record = obj.payload
    if name == "__init__":
        if lookup("torch", kind) is None:
            record.uncertain = f"the base class nn.{kind} is not in shapelint's catalogue"
            return Builtin(f"nn.{kind}.__init__", lambda i, a, k, n: None)

        def init(i, a, k, n):
            leaf = make_layer_object(TorchLayer, "torch", kind, a, k, kind, record.path,
                                     record.line, record.col)
            record.children[""] = leaf  # its parameters are the instance's own
            obj.attrs.update(leaf.arguments or {})
            return None
        return Builtin(f"nn.{kind}.__init__", init)
    if name == "forward":
        leaf = record.children.get("")
        if leaf is not None:
            return Builtin(f"nn.{kind}.forward", lambda i, a, k, n: leaf.shapelint_call(i, a, k, n))
    return NotImplemented


def instance_attribute(interp, obj: Instance, name: str):
    record = obj.payload
    if not isinstance(record, ModuleRecord):
        return NotImplemented
    leaf = record.children.get("")
    if leaf is not None and name in ("weight", "bias"):
        tensor = params.read(leaf, name)
        return tensor if tensor is not NotImplemented else TorchTensor(
            Shape.unknown(f"{leaf.type_name}.{name}"), parameter=True)
    if name in record.children:
        return record.children[name]
    if name in record.parameters:
        return record.parameters[name]

    def add_module(i, a, k, n):
        if len(a) == 2 and isinstance(a[0], str):
            _register(i, obj, a[0], a[1])
        else:
            record.uncertain = "add_module with an unknown name"
        return None

    def register_parameter(i, a, k, n):
        if len(a) == 2 and isinstance(a[0], str) and isinstance(a[1], TorchTensor):
            record.parameters[a[0]] = a[1]
        elif len(a) != 2 or a[1] is not None:
            record.uncertain = record.uncertain or "register_parameter() of a name or value " \
                "shapelint cannot read"
        return None
    hooks = {"add_module": add_module, "register_module": add_module,
             "register_parameter": register_parameter,
             "get_submodule": lambda i, a, k, n: _get_submodule(i, obj, *a, **k),
             "get_parameter": lambda i, a, k, n: _get_tensor(i, obj, True, *a, **k),
             "get_buffer": lambda i, a, k, n: _get_tensor(i, obj, False, *a, **k),
             "register_buffer": lambda i, a, k, n: torch_tensors.register_buffer(obj, a, k),
             "modules": lambda i, a, k, n: [obj] + [m for _, m in _leaves_and_modules(obj)],
             "children": lambda i, a, k, n: list(record.children.values()),
             "named_children": lambda i, a, k, n: list(record.children.items())}
    if name in hooks and not _defines(obj.cls, name):
        return Builtin(f"nn.Module.{name}", hooks[name])
    method = torch_wrap.module_method(obj, name)
    if method is not None and not _defines(obj.cls, name):
        return method
    if record.container is not None:
        return record.container.shapelint_attribute(interp, name)
    return NotImplemented


def _get_submodule(interp, module, target=None):
    """nn.Module.get_submodule: the module at a dotted path of child names."""
    if not isinstance(target, str):
        return Unknown("get_submodule() of a name shapelint cannot read")
    for part in target.split(".") if target else ():
        module = interp.get_attribute(module, part)
        if not is_module(module):
            return Unknown(f"get_submodule({target!r}): {part!r} is not a module shapelint knows")
    return module


def _get_tensor(interp, module, parameter: bool, target=None):
    """nn.Module.get_parameter / get_buffer at a dotted path."""
    if not isinstance(target, str):
        return Unknown("get_parameter() of a name shapelint cannot read")
    owner, _, name = target.rpartition(".")
    module = _get_submodule(interp, module, owner)
    if isinstance(module, Unknown):
        return module
    value = interp.get_attribute(module, name)
    if isinstance(value, TorchTensor) and (value.parameter is True) == parameter:
        return value
    return Unknown(f"{target!r} is not a {'parameter' if parameter else 'buffer'} shapelint "
                   "knows")


def _leaves_and_modules(module, seen=None):
    seen = set() if seen is None else seen
    out = []
    for name, child in children_of(module).items():
        if id(child) in seen:
            continue
        seen.add(id(child))
        out.append((name, child))
        out.extend(_leaves_and_modules(child, seen))
    return out


def _register(interp, obj, name, value):
    record = obj.payload
    leaf = record.children.get("")
    if leaf is not None and params.is_slot(leaf, name) and params.assign(leaf, name, value):
        # `self.weight = shared` on a subclass of a catalogue layer replaces that layer's own
        # weight, as nn.Module.__setattr__ replaces _parameters["weight"]
        if interp.uncertain:
            record.uncertain = f"parameter '{name}' is set under an undecided condition"
        return
    # Under an undecided condition, what may add or replace a module or parameter leaves the
    # total unknown; a plain attribute (a config object, a flag) changes no count, nor does
    # the module already there (`self.encoder = self.encoder.to(device)` when a GPU is found).
    kept = value is record.children.get(name, _NONE) or value is record.parameters.get(name, _NONE)
    if interp.uncertain and not kept and (is_module(value) or isinstance(value, TorchTensor) and (
            value.parameter) or isinstance(value, Unknown) and value.opaque or
            name in record.children or name in record.parameters):
        record.uncertain = f"submodule '{name}' is set under an undecided condition"
    if is_module(value):
        record.children[name] = value
    elif isinstance(value, TorchTensor) and value.parameter:
        record.parameters[name] = value
    elif isinstance(value, Unknown) and (name in record.children or value.opaque):
        record.uncertain = record.uncertain or (
            f"self.{name} = {value.reason}{_at_line(interp, value)}; it may be a module or "
            "a parameter shapelint cannot read, so the total is unknown")
    obj.attrs[name] = value


_NONE = object()


def _at_line(interp, value: Unknown) -> str:
    if value.where is None:
        return ""
    path, line, _ = value.where
    return f" at line {line}" if line else ""


def _defines(cls, name: str) -> bool:
    """True when the user's class (or a user base) defines `name` itself."""
    try:
        found = cls.lookup(name)
    except KeyError:
        return False
    return not isinstance(found, Builtin)


def lost_write(interp, reason: str) -> None:
    for record in interp.state.torch_records:
        record.uncertain = record.uncertain or reason
        record.shares_lost = record.shares_lost or reason


def lost_call(interp, reason: str, given) -> None:
    values = list(given)
    for value in list(values):  # one level into containers: `fn([self.a, self.b])`
        if isinstance(value, (list, tuple)):
            values.extend(value)
        elif isinstance(value, dict):
            values.extend(value.values())
    if any(isinstance(v, (TorchLayer, TorchContainer)) for v in values):
        lost_write(interp, reason)  # a layer has no record of its own: any model may hold it
        return
    for value in values:
        if isinstance(value, Instance) and isinstance(value.payload, ModuleRecord):
            value.payload.uncertain = value.payload.uncertain or reason
            value.payload.shares_lost = value.payload.shares_lost or reason


def set_instance_attribute(interp, obj: Instance, name: str, value):
    if not isinstance(obj.payload, ModuleRecord):
        return NotImplemented
    if is_module(value) or (isinstance(value, TorchTensor) and value.parameter) or \
            name in obj.payload.children or (isinstance(value, Unknown) and value.opaque):
        _register(interp, obj, name, value)
        return True
    return NotImplemented


def call_instance(interp, obj: Instance, args, kwargs, node):
    if not isinstance(obj.payload, ModuleRecord):
        return NotImplemented
    if outside_modules(interp) and args and isinstance(args[0], TorchTensor) and \
            args[0].shape.known_rank:
        observed_at(interp, obj, args[0], node, *_further_inputs(args[1:], kwargs, interp, node))
    try:
        forward = obj.cls.lookup("forward")
    except KeyError:
        if obj.payload.container is not None:
            return obj.payload.container.shapelint_call(interp, args, kwargs, node)
        return Unknown(f"{obj.cls.name} has no forward()")
    out = interp.call(interp.bind_attribute(forward, obj, obj.cls), tuple(args), kwargs, node)
    if isinstance(out, TorchTensor) and outside_modules(interp) and args and \
            isinstance(args[0], TorchTensor) and args[0].shape.known_rank:
        interp.state.observed_models.setdefault(id(obj), obj)  # read even if unnamed
        output_places.note_call(interp, out, args, node)  # where a loss's fix may go
    if isinstance(out, TorchTensor) and out.produced_by and outside_modules(interp) and \
            reads_training_flag(obj):
        # shapes are read in eval mode; a forward that branches on self.training may end
        # in another activation when trained, so its output's activation is not certain
        out = TorchTensor(out.shape, out.parameter, out.dtype, None)
    return out


def _further_inputs(rest, kwargs, interp=None, node=None) -> tuple:
    """The arguments after the first of forward(a, b, ..., k=v), to call it with again when the
    model is read (torch_model._forward): (positional, keywords). Tensors as fresh tensors of
    their shape and dtype, plain ints as ints that remember where the call gives them
    (torch_last_batch.GivenInt), floats and bools as they are (`model(x, scale=1.5)`); empty
    (the model read on its first input alone, as before) unless every further argument is one
    of those."""
    if not all(_given_kind(t) for t in tuple(rest) + tuple(kwargs.values())):
        return (), {}
    arguments = list(getattr(node, "args", ()) or ())[1:]
    places = {}
    for i, argument in enumerate(arguments):
        key = argument.keyword.value if argument.keyword is not None else i
        if not argument.star:
            places[key] = argument.value
    out = tuple(_given(t, places.get(i), interp) for i, t in enumerate(rest))
    return out, {k: _given(t, places.get(k), interp) for k, t in kwargs.items()}


def _given_kind(value) -> bool:
    return isinstance(value, TorchTensor) and value.shape.known_rank or \
        type(value) in (int, float, bool, GivenInt)


def _given(value, argument, interp):
    """One further argument as forward() is given it again."""
    if isinstance(value, TorchTensor):
        return TorchTensor(value.shape, dtype=value.dtype, shape_at=value.shape_at)
    if type(value) is not int:  # a GivenInt keeps where the script gave it; floats, bools
        return value
    at = tuple(interp.position(argument)) if interp is not None and argument is not None \
        else None
    return GivenInt(value, at if at and at[0] and at[1] else None)


def isinstance_of(value, qualname: str):
    """isinstance(value, torch.nn.X) for the modules we model; None when we cannot tell."""
    if qualname in ("torch.Tensor", "torch.nn.Parameter", "torch.nn.parameter.Parameter"):
        if isinstance(value, TorchTensor):
            return value.parameter or qualname == "torch.Tensor"
        if isinstance(value, (int, float, str, tuple, list, dict, type(None))) or \
                is_module(value):
            return False
        return None
    cls = nn_class(qualname)
    if cls is None:
        return None
    if isinstance(value, TorchLayer):
        return value.type_name == cls or cls == "Module"
    if isinstance(value, TorchContainer):
        return value.kind == cls or cls == "Module"
    if isinstance(value, Instance) and isinstance(value.payload, ModuleRecord):
        return cls == "Module" or f"torch.nn.{cls}" in torch_bases(value.cls)
    if isinstance(value, (int, float, str, tuple, list, dict, type(None))):
        return False
    return None


def reads_training_flag(module) -> bool:
    """Does a user module class in this module tree mention `training` (self.training)?"""
    todo, seen = [module], set()
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, Instance):
            for cls in current.cls.mro():
                node = getattr(cls, "node", None)
                if node is not None and _mentions_training(node):
                    return True
        todo.extend(c for c in children_of(current).values() if c is not None)
    return False


# id(class node) -> (the node, whether its code mentions `training`), per process: a codegen of
# the whole class each time a model's forward() is read, when the classes of sibling modules
# (timm.layers) come back in every file. Nodes are immutable; each
# is kept with its answer, so that its id is not reused while it is in here.
_TRAINING: dict = {}
_TRAINING_SIZE = 256


def _mentions_training(node) -> bool:
    found = _TRAINING.get(id(node))
    if found is None or found[0] is not node:
        found = _TRAINING[id(node)] = (node, "training" in cst.Module([]).code_for_node(node))
        while len(_TRAINING) > _TRAINING_SIZE:
            del _TRAINING[next(iter(_TRAINING))]
    return found[1]
