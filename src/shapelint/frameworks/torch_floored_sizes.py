"""A layer size computed from a side length rounded down (issue 16, beside torch_size_origins):
`ds_size = img_size // 2 ** 4` then `nn.Linear(128 * ds_size ** 2, 1)`. Strided convolutions
with padding round each side up (40 px -> 20, 10, 5, 3), the floor division rounds it down
(40 // 16 = 2), so the Linear takes 512 features for maps of 3x3 (1152). The line to change
is the one that rounds: the layer's expression is right for the side it is given.

Facts only: the size argument is an expression over integer literals and one name; that name
is bound exactly once in the function that builds the layer (not a parameter), to `a // k` or
`int(a / k)` with k an integer literal expression above 1; the expression gives the expected
size for exactly one side s, and the input's size for s + 1 (one more than the floor). The
expression is increasing in the side, so s + 1 is the only side that fits the input."""
from __future__ import annotations

import re
import textwrap

import libcst as cst

from . import torch_size_origins as origins
from .source_text import enclosing_def

_LARGEST_SIDE = 4096  # sides tried when solving the expression for the one it was given


def written_at(lines: list, layer, expected, actual) -> tuple | None:
    """(line, col, sentence) of the rounded-down side the size `expected` of layer is computed
    from, when one more than it gives `actual`, the size the input has; None otherwise."""
    written = origins.size_argument(lines, layer, expected)
    if written is None or not isinstance(actual, int) or isinstance(actual, bool):
        return None
    key, line, _call, value = written
    names = {n.value for n in _names(value)}
    if value is None or len(names) != 1:
        return None
    name = names.pop()
    side = _solve(value, name, expected)
    if side is None or _evaluate(value, {name: side + 1}) != actual:
        return None
    bound = _floored_binding(lines, line, name)
    if bound is None:
        return None
    at, col, text = bound
    return (at, col, f"{text} on this line rounds the side down to {side}, which sets "
            f"{layer.type_name}'s {key} (line {line}) to {expected}; the maps it gets are "
            f"{side + 1} per side ({actual} features): round up here (-(-a // k), or "
            f"math.ceil) to take this input.")


def _names(node) -> list:
    """The plain names an expression reads, outside attributes (an attribute is never
    evaluated: _evaluate gives None for it)."""
    found = []

    class _Collect(cst.CSTVisitor):
        def visit_Name(self, n):
            found.append(n)

        def visit_Attribute(self, n):
            return False

    if node is not None:
        node.visit(_Collect())
    return found


_OPERATORS = {cst.Add: lambda a, b: a + b, cst.Multiply: lambda a, b: a * b,
              cst.Power: lambda a, b: a ** b if 0 <= b <= 8 else None}


def _evaluate(node, values: dict):
    """The int an expression of integer literals, the names in values, +, * and small powers
    gives; None for anything else (so the expression grows with the side: solvable once)."""
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    if isinstance(node, cst.Name):
        return values.get(node.value)
    if isinstance(node, cst.BinaryOperation) and type(node.operator) in _OPERATORS:
        a, b = _evaluate(node.left, values), _evaluate(node.right, values)
        return None if a is None or b is None else _OPERATORS[type(node.operator)](a, b)
    return None


def _solve(value, name: str, expected):
    sides = [s for s in range(1, _LARGEST_SIDE) if _evaluate(value, {name: s}) == expected]
    return sides[0] if len(sides) == 1 else None


def _floored_binding(lines: list, line: int, name: str):
    """(line, col, statement) of the one binding of name in the def around `line`, when it
    divides by an integer constant above 1 rounding down; None otherwise."""
    owner = enclosing_def(lines, line)
    if owner is None or name in owner[2]:
        return None
    block = origins._block(lines, owner[0])
    binds = [i for i, t in enumerate(block) if re.match(rf"\s*{re.escape(name)}\s*=(?!=)", t)]
    if len(binds) != 1 or _bindings(block, name) != 1:
        return None
    at = owner[0] + binds[0]
    text = lines[at - 1].split("#", 1)[0].strip()
    try:
        statement = cst.parse_statement(text + "\n")
    except cst.ParserSyntaxError:
        return None
    small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
    if not isinstance(small, cst.Assign) or at >= line or not _rounds_down(small.value):
        return None
    return at, len(lines[at - 1]) - len(lines[at - 1].lstrip()), text


def _rounds_down(node) -> bool:
    """`a // k` or `int(a / k)`, k an integer constant above 1."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and \
            node.func.value == "int" and len(node.args) == 1 and \
            isinstance(node.args[0].value, cst.BinaryOperation) and \
            isinstance(node.args[0].value.operator, cst.Divide):
        node = node.args[0].value
    elif not (isinstance(node, cst.BinaryOperation) and
              isinstance(node.operator, cst.FloorDivide)):
        return False
    divisor = _evaluate(node.right, {})
    return divisor is not None and divisor > 1


# the field of each statement or clause that binds a name
_BINDING_FIELD = {cst.AssignTarget: "target", cst.AugAssign: "target", cst.AnnAssign: "target",
                  cst.For: "target", cst.AsName: "name", cst.NamedExpr: "target"}


def _bindings(block: list, name: str) -> int:
    """How many statements of the def bind name (assignment, augmented, annotated, loop, with,
    walrus targets); a def that does not parse counts as binding it often."""
    try:
        function = cst.parse_statement(textwrap.dedent("\n".join(block)) + "\n")
    except cst.ParserSyntaxError:
        return 2
    count = [0]

    def _is(target):
        return isinstance(target, cst.Name) and target.value == name or \
            isinstance(target, (cst.Tuple, cst.List)) and \
            any(_is(e.value) for e in target.elements)

    class _Count(cst.CSTVisitor):
        def on_visit(self, n):
            field = _BINDING_FIELD.get(type(n))
            if field is not None:
                count[0] += _is(getattr(n, field))
            return True

    function.body.visit(_Count())
    return count[0]
