"""Calls and defs read back from a file's text, shared by the Keras and torch size origins
(rules/keras_size_written, keras_constants, keras_io; frameworks/torch_size_origins): the call
that starts at a position, its argument for a key, and the def whose body holds a line. Framework
neutral, so a Keras file loads nothing of torch's to use them."""
from __future__ import annotations

import re

import libcst as cst

DEF = re.compile(r"^(\s*)def\s+([A-Za-z_]\w*)\s*\(")


def enclosing_def(lines: list, line: int):
    """(def line, function name, parameter names) of the innermost def whose body holds
    `line`, read upwards by indentation; None at module level or if its signature does not
    parse. Shared by the Keras and torch size origins."""
    here = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    for number in range(line - 1, 0, -1):
        text = lines[number - 1]
        stripped, indent = text.strip(), len(text) - len(text.lstrip())
        if not stripped or stripped[0] in "#)]}" or indent >= here:
            continue  # blank, a comment, the close of a bracket, or inside the same block
        found = DEF.match(text)
        if found is None:  # an if / for / with / class the line sits in
            here = indent
            if here == 0:
                return None
            continue
        names = parameters(lines, number)
        return None if names is None else (number, found.group(2), names)
    return None


def def_span(lines: list, line: int):
    """(def line, last line) of the def whose body holds `line`; None at module level."""
    here = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    for number in range(line - 1, 0, -1):
        text = lines[number - 1]
        found = DEF.match(text)
        if found and len(found.group(1)) < here:
            indent, end = len(found.group(1)), number
            for after in range(number + 1, len(lines) + 1):
                body = lines[after - 1]
                if body.strip() and len(body) - len(body.lstrip()) <= indent and \
                        not body.lstrip().startswith((")", "#")):
                    break
                end = after
            return number, end
        if text.strip() and not text[:1].isspace():
            return None
    return None


def parameters(lines: list, number: int, every: bool = False):
    """The parameter names of the def on line `number`: the plain positional-or-keyword ones in
    order (their index is the position a call gives them at), or with `every` all of them,
    keyword-only and */** included. None if the signature does not parse."""
    params = signature(lines, number)
    if params is None:
        return None
    if not every:
        return [p.name.value for p in params.params]
    return [p.name.value for p in (*params.posonly_params, *params.params,
                                   *params.kwonly_params)] + \
        [p.name.value for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]


def signature(lines: list, number: int):
    """The cst.Parameters of the def on line `number`, read from the text (a signature may
    span lines); None if it does not parse."""
    text = lines[number - 1]
    written = balanced(lines, number, text.index("("))
    try:
        return cst.parse_statement(f"def f{written}: pass").params
    except (cst.ParserSyntaxError, TypeError):
        return None


def call_at(lines: list, line: int, col: int):
    """The call expression that starts at (line, col), parsed from the text."""
    text = lines[line - 1][col:]
    if "(" not in text:
        return None
    head = text[:text.index("(")]
    rest = balanced(lines, line, col + len(head))
    if rest is None:
        return None
    try:
        node = cst.parse_expression(head + rest)
    except cst.ParserSyntaxError:
        return None
    return node if isinstance(node, cst.Call) else None


def balanced(lines: list, line: int, col: int, limit: int = 30) -> str | None:
    """The text from the "(" at (line, col) to its matching ")", across lines."""
    depth, out = 0, []
    for number in range(line, min(len(lines), line + limit) + 1):
        text = lines[number - 1][col:] if number == line else lines[number - 1]
        for i, char in enumerate(text):
            if char == "#":
                break
            depth += char in "([{"
            depth -= char in ")]}"
            if depth == 0:
                out.append(text[:i + 1])
                return " ".join(out)
        out.append(text)
    return None


def argument(call: cst.Call, key: str, position: int):
    """The expression given for `key`, by keyword or at `position`."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == key:
            return arg.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if any(a.star for a in call.args):
        return None
    return positional[position].value if position < len(positional) else None
