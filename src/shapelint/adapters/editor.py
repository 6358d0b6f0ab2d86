"""What an editor shows for one document: diagnostics with their ranges and related locations,
hovers with shapes and counts, inlay hints and the edits of the fixes `shapelint fix` makes.

Pure and protocol-free: positions are 0-based (line, character) pairs and the language server
(shapelint.adapters.lsp) turns them into LSP objects. The diagnostics are the ones `shapelint check`
prints for the file under its [tool.shapelint]; the hovers read the graphs `summary` builds.
"""
from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field

from ..domain.dims import is_known

Position = tuple  # (line, character), both 0-based


@dataclass(frozen=True)
class Related:
    start: Position
    end: Position
    message: str


@dataclass(frozen=True)
class Finding:
    diagnostic: object  # a codes.Diagnostic (1-based line, 0-based column)
    start: Position
    end: Position
    related: tuple = ()


@dataclass(frozen=True)
class Snapshot:
    text: str
    path: str
    findings: tuple = ()
    graphs: tuple = ()
    lines: tuple = field(default=(), repr=False)


def snapshot(text: str, path: str) -> Snapshot:
    """Analyse one document's text (never raises: a failure is no finding and no hover)."""
    from ..pipeline.gate import mentions_framework
    lines = tuple(text.splitlines())
    if not mentions_framework(text):
        return Snapshot(text, path, lines=lines)
    from ..pipeline.analysis import analyse
    from .config import config_for, diagnostics, keras_data_format
    try:
        config = config_for(path)
        found = diagnostics(text, path, config)
        with keras_data_format(config.data_format):
            analysis = analyse(text, path, config.limits(), whole_file=True)
            shapes = {entry: config.input_shape(path, entry) for entry, _ in analysis.models}
            graphs = tuple(analysis.graphs(per_entry=shapes))
    except Exception:  # noqa: BLE001 - an editor keeps working on code shapelint cannot read
        return Snapshot(text, path, lines=lines)
    here = os.path.abspath(path)
    ctors = _constructors(graphs, here)
    findings = tuple(Finding(d, *span(lines, d.line - 1, d.column),
                             _related(d, found, ctors, lines)) for d in found)
    return Snapshot(text, path, findings, graphs, lines)


# ---- ranges ----------------------------------------------------------------------------------

def span(lines, line: int, col: int) -> tuple[Position, Position]:
    """From (line, col) to the end of the expression starting there: a dotted name and, when a
    call follows, its closing bracket (up to 30 lines on); the rest of the line otherwise."""
    if not 0 <= line < len(lines):
        return (max(line, 0), col), (max(line, 0), col)
    text, i = lines[line], col
    while i < len(text) and (text[i].isalnum() or text[i] in "_."):
        i += 1
    if i < len(text) and text[i] in "([":
        end = _close(lines, line, i)
        if end is not None:
            return (line, col), end
    if i == col:
        i = len(text.rstrip())
    return (line, col), (line, max(i, col))


def _close(lines, line: int, col: int):
    depth, quote = 0, ""
    for row in range(line, min(line + 30, len(lines))):
        text = lines[row]
        start = col if row == line else 0
        for i in range(start, len(text)):
            char = text[i]
            if quote:
                quote = "" if char == quote and text[i - 1] != "\\" else quote
            elif char in "\"'":
                quote = char
            elif char == "#":
                break
            elif char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
                if depth == 0:
                    return (row, i + 1)
        quote = ""
    return None


# ---- related locations -----------------------------------------------------------------------

def _constructors(graphs, here: str) -> dict:
    """(line, col) of a torch layer's call in forward() -> (line, col, type) of its creation."""
    out = {}
    for graph in graphs:
        for node in graph.applications:
            layer = node.layer
            line = getattr(layer, "line", 0)
            if line and os.path.abspath(getattr(layer, "path", "") or "") == here and \
                    (line, getattr(layer, "col", 0)) != (node.line, node.col):
                # int(): the interpreter's positions are lazy (spots.LazyInt); ours are plain
                out[(int(node.line), int(node.col))] = (int(line), int(layer.col),
                                                        node.type_name)
    return out


def _related(d, found, ctors, lines) -> tuple:
    out = []
    ctor = ctors.get((d.line, d.column))
    if ctor is not None:
        out.append(Related(*span(lines, ctor[0] - 1, ctor[1]),
                           f"{ctor[2]} constructed here"))
    seen = d.data.get("seen_at_line") if isinstance(d.data, dict) else None
    if isinstance(seen, int) and seen != d.line and 0 < seen <= len(lines):
        # a finding placed where its fix goes (issue 16): the call where the mismatch shows
        out.append(Related(*span(lines, seen - 1, int(d.data.get("seen_at_col", 0))),
                           "where the mismatch shows"))
    made = d.data.get("data_at_line") if isinstance(d.data, dict) else None
    if isinstance(made, int) and made != d.line and 0 < made <= len(lines):
        # the other honest fix: where the data was made (rules/data_places.py)
        out.append(Related(*span(lines, made - 1, int(d.data.get("data_at_col", 0))),
                           "where the data is made"))
    if d.code.code == "SHP209":
        for cause in found:
            if cause.code.code == "SHP201":
                out.append(Related(*span(lines, cause.line - 1, cause.column),
                                   "likely cause: applied to a feature map (SHP201)"))
    return tuple(out)


# ---- hover and inlay hints -------------------------------------------------------------------

def _nodes_on(shot: Snapshot, line: int):
    here = os.path.abspath(shot.path)
    for graph in shot.graphs:
        for node in list(graph.nodes) + list(graph.applications):
            if node.line == line + 1 and not node.is_input and node.layer is not None and \
                    os.path.abspath(node.path or "") == here:
                yield graph, node


def hover(shot: Snapshot, line: int, col: int) -> str | None:
    """`x: (None, 13, 13, 4096)` on a tensor a line assigns; on a layer, its call, params
    (and the count a finding says was intended) and output shape. None where nothing is known."""
    if not 0 <= line < len(shot.lines):
        return None
    text = shot.lines[line]
    word = _word(text, col)
    target = _assigned(text)
    on_target = word is not None and target is not None and col < target[1] and \
        word in target[0]
    nodes = list(_nodes_on(shot, line))
    if on_target:
        shape = _line_shape(shot, line)
        if shape is None and nodes:
            shape = nodes[-1][1].output_shape  # the last layer the line applies
        if shape is not None:
            return f"```python\n{word}: {shape}\n```"

    def contains(node) -> bool:
        start, end = span(shot.lines, line, node.col)
        return start <= (line, col) < end
    within = sorted(((g, n) for g, n in nodes if contains(n)), key=lambda gn: gn[1].col)
    layers = {id(n.layer) for _, n in nodes}
    chosen = within[-1] if within else (nodes[0] if len(layers) == 1 else None)
    return _layer_hover(shot, *chosen) if chosen else None


def _layer_hover(shot: Snapshot, graph, node) -> str:
    row = next((n for n in graph.nodes if n.layer is node.layer and not n.is_input), node)
    layer = node.layer
    label = _call_label(shot, getattr(layer, "line", row.line), getattr(layer, "col", row.col),
                        node.type_name)
    if not row.counts:
        params = "shared (counted at its first use)"
    elif is_known(row.total):
        params = f"{row.total:,} params"
    else:
        params = "params unknown" + (f" ({row.reason})" if row.reason else "")
    out = [f"{label}: {params}"]
    for finding in shot.findings:
        d = finding.diagnostic
        intended = (d.data or {}).get("params_intended")
        if (d.line, d.column) == (node.line, node.col) and isinstance(intended, int):
            out.append(f"as intended ({d.code.code}): {intended:,} params")
    if node.input_shapes:
        out.append(f"input: {', '.join(str(s) for s in node.input_shapes)}")
    out.append(f"output: {node.output_shape}")
    return "```python\n" + "\n".join(out) + "\n```"


def _call_label(shot: Snapshot, line: int, col: int, type_name: str) -> str:
    """`Dense(4096)`: the layer's type and the positional arguments as written."""
    start, end = span(shot.lines, line - 1, col)
    if start[0] >= len(shot.lines):
        return type_name
    rows = list(shot.lines[start[0]:end[0] + 1])
    rows[-1] = rows[-1][:end[1]] if len(rows) > 1 else rows[-1][start[1]:end[1]]
    if len(rows) > 1:
        rows[0] = rows[0][start[1]:]
    text = "\n".join(rows)
    try:
        call = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return type_name
    if not isinstance(call, ast.Call):
        return type_name
    args = ", ".join(ast.get_source_segment(text.strip(), a) or "?" for a in call.args
                     if not isinstance(a, ast.Starred))
    return f"{type_name}({args})"


def _line_shape(shot: Snapshot, line: int):
    here = os.path.abspath(shot.path)
    for graph in shot.graphs:
        for (path, number), shape in graph.line_shapes.items():
            if number == line + 1 and os.path.abspath(path or "") == here:
                return shape
    return None


def _word(text: str, col: int) -> str | None:
    if not 0 <= col <= len(text):
        return None
    start, end = col, col
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return text[start:end] or None


def _assigned(text: str):
    """(names assigned, column of the `=`) for `x = ...` / `a, b = ...`; None otherwise."""
    head, sep, _ = text.partition("=")
    if not sep or head.rstrip().endswith(("!", "<", ">", "=")) or "(" in head:
        return None
    names = {n.strip() for n in head.replace("(", ",").replace(")", ",").split(",")}
    names = {n for n in names if n.isidentifier()}
    return (names, len(head)) if names else None


def inlay_hints(shot: Snapshot, first: int, last: int) -> list:
    """(line, character, label) at the end of each line in [first, last] that assigns a
    tensor in forward() (the shapes the analysis traced)."""
    here = os.path.abspath(shot.path)
    out = {}
    for graph in shot.graphs:
        for (path, number), shape in graph.line_shapes.items():
            line = number - 1
            if first <= line <= last and line < len(shot.lines) and shape.known_rank and \
                    os.path.abspath(path or "") == here:
                out[line] = (line, len(shot.lines[line].rstrip()), f"{shape}")
    return [out[k] for k in sorted(out)]


# ---- fixes -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Action:
    title: str
    preferred: bool  # a safe fix
    code: str
    line: int  # of the diagnostic it repairs (1-based) and its column
    col: int
    start: Position  # the text edit
    end: Position
    new_text: str


def actions(shot: Snapshot) -> list[Action]:
    """One edit per fix `shapelint fix` knows for the document (each on its own)."""
    from ..pipeline.fix import apply, plan
    out = []
    try:
        fixes = plan(shot.text, shot.path)
        for fix in fixes:
            new, done = apply(shot.text, [fix])
            if not done or new == shot.text:
                continue
            start, end, text = minimal_edit(shot.text, new)
            title = f"shapelint: {fix.title}" + ("" if fix.safe else " (unsafe fix)")
            out.append(Action(title, fix.safe, fix.code, fix.line, fix.col, start, end, text))
    except Exception:  # noqa: BLE001 - no action rather than a broken editor
        return out
    return out


def minimal_edit(before: str, after: str) -> tuple[Position, Position, str]:
    """The whole lines that differ: (start, end, new text), end exclusive at column 0."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return (head, 0), (len(old) - tail, 0), "".join(new[head:len(new) - tail])
