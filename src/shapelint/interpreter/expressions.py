"""Evaluating expressions: literals, names, attributes, operators, displays, comprehensions."""
from __future__ import annotations

import ast
import operator

import libcst as cst

from ..domain.dims import SymDim, Unknown
from .budget import BudgetExhausted
from ..domain.assumed import _Assumed, carry, carry_entry, labels, merge, note
from .collections_model import DEQUE_MUTATING, Deque
from .values import (PLAIN, BoundMethod, Builtin, Class, Function, Instance, Iterator,
                     ModuleNames, Ref, Scope, UserModule, is_indefinite, is_plain_data, same_ref,
                     same_value)

BINARY = {
    cst.Add: operator.add, cst.Subtract: operator.sub, cst.Multiply: operator.mul,
    cst.Divide: operator.truediv, cst.FloorDivide: operator.floordiv, cst.Modulo: operator.mod,
    cst.Power: operator.pow, cst.LeftShift: operator.lshift, cst.RightShift: operator.rshift,
    cst.BitOr: operator.or_, cst.BitAnd: operator.and_, cst.BitXor: operator.xor,
    cst.MatrixMultiply: operator.matmul,
}
AUGMENTED = {
    cst.AddAssign: cst.Add, cst.SubtractAssign: cst.Subtract, cst.MultiplyAssign: cst.Multiply,
    cst.DivideAssign: cst.Divide, cst.FloorDivideAssign: cst.FloorDivide,
    cst.ModuloAssign: cst.Modulo, cst.PowerAssign: cst.Power,
    cst.LeftShiftAssign: cst.LeftShift, cst.RightShiftAssign: cst.RightShift,
    cst.BitOrAssign: cst.BitOr, cst.BitAndAssign: cst.BitAnd, cst.BitXorAssign: cst.BitXor,
    cst.MatrixMultiplyAssign: cst.MatrixMultiply,
}
COMPARE = {
    cst.Equal: operator.eq, cst.NotEqual: operator.ne, cst.LessThan: operator.lt,
    cst.LessThanEqual: operator.le, cst.GreaterThan: operator.gt,
    cst.GreaterThanEqual: operator.ge,
}

# Methods of plain values that are pure and cheap: safe to call with known arguments.
SAFE_METHODS = {
    str: {"format", "join", "upper", "lower", "replace", "split", "rsplit", "strip", "lstrip",
          "rstrip", "startswith", "endswith", "title", "capitalize", "count", "find", "index",
          "isdigit", "zfill", "center", "ljust", "rjust", "partition", "rpartition", "casefold"},
    tuple: {"index", "count"},
    list: {"index", "count", "copy"},
    dict: {"get", "items", "keys", "values", "copy"},
    int: {"bit_length", "to_bytes"},
    float: {"is_integer"},
}
MUTATING = {list: {"append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear"},
            dict: {"update", "setdefault", "pop", "clear", "popitem"},
            set: {"add", "update", "discard", "remove"},
            Deque: DEQUE_MUTATING}


def mutates(obj, name: str) -> bool:
    """Does obj.name() change obj (for a subclass such as a deque too)?"""
    return any(name in MUTATING.get(kind, ()) for kind in type(obj).__mro__)


ORDERING = (cst.LessThan, cst.GreaterThan, cst.LessThanEqual, cst.GreaterThanEqual, cst.Equal,
            cst.NotEqual)
# The same as sets of exact classes, for the hot paths (libcst subclasses none of them).
_ORDERING_TYPES = frozenset(ORDERING)
_IDENTITY_TYPES = frozenset((cst.Is, cst.IsNot))
_MEMBERSHIP_TYPES = frozenset((cst.In, cst.NotIn))


def truth(value) -> bool | None:
    """Python truthiness where it is certain; None where it is not."""
    if isinstance(value, (Unknown, SymDim)):
        return None
    if isinstance(value, PLAIN):
        return bool(value)
    if isinstance(value, (tuple, list, dict, set, frozenset)):
        return bool(value)
    hook = getattr(value, "shapelint_truth", None)  # a tensor's truth is in its data
    return hook() if hook is not None else True  # functions, classes, framework objects


def user_override(obj: Instance, dunder: str):
    """The user's own __getattribute__ or __setattr__ in the instance's class order, if any.
    Under a framework's base class (keras.Model, nn.Module) the framework's own attribute
    handling stands, as it models what the base's methods do."""
    if not isinstance(obj.cls, Class) or obj.payload is not None:
        return None
    mro = obj.cls.mro()
    if any(isinstance(base, Ref) for c in mro for base in c.bases):
        return None
    for c in mro:
        found = c.namespace.get(dunder)
        if found is not None:
            return found if isinstance(found, Function) else None
    return None


# The value of a literal's text, per process: the same numbers and strings come back in every
# file (an int, a float, a str or bytes: immutable, so one object serves them all).
_LITERALS: dict[str, object] = {}
# Long texts (docstrings) too, up to this many characters in all: a function's docstring is
# evaluated each time the function runs (three in four of the texts evaluated on timm).
_LONG_LITERAL_CHARS = 4_000_000
_long_literal_chars = 0


def literal(text: str):
    global _long_literal_chars
    found = _LITERALS.get(text, _LITERALS)
    if found is _LITERALS:
        found = ast.literal_eval(text)
        if len(_LITERALS) < 100_000:
            if len(text) < 100:
                _LITERALS[text] = found
            elif _long_literal_chars + len(text) <= _LONG_LITERAL_CHARS:
                _long_literal_chars += len(text)
                _LITERALS[text] = found
    return found


def _unsupported(node, scope):
    return Unknown(f"unsupported expression {type(node).__name__}")


class ExpressionsMixin:

    def eval(self, node: cst.BaseExpression, scope: Scope):
        # Budget.step() inlined: eval and exec run at every step (3 million calls on timm)
        budget = self.budget
        budget.steps += 1
        if budget.steps > budget.ceiling:
            raise BudgetExhausted(f"more than {budget.ceiling} analysis steps")
        kind = type(node)
        handler = self.expression_handlers.get(kind)
        if handler is None:
            # looked up by name once per kind of node and run (not at every node)
            handler = self.expression_handlers[kind] = getattr(self, "expr_" + kind.__name__,
                                                               _unsupported)
        return handler(node, scope)

    # -- atoms --
    def expr_Integer(self, node, scope):
        return literal(node.value)

    def expr_Float(self, node, scope):
        return literal(node.value)

    def expr_Imaginary(self, node, scope):
        return literal(node.value)

    def expr_SimpleString(self, node, scope):
        return literal(node.value)

    def expr_ConcatenatedString(self, node, scope):
        return self.binary(cst.Add(), self.eval(node.left, scope), self.eval(node.right, scope))

    def expr_FormattedString(self, node, scope):
        out = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                out.append(part.value)
                continue
            value = self.eval(part.expression, scope)
            if is_indefinite(value) or not is_plain_data(value):
                return Unknown("f-string of a value shapelint does not print")
            if part.conversion == "r":
                value = repr(value)
            elif part.conversion in ("s", "a"):
                value = str(value)
            spec = ""
            if part.format_spec:
                spec = self.expr_FormattedString(
                    cst.FormattedString(parts=part.format_spec), scope)
                if not isinstance(spec, str):
                    return spec
            try:
                out.append(format(value, spec))
            except (ValueError, TypeError):
                return Unknown("bad format spec")
        return "".join(out)

    def expr_Name(self, node, scope):
        name = node.value
        found = scope  # Scope.lookup inlined, without its KeyError for a global or builtin
        while found is not None:
            if name in found.vars:
                return found.vars[name]
            found = found.parent
        if scope.module is not None and self.resolve_pending(scope.module, name):
            return scope.module.scope.vars.get(name, Unknown(f"name '{name}' is not known"))
        if name in self.builtins:
            return self.builtins[name]
        module = scope.module
        if module is not None:
            for prefix in module.star_refs:
                candidate = Ref(f"{prefix}.{name}")
                if self.frameworks.knows(candidate.qualname):
                    return candidate
        return Unknown(f"name '{name}' is not known")

    def expr_Ellipsis(self, node, scope):
        return Ellipsis

    # -- attributes and subscripts --
    def expr_Attribute(self, node, scope):
        return self.get_attribute(self.eval(node.value, scope), node.attr.value)

    def get_attribute(self, obj, name: str):
        if type(obj) is Instance:  # the usual receiver (self.x) first: no isinstance chain
            override = user_override(obj, "__getattribute__")
            if override is not None:
                return self.call(override, (obj, name), {}, None)
            return self.instance_attribute(obj, name)
        if isinstance(obj, Unknown):
            return obj
        if isinstance(obj, Ref):
            if name == "__name__" and self.frameworks.is_class(obj.qualname):
                return obj.qualname.rsplit(".", 1)[-1]  # a class's name: torch.nn.Conv2d
            ref = Ref(f"{obj.qualname}.{name}")
            constant = self.frameworks.constant(ref.qualname)
            return ref if constant is NotImplemented else constant
        if isinstance(obj, UserModule):
            found = self.module_attribute(obj, name)
            return self.import_submodule(obj, name) if found is NotImplemented else found
        if isinstance(obj, Instance):
            override = user_override(obj, "__getattribute__")
            if override is not None:  # transformers' configs map names through attribute_map
                return self.call(override, (obj, name), {}, None)
            return self.instance_attribute(obj, name)
        return self._attribute_of_other(obj, name)

    def instance_attribute(self, obj: Instance, name: str):
        """object.__getattribute__: the instance's own, then its class's."""
        if name == "__dict__" and obj.payload is None and obj.attrs_lost is None:
            return obj.attrs  # the same dict: a change through it changes the instance
        if name == "__class__":
            return obj.cls
        if obj.attrs_lost is not None:
            method = obj.cls.lookup(name) if name not in obj.attrs and any(
                name in c.namespace for c in obj.cls.mro()) else None
            if not isinstance(method, Function):
                return Unknown(f"attribute '{name}': {obj.attrs_lost}")
        if name in obj.attrs:
            return obj.attrs[name]
        hooked = self.frameworks.instance_attribute(self, obj, name)
        if hooked is not NotImplemented:
            return hooked
        try:
            attr = obj.cls.lookup(name)
        except KeyError:
            return Unknown(f"attribute '{name}' is not known")
        return self.bind_attribute(attr, obj, obj.cls)

    def _attribute_of_other(self, obj, name: str):
        if isinstance(obj, Class):
            if name == "__name__":
                return obj.name
            if name == "__module__" and name not in obj.namespace:
                return obj.module.scope.vars.get("__name__", Unknown("__module__ is not known"))
            if name == "__dict__":  # the class's own namespace, its bases' not included
                return obj.namespace
            try:
                attr = obj.lookup(name)
            except KeyError:
                hooked = self.frameworks.class_attribute(self, obj, name)
                return hooked if hooked is not NotImplemented else \
                    Unknown(f"class attribute '{name}' is not known")
            if isinstance(attr, Function) and attr.kind == "classmethod":
                return BoundMethod(attr, obj)
            return attr
        if isinstance(obj, Function) and name == "__name__":
            return obj.name
        if isinstance(obj, Function) and name == "__module__":
            # the defining module's __name__, as Python copies it from the globals
            return obj.module.scope.vars.get("__name__", Unknown("__module__ is not known"))
        attribute = getattr(obj, "shapelint_attribute", None)
        if attribute is not None:
            return attribute(self, name)
        for kind in (type(obj),) + type(obj).__mro__:
            if name in SAFE_METHODS.get(kind, ()) or name in MUTATING.get(kind, ()):
                return self.plain_method(obj, name)
        if isinstance(obj, complex) and name in ("real", "imag"):
            return getattr(obj, name)
        return Unknown(f"attribute '{name}' of {type(obj).__name__} is not known")

    def bind_attribute(self, attr, obj, cls):
        if isinstance(attr, Builtin) and attr.method:
            return BoundMethod(attr, obj)
        if isinstance(attr, Function):
            if attr.kind == "staticmethod":
                return attr
            if attr.kind == "classmethod":
                return BoundMethod(attr, cls)
            if attr.kind == "property":
                return self.call(attr, (obj,), {}, None)
            return BoundMethod(attr, obj)
        return attr

    def expr_Subscript(self, node, scope):
        value = self.eval(node.value, scope)
        indexes = []
        for element in node.slice:
            index = element.slice
            if isinstance(index, cst.Index):
                indexes.append(self.eval(index.value, scope))
            else:
                parts = [None if p is None else self.eval(p, scope)
                         for p in (index.lower, index.upper, index.step)]
                indexes.append(slice(*parts))
        key = indexes[0] if len(indexes) == 1 else tuple(indexes)
        return self.subscript(value, key, node)

    def subscript(self, value, key, node=None):
        hook = getattr(value, "shapelint_getitem", None)
        if hook is not None:
            self.operator_node = node  # where a fault the hook finds is reported
            return hook(self, key)
        if isinstance(value, Ref) and value.qualname == "sys.modules":
            return self.loaded_module(key)
        if isinstance(value, (Unknown, Ref)) or is_indefinite(key):
            return Unknown("subscript of an unknown value")
        if isinstance(value, (tuple, list, str, dict, range, bytes)):
            try:
                found = value[key]
            except Exception:  # noqa: BLE001 - out of range, wrong type: not a value we know
                return Unknown("subscript out of range")
            if isinstance(key, _Assumed):  # SIZES[opt.size]: the entry rests on the key
                return carry_entry(found, key)
            return found
        if isinstance(value, Class):
            return value  # typing generics: List[int] and friends
        return Unknown("subscript of an unsupported value")

    # -- operators --
    def expr_BinaryOperation(self, node, scope):
        return self.binary(node.operator, self.eval(node.left, scope),
                           self.eval(node.right, scope), node)

    def binary(self, op, left, right, node=None):
        if self.visit is not None and node is not None:
            self.visit(node)
        fn = BINARY[type(op)]
        hook = getattr(left, "shapelint_binary", None) or getattr(right, "shapelint_binary", None)
        if hook is not None:
            self.operator_node = node  # where a fault the hook finds is reported
            return hook(self, fn, left, right)
        if isinstance(left, (Unknown, Ref)) or isinstance(right, (Unknown, Ref)):
            return left if isinstance(left, Unknown) else right if isinstance(
                right, Unknown) else Unknown("operation on an external value")
        if not self.cheap(fn, left, right):
            return Unknown("operation too large to evaluate")
        try:
            result = fn(left, right)
        except Exception:  # noqa: BLE001 - any failure of user arithmetic is simply unknown
            return Unknown("operation failed")
        if isinstance(left, _Assumed) or isinstance(right, _Assumed):
            return carry(result, left, right)  # a size computed from a default rests on it
        return result

    def cheap(self, fn, left, right) -> bool:
        """Refuse arithmetic whose result would be enormous (10**10**9, [0] * 10**12)."""
        limit = self.budget.limits.collection_size
        if fn is operator.pow and isinstance(right, int) and isinstance(left, int):
            return abs(right) <= 4096 or abs(left) <= 1
        if fn is operator.lshift and isinstance(right, int):
            return right <= 4096
        if fn is operator.mul:
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple, bytes)) and isinstance(n, int):
                    return len(seq) * n <= limit
        if fn is operator.add and isinstance(left, (str, list, tuple)) and \
                isinstance(right, (str, list, tuple)):
            return len(left) + len(right) <= limit
        return True

    def expr_UnaryOperation(self, node, scope):
        value = self.eval(node.expression, scope)
        if isinstance(node.operator, cst.Not):
            t = truth(value)
            return Unknown("not of an unknown value") if t is None else not t
        if isinstance(value, Unknown):
            return value
        fn = {cst.Minus: operator.neg, cst.Plus: operator.pos, cst.BitInvert: operator.invert}
        try:
            return carry(fn[type(node.operator)](value), value)
        except Exception:  # noqa: BLE001
            return Unknown("unary operation failed")

    def expr_BooleanOperation(self, node, scope):
        left = self.eval(node.left, scope)
        t = truth(left)
        if t is None:
            return Unknown("boolean of an unknown value")
        if isinstance(node.operator, cst.And):
            return self.eval(node.right, scope) if t else left
        return left if t else self.eval(node.right, scope)

    def expr_Comparison(self, node, scope):
        left = self.eval(node.left, scope)
        if len(node.comparisons) == 1 and type(node.comparisons[0].operator) in _ORDERING_TYPES:
            right = self.eval(node.comparisons[0].comparator, scope)
            hook = getattr(left, "shapelint_compare", None) or getattr(
                right, "shapelint_compare", None)
            if hook is not None:  # elementwise: `x > 0` is a tensor of bools
                self.operator_node = node
                return hook(self, left, right)
            outcome = self.compare(node.comparisons[0].operator, left, right)
            return Unknown("comparison of unknown values") if outcome is None else outcome
        result = True
        for target in node.comparisons:
            right = self.eval(target.comparator, scope)
            outcome = self.compare(target.operator, left, right)
            if outcome is None:
                return Unknown("comparison of unknown values")
            if not outcome:
                return False
            left = right
        return result

    def compare(self, op, left, right) -> bool | None:
        if isinstance(left, _Assumed) or isinstance(right, _Assumed):
            note(self, merge(labels(left), labels(right)))  # a decision on a default
        if type(op) in _IDENTITY_TYPES:  # (not isinstance: see _elements)
            if isinstance(left, Unknown) or isinstance(right, Unknown):
                return None
            same = left is right or (left is None and right is None) or (
                isinstance(left, PLAIN) and type(left) is type(right) and left == right)
            if isinstance(left, Ref) and isinstance(right, Ref):
                same = same_ref(left, right)
                if same is None:
                    return None
            return same if type(op) is cst.Is else not same
        if type(op) in _MEMBERSHIP_TYPES:
            found = self.contains(right, left)
            if found is None:
                return None
            return found if type(op) is cst.In else not found
        if is_indefinite(left) or is_indefinite(right):
            return None
        if not (isinstance(left, PLAIN + (tuple, list, dict, set, frozenset)) and
                isinstance(right, PLAIN + (tuple, list, dict, set, frozenset))):
            if isinstance(op, (cst.Equal, cst.NotEqual)):
                same = left is right
                if isinstance(left, Ref) and isinstance(right, Ref):
                    same = same_ref(left, right)
                    if same is None:
                        return None
                return same if isinstance(op, cst.Equal) else not same
            return None
        try:
            return bool(COMPARE[type(op)](left, right))
        except Exception:  # noqa: BLE001
            return None

    def contains(self, container, item) -> bool | None:
        if isinstance(container, (Unknown, Ref)) or is_indefinite(item):
            return None
        if isinstance(container, ModuleNames):
            return True if isinstance(item, str) and item in container.names else None
        if isinstance(container, str):
            return item in container if isinstance(item, str) else None
        if isinstance(container, (tuple, list, set, frozenset, dict, range)):
            for element in container:
                if same_value(element, item):
                    return True
            if isinstance(item, Ref) and any(isinstance(e, Ref) and same_ref(e, item) is None
                                             for e in container):
                return None  # an alias of the name may be there
            return None if is_indefinite(list(container)) else False
        return None

    def expr_IfExp(self, node, scope):
        t = truth(self.eval(node.test, scope))
        if t is True:
            return self.eval(node.body, scope)
        if t is False:
            return self.eval(node.orelse, scope)
        a, b = self.eval(node.body, scope), self.eval(node.orelse, scope)
        return a if same_value(a, b) else Unknown("value depends on an undecided condition")

    def expr_NamedExpr(self, node, scope):
        value = self.eval(node.value, scope)
        self.assign(node.target, value, scope)
        return value

    # -- displays --
    def _elements(self, elements, scope):
        out = []
        for element in elements:
            # type(...) is: libcst's node classes are ABCs, and isinstance() with one that does
            # not match asks ABCMeta (a third of a display's own time); none is subclassed
            if type(element) is cst.StarredElement:
                value = self.eval(element.value, scope)
                items = self.iterate(value)
                if items is None:
                    return Unknown("unpacking of an unknown value")
                out.extend(items)
            else:
                out.append(self.eval(element.value, scope))
        return out

    def expr_Tuple(self, node, scope):
        items = self._elements(node.elements, scope)
        return items if isinstance(items, Unknown) else tuple(items)

    def expr_List(self, node, scope):
        return self._elements(node.elements, scope)

    def expr_Set(self, node, scope):
        items = self._elements(node.elements, scope)
        if isinstance(items, Unknown) or is_indefinite(items):
            return Unknown("set of unknown values")
        try:
            return set(items)
        except TypeError:
            return Unknown("unhashable set element")

    def expr_Dict(self, node, scope):
        out = {}
        for element in node.elements:
            if type(element) is cst.StarredDictElement:  # (not isinstance: see _elements)
                value = self.eval(element.value, scope)
                if not isinstance(value, dict):
                    return Unknown("** of an unknown mapping")
                out.update(value)
                continue
            key = self.eval(element.key, scope)
            if is_indefinite(key) or not isinstance(key, PLAIN + (tuple,)):
                return Unknown("dict with an unknown key")
            out[key] = self.eval(element.value, scope)
        return out

    def expr_Lambda(self, node, scope):
        defaults = self.evaluate_defaults(node.params, scope)
        func = Function("<lambda>", node, scope, scope.module, defaults)
        func.top = self.current_top()
        return func

    # -- comprehensions --
    def _comprehension(self, node, scope, emit):
        inner = Scope({}, scope, scope.module)

        def run(clause):
            items = self.iterate(self.eval(clause.iter, inner))
            if items is None:
                raise _Indefinite()
            total, start = known_length(items), self.budget.steps
            for count, item in enumerate(items):
                self.loop_guard(count)
                if self.budget.outruns(start, count, total):
                    raise _Indefinite()  # too long to read: the whole result is unknown
                self.assign(clause.target, item, inner)
                ok = True
                for cond in clause.ifs:
                    t = truth(self.eval(cond.test, inner))
                    if t is None:
                        raise _Indefinite()
                    ok = ok and t
                    if not ok:
                        break
                if not ok:
                    continue
                if clause.inner_for_in is not None:
                    run(clause.inner_for_in)
                else:
                    emit(inner)
        try:
            run(node.for_in)
        except _Indefinite:
            return False
        return True

    def expr_ListComp(self, node, scope):
        out = []
        ok = self._comprehension(node, scope, lambda s: out.append(self.eval(node.elt, s)))
        return out if ok else Unknown("comprehension over an unknown iterable")

    expr_GeneratorExp = expr_ListComp

    def expr_SetComp(self, node, scope):
        out = self.expr_ListComp(node, scope)
        if isinstance(out, Unknown) or is_indefinite(out):
            return Unknown("set of unknown values")
        return set(out)

    def expr_DictComp(self, node, scope):
        out = {}

        def emit(s):
            key = self.eval(node.key, s)
            if is_indefinite(key) or not isinstance(key, PLAIN + (tuple,)):
                raise _Indefinite()
            out[key] = self.eval(node.value, s)
        try:
            ok = self._comprehension(node, scope, emit)
        except _Indefinite:
            ok = False
        return out if ok else Unknown("comprehension over an unknown iterable")

    def iterate(self, value):
        """The items of a value whose length is known, else None."""
        hook = getattr(value, "shapelint_iter", None)
        if hook is not None:
            return hook(self)
        if isinstance(value, range):
            return value  # lazily: a huge range runs into the loop budget, not into memory
        if isinstance(value, (list, dict, set)) and self.is_tainted(value):
            # changed under an undecided condition (appended in a loop of unknown length): the
            # items it holds are one outcome's, not its contents, nor their count
            return None
        if isinstance(value, (tuple, list, str, bytes, _DICT_VIEWS)):
            return list(value)
        if isinstance(value, dict):
            return list(value)
        if isinstance(value, (set, frozenset)):
            try:
                return sorted(value)
            except TypeError:
                return list(value)
        if isinstance(value, Iterator):
            return value.items
        return None


_DICT_VIEWS = (type({}.keys()), type({}.values()), type({}.items()))


class _Indefinite(Exception):
    pass


def known_length(items) -> int | None:
    """How many items an iterable has, when it is known without drawing them."""
    try:
        return len(items)
    except TypeError:
        return None
