"""Dimensions: a known int, a symbol or expression over symbols, or Unknown with a reason.

Arithmetic on dims is ordinary Python arithmetic: ints stay ints, anything touching a symbol
becomes a symbolic expression, anything touching Unknown stays Unknown. Asking Unknown for a
truth value raises NotKnown, so a formula can never silently turn "unknown" into a number.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Union


class NotKnown(Exception):
    """A computation needed a value that is Unknown (or symbolic where a number was needed)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Unknown:
    reason: str
    opaque: bool = False  # the result of calling code we do not read: it may be anything
    # (path, line, col) of the call that made an opaque value (Interpreter.call_site), for a
    # reason that names its line (resolved only when the value lands on a model: positions
    # cost a codegen, the least where the function then running is known)
    where: tuple | None = field(default=None, compare=False, repr=False)

    def __bool__(self):
        raise NotKnown(self.reason)

    def __index__(self):
        raise NotKnown(self.reason)

    def __iter__(self):
        raise NotKnown(self.reason)

    def __str__(self):
        return "?"

    def _absorb(self, *_):
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _absorb
    __floordiv__ = __rfloordiv__ = __truediv__ = __rtruediv__ = _absorb
    __mod__ = __rmod__ = __pow__ = __rpow__ = __neg__ = __pos__ = __abs__ = _absorb


class SymDim:
    """A dim known only symbolically: a named symbol or an expression over symbols."""

    def __bool__(self):
        raise NotKnown(f"depends on {self}")

    def __index__(self):
        raise NotKnown(f"depends on {self}")

    def _op(self, other, op, swap=False):
        if isinstance(other, Unknown):
            return other
        if isinstance(other, bool):
            other = int(other)
        if not isinstance(other, (int, SymDim)):
            return NotImplemented
        a, b = (other, self) if swap else (self, other)
        return _make(op, a, b)

    def __add__(self, o): return self._op(o, "+")
    def __radd__(self, o): return self._op(o, "+", True)
    def __sub__(self, o): return self._op(o, "-")
    def __rsub__(self, o): return self._op(o, "-", True)
    def __mul__(self, o): return self._op(o, "*")
    def __rmul__(self, o): return self._op(o, "*", True)
    def __floordiv__(self, o): return self._op(o, "//")
    def __rfloordiv__(self, o): return self._op(o, "//", True)
    def __neg__(self): return _make("*", -1, self)

    def symbols(self) -> frozenset[str]:
        raise NotImplementedError

    def evaluate(self, env: dict[str, int]) -> int:
        raise NotImplementedError


@dataclass(frozen=True, eq=True)
class Sym(SymDim):
    name: str

    def __str__(self):
        return self.name

    def symbols(self):
        return frozenset((self.name,))

    def evaluate(self, env):
        return env[self.name]


BATCH = Unknown("batch")  # a batch dim the code leaves open: Keras's None, `--input-shape None,...`

_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "//": operator.floordiv}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "//": 2}


@dataclass(frozen=True, eq=True)
class Expr(SymDim):
    op: str
    left: "Dim"
    right: "Dim"

    def __str__(self):
        def side(d, right):
            text = str(d)
            if isinstance(d, Expr):
                p, q = _PRECEDENCE[d.op], _PRECEDENCE[self.op]
                # a - (b - c), a // (b * c), a * (b // c): the right operand keeps its parentheses
                if p < q or (right and p == q and (self.op in ("-", "//") or d.op == "//")):
                    return f"({text})"
            elif isinstance(d, int) and d < 0:
                return f"({text})"
            return text
        return f"{side(self.left, False)} {self.op} {side(self.right, True)}"

    def symbols(self):
        out = frozenset()
        for d in (self.left, self.right):
            if isinstance(d, SymDim):
                out |= d.symbols()
        return out

    def evaluate(self, env):
        def ev(d):
            return d.evaluate(env) if isinstance(d, SymDim) else d
        return _OPS[self.op](ev(self.left), ev(self.right))


def _make(op: str, a, b):
    """Build a simplified expression; constants fold, identities vanish."""
    if isinstance(a, int) and isinstance(b, int):
        return _OPS[op](a, b)
    if op == "+":
        if a == 0:
            return b
        if b == 0:
            return a
        if isinstance(b, int) and b < 0:
            return _make("-", a, -b)
        # (x + c1) + c2 -> x + (c1 + c2): keeps conv chains readable
        if isinstance(b, int) and isinstance(a, Expr) and a.op in "+-" and isinstance(a.right, int):
            c = a.right + b if a.op == "+" else -a.right + b
            return _make("+", a.left, c)
    if op == "-":
        if b == 0:
            return a
        if isinstance(b, int) and b < 0:
            return _make("+", a, -b)
        if isinstance(b, int) and isinstance(a, Expr) and a.op in "+-" and isinstance(a.right, int):
            c = a.right - b if a.op == "+" else -a.right - b
            return _make("+", a.left, c)
        if a == b:
            return 0
    if op == "*":
        if a == 1:
            return b
        if b == 1:
            return a
        if a == 0 or b == 0:
            return 0
        if isinstance(a, SymDim) and isinstance(b, int):
            a, b = b, a
        if isinstance(a, int) and isinstance(b, Expr) and b.op == "*" and \
                isinstance(b.left, int):
            return _make("*", a * b.left, b.right)  # 26 * (32 * B) -> 832 * B
    if op == "//" and b == 1:
        return a
    return Expr(op, a, b)


Dim = Union[int, SymDim, Unknown]


def is_known(d) -> bool:
    return isinstance(d, int) and not isinstance(d, bool)


def same(a: Dim, b: Dim) -> bool | None:
    """True or False when certain; None when it depends on unknown or symbolic values."""
    if is_known(a) and is_known(b):
        return a == b
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return None
    if a == b:
        return True
    return None


def join(a: Dim, b: Dim) -> Dim:
    """What we still know after two branches merge."""
    return a if a == b and type(a) is type(b) else Unknown("join")


def as_dim(value) -> Dim:
    """A dim from a Python value: None is an unknown size."""
    if value is None:
        return Unknown("none")
    if isinstance(value, bool):
        return Unknown("bool-as-dim")
    if isinstance(value, (int, SymDim, Unknown)):
        return value
    return Unknown(f"not a size: {value!r}")


def to_json(d: Dim):
    """int as int, symbolic as its text, Unknown as None."""
    if is_known(d):
        return d
    if isinstance(d, SymDim):
        return str(d)
    return None


def fmt(d: Dim) -> str:
    if isinstance(d, Unknown):
        return "None"
    return str(d)
