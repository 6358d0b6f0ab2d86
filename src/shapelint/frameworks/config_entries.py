"""A size written as an entry of a configuration dict (issue 16): `config = {"bert_hid_size":
1024, ...}` at module level, read by a layer's constructor as `config["bert_hid_size"]`. When
the dict is bound once, to a literal, and nothing else writes or reads that entry (no
`config["k"] = ...`, no update(), no ** spread into another dict), changing the entry is
changing the layer's argument, so its line is the one to edit (torch_size_origins places the
finding there). Read from the source text with libcst: only what the file writes."""
from __future__ import annotations

import re

import libcst as cst

from .source_text import balanced


def subscript_key(node) -> tuple | None:
    """(dict name, key) of `name["key"]`, None for any other expression."""
    if not isinstance(node, cst.Subscript) or not isinstance(node.value, cst.Name) or \
            len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    key = node.slice[0].slice.value
    if not isinstance(key, cst.SimpleString):
        return None
    return node.value.value, key.evaluated_value


def entry_line(lines: list, name: str, key: str, expected: int) -> int | None:
    """The line of `"key": expected` in the dict literal `name` is bound to at module level,
    when that is the name's one binding, the entry is an int literal equal to expected, the
    dict is not written to, and the file reads the entry once; None otherwise."""
    text = [t.split("#", 1)[0] for t in lines]
    word = re.escape(name)
    binds = [i for i, t in enumerate(text, 1) if re.match(rf"\s*{word}\s*(=(?!=)|\+=|\|=)", t)]
    if len(binds) != 1 or not re.match(rf"{word}\s*=\s*\{{", text[binds[0] - 1]):
        return None
    start = binds[0]
    opened = text[start - 1].index("{")
    literal = balanced(text, start, opened, limit=200)  # comments out: lines are joined
    try:
        node = cst.parse_expression(literal) if literal else None
    except cst.ParserSyntaxError:
        return None
    if not isinstance(node, cst.Dict):
        return None
    values = [e.value for e in node.elements if isinstance(e, cst.DictElement) and
              isinstance(e.key, cst.SimpleString) and e.key.evaluated_value == key]
    nested = literal.count(f'"{key}"') + literal.count(f"'{key}'")
    if len(values) != 1 or nested != 1 or not isinstance(values[0], cst.Integer) or \
            int(values[0].value, 0) != expected:
        return None
    whole = "\n".join(text)
    quoted = rf"""\[\s*['"]{re.escape(key)}['"]\s*\]"""
    if re.search(rf"(?<![\w.]){word}\s*{quoted}\s*(=(?!=)|[-+*/|]=)", whole) or \
            re.search(rf"(?<![\w.]){word}\s*\.\s*(update|setdefault|pop|__setitem__)\b",
                      whole) or re.search(rf"\*\*\s*{word}\b", whole) or \
            len(re.findall(quoted, whole)) != 1:
        return None
    for number in range(start, min(len(lines), start + 200) + 1):
        if re.search(rf"""['"]{re.escape(key)}['"]\s*:""", text[number - 1]):
            return number
    return None
