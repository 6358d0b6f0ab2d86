"""A small, pure reader for the YAML that configs embed in literal strings: block mappings and
sequences by indentation, one-line flow collections (`[32, 16]`, `{a: 1}`), quoted and plain
scalars resolved the way PyYAML's safe_load resolves them (YAML 1.1: `1e-3` without a dot is
a string, `yes`/`off` are bools), comments. Anchors, aliases, tags and multi-line scalars are
not read: `load` returns None for them, and the caller says the value is unknown."""
from __future__ import annotations

import re

_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)$")
# PyYAML's floats: digits before the dot (a sign allowed), or none and no sign
_FLOAT = re.compile(r"([-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)([eE][-+][0-9]+)?$")
_SPECIAL_FLOATS = re.compile(r"([-+]?)\.(inf|Inf|INF)$|\.(nan|NaN|NAN)$")
_BOOLS = {word: value for value, words in ((True, ("yes", "true", "on")),
                                           (False, ("no", "false", "off")))
          for w in words for word in (w, w.capitalize(), w.upper())}
_NULLS = ("", "~", "null", "Null", "NULL")
_UNSUPPORTED = ("&", "*", "!", "|", ">", "%", "@", "`")


class _Refused(Exception):
    pass


def load(text: str):
    """The value safe_load gives for text, or None when text is outside the subset."""
    try:
        lines = _lines(text)
        if not lines:
            return None
        value, rest = _block(lines, 0, lines[0][0])
        if rest != len(lines):
            raise _Refused()
        return value
    except (_Refused, IndexError, ValueError):
        return None


def _lines(text: str) -> list:
    out = []
    for raw in text.splitlines():
        if "\t" in raw[:len(raw) - len(raw.lstrip())]:
            raise _Refused()
        stripped = _strip_comment(raw).rstrip()
        if not stripped.strip() or stripped.strip() in ("---", "..."):
            continue
        out.append((len(stripped) - len(stripped.lstrip()), stripped.strip()))
    return out


def _strip_comment(line: str) -> str:
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"" and (i == 0 or line[i - 1] in " [{,:-"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


def _block(lines, i, indent):
    """The block node starting at line i (indented exactly indent): (value, next line)."""
    if lines[i][1].startswith("- ") or lines[i][1] == "-":
        return _sequence(lines, i, indent)
    if _split_key(lines[i][1]) is not None:
        return _mapping(lines, i, indent)
    if len(lines) - i == 1 or lines[i + 1][0] < indent:
        return _scalar_or_flow(lines[i][1]), i + 1
    raise _Refused()  # a multi-line plain scalar


def _mapping(lines, i, indent):
    out = {}
    while i < len(lines) and lines[i][0] == indent:
        split = _split_key(lines[i][1])
        if split is None:
            raise _Refused()
        key, rest = split
        if key in out:
            raise _Refused()  # PyYAML keeps the last; rare enough to leave alone
        if rest:
            out[key] = _scalar_or_flow(rest)
            i += 1
        elif i + 1 < len(lines) and (lines[i + 1][0] > indent or (
                lines[i + 1][0] == indent and lines[i + 1][1].startswith("-"))):
            out[key], i = _block(lines, i + 1, lines[i + 1][0])
        else:
            out[key] = None
            i += 1
    if i < len(lines) and lines[i][0] > indent:
        raise _Refused()
    return out, i


def _sequence(lines, i, indent):
    out = []
    while i < len(lines) and lines[i][0] == indent and (lines[i][1] == "-" or
                                                        lines[i][1].startswith("- ")):
        rest = lines[i][1][1:].lstrip()
        if not rest:
            if i + 1 < len(lines) and lines[i + 1][0] > indent:
                value, i = _block(lines, i + 1, lines[i + 1][0])
            else:
                value, i = None, i + 1
        elif _split_key(rest) is not None:  # "- key: value" opens a mapping in the sequence
            inner = indent + len(lines[i][1]) - len(rest)
            value, i = _mapping(lines[:i] + [(inner, rest)] + lines[i + 1:], i, inner)
        else:
            value, i = _scalar_or_flow(rest), i + 1
        out.append(value)
    return out, i


def _split_key(text: str):
    """'key: value' -> (key, 'value'); None when text is not a mapping entry."""
    if text[:1] in "[{\"'" or text.startswith("- "):
        if text[:1] in "\"'":
            end = text.find(text[0], 1)
            if end > 0 and text[end + 1:end + 2] == ":" and text[end + 2:end + 3] in ("", " "):
                return _quoted(text[:end + 1]), text[end + 2:].strip()
        return None
    match = re.match(r"([^:#]+?):(?:\s+(.*))?$", text)
    if match is None:
        return None
    key = _scalar(match.group(1).strip())
    if isinstance(key, (list, dict)):
        raise _Refused()
    return key, (match.group(2) or "").strip()


def _scalar_or_flow(text: str):
    if text[:1] in "[{":
        value, end = _flow(text, 0)
        if text[end:].strip():
            raise _Refused()
        return value
    return _scalar(text)


def _flow(text: str, i: int):
    """A flow collection starting at text[i]: (value, index after it)."""
    close = "]" if text[i] == "[" else "}"
    items, pairs = [], {}
    i += 1
    while True:
        i = _skip_space(text, i)
        if text[i] == close:
            return (items if close == "]" else pairs), i + 1
        if text[i] in "[{":
            value, i = _flow(text, i)
        else:
            start = i
            quote = text[i] if text[i] in "'\"" else None
            if quote:
                i = text.index(quote, i + 1) + 1
            while i < len(text) and text[i] not in ",]}" and not (
                    close == "}" and text[i] == ":" and text[i + 1:i + 2] in (" ", "")):
                i += 1
            value = _scalar(text[start:i].strip())
        i = _skip_space(text, i)
        if close == "}":
            if text[i] != ":":
                raise _Refused()
            i = _skip_space(text, i + 1)
            if text[i] in "[{":
                inner, i = _flow(text, i)
            else:
                start = i
                while text[i] not in ",}":
                    i += 1
                inner = _scalar(text[start:i].strip())
            if isinstance(value, (list, dict)):
                raise _Refused()
            pairs[value] = inner
        else:
            items.append(value)
        i = _skip_space(text, i)
        if text[i] == ",":
            i += 1
        elif text[i] != close:
            raise _Refused()


def _skip_space(text, i):
    while text[i] == " ":
        i += 1
    return i


def _scalar(text: str):
    if text[:1] in "\"'":
        return _quoted(text)
    if text[:1] in _UNSUPPORTED or text[:1] in "[{":
        raise _Refused()
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if _INT.match(text):
        return int(text.replace("_", ""))
    special = _SPECIAL_FLOATS.match(text)
    if special:
        return float("nan") if special.group(3) else float(special.group(1) + "inf")
    if _FLOAT.match(text):
        return float(text.replace("_", ""))
    if re.match(r"[-+]?0[xob0-9]|[0-9]+:[0-9]", text):
        raise _Refused()  # hex, octal, binary, sexagesimal: rare in configs
    return text


def _quoted(text: str) -> str:
    quote = text[0]
    if len(text) < 2 or text[-1] != quote:
        raise _Refused()
    body = text[1:-1]
    if quote == "'":
        if "'" in body.replace("''", ""):
            raise _Refused()
        return body.replace("''", "'")
    if "\\" in body or '"' in body:
        raise _Refused()
    return body
