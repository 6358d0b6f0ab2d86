"""`shapelint fix` on a notebook: the module's fixes written back into the cells they touch.

The fixes are planned and applied on the notebook's module (shapelint.adapters.notebook), then the
module is cut back into cells at its boundary lines. Only the `source` value of a cell whose
code changed is rewritten, in the JSON text as found: the list-of-lines or single-string form,
the indentation and the escaping of that value are kept, and every other byte of the file
(outputs, execution counts, metadata, key order, the other cells) stays as it was.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from json.decoder import scanstring

from .notebook import BOUNDARY, Notebook, load

_SPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


@dataclass(frozen=True)
class NotebookFixResult:
    path: str
    before: str  # the notebook's JSON text
    after: str
    applied: tuple  # (Fix, cell, line in cell), in order
    unsafe_skipped: int
    cells_before: dict  # cell number -> source text, for the cells rewritten
    cells_after: dict
    module: str  # the fixed module (for the diagnostics that remain)

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        """A unified diff per rewritten cell, named `nb.ipynb:cell 3` (not of the JSON)."""
        return "".join("".join(difflib.unified_diff(
            self.cells_before[n].splitlines(keepends=True),
            self.cells_after[n].splitlines(keepends=True),
            fromfile=f"{self.path}:cell {n}", tofile=f"{self.path}:cell {n}"))
            for n in sorted(self.cells_after))


def fix_notebook(raw: str, path: str, unsafe: bool = False) -> NotebookFixResult:
    from ..pipeline.fix import fix_source
    notebook = load(raw, path)
    result = fix_source(notebook.source, path, unsafe)
    applied = tuple((fix, *notebook.where(fix.line)) for fix in result.applied)
    new_cells = _cells_of(notebook, result.after) if result.changed else None
    if new_cells is None:  # nothing to do, or the boundaries did not survive: change nothing
        return NotebookFixResult(path, raw, raw, () if result.changed else applied,
                                 result.unsafe_skipped, {}, {}, notebook.source)
    before, after = {}, {}
    for cell, lines in zip(notebook.cells, new_cells):
        if list(lines) != list(cell.python):
            text = _restore(cell, lines)
            before[cell.number], after[cell.number] = _text(cell.lines, cell), text
    return NotebookFixResult(path, raw, rewrite_sources(raw, after), applied,
                             result.unsafe_skipped, before, after, result.after)


def _cells_of(notebook: Notebook, module: str) -> list | None:
    """The fixed module cut at its boundary lines: one list of lines per code cell."""
    lines = module.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    cells, current = [], []
    for line in lines:
        if line == BOUNDARY:
            cells.append(current)
            current = []
        else:
            current.append(line)
    cells.append(current)
    if len(notebook.cells) == 0 or len(cells) != len(notebook.cells):
        return None
    return cells


def _restore(cell, lines) -> str:
    """The cell's new text: lines the fix did not touch come back as written (magics too)."""
    out = []
    matcher = difflib.SequenceMatcher(None, list(cell.python), list(lines), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        out += list(cell.lines[i1:i2]) if tag == "equal" else list(lines[j1:j2])
    return _text(out, cell)


def _text(lines, cell) -> str:
    return "\n".join(lines) + ("\n" if cell.trailing_newline and lines else "")


# ---- the JSON text, edited in place ----------------------------------------------------------

def rewrite_sources(raw: str, sources: dict) -> str:
    """raw with the `source` of each cell numbered in sources replaced, formatted as found."""
    spans = source_spans(raw)
    for number in sorted(sources, reverse=True):  # from the end, so spans stay valid
        start, end = spans[number]
        raw = raw[:start] + _encode(raw, start, end, sources[number]) + raw[end:]
    return raw


def source_spans(raw: str) -> dict:
    """cell number -> (start, end) of its `source` value in raw (a valid JSON text)."""
    members, _ = _object(raw, _skip(raw, 0))
    cells = next(((s, e) for key, s, e in members if key == "cells"), None)
    spans = {}
    if cells is not None and raw[cells[0]] == "[":
        for number, (start, _) in enumerate(_array(raw, cells[0])[0], 1):
            if raw[start] == "{":
                found = [(s, e) for key, s, e in _object(raw, start)[0] if key == "source"]
                if found:
                    spans[number] = found[-1]  # json.loads keeps the last of duplicate keys
    return spans


def _encode(raw: str, start: int, end: int, text: str) -> str:
    """text as a JSON value in the form of raw[start:end] (list of lines, or one string)."""
    old = raw[start:end]
    ascii_only = bool(re.search(r"\\u[0-9a-fA-F]{4}", old)) and old.isascii()
    if old.startswith('"'):
        return json.dumps(text, ensure_ascii=ascii_only)
    items = _array(raw, start)[0]
    if items:
        opening = raw[start + 1:items[0][0]]
        closing = raw[items[-1][1]:end - 1]
        separator = raw[items[0][1]:items[1][0]] if len(items) > 1 else "," + opening
    else:  # an empty cell: nbformat's own layout, one level in from the bracket
        indent = raw[raw.rfind("\n", 0, start) + 1:start]
        indent = indent[:len(indent) - len(indent.lstrip())]
        opening, closing, separator = f"\n{indent} ", f"\n{indent}", f",\n{indent} "
    lines = text.splitlines(keepends=True)
    if not lines:
        return "[]"
    return "[" + opening + separator.join(json.dumps(line, ensure_ascii=ascii_only)
                                          for line in lines) + closing + "]"


def _skip(raw: str, i: int) -> int:
    return _SPACE.match(raw, i).end()


def _end(raw: str, i: int) -> int:
    """Where the JSON value starting at raw[i] ends."""
    first = raw[i]
    if first == '"':
        return scanstring(raw, i + 1)[1]
    if first == "{":
        return _object(raw, i)[1]
    if first == "[":
        return _array(raw, i)[1]
    match = _SCALAR.match(raw, i)
    if match is None:
        raise ValueError(f"not JSON at offset {i}")
    return match.end()


def _object(raw: str, i: int) -> tuple[list, int]:
    """([(key, value start, value end)], end) of the object at raw[i] == '{'."""
    members, i = [], _skip(raw, i + 1)
    if raw[i] == "}":
        return members, i + 1
    while True:
        key, i = scanstring(raw, i + 1)
        i = _skip(raw, _skip(raw, i) + 1)  # past the colon
        end = _end(raw, i)
        members.append((key, i, end))
        i = _skip(raw, end)
        if raw[i] == "}":
            return members, i + 1
        i = _skip(raw, i + 1)  # past the comma


def _array(raw: str, i: int) -> tuple[list, int]:
    """([(item start, item end)], end) of the array at raw[i] == '['."""
    items, i = [], _skip(raw, i + 1)
    if raw[i] == "]":
        return items, i + 1
    while True:
        end = _end(raw, i)
        items.append((i, end))
        i = _skip(raw, end)
        if raw[i] == "]":
            return items, i + 1
        i = _skip(raw, i + 1)
