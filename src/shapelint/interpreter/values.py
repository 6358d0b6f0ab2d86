"""The values the abstract interpreter computes with, besides plain Python values."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Callable

import libcst as cst

from ..domain.dims import SymDim, Unknown

_STDLIB = frozenset(sys.stdlib_module_names)


@dataclass(eq=False)
class Ref:
    """A name in a package we do not read (keras, torch, numpy...), e.g. keras.layers.Dense."""
    qualname: str

    def __repr__(self):
        return f"<ref {self.qualname}>"


@dataclass(eq=False)
class Scope:
    vars: dict
    parent: "Scope | None" = None
    module: "UserModule | None" = None
    globals_declared: set = field(default_factory=set)

    def lookup(self, name: str):
        scope = self
        while scope is not None:
            if name in scope.vars:
                return scope.vars[name]
            scope = scope.parent
        raise KeyError(name)

    def assign(self, name: str, value) -> None:
        if name in self.globals_declared and self.module is not None:
            self.module.scope.vars[name] = value
        else:
            self.vars[name] = value


@dataclass(eq=False)
class UserModule:
    """A module of the user's own code, read by path."""
    name: str
    path: str
    scope: Scope = None  # type: ignore[assignment]
    star_refs: list = field(default_factory=list)  # `from pkg import *` of packages we don't read
    star_modules: list = field(default_factory=list)  # `from .mod import *` of user modules
    lines: list = field(default_factory=list)  # the source text, for comments
    pending: dict = field(default_factory=dict)  # name -> deferred top-level import
    reading: Any = None  # slicing.Reading: the top-level statements read so far
    parts: list = field(default_factory=list)  # [MetadataWrapper, original line numbers, cache]
    # id(top statement) -> [node, first line, positions cache, the part it was parsed in]
    tops: dict = field(default_factory=dict)
    definitions: dict = field(default_factory=dict)  # id(class or def node) -> its position
    functions: dict = field(default_factory=dict)  # id(def node) -> (positions, line offset)
    statements: dict = field(default_factory=dict)  # id(small statement) -> the same
    running: list = field(default_factory=list)  # first lines of its top statements under way
    # (why, last line or None) once a half-run decorator may have changed the module's lists,
    # dicts and sets: those its statements up to that line bind, read later, are unknown too
    state_lost: Any = None


@dataclass(eq=False)
class Function:
    name: str
    node: cst.FunctionDef | cst.Lambda
    scope: Scope  # where it was defined (closures)
    module: UserModule
    defaults: dict  # parameter name -> default value, evaluated at definition time
    owner: "Class | None" = None
    kind: str = "function"  # "function", "staticmethod", "classmethod", "property"
    wrapped: "Function | None" = None  # set by functools.wraps: what inspect.signature reads
    top: Any = None  # the top-level statement it was defined in, to find positions quickly

    def __repr__(self):
        return f"<function {self.name}>"


@dataclass(eq=False)
class BoundMethod:
    func: Any
    self_: Any


@dataclass(eq=False)
class Class:
    name: str
    bases: list
    namespace: dict
    module: UserModule
    node: cst.ClassDef | None = None
    dataclass_fields: list | None = None  # [(name, default or MISSING)] for @dataclass
    # the class order, made on first use: a class's bases never change once its class
    # statement ran (timm asks it some 200,000 times a run, for attributes and framework bases)
    _mro: tuple | None = field(default=None, repr=False, compare=False)

    def mro(self) -> list:
        found = self._mro
        if found is None:
            out, todo = [], [self]
            while todo:
                c = todo.pop(0)
                if c not in out:
                    out.append(c)
                    todo.extend(b for b in getattr(c, "bases", ()) if isinstance(b, Class))
            found = self._mro = tuple(out)
        return list(found)

    def lookup(self, name: str):
        for c in self.mro():
            if name in c.namespace:
                return c.namespace[name]
        raise KeyError(name)

    def plain(self) -> bool:
        """Every class of its MRO is read here or comes from the standard library, none has a
        metaclass or __new__: what calling it returns is an instance of it, never a module,
        a layer or a parameter, whatever its arguments."""
        for c in self.mro():
            if "__new__" in c.namespace or c.node is not None and any(
                    k.keyword is not None and k.keyword.value == "metaclass"
                    for k in c.node.keywords):
                return False
            for base in c.bases:
                if isinstance(base, Class):
                    continue
                if isinstance(base, Ref) and base.qualname.split(".")[0] in _STDLIB:
                    continue
                if getattr(base, "name", None) == "object" and not isinstance(base, Ref):
                    continue
                return False
        return True

    def framework_bases(self) -> list[str]:
        """Qualified names of the external classes this class derives from."""
        out = []
        for c in self.mro():
            out.extend(b.qualname for b in c.bases if isinstance(b, Ref))
        return out


@dataclass(eq=False)
class Instance:
    cls: Class
    attrs: dict = field(default_factory=dict)
    payload: Any = None  # a framework's own record for this object (e.g. an nn.Module's parts)
    # why none of its data attributes is known any more (setattr with an unknown name)
    attrs_lost: str | None = None


@dataclass(eq=False)
class Builtin:
    """A callable the interpreter implements itself: fn(interp, args, kwargs, node)."""
    name: str
    fn: Callable
    method: bool = False  # found on a class: binds self like a function does


MISSING = object()


@dataclass(frozen=True)
class ModuleNames:
    """dir() of a framework module: the names known to be there; any other may be there too."""
    names: frozenset


def is_indefinite(value, depth: int = 0) -> bool:
    """Does the value, or anything inside a container, hold Unknown or a symbolic dim?"""
    if type(value) in _SCALARS and depth <= 4:  # most values are: no isinstance chain
        return False
    if isinstance(value, (Unknown, SymDim)):
        return True
    if depth > 4:
        return True
    if isinstance(value, (tuple, list, set, frozenset)):
        return any(is_indefinite(v, depth + 1) for v in list(value)[:1000])
    if isinstance(value, slice):
        return any(is_indefinite(v, depth + 1) for v in (value.start, value.stop, value.step))
    if isinstance(value, dict):
        return any(is_indefinite(k, depth + 1) or is_indefinite(v, depth + 1)
                   for k, v in list(value.items())[:1000])
    return False


PLAIN = (int, float, str, bytes, bool, type(None), complex)
_SCALARS = frozenset(PLAIN)


def is_plain_data(value, depth: int = 0) -> bool:
    """Python's own data all the way down (numbers, strings, and containers of them), which
    str(), repr() and format() may print as Python would; the interpreter's objects (an
    instance, a class, a layer) are not: their Python repr is not the user's, and it can be
    huge (a class holds its module, which holds every value of the file)."""
    if isinstance(value, PLAIN):
        return True
    if depth > 4 or not isinstance(value, (tuple, list, set, frozenset, dict, range)):
        return False
    if isinstance(value, range):
        return True
    items = list(value.items()) if isinstance(value, dict) else list(value)
    if len(items) > 10_000:
        return False
    return all(is_plain_data(k, depth + 1) and is_plain_data(v, depth + 1) for k, v in items) \
        if isinstance(value, dict) else all(is_plain_data(v, depth + 1) for v in items)


def _base(value) -> type:
    return next(t for t in type(value).__mro__ if t in PLAIN)


def same_ref(a: Ref, b: Ref) -> bool | None:
    """Are two external names the same object? The same name is; two names ending alike
    (torch.nn.ReLU, torch.nn.modules.activation.ReLU) may be; names ending apart are not."""
    if a.qualname == b.qualname:
        return True
    if a.qualname.rsplit(".", 1)[-1] == b.qualname.rsplit(".", 1)[-1]:
        return None
    return False


def same_value(a, b) -> bool:
    """Identity, or equality of plain immutable values (used when two branches merge)."""
    if a is b:
        return True
    if isinstance(a, Ref) and isinstance(b, Ref):
        return same_ref(a, b) is True
    if isinstance(a, PLAIN) and isinstance(b, PLAIN):  # an assumed 3 (assumed.py) is a 3
        return _base(a) is _base(b) and a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple) and len(a) == len(b):
        return all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, Unknown):
        return a == b
    if isinstance(a, SymDim):
        return a == b
    return False


def merge(values: list, reason: str):
    """What branch outcomes still say together: the value when they agree, else a framework
    value's own join (`shapelint_join`, e.g. a symbolic tensor whose branches differ only by
    weightless operations), else Unknown(reason)."""
    first = values[0]
    if all(same_value(first, v) for v in values):
        return first
    hook = getattr(first, "shapelint_join", None)
    if hook is not None:
        joined = hook(values)
        if joined is not NotImplemented:
            return joined
    return Unknown(reason)


class Iterator:
    """A lazily known sequence produced by a builtin (zip, enumerate, map...)."""

    def __init__(self, items):
        self.items = items


class Repeated:
    """An iterable whose length the analysis does not know but whose every item has one known
    form (a DataLoader's batches: each the same shapes, the batch axis symbolic). `nonempty`:
    it certainly yields at least one item, so a loop over it certainly runs its body."""

    def __init__(self, item, nonempty: bool):
        self.item, self.nonempty = item, nonempty


def as_repeated(interp, value, node):
    """The Repeated form of a value that iterates that way (`shapelint_repeat`: a DataLoader
    drawing its batches), or the value itself."""
    hook = getattr(value, "shapelint_repeat", None)
    return hook(interp, node) if hook is not None else value


class Partial:
    """functools.partial of any callable the interpreter can call."""

    def __init__(self, func, args, kwargs):
        self.func, self.args, self.kwargs = func, tuple(args), dict(kwargs)

    def shapelint_call(self, interp, args, kwargs, node):
        return interp.call(self.func, self.args + tuple(args), {**self.kwargs, **kwargs}, node)

    def shapelint_attribute(self, interp, name):
        if name in ("func", "args", "keywords"):  # functools.partial's own attributes
            return {"func": self.func, "args": self.args, "keywords": dict(self.kwargs)}[name]
        return Unknown(f"attribute '{name}' of a partial is not known")
