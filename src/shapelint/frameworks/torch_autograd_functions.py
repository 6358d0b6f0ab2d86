"""A custom torch.autograd.Function of the user's (a gradient reversal, a straight-through
estimator): `Cls.apply(*args)` runs its staticmethod forward(ctx, *args) and returns what it
returns, so the shapes the interpreter follows through forward() come out of apply(); a forward
it cannot follow, or an apply it does not model (keyword arguments), gives Unknown."""
from __future__ import annotations

from ..domain.dims import Unknown
from ..interpreter.values import Builtin, Class, Function

_FUNCTION_BASES = ("torch.autograd.Function", "torch.autograd.function.Function")
# ctx methods whose effect is on the backward pass only: called, they return None
_CTX_METHODS = frozenset({"save_for_backward", "mark_dirty", "mark_non_differentiable",
                          "set_materialize_grads"})


def class_attribute(interp, cls: Class, name: str):
    """`Cls.apply` of a torch.autograd.Function subclass the file defines."""
    from . import canonical
    if name != "apply" or not any(canonical(b) in _FUNCTION_BASES
                                  for b in cls.framework_bases()):
        return NotImplemented
    return Builtin(f"{cls.name}.apply", lambda i, args, kwargs, node: _apply(
        i, cls, args, kwargs, node))


def _apply(interp, cls: Class, args, kwargs, node):
    try:
        forward = cls.lookup("forward")
    except KeyError:
        return Unknown(f"{cls.name} defines no forward()")
    if kwargs or not isinstance(forward, Function) or forward.kind != "staticmethod":
        return Unknown(f"{cls.name}.apply() of a forward shapelint does not follow")
    try:  # torch 2's form: a forward without ctx, whose setup_context() saves what it needs
        cls.lookup("setup_context")
        given = tuple(args)
    except KeyError:
        given = (Context(),) + tuple(args)
    return interp.call(forward, given, {}, node)


class Context:
    """The ctx a forward is given: what it stores there is kept, its backward-only methods
    do nothing the forward pass sees."""

    def __init__(self):
        self.stored = {}

    def shapelint_setattr(self, interp, name, value):
        self.stored[name] = value

    def shapelint_attribute(self, interp, name):
        if name in self.stored:
            return self.stored[name]
        if name in _CTX_METHODS:
            return Builtin(f"ctx.{name}", lambda i, args, kwargs, node: None)
        return Unknown(f"ctx.{name} is outside the analysis")
