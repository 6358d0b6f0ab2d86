"""isinstance() against the kinds of callables: `type`, `types.FunctionType`,
`functools.partial` (factories such as `get_norm_layer` accept a class, a function, a partial
or a name and branch on which). None when the interpreter cannot tell."""
from __future__ import annotations

from .values import PLAIN, BoundMethod, Builtin, Class, Function, Instance, Partial, Ref

_FUNCTION_KINDS = ("types.FunctionType", "types.LambdaType")
_VALUES = PLAIN + (tuple, list, dict, set, frozenset, range)


# collections.abc kinds, answered for the plain values the interpreter holds as Python's own
_ABC = {f"{root}.{name}" for root in ("collections.abc", "typing")
        for name in ("Iterable", "Sequence", "Mapping", "Sized", "Container", "Collection",
                     "Callable")} | {
    f"numbers.{name}" for name in ("Number", "Complex", "Real", "Rational", "Integral")}


def answer(interp, value, kind) -> bool | None:
    """isinstance(value, kind) where kind is `type`, a callable's type or an abc."""
    name = "type" if isinstance(kind, Builtin) and kind.name == "type" else \
        kind.qualname if isinstance(kind, Ref) else None
    if name in _ABC:
        return _abc(value, name)
    if name not in ("type", "functools.partial") + _FUNCTION_KINDS:
        return None
    if isinstance(value, _VALUES) or isinstance(value, Instance):
        return False
    if isinstance(value, Class):
        return name == "type"
    if isinstance(value, Function):  # a def or a lambda (a method read off a class, too)
        return name in _FUNCTION_KINDS
    if isinstance(value, BoundMethod):
        return False
    if isinstance(value, Partial):
        return name == "functools.partial"
    if isinstance(value, Ref) and interp.frameworks.is_class(value.qualname):
        return name == "type"
    return None


def _abc(value, name: str) -> bool | None:
    import collections.abc
    import numbers
    if isinstance(value, _VALUES):
        root = numbers if name.startswith("numbers.") else collections.abc
        return isinstance(value, getattr(root, name.rsplit(".", 1)[-1]))
    if isinstance(value, (Class, Function, BoundMethod, Builtin, Partial)):
        return name.endswith(".Callable")  # callables that hold no items
    if isinstance(value, Instance) and isinstance(value.cls, Class) and \
            _only_user_bases(value.cls) and not name.startswith("numbers."):
        # Sequence and Mapping admit only their subclasses and registered classes; the others'
        # __subclasshook__ looks for the methods in the class's order, as here
        needs = _ABC_METHODS.get(name.rsplit(".", 1)[-1])
        if needs is None:
            return False
        defined = {key for c in value.cls.mro() for key, v in c.namespace.items()
                   if v is not None}
        return needs <= defined
    return None


_ABC_METHODS = {"Iterable": {"__iter__"}, "Sized": {"__len__"}, "Container": {"__contains__"},
                "Collection": {"__iter__", "__len__", "__contains__"}, "Callable": {"__call__"}}


def issubclass_of(interp, cls, kinds) -> bool | None:
    """issubclass(cls, kinds) for classes the interpreter knows; None when it cannot tell."""
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    answers = []
    for kind in kinds:
        if isinstance(cls, Class) and isinstance(kind, Builtin) and kind.name == "object":
            answers.append(True)
        elif isinstance(cls, Class) and isinstance(kind, Class):
            answers.append(kind in cls.mro())
        elif isinstance(cls, Class) and isinstance(kind, Ref) and \
                kind.qualname in cls.framework_bases():
            answers.append(True)
        elif isinstance(cls, Class) and isinstance(kind, (Ref, Builtin)) and \
                _only_user_bases(cls):
            answers.append(False)  # nothing external in its bases: no framework class either
        elif isinstance(cls, Ref) and isinstance(kind, Class) and \
                interp.frameworks.is_class(cls.qualname):
            answers.append(False)  # a framework's class derives from no class of the user's
        else:
            return None
    return any(answers)


def _only_user_bases(cls: Class) -> bool:
    return all(isinstance(base, Class) or isinstance(base, Builtin) and base.name == "object"
               for c in cls.mro() for base in c.bases)
