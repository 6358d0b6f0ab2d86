"""What torch does to a module after building it, as far as its parameters go.

- Module methods that return the module itself (`.double()`, `.eval()`, `.to(device)`...).
- Wrappers around the same parameters: `torch.compile(m)`, `nn.DataParallel(m)`,
  `DistributedDataParallel(m)`, `torch.jit.script(m)`.
- Re-parametrizations from torch.nn.utils, modelled on what torch registers (checked against
  torch in tests/test_torch_counts.py):
  `weight_norm` (both APIs) replaces `weight` (shape W) by g (W.shape[dim] values; one for
  dim=None or -1) and v (shape W); `spectral_norm` and `parametrizations.orthogonal` keep a
  parameter of W's shape (`weight_orig` / `parametrizations.weight.original`; u and v are
  buffers); `parametrize.register_parametrization` keeps the original and adds the
  parametrization module's own parameters; `remove_*` gives back a plain parameter of W's shape.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.dims import Unknown
from ..interpreter.values import Builtin, Class, Instance
from ..domain.shapes import Shape
from . import torch_params as params
from .torch_values import (WRAPPERS, ModuleRecord, TorchContainer, TorchLayer, TorchTensor,
                           children_of, is_module)

RETURNS_SELF = frozenset({"to", "cuda", "cpu", "float", "double", "half", "bfloat16", "type",
                          "train", "eval", "requires_grad_", "share_memory", "xpu", "ipu",
                          "mtia", "to_empty"})
_SAME_MODULE = ("torch.compile", "torch.jit.script", "torch.jit.trace")
# torch names whose unmodelled results may be modules or parameters: stored on a module they
# make its total unknown (torch.py marks them opaque). Helpers such as
# torch.nn.modules.utils._pair return plain values and stay out.
_MAY_BUILD = ("torch.nn.utils.", "torch.nn.parallel.", "torch.jit.", "torch.fx.", "torch.ao.",
              "torch.quantization.", "torch.hub.", "torch.compile")


def may_build_module(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return name.startswith(_MAY_BUILD) or name.startswith("torch.nn.") and last[:1].isupper()


def module_method(module, name: str):
    """A Builtin for `module.name` when it is one of the methods handled here, else None."""
    if name == "requires_grad_":
        return Builtin("nn.Module.requires_grad_", lambda i, a, k, n: _requires_grad(
            module, a[0] if a else k.get("requires_grad", True)))
    if name in ("parameters", "named_parameters"):
        return Builtin(f"nn.Module.{name}", lambda i, a, k, n: _parameters(
            module, name == "named_parameters"))
    if name in ("train", "eval"):
        return Builtin(f"nn.Module.{name}", lambda i, a, k, n: _mode(i, module, name, a, k))
    if name in RETURNS_SELF:
        return Builtin(f"nn.Module.{name}", lambda i, a, k, n: module)
    if name == "apply":
        return Builtin("nn.Module.apply", lambda i, a, k, n: _apply(i, module, a, k, n))
    if name == "zero_grad":
        return Builtin("nn.Module.zero_grad", lambda i, a, k, n: None)
    return None


def _mode(interp, module, name: str, args, kwargs):
    """module.train() / .train(True) puts every layer of its tree in training mode; .eval(),
    .train(False) or a flag not known takes them out of it (State.training_layers: torch's
    BatchNorm raises on one value per channel in training only, torch_last_batch)."""
    from .torch_model import leaves
    flag = (args[0] if args else kwargs.get("mode", True)) if name == "train" else False
    try:
        ids = {id(leaf) for _, leaf in leaves(module)}
    except Exception:  # noqa: BLE001 - a tree not read: nothing is known to be training
        interp.state.training_layers.clear()
        return module
    if flag is True:
        interp.state.training_layers.update(ids)
    else:
        interp.state.training_layers.difference_update(ids)
    return module


def _requires_grad(module, flag):
    """module.requires_grad_(flag): every parameter of the tree trainable or not."""
    flag = flag if isinstance(flag, bool) else Unknown("requires_grad_() of an unknown flag")
    todo, seen = [module], set()
    while todo:
        m = todo.pop()
        if id(m) in seen:
            continue
        seen.add(id(m))
        if isinstance(m, TorchLayer):
            m.requires_grad = flag
            for tensor in (m.slots.own.values() if m.slots else ()):
                tensor.requires_grad = flag
        if isinstance(m, Instance) and isinstance(m.payload, ModuleRecord):
            for tensor in m.payload.parameters.values():
                tensor.requires_grad = flag
        todo.extend(c for c in children_of(m).values() if c is not None)
    return module


@dataclass(frozen=True)
class FirstParameter(Unknown):
    """module.parameters() when a later leaf's parameters are not read: the iterator is not
    known, its first tensor is (`next(self.parameters())`, the usual way to reach a module's
    dtype and device: builtins' next reads shapelint_first)."""
    shapelint_first: object = field(default=None, compare=False, repr=False)


def _parameters(module, named: bool):
    """module.parameters(): each tensor once, when shapelint knows every one of them."""
    from .torch_model import leaves
    out = []
    for name, leaf in leaves(module):
        if isinstance(leaf, TorchTensor):
            out.append((name, leaf))
        elif isinstance(leaf, TorchLayer) and not (leaf.slots and leaf.slots.replaced):
            shapes = params.own_shapes(leaf)
            if shapes is None:
                reason = f"the parameters of {leaf.type_name}"
                if out and not named:  # torch yields in registration order, as leaves()
                    return FirstParameter(reason, shapelint_first=out[0][1])
                return Unknown(reason)
            for key in shapes:
                tensor = params.own_tensor(leaf, key)
                if tensor is not None:
                    out.append((f"{name}.{key}" if name else key, tensor))
        elif isinstance(leaf, TorchLayer):
            return Unknown(f"the re-parametrized parameters of {leaf.type_name}")
        else:
            return Unknown("parameters of a module shapelint cannot read")
    return out if named else [t for _, t in out]


def _apply(interp, module, args, kwargs, node):
    """module.apply(fn): fn on every submodule, children first, then on module (as torch)."""
    fn = args[0] if args else kwargs.get("fn")
    if fn is None:
        return module
    done = set()

    def visit(m):
        if id(m) in done:  # torch visits a shared module once per path; fn is idempotent here
            return
        done.add(id(m))
        for child in list(children_of(m).values()):
            if child is not None:
                visit(child)
        interp.call(fn, (m,), {}, node)
    visit(module)
    return module


def call(interp, name: str, args, kwargs, node):
    """torch.* calls handled here; NotImplemented for the others."""
    last = name.rsplit(".", 1)[-1]
    if name in _SAME_MODULE or last in WRAPPERS and name.startswith("torch.nn."):
        module = args[0] if args else kwargs.get("module", kwargs.get("model"))
        if not is_module(module):
            return NotImplemented if name in _SAME_MODULE else Unknown(
                f"{last} of a module shapelint cannot read", opaque=True)
        if name in _SAME_MODULE:
            return module  # the same parameters (OptimizedModule / ScriptModule keep them)
        path, line, col = interp.position(node) if node is not None else ("", 0, 0)
        return TorchContainer(last, {"module": module}, path, line, col, interp=interp)
    if not name.startswith("torch.nn.utils."):
        return NotImplemented
    parametrizations = ".parametrizations." in name
    if last == "skip_init" and args:  # builds module_cls(*args, **kwargs) without init
        return interp.call(args[0], tuple(args[1:]), kwargs, node)
    if last in ("weight_norm", "spectral_norm", "orthogonal"):
        done = reparametrize(interp, last, parametrizations, args, kwargs)
    elif last in ("remove_weight_norm", "remove_spectral_norm"):
        done = remove(args, kwargs, "name", "weight")
    elif last == "register_parametrization":
        done = register(interp, args, kwargs)
    elif last == "remove_parametrizations":
        done = remove(args, kwargs, "tensor_name", None)
    elif last == "is_parametrized":
        return Unknown("is_parametrized()")
    else:
        return NotImplemented
    module = _argument(args, kwargs, 0, "module", None)
    return module if done is _target(module) else done  # torch returns the module given


def _argument(args, kwargs, index: int, name: str, default):
    return args[index] if len(args) > index else kwargs.get(name, default)


def _g_shape(weight: Shape, dim) -> Shape:
    """weight_norm's g: W's size along dim, ones elsewhere; a scalar for dim None or -1."""
    if dim is None or dim == -1:
        return Shape(())
    if not weight.known_rank or not isinstance(dim, int) or not -weight.rank <= dim < \
            weight.rank:
        return Shape.unknown("weight_norm's dim on a weight of unknown shape")
    dim %= weight.rank
    return Shape(tuple(d if i == dim else 1 for i, d in enumerate(weight.dims)))


def reparametrize(interp, kind: str, new_api: bool, args, kwargs):
    module = _target(_argument(args, kwargs, 0, "module", None))
    name = _argument(args, kwargs, 1, "name", "weight")
    if not isinstance(name, str):
        return _unknowable(module, f"{kind} of a tensor whose name is not known")
    if kind == "weight_norm":
        dim = _argument(args, kwargs, 2, "dim", 0)
        weight = _current(module, name)
        if weight is None:
            return _unknowable(module, f"{kind}: shapelint cannot find {name!r}")
        g = TorchTensor(_g_shape(weight, dim), parameter=True)
        v = TorchTensor(weight, parameter=True)
        names = (f"parametrizations.{name}.original0", f"parametrizations.{name}.original1") \
            if new_api else (f"{name}_g", f"{name}_v")
        slot = params.Slot(((names[0], g), (names[1], v)), assigned=False)
    else:
        weight = _current(module, name)
        registered = f"parametrizations.{name}.original" if new_api else f"{name}_orig"
        if weight is None and not isinstance(module, TorchLayer):
            return _unknowable(module, f"{kind}: shapelint cannot find {name!r}")
        # the original keeps the tensor's shape: the count does not change
        slot = params.Slot(((registered, TorchTensor(
            weight if weight is not None else Shape.unknown(name), parameter=True)),),
            assigned=False, keeps_count=_plain(module, name))
        if not slot.keeps_count and weight is None:
            return _unknowable(module, f"{kind}: shapelint cannot find {name!r}")
    return _replace(module, name, slot)


def _plain(module, name) -> bool:
    """True when `name` on this layer is still its own parameter (not replaced)."""
    return isinstance(module, TorchLayer) and not (
        module.slots and name in module.slots.replaced) and params.is_slot(module, name)


def _current(module, name: str) -> Shape | None:
    """The shape of the parameter `name` of a module; None when shapelint cannot find it."""
    if isinstance(module, TorchLayer):
        shape = params.current_shape(module, name)
        return shape if shape.known_rank else None
    if isinstance(module, Instance) and isinstance(module.payload, ModuleRecord):
        tensor = module.payload.parameters.get(name)
        return tensor.shape if tensor is not None and tensor.shape.known_rank else None
    return None


def _replace(module, name: str, slot):
    if isinstance(module, TorchLayer):
        params.slots_of(module).replaced[name] = slot
        return module
    if not (isinstance(module, Instance) and isinstance(module.payload, ModuleRecord)):
        return _unknowable(module, f"a re-parametrization of {name!r} shapelint cannot read")
    module.payload.parameters.pop(name, None)
    module.payload.parameters.update(dict(slot.params))
    return module


def _unknowable(module, why: str):
    """The module with the count it would have made unknown."""
    if isinstance(module, TorchLayer):  # an Unknown slot makes the layer's count unknown
        params.slots_of(module).replaced[f"?{why}"] = Unknown(why)
        return module
    if isinstance(module, TorchContainer):
        module.uncertain = module.uncertain or why
        return module
    if isinstance(module, Instance) and isinstance(module.payload, ModuleRecord):
        module.payload.uncertain = module.payload.uncertain or why
        return module
    return Unknown(why, opaque=True)


def remove(args, kwargs, key: str, default):
    """remove_weight_norm / remove_spectral_norm / parametrize.remove_parametrizations: a
    plain parameter of the tensor's shape again (leave_parametrized=False keeps the original,
    the same shape for the parametrizations modelled here)."""
    module = _target(_argument(args, kwargs, 0, "module", None))
    name = _argument(args, kwargs, 1, key, default)
    if isinstance(module, TorchLayer) and module.slots is not None and \
            isinstance(module.slots.replaced.get(name), params.Slot) and \
            not module.slots.replaced[name].assigned:
        module.slots.replaced.pop(name)
        module.slots.own.pop(name, None)  # a new Parameter object
        module.slots.modules = [(n, m) for n, m in module.slots.modules
                                if not n.startswith(f"parametrizations.{name}.")]
        return module
    if isinstance(module, Instance) and isinstance(module.payload, ModuleRecord) and \
            isinstance(name, str):
        record, prefix = module.payload, f"parametrizations.{name}."
        shape = next((record.parameters[k].shape for k in (
            f"{name}_v", f"{name}_orig", prefix + "original", prefix + "original1")
            if k in record.parameters), None)
        if shape is not None:
            for k in [k for k in record.parameters if k.startswith(prefix) or
                      k in (f"{name}_g", f"{name}_v", f"{name}_orig")]:
                record.parameters.pop(k)
            for k in [k for k in record.children if k.startswith(prefix)]:
                record.children.pop(k)
            record.parameters[name] = TorchTensor(shape, parameter=True)
            return module
    return _unknowable(module, f"removing the parametrization of {name!r}")


def _target(module):
    """A user class deriving from a catalogue layer keeps its parameters in that layer."""
    if isinstance(module, Instance) and isinstance(module.payload, ModuleRecord) and \
            "" in module.payload.children:
        return module.payload.children[""]
    return module


def register(interp, args, kwargs):
    """parametrize.register_parametrization(module, tensor_name, parametrization)."""
    module = _target(_argument(args, kwargs, 0, "module", None))
    name = _argument(args, kwargs, 1, "tensor_name", None)
    parametrization = _argument(args, kwargs, 2, "parametrization", None)
    if not isinstance(name, str) or not is_module(parametrization):
        return _unknowable(module, "a parametrization shapelint cannot read")
    if isinstance(parametrization, Instance) and isinstance(parametrization.cls, Class):
        try:
            parametrization.cls.lookup("right_inverse")
            # the original becomes right_inverse(tensor), of a shape we do not compute
            return _unknowable(module, "a parametrization with its own right_inverse")
        except KeyError:
            pass
    if isinstance(module, TorchLayer):
        slots = params.slots_of(module)
        existing = [n for n, _ in slots.modules if n.startswith(f"parametrizations.{name}.")]
        slot = slots.replaced.get(name)
        if not isinstance(slot, params.Slot) or slot.assigned:
            reparametrize(interp, "parametrize", True, (module, name), {})
        if not isinstance(slots.replaced.get(name), params.Slot):
            return module  # the count is unknown, and says why
        slots.modules.append((f"parametrizations.{name}.{len(existing)}", parametrization))
        return module
    if isinstance(module, Instance) and isinstance(module.payload, ModuleRecord):
        record = module.payload
        prefix = f"parametrizations.{name}."
        existing = [k for k in record.children if k.startswith(prefix)]
        if not existing:
            tensor = record.parameters.pop(name, None)
            if not isinstance(tensor, TorchTensor):
                return _unknowable(module, f"parametrize: shapelint cannot find {name!r}")
            record.parameters[prefix + "original"] = TorchTensor(tensor.shape, parameter=True)
        record.children[f"{prefix}{len(existing)}"] = parametrization
        return module
    return _unknowable(module, "a parametrization of a module shapelint cannot read")
