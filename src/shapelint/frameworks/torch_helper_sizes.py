"""The size a layer built inside a module-level helper function expects, followed back to where
it is written (issue 16, beside torch_size_origins): `def double_conv(in_ch, out_ch)` builds
`nn.Conv2d(in_ch, out_ch, 3)`, and __init__ calls `double_conv(n_channels, 16)` with the
parameter the file's one instantiation gives (`UNet(n_channels=3)`). The failing layer comes
from the one call of the helper whose argument is the size it expects (every other call gives
another known size); that argument's value is written at the instantiation (or as a literal in
the helper call itself), and the fix passes another value there.

Facts only: the helper is called by name only (every mention of it is the def or a call), its
parameter is not rebound and is read only by the layer's call; each call's argument is an int
literal or an __init__ parameter the one instantiation gives as an int literal, exactly one
call's value is the expected size; the __init__ parameter is not rebound and read only by its
signature, that helper call and stores `self.<name> = <parameter>` the file never reads back;
neither the helper call nor the instantiation sits in a loop."""
from __future__ import annotations

import re

import libcst as cst

from . import torch_size_origins as origins
from .source_text import DEF, argument, call_at, enclosing_def


def written_at(lines: list, layer, expected, actual) -> tuple | None:
    """(line, col, sentence) where the size `expected` that layer checks is written, when the
    layer is built in a helper from one of its parameters (torch_size_origins.written_at's
    form; the input has `actual` there); None otherwise."""
    written = origins.size_argument(lines, layer, expected)
    if written is None:
        return None
    key, line, call, value = written
    if not isinstance(value, cst.Name):
        return None
    found = through_helper(lines, line, value.value, expected,
                           f"{layer.type_name}'s {key} (line {line})", call)
    if found is None:
        return None
    return (*found[:2], f"{found[2]}: make it {actual} to take this input, or give the "
            f"layer an input of {expected} there.")


def through_helper(lines: list, line: int, name: str, expected: int, what: str, layer_call):
    """(line, col, sentence) where the value of the helper parameter `name` that the layer at
    `line` reads is written, or None."""
    owner = enclosing_def(lines, line)
    if owner is None or owner[1] == "__init__" or name not in owner[2]:
        return None
    def_line, helper, parameters = owner
    if DEF.match(lines[def_line - 1]).group(1) or parameters[:1] == ["self"]:
        return None  # a method, or a def nested in another: not a module-level helper
    method = origins._block(lines, def_line)
    inside = origins._reads([cst.Module([]).code_for_node(layer_call)], name)
    if origins._rebound(method, name) or origins._reads(method, name) - inside != 1:
        return None
    calls = _calls(lines, helper)
    if calls is None:
        return None
    position = parameters.index(name)
    values = [_value(lines, at, col, name, position, expected) for at, col in calls]
    if any(v is None for v in values) or [v[0] for v in values].count(expected) != 1:
        return None
    (at, col), (_, written) = next((c, v) for c, v in zip(calls, values) if v[0] == expected)
    if written is None:  # a literal in the helper call itself
        return (at, col, f"{name}={expected} given to {helper} on this line sets {what}")
    line_at, col_at, cls, parameter = written
    return (line_at, col_at, f"{parameter}={expected} given to {cls} on this line reaches "
            f"{helper}'s {name} (line {at}), which sets {what}")


def _calls(lines: list, helper: str):
    """(line, col) of each call of the helper; None when the file mentions it otherwise (passed
    as a value, rebound) or calls it in a loop or a comprehension."""
    calls = []
    for number, text in enumerate(lines, 1):
        code = text.split("#", 1)[0]
        for found in re.finditer(rf"(?<![\w.]){re.escape(helper)}\b", code):
            if DEF.match(code) and DEF.match(code).group(2) == helper:
                continue
            if not re.match(r"\s*\(", code[found.end():]) or origins._in_loop(lines, number):
                return None
            calls.append((number, found.start()))
    return calls or None


def _value(lines: list, at: int, col: int, name: str, position: int, expected: int):
    """(value, where it is written) of the helper call's argument for `name`: (n, None) for an
    int literal, (n, (line, col, class, parameter)) for an __init__ parameter the class's one
    instantiation gives as the literal n; None when not known so."""
    call = call_at(lines, at, col)
    if call is None or any(a.star for a in call.args):
        return None
    given = argument(call, name, position)
    if isinstance(given, cst.Integer):
        return int(given.value, 0), None
    if not isinstance(given, cst.Name):
        return None
    owner = origins._enclosing_init(lines, at)
    if owner is None or given.value not in owner[1]:
        return None
    cls, parameters, method, _ = owner
    parameter = given.value
    inside = origins._reads([cst.Module([]).code_for_node(call)], parameter)
    if origins._rebound(method, parameter) or \
            origins._reads(method, parameter) - inside - _unread_stores(lines, method,
                                                                        parameter) != 1:
        return None
    instances = origins._calls(lines, cls)
    if len(instances) != 1 or origins._in_loop(lines, instances[0][0]):
        return None
    made = call_at(lines, *instances[0])
    if made is None or any(a.star for a in made.args):
        return None
    value = argument(made, parameter, parameters.index(parameter))
    if not isinstance(value, cst.Integer):
        return None
    return int(value.value, 0), (*instances[0], cls, parameter)


def _unread_stores(lines: list, method: list, parameter: str) -> int:
    """How many `self.<attr> = <parameter>` statements of __init__ keep the value under an
    attribute the file never reads (`self.n_channels = n_channels`, kept for reference)."""
    text = "\n".join(t.split("#", 1)[0] for t in lines)
    count = 0
    for statement in method:
        found = re.match(rf"\s*self\.(\w+)\s*=\s*{re.escape(parameter)}\s*$",
                         statement.split("#", 1)[0])
        if found and len(re.findall(rf"\.{found.group(1)}\b", text)) == 1:
            count += 1
    return count
