"""Python's builtins and a few pure standard-library functions, computed on known values."""
from __future__ import annotations

import math
import operator

import libcst as cst

from ..domain.dims import SymDim, Unknown
from ..domain.assumed import carry, labels, note
from . import type_kinds
from .expressions import truth
from .values import (PLAIN, Builtin, Class, Function, Instance, Iterator, ModuleNames, Partial,
                     Ref, Repeated, UserModule, as_repeated, is_indefinite,
                     is_plain_data)


def _known(*values) -> bool:
    return not any(is_indefinite(v) or not is_plain_data(v) for v in values)


def pure(fn, name):
    """Wrap a Python function that is safe on plain values; anything else is Unknown."""
    def run(interp, args, kwargs, node):
        if not _known(*args, *kwargs.values()):
            return Unknown(f"{name}() of an unknown value")
        try:
            return carry(fn(*args, **kwargs), *args, *kwargs.values())
        except Exception:  # noqa: BLE001 - the user's call would fail too; we just don't know
            return Unknown(f"{name}() failed")
    return Builtin(name, run)


def _range(interp, args, kwargs, node):
    note(interp, labels(args))  # how many times a loop runs rests on them
    if not _known(*args) or not all(isinstance(a, int) for a in args) or kwargs:
        return Unknown("range() of an unknown value")
    try:
        r = range(*args)
    except (TypeError, ValueError):
        return Unknown("range() failed")
    return r


def _len(interp, args, kwargs, node):
    value = args[0] if args else None
    hook = getattr(value, "shapelint_len", None)
    if hook is not None:
        return hook(interp)
    items = interp.iterate(value)
    return Unknown("len() of an unknown value") if items is None else len(items)


def _container(kind):
    def make(interp, args, kwargs, node):
        if not args:
            return kind(**kwargs) if kind is dict else kind()
        if kind is dict and isinstance(args[0], dict):
            out = dict(args[0])
            out.update(kwargs)
            return out
        items = interp.iterate(args[0])
        if items is None or len(items) > interp.budget.limits.collection_size:
            return Unknown(f"{kind.__name__}() of an unknown or huge iterable")
        if kind is dict:
            pairs = [interp.iterate(p) for p in items]
            if any(p is None or len(p) != 2 or is_indefinite(p[0]) for p in pairs):
                return Unknown("dict() of unknown pairs")
            return {k: v for k, v in pairs}
        if kind in (set, frozenset) and is_indefinite(items):
            return Unknown("set of unknown values")
        try:
            return kind(items)
        except TypeError:
            return Unknown(f"{kind.__name__}() failed")
    return Builtin(kind.__name__, make)


def _over_items(name, fn):
    """Builtins over one iterable whose items may be anything: enumerate, reversed, zip..."""
    def run(interp, args, kwargs, node):
        # enumerate(loader) as a for loop's iterable: the loop draws the batches, so it is the
        # node a DataLoader reads (whether it reaches the last batch: torch_last_batch)
        header = getattr(interp, "for_header", None)
        at = header if name in ("enumerate", "iter") and header is not None and \
            header.iter is node else node
        args = tuple(as_repeated(interp, a, at) for a in args)
        if name in ("enumerate", "iter") and len(args) == 1 and isinstance(args[0], Repeated):
            # batches of a DataLoader: enumerate(loader) pairs each with an unknown index
            item = args[0].item if name == "iter" else (Unknown("enumerate index"), args[0].item)
            return Repeated(item, args[0].nonempty)
        if name == "zip" and args and not kwargs and all(isinstance(a, Repeated) for a in args):
            # items of one form each: so are their tuples, as many as the shortest gives
            return Repeated(tuple(a.item for a in args), all(a.nonempty for a in args))
        lists = [interp.iterate(a) for a in args]
        limit = interp.budget.limits.collection_size
        if any(items is None or len(items) > limit for items in lists):
            return Unknown(f"{name}() of an unknown iterable")
        try:
            return Iterator(fn(*lists, **kwargs))
        except Exception:  # noqa: BLE001
            return Unknown(f"{name}() failed")
    return Builtin(name, run)


def _reduce_numbers(name, fn):
    def run(interp, args, kwargs, node):
        items = list(args)
        if len(args) == 1:
            items = interp.iterate(args[0])
            if items is None:
                return Unknown(f"{name}() of an unknown iterable")
        if kwargs.keys() - {"key", "default", "start", "reverse"} or not _known(*items):
            return Unknown(f"{name}() of unknown values")
        if "key" in kwargs and kwargs["key"] is not None:
            key = kwargs.pop("key")
            keyed = [(interp.call(key, (i,), {}, node), i) for i in items]
            if not _known(*[k for k, _ in keyed]):
                return Unknown(f"{name}() with an unknown key")
            if not keyed and fn is sorted:
                return []
            if not keyed:  # max([], key=..., default=d) is d; without default, a ValueError
                return kwargs["default"] if "default" in kwargs else Unknown(f"{name}() of nothing")
            try:
                best = fn(keyed, key=operator.itemgetter(0), **kwargs)
            except Exception:  # noqa: BLE001
                return Unknown(f"{name}() failed")
            if fn is sorted:  # a list of (key, item) pairs: the items, in order
                return [item for _, item in best]
            return best[1]
        try:
            return fn(items, **kwargs)
        except Exception:  # noqa: BLE001
            return Unknown(f"{name}() failed")
    return Builtin(name, run)


def _sum(interp, args, kwargs, node):
    items = interp.iterate(args[0]) if args else None
    if items is None:
        return Unknown("sum() of an unknown iterable")
    total = args[1] if len(args) > 1 else kwargs.get("start", 0)
    for item in items:
        total = interp.binary(_ADD, total, item)
    return total


def _map(interp, args, kwargs, node):
    lists = [interp.iterate(a) for a in args[1:]]
    if not args or any(items is None for items in lists):
        return Unknown("map() of an unknown iterable")
    return Iterator([interp.call(args[0], tuple(items), {}, node) for items in zip(*lists)])


def _filter(interp, args, kwargs, node):
    items = interp.iterate(args[1]) if len(args) == 2 else None
    if items is None:
        return Unknown("filter() of an unknown iterable")
    out = []
    for item in items:
        keep = truth(item if args[0] is None else interp.call(args[0], (item,), {}, node))
        if keep is None:
            return Unknown("filter() with an unknown predicate")
        if keep:
            out.append(item)
    return Iterator(out)


def _bool_of(name, fn):
    def run(interp, args, kwargs, node):
        items = interp.iterate(args[0]) if args else None
        if items is None:
            return Unknown(f"{name}() of an unknown iterable")
        truths = [truth(i) for i in items]
        if None in truths:
            return Unknown(f"{name}() of unknown values")
        return fn(truths)
    return Builtin(name, run)


def _isinstance(interp, args, kwargs, node):
    if len(args) != 2:
        return Unknown("isinstance() arguments")
    value, kinds = args
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    if isinstance(value, (Unknown, SymDim)):
        return Unknown("isinstance() of an unknown value")
    answers = []
    for kind in kinds:
        known = type_kinds.answer(interp, value, kind)
        if known is not None:
            answers.append(known)
        elif isinstance(kind, Builtin) and kind.name == "type":
            return Unknown("isinstance(..., type) of a value that may be a class")
        elif isinstance(kind, Builtin) and kind.name in _TYPES:
            py = _TYPES[kind.name]
            answers.append(isinstance(value, py) and not (py is int and isinstance(value, bool)
                                                          and kind.name != "bool"))
        elif isinstance(kind, Class) and isinstance(value, Instance):
            answers.append(kind in value.cls.mro())
        elif isinstance(kind, Class) and isinstance(value, PLAIN + (tuple, list, dict)):
            answers.append(False)
        elif isinstance(kind, Ref) and interp.frameworks.isinstance_of(value, kind) is not None:
            answers.append(interp.frameworks.isinstance_of(value, kind))
        else:
            return Unknown("isinstance() against an external class")
    return any(answers)


def _issubclass(interp, args, kwargs, node):
    answer = type_kinds.issubclass_of(interp, *args) if len(args) == 2 and not kwargs else None
    return Unknown("issubclass() of classes shapelint cannot relate") if answer is None \
        else answer


def _getattr(interp, args, kwargs, node):
    if len(args) < 2 or not isinstance(args[1], str):
        return Unknown("getattr() with an unknown name")
    has = getattr(args[0], "shapelint_has", None)
    if has is not None and len(args) == 3 and has(args[1]) is False:
        return args[2]
    value = interp.get_attribute(args[0], args[1])
    if isinstance(value, Unknown) and len(args) == 3:
        return args[2] if isinstance(args[0], (Instance, Class)) and \
            getattr(args[0], "attrs_lost", None) is None and \
            args[1] not in getattr(args[0], "attrs", {}) else value
    return value


def _setattr(interp, args, kwargs, node):
    if len(args) == 3 and isinstance(args[1], str):
        interp.set_attribute(args[0], args[1], args[2])
    elif len(args) == 3:
        if isinstance(args[0], Instance):  # whichever attribute it was, it may have changed
            args[0].attrs_lost = "an attribute was set by setattr() with a name shapelint " \
                                 "does not know"
        interp.lost_write(args[2], "an attribute of unknown name")
    return None


def _dir(interp, args, kwargs, node):
    names = interp.frameworks.module_names(args[0].qualname) \
        if len(args) == 1 and isinstance(args[0], Ref) else None
    return Unknown("dir() of a value shapelint does not list") if names is None \
        else ModuleNames(names)


def _hasattr(interp, args, kwargs, node):
    has = getattr(args[0], "shapelint_has", None) if len(args) == 2 else None
    if has is not None and isinstance(args[1], str):
        return has(args[1])
    if len(args) == 2 and isinstance(args[1], str) and isinstance(args[0], Instance):
        if args[1] in args[0].attrs:
            return True
        try:
            args[0].cls.lookup(args[1])
            return True
        except KeyError:
            pass
        # Every write to the instance went through the analysis (as getattr() with a default
        # assumes), unless one was lost or a base the analysis does not read may define it.
        classes = args[0].cls.mro()
        if args[0].attrs_lost is None and not any(
                "__getattr__" in c.namespace or any(isinstance(b, Ref) for b in c.bases)
                for c in classes):
            return False
        return Unknown("hasattr() of an attribute that may be set elsewhere")
    if len(args) == 2 and isinstance(args[1], str) and isinstance(args[0], UserModule):
        found = interp.module_attribute(args[0], args[1])
        if found is NotImplemented:  # no statement binds it; setattr from elsewhere may
            return Unknown("hasattr() of a module attribute no statement binds")
        return True if not isinstance(found, Unknown) else Unknown(
            f"hasattr() of a module attribute that may not be bound ({found.reason})")
    if len(args) == 2 and isinstance(args[1], str) and isinstance(args[0], Ref) and \
            args[1] in (interp.frameworks.module_names(args[0].qualname) or ()):
        return True
    return Unknown("hasattr() of an unknown value")


def _super(interp, args, kwargs, node):
    return interp.frameworks.super_proxy(interp, args, node)


def _next(interp, args, kwargs, node):
    args = tuple(as_repeated(interp, a, node) for a in args[:1]) + tuple(args[1:])
    if args and isinstance(args[0], Repeated) and args[0].nonempty:
        return args[0].item  # next(iter(loader)): the first batch
    first = getattr(args[0], "shapelint_first", None) if args else None
    if first is not None:
        return first  # an iterable known up to its first item (torch_wrap.FirstParameter)
    items = interp.iterate(args[0]) if args else None
    if items is None:
        return Unknown("next() of an unknown iterator")
    if len(items):
        return items[0]
    return args[1] if len(args) > 1 else Unknown("next() of an empty iterator")


def _vars(interp, args, kwargs, node):
    from .configs import vars_of
    found = vars_of(args[0]) if len(args) == 1 else None
    return Unknown("vars() of a value shapelint does not model") if found is None else found


def _nothing(name):
    return Builtin(name, lambda interp, args, kwargs, node: None)


def _unknown(name):
    return Builtin(name, lambda interp, args, kwargs, node: Unknown(f"{name}() is not evaluated"))


_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "list": list, "tuple": tuple,
          "dict": dict, "set": set, "frozenset": frozenset, "bytes": bytes, "type": type}
_ADD = cst.Add()


def make_builtins() -> dict:
    table = {
        "range": Builtin("range", _range), "len": Builtin("len", _len),
        "int": pure(int, "int"), "float": pure(float, "float"), "str": pure(str, "str"),
        "bool": Builtin("bool", lambda i, a, k, n: _bool(a)), "abs": pure(abs, "abs"),
        "round": pure(round, "round"), "divmod": pure(divmod, "divmod"),
        "pow": pure(lambda a, b, *m: pow(a, b, *m) if abs(b) <= 4096 else 1 / 0, "pow"),
        "repr": pure(repr, "repr"), "chr": pure(chr, "chr"), "ord": pure(ord, "ord"),
        "hex": pure(hex, "hex"), "format": pure(format, "format"),
        "list": _container(list), "tuple": _container(tuple), "dict": _container(dict),
        "set": _container(set), "frozenset": _container(frozenset),
        "min": _reduce_numbers("min", min), "max": _reduce_numbers("max", max),
        "sorted": _reduce_numbers("sorted", sorted), "sum": Builtin("sum", _sum),
        "enumerate": _over_items("enumerate", lambda xs, start=0: list(enumerate(xs, start))),
        "zip": _over_items("zip", lambda *xs, **k: list(zip(*xs))),
        "reversed": _over_items("reversed", lambda xs: list(reversed(xs))),
        "iter": _over_items("iter", lambda xs: list(xs)),
        "map": Builtin("map", _map), "next": Builtin("next", _next),
        "filter": Builtin("filter", _filter),
        "any": _bool_of("any", any), "all": _bool_of("all", all),
        "isinstance": Builtin("isinstance", _isinstance),
        "issubclass": Builtin("issubclass", _issubclass), "callable": _unknown("callable"),
        "getattr": Builtin("getattr", _getattr), "setattr": Builtin("setattr", _setattr),
        "hasattr": Builtin("hasattr", _hasattr), "dir": Builtin("dir", _dir),
        "super": Builtin("super", _super),
        "print": _nothing("print"), "open": _unknown("open"), "input": _unknown("input"),
        "exec": _unknown("exec"), "eval": _unknown("eval"), "compile": _unknown("compile"),
        "__import__": _unknown("__import__"), "globals": _unknown("globals"),
        "locals": _unknown("locals"), "vars": Builtin("vars", _vars), "id": _unknown("id"),
        "hash": _unknown("hash"), "type": _unknown("type"), "object": _unknown("object"),
        "staticmethod": Builtin("staticmethod", lambda i, a, k, n: a[0] if a else None),
        "classmethod": Builtin("classmethod", lambda i, a, k, n: a[0] if a else None),
        "property": Builtin("property", lambda i, a, k, n: a[0] if a else None),
        "NotImplemented": NotImplemented, "Ellipsis": Ellipsis,
        "True": True, "False": False, "None": None,
    }
    for name in ("Exception", "ValueError", "TypeError", "KeyError", "IndexError",
                 "RuntimeError", "NotImplementedError", "AssertionError", "AttributeError",
                 "ImportError", "ModuleNotFoundError", "StopIteration", "Warning",
                 "UserWarning", "DeprecationWarning", "ZeroDivisionError", "OSError"):
        table[name] = _unknown(name)
    return table


def _bool(args):
    if not args:
        return False
    t = truth(args[0])
    return Unknown("bool() of an unknown value") if t is None else t


# Pure functions of packages we never read, called on known values: qualified name -> function.
PURE_REFS = {f"math.{name}": getattr(math, name) for name in (
    "ceil", "floor", "sqrt", "prod", "log", "log2", "log10", "exp", "pow", "gcd", "isqrt",
    "comb", "trunc", "fabs", "sin", "cos", "tan", "atan", "isclose", "lcm", "hypot")}
PURE_REFS.update({
    "operator.add": operator.add, "operator.mul": operator.mul,
    "operator.floordiv": operator.floordiv, "operator.sub": operator.sub,
    "numpy.prod": math.prod, "numpy.sum": sum,
    "numpy.ceil": math.ceil, "numpy.floor": math.floor, "numpy.sqrt": math.sqrt,
    "numpy.round": round,
    "numpy.linspace": lambda start, stop, num=50, endpoint=True: [
        start + (stop - start) * i / max(num - endpoint, 1) for i in range(num)],
})
PURE_REFS = {k: v for k, v in PURE_REFS.items() if v is not None}
CONSTANT_REFS = {"math.pi": math.pi, "math.e": math.e, "math.inf": math.inf,
                 "numpy.pi": math.pi, "sys.maxsize": 2**63 - 1,
                 # False whenever the code runs: `if TYPE_CHECKING:` blocks are for type checkers
                 "typing.TYPE_CHECKING": False}


def call_pure_ref(interp, qualname, args, kwargs):
    fn = PURE_REFS.get(qualname)
    if fn is None:
        return None
    if not _known(*args, *kwargs.values()):
        return Unknown(f"{qualname}() of an unknown value")
    if qualname in ("math.comb", "math.pow") and any(isinstance(a, int) and a > 4096 for a in args):
        return Unknown(f"{qualname}() too large")
    try:
        return carry(fn(*args, **kwargs), *args, *kwargs.values())
    except Exception:  # noqa: BLE001
        return Unknown(f"{qualname}() failed")


class _Parameter:
    """inspect.Parameter of a user function, as far as decorators read it."""
    KINDS = ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD", "VAR_POSITIONAL", "KEYWORD_ONLY",
             "VAR_KEYWORD")

    def __init__(self, name, kind, default):
        self.name, self.kind, self.default = name, kind, default

    def shapelint_attribute(self, interp, attr):
        if attr in self.KINDS:
            return attr
        if attr in ("name", "kind"):
            return getattr(self, attr)
        if attr == "default":
            return self.default
        return Unknown(f"Parameter.{attr} is outside the analysis")


class _Signature:
    def __init__(self, parameters: dict):
        self.parameters = parameters

    def shapelint_attribute(self, interp, attr):
        if attr == "parameters":
            return dict(self.parameters)
        return Unknown(f"Signature.{attr} is outside the analysis")


def inspect_signature(interp, args, kwargs, node):
    """inspect.signature(f) for a function the user wrote (decorators read it)."""
    func = args[0] if args else None
    while isinstance(func, Function) and func.wrapped is not None:
        func = func.wrapped
    if not isinstance(func, Function) or not hasattr(func.node, "params"):
        return Unknown("signature of a function we do not read")
    params, out = func.node.params, {}
    empty = Unknown("no default")
    for p in params.posonly_params:
        out[p.name.value] = _Parameter(p.name.value, "POSITIONAL_ONLY",
                                       func.defaults.get(p.name.value, empty))
    for p in params.params:
        out[p.name.value] = _Parameter(p.name.value, "POSITIONAL_OR_KEYWORD",
                                       func.defaults.get(p.name.value, empty))
    star = params.star_arg
    if isinstance(star, cst.Param):
        out[star.name.value] = _Parameter(star.name.value, "VAR_POSITIONAL", empty)
    for p in params.kwonly_params:
        out[p.name.value] = _Parameter(p.name.value, "KEYWORD_ONLY",
                                       func.defaults.get(p.name.value, empty))
    if params.star_kwarg is not None:
        name = params.star_kwarg.name.value
        out[name] = _Parameter(name, "VAR_KEYWORD", empty)
    return _Signature(out)


class Wraps:
    """functools.wraps(wrapped): the decorated wrapper reports wrapped's signature."""

    def __init__(self, wrapped):
        self.wrapped = wrapped

    def shapelint_call(self, interp, args, kwargs, node):
        func = args[0] if args else None
        if isinstance(func, Function) and isinstance(self.wrapped, Function):
            func.wrapped = self.wrapped
        return func


def make_partial(interp, args, kwargs, node):
    if not args:
        return Unknown("partial() without a function")
    if isinstance(args[0], Partial):  # CPython flattens a partial of a partial
        inner = args[0]
        return Partial(inner.func, inner.args + tuple(args[1:]), {**inner.kwargs, **kwargs})
    return Partial(args[0], args[1:], kwargs)


__all__ = ["make_builtins", "call_pure_ref", "CONSTANT_REFS", "make_partial", "Function", "Ref"]
