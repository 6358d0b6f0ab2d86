"""inspect's binding of a layer's arguments, without inspect's cost at every layer.

`Signature.bind` plus `apply_defaults` costs some 90 us, and a catalogue entry is bound twice
per layer built (its arguments, then its rule): 5% of checking timm. Where each argument lands
depends only on the shape of the call (how many positional arguments, which keywords), so
inspect binds stand-ins once per signature and shape, and each call after fills that plan with
its values: the same BoundArguments, its arguments in the same order, the same default
objects. A call inspect refuses is bound by inspect every time, for its own TypeError.
"""
from __future__ import annotations

import inspect

_VAR_POSITIONAL = inspect.Parameter.VAR_POSITIONAL
_VAR_KEYWORD = inspect.Parameter.VAR_KEYWORD
_DEFAULT, _POSITION, _KEYWORD, _REST, _EXTRA = range(5)
_PLANS: dict = {}  # (id(signature), count, keywords) -> (signature, plan or None)


class _Slot:
    """A stand-in argument: where a real one lands (its position, or its keyword)."""
    __slots__ = ("at",)

    def __init__(self, at):
        self.at = at


def bind(signature: inspect.Signature, args: tuple, kwargs: dict) -> inspect.BoundArguments:
    """signature.bind(*args, **kwargs) with its defaults applied, as inspect makes it."""
    key = (id(signature), len(args), tuple(kwargs))
    found = _PLANS.get(key)
    if found is None or found[0] is not signature:  # an id reused by another signature
        found = _PLANS[key] = (signature, _plan(signature, len(args), tuple(kwargs)))
    plan = found[1]
    if plan is None:
        bound = signature.bind(*args, **kwargs)  # raises inspect's TypeError
        bound.apply_defaults()
        return bound
    arguments = {}
    for name, how, what in plan:
        if how == _POSITION:
            arguments[name] = args[what]
        elif how == _KEYWORD:
            arguments[name] = kwargs[what]
        elif how == _DEFAULT:
            arguments[name] = what
        elif how == _REST:
            arguments[name] = tuple(args[at] for at in what)
        else:  # a new dict each time, as apply_defaults makes one
            arguments[name] = {keyword: kwargs[keyword] for keyword in what}
    return inspect.BoundArguments(signature, arguments)


def _plan(signature: inspect.Signature, count: int, keywords: tuple) -> list | None:
    """(name, how, what) per argument of the binding, in its order; None when refused."""
    try:
        bound = signature.bind(*[_Slot(at) for at in range(count)],
                               **{keyword: _Slot(keyword) for keyword in keywords})
    except TypeError:
        return None
    bound.apply_defaults()
    plan = []
    for name, value in bound.arguments.items():
        kind = signature.parameters[name].kind
        if kind is _VAR_POSITIONAL:
            plan.append((name, _REST, tuple(slot.at for slot in value)))
        elif kind is _VAR_KEYWORD:
            plan.append((name, _EXTRA, tuple(value)))
        elif type(value) is _Slot:
            plan.append((name, _POSITION if type(value.at) is int else _KEYWORD, value.at))
        else:
            plan.append((name, _DEFAULT, value))
    return plan


_KEYWORD_ONLY = inspect.Parameter.KEYWORD_ONLY
_LAYOUTS: dict = {}  # id(signature) -> (signature, its (name, kind) pairs in order)


def call_arguments(bound: inspect.BoundArguments) -> tuple[tuple, dict]:
    """(bound.args, bound.kwargs), as inspect makes them, from the signature's parameters read
    once: inspect reads each parameter's kind through a property at every call (1% of
    checking timm, where each layer's rule is made from them)."""
    signature = bound.signature
    found = _LAYOUTS.get(id(signature))
    if found is None or found[0] is not signature:
        found = _LAYOUTS[id(signature)] = (
            signature, tuple((name, p.kind) for name, p in signature.parameters.items()))
    layout, arguments = found[1], bound.arguments
    args: list = []
    for name, kind in layout:  # inspect's BoundArguments.args
        if kind is _VAR_KEYWORD or kind is _KEYWORD_ONLY or name not in arguments:
            break
        if kind is _VAR_POSITIONAL:
            args.extend(arguments[name])
        else:
            args.append(arguments[name])
    kwargs: dict = {}
    started = False
    for name, kind in layout:  # inspect's BoundArguments.kwargs
        if not started:
            if kind is _VAR_KEYWORD or kind is _KEYWORD_ONLY:
                started = True
            elif name not in arguments:
                started = True
                continue
            else:
                continue
        if name in arguments:
            if kind is _VAR_KEYWORD:
                kwargs.update(arguments[name])
            else:
                kwargs[name] = arguments[name]
    return tuple(args), kwargs
