"""How external names behave when the interpreter meets them: Keras (and later torch) objects,
pure standard-library functions, and everything else as Unknown."""
from __future__ import annotations

from ..dims import Unknown
from ..interpreter.builtins import CONSTANT_REFS, call_pure_ref, make_partial
from ..interpreter.values import BoundMethod, Class, Instance, Ref
from . import keras as keras_fw

_ALIASES = (
    ("tensorflow.python.keras.", "keras."), ("tensorflow.keras.", "keras."),
    ("tf_keras.", "keras."), ("keras._tf_keras.keras.", "keras."), ("keras.src.", "keras."),
    ("keras.api.", "keras."),
)


def canonical(qualname: str) -> str:
    """One spelling per framework name: tensorflow.keras.layers.Dense -> keras.layers.Dense."""
    name = qualname + "."
    changed = True
    while changed:
        changed = False
        for old, new in _ALIASES:
            if name.startswith(old):
                name = new + name[len(old):]
                changed = True
    return name[:-1]


class Frameworks:
    """The hooks the interpreter calls; one instance per analysis. Each framework module
    (keras.py, torch.py) offers the same optional hooks; the first that answers wins."""

    def __init__(self):
        from . import torch as torch_fw
        self.modules = (keras_fw, torch_fw)

    def new_state(self, interp):
        return keras_fw.KerasState()

    def knows(self, qualname: str) -> bool:
        name = canonical(qualname)
        return any(m.knows(name) for m in self.modules)

    def call_ref(self, interp, ref: Ref, args, kwargs, node):
        name = canonical(ref.qualname)
        if name in CONSTANT_REFS:
            return Unknown(f"{name} is not callable")
        pure = call_pure_ref(interp, name, args, kwargs)
        if pure is not None:
            return pure
        if name == "functools.partial":
            return make_partial(interp, args, kwargs, node)
        if name in ("collections.OrderedDict", "collections.defaultdict"):
            return interp.builtins["dict"].fn(interp, args[:1] if name.endswith("dict")
                                              else (), kwargs, node)
        for module in self.modules:
            if name.startswith(module.ROOT):
                return module.call(interp, name, args, kwargs, node)
        return Unknown(f"{ref.qualname}() is outside the analysis")

    def constant(self, qualname: str):
        return CONSTANT_REFS.get(canonical(qualname), NotImplemented)

    def _first(self, hook: str, *args):
        for module in self.modules:
            fn = getattr(module, hook, None)
            if fn is not None:
                answer = fn(*args)
                if answer is not NotImplemented:
                    return answer
        return NotImplemented

    def instantiate(self, interp, cls: Class, args, kwargs, node):
        return self._first("instantiate", interp, cls, args, kwargs, node)

    def instance_attribute(self, interp, obj: Instance, name: str):
        return self._first("instance_attribute", interp, obj, name)

    def set_instance_attribute(self, interp, obj: Instance, name: str, value) -> bool:
        return self._first("set_instance_attribute", interp, obj, name, value) is True

    def external_super(self, interp, self_value, base: str, name: str):
        """super().name resolved in an external base class (nn.Module.__init__, ...)."""
        return self._first("external_super", interp, self_value, canonical(base), name)

    def super_proxy(self, interp, args, node):
        frame = interp.frames[-1] if interp.frames else None
        if frame is None or frame[0].owner is None:
            return Unknown("super() outside a method")
        func, scope = frame
        params = func.node.params.params
        if not params:
            return Unknown("super() without self")
        try:
            self_value = scope.lookup(params[0].name.value)
        except KeyError:
            return Unknown("super() without self")
        return SuperProxy(func.owner, self_value)


class SuperProxy:
    """super(): attribute lookup in the classes after `owner` in self's class order."""

    def __init__(self, owner: Class, self_value):
        self.owner, self.self_value = owner, self_value

    def shapelint_attribute(self, interp, name):
        cls = self.self_value.cls if isinstance(self.self_value, Instance) else self.owner
        mro = cls.mro()
        after = mro[mro.index(self.owner) + 1:] if self.owner in mro else []
        for c in after:
            if name in c.namespace:
                return interp.bind_attribute(c.namespace[name], self.self_value, cls)
        for c in ([self.owner] if self.owner in mro else []) + after:  # external bases
            for base in c.bases:
                if isinstance(base, Ref):
                    found = interp.frameworks.external_super(interp, self.self_value,
                                                             base.qualname, name)
                    if found is not NotImplemented:
                        return found
        if name == "__init__":
            return _NoOp()
        return Unknown(f"super().{name} is outside the analysis")


class _NoOp:
    def shapelint_call(self, interp, args, kwargs, node):
        return None


__all__ = ["Frameworks", "canonical", "BoundMethod"]
