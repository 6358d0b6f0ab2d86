"""A size check that Python's precedence turned into another test (issue 16): DBCNN's
`if H != H2 | W != W2:` reads `H != (H2 | W) != W2`, because `|` binds tighter than `!=` and
comparisons chain. With H = 47, H2 = 48, W = W2 = 60 it is False where `(H != H2) | (W != W2)`
is True, the block that resizes X2 is skipped, and `X2.view(N, 128, H * W)` fails further down.
The fix is the condition: the reshape's finding moves to the `if` and names the view.

Facts only, read from the file's text and the values the analysis holds: the `if` stands in
the same def, above the reshape and outside any loop; its test is a chain of two comparisons
whose middle operand is `a | b` or `a & b`; every name in it is an int the running frame holds
and none is bound again between the `if` and the reshape; the chain as written and as the two
parenthesised comparisons give different truths, and the block the written test skipped binds
the tensor the reshape is applied to."""
from __future__ import annotations

import operator
import re

import libcst as cst

from . import torch_size_origins as origins
from .source_text import enclosing_def

_COMPARE = {cst.Equal: operator.eq, cst.NotEqual: operator.ne, cst.LessThan: operator.lt,
            cst.GreaterThan: operator.gt, cst.LessThanEqual: operator.le,
            cst.GreaterThanEqual: operator.ge}
_BITWISE = {cst.BitOr: ("|", operator.or_), cst.BitAnd: ("&", operator.and_)}
_IF = re.compile(r"^(\s*)(el)?if\s+(.+):\s*(#.*)?$")


DOC_ADDENDA = {"SHP104": {"what": (
    "torch: a reshape that fails below an `if` whose test `a != b | c != d` Python reads as "
    "`a != (b | c) != d` is reported on that `if` when, with the values the analysis holds, "
    "the two comparisons apart would run the skipped block that binds the reshaped tensor "
    "again.")}}


def reshape_fault(interp, applied, node, scope) -> None:
    """Set fix_at of the reshape fault just logged (applied) to the `if` whose precedence
    skipped the block that binds the reshaped tensor (node: the reshape's call)."""
    fault = applied.fault
    func = getattr(node, "func", None)
    if getattr(fault, "fix_at", None) is not None or scope is None or \
            not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
        return
    module = interp.modules.get(applied.path or "")
    lines, line = getattr(module, "lines", None), int(applied.line or 0)
    owner = enclosing_def(lines, line) if lines and line else None
    if owner is None:
        return
    tensor = func.value.value
    for number in range(line - 1, owner[0], -1):
        found = _guard(lines, number, line, tensor, scope, applied.path)
        if found is not None:
            fault.fix_at = found
            return


def _guard(lines: list, number: int, line: int, tensor: str, scope, path: str):
    """FixAt of the `if` on line `number` when it is such a guard; else None."""
    from .torch_fix_origins import FixAt
    match = _IF.match(lines[number - 1])
    if match is None or match.group(2) or origins._in_loop(lines, number):
        return None
    try:
        test = cst.parse_expression(match.group(3))
    except cst.ParserSyntaxError:
        return None
    read = _readings(test, scope)
    if read is None:
        return None
    written, intended, text = read
    indent = len(match.group(1))
    block = _block(lines, number, indent)
    names = set(re.findall(r"[A-Za-z_]\w*", match.group(3)))
    between = range(number + 1, line)
    if written == intended or written or not any(
            re.match(rf"\s*{re.escape(tensor)}\s*=(?!=)", lines[i - 1]) for i in block) or any(
            re.match(rf"\s*({'|'.join(map(re.escape, names))})\s*(=(?!=)|[-+*/]=)",
                     lines[i - 1]) for i in between):
        return None
    sentence = (f"Python reads `{match.group(3).strip()}` as `{text[0]}`, which is {written} "
                f"here, so the block below, which binds {tensor} again, is skipped; the two "
                f"comparisons, `{text[1]}`, give {intended}.")
    return FixAt(path, number, indent, None, sentence)


def _readings(test, scope):
    """(the chain's truth as written, with each comparison apart, (both texts)) of
    `a op1 b | c op2 d`; None when it is not that or a name is not a known int."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 2:
        return None
    first, second = test.comparisons
    middle = first.comparator
    if not isinstance(middle, cst.BinaryOperation) or type(middle.operator) not in _BITWISE \
            or type(first.operator) not in _COMPARE or type(second.operator) not in _COMPARE:
        return None
    values = [_int(n, scope) for n in (test.left, middle.left, middle.right, second.comparator)]
    if any(v is None for v in values):
        return None
    a, b, c, d = values
    bit, join = _BITWISE[type(middle.operator)]
    one, two = _COMPARE[type(first.operator)], _COMPARE[type(second.operator)]
    written = one(a, join(b, c)) and two(join(b, c), d)
    intended = bool(join(one(a, b), two(c, d)))
    code = lambda n: cst.Module([]).code_for_node(n)  # noqa: E731
    o1, o2 = code(first.operator).strip(), code(second.operator).strip()
    parts = (test.left, middle.left, middle.right, second.comparator)
    left, b_, c_, right = (code(n) for n in parts)
    return (bool(written), intended,
            (f"{left} {o1} ({b_} {bit} {c_}) and ({b_} {bit} {c_}) {o2} {right}",
             f"({left} {o1} {b_}) {bit} ({c_} {o2} {right})"))


def _int(node, scope):
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    if not isinstance(node, cst.Name):
        return None
    try:
        value = scope.lookup(node.value)
    except KeyError:
        return None
    return value if type(value) is int else None


def _block(lines: list, number: int, indent: int) -> list:
    """The line numbers of the block under the `if` on line `number`."""
    out = []
    for i in range(number + 1, len(lines) + 1):
        text = lines[i - 1]
        if text.strip() and len(text) - len(text.lstrip()) <= indent:
            break
        out.append(i)
    return out
