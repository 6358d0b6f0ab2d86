"""Where a Keras input size kept by a class is fixed (issue 16): `self.state_size = state_size`
in `__init__`, `Dense(64, input_shape=(self.state_size,))` in a method building the model, and
the file's one `Agent(26, 5)` writing the number. The instantiation is the line the fix changes
(`Agent(len(state), 5)`): the layer only reads what the class was given. When the SHP109 kept
on the layer contradicts exactly that attribute's size, the finding moves to the instantiation,
naming the layer (data["layer_at_line"]); where the mismatch shows stays seen_at_line, as a
module constant's size goes to the constant (keras_constants.input_constant).

Facts only, from the module's text: every contradicted axis written as `self.NAME`, one name;
the layer inside a class whose `__init__` binds `self.NAME = PARAM`, PARAM one of its
parameters, and binds self.NAME nowhere else in the class; the class instantiated once in the
file by a call that gives PARAM an integer literal equal to the size the model received.
Anything else leaves the finding where it was."""
from __future__ import annotations

import re

import libcst as cst

from ..domain.codes import Diagnostic
from ..frameworks.source_text import DEF, argument, call_at, parameters
from .keras_constants import contradicted_sizes

_CLASS = re.compile(r"^(\s*)class\s+([A-Za-z_]\w*)\b")


def init_argument(d: Diagnostic, lines: list) -> Diagnostic | None:
    """The SHP109 on a layer whose input size is self.NAME, moved to the one instantiation
    of its class that writes that size; None otherwise."""
    found = contradicted_sizes(d, lines)
    if found is None:
        return None
    values, sizes = found
    names = {v.attr.value for v in values if isinstance(v, cst.Attribute) and
             isinstance(v.value, cst.Name) and v.value.value == "self"}
    if len(names) != 1 or len(values) != sum(isinstance(v, cst.Attribute) for v in values) or \
            len(set(sizes)) != 1:
        return None
    [name], size = names, sizes[0]
    owner = _class_around(lines, int(d.line))
    if owner is None:
        return None
    first, last, class_name = owner
    param = _init_parameter(lines, first, last, name)
    if param is None:
        return None
    init, position = param
    call = _one_instantiation(lines, class_name, first, last)
    if call is None:
        return None
    at, col, node = call
    given = argument(node, init, position)
    if not isinstance(given, cst.Integer) or int(given.value, 0) != size or \
            at in (int(d.line), d.data.get("seen_at_line")):
        return None
    message = (f"{d.message.rstrip('.')}. {class_name}(...) on this line gives {init}={size}, "
               f"which __init__ keeps as self.{name}, the input size of the layer at line "
               f"{d.line}: give it the size of the data instead")
    data = {**d.data, "layer_at_line": int(d.line)}
    return Diagnostic(d.code, at, col, message, data, d.path, d.cell)


def _class_around(lines: list, line: int):
    """(first line, last line, name) of the top-level class whose body holds `line`."""
    for number in range(line - 1, 0, -1):
        found = _CLASS.match(lines[number - 1])
        if found and not found.group(1):
            last = number
            for after in range(number + 1, len(lines) + 1):
                body = lines[after - 1]
                if body.strip() and not body[:1].isspace() and not body.lstrip().startswith(
                        (")", "#")):
                    break
                last = after
            return (number, last, found.group(2)) if line <= last else None
        text = lines[number - 1]
        if text.strip() and not text[:1].isspace() and not text.lstrip().startswith((")", "#")):
            return None
    return None


def _init_parameter(lines: list, first: int, last: int, name: str):
    """(parameter, its position in a call) of the class's `__init__` that `self.name = PARAM`
    binds, the one binding of self.name in the class; None otherwise."""
    bound = re.compile(rf"^\s*self\.{re.escape(name)}\s*(:[^=]*)?=(?!=)\s*(.*?)\s*(#.*)?$")
    binds = [n for n in range(first, last + 1) if bound.match(lines[n - 1]) or
             re.search(rf"\bself\.{re.escape(name)}\s*[-+*/%|&]=", lines[n - 1])]
    if len(binds) != 1:
        return None
    init = next((n for n in range(first, binds[0]) if DEF.match(lines[n - 1]) and
                 DEF.match(lines[n - 1]).group(2) == "__init__"), None)
    later = next((n for n in range(init + 1, binds[0]) if DEF.match(lines[n - 1])), None) \
        if init else None
    if init is None or later is not None:
        return None
    value = bound.match(lines[binds[0] - 1]).group(2)
    names = parameters(lines, init)
    if not names or value not in names or names[0] != "self":
        return None
    return value, names.index(value) - 1


def _one_instantiation(lines: list, class_name: str, first: int, last: int):
    """(line, col, call) of the file's one `class_name(...)`, outside the class; None when
    there are none or several."""
    word = re.compile(rf"(?<![\w.]){re.escape(class_name)}\s*\(")
    calls = [(n, m.start()) for n, text in enumerate(lines, 1)
             for m in word.finditer(text.split("#", 1)[0])
             if not first <= n <= last and not _CLASS.match(text)]
    if len(calls) != 1:
        return None
    at, col = calls[0]
    node = call_at(lines, at, col)
    return (at, col, node) if node is not None else None
