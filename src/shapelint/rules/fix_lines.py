"""A torch layer's fault placed on the statement its fix changes (issue 16), when the facts
say so (frameworks/torch_fix_origins.py sets LayerFault.fix_at): the finding sits there, under
the code the fix belongs to, and names the layer call where the mismatch shows
(data["seen_at_line"], SARIF's relatedLocation)."""
from __future__ import annotations

from ..domain.codes import Diagnostic
from ..domain.graph import LayerNode
from .data_places import place_of


def at_fix_line(node: LayerNode, diagnostic: Diagnostic) -> Diagnostic | None:
    """The diagnostic moved to its fault's fix_at, or None when it has none in this file."""
    at = getattr(node.fault, "fix_at", None)
    if at is None or at.path != diagnostic.path:
        return None
    if int(at.line) == int(diagnostic.line):
        return _on_the_same_line(at, diagnostic)
    seen = at.seen_line or diagnostic.data.get("seen_at_line") or int(node.line)
    seen_col = int(node.col) if seen == int(node.line) else 0
    message = diagnostic.message.rstrip()
    if not message.endswith("."):
        message += "."
    message += f" It shows at line {seen}. {at.sentence}"
    data = {**diagnostic.data, "seen_at_line": int(seen), "seen_at_col": seen_col}
    if at.code is not None and at.code is not diagnostic.code:
        data["shown_as"] = diagnostic.code.code
    placed = Diagnostic(at.code or diagnostic.code, int(at.line), int(at.col), message, data,
                        diagnostic.path)
    if at.data_at is not None:  # the other honest side, already described by the sentence
        data_at = place_of(at.data_at)
        if data_at is not None and data_at[0] == placed.path and data_at[1] not in (
                int(placed.line), int(seen)):
            placed = Diagnostic(placed.code, placed.line, placed.column, placed.message,
                                {**data, "data_at_line": data_at[1],
                                 "data_at_col": data_at[2]}, placed.path)
    return placed


def _on_the_same_line(at, diagnostic: Diagnostic) -> Diagnostic | None:
    """The fix on the layer's own line, at another column (an nn.Sequential written on one
    line): the finding moves to the fix's column and says what it holds; the fix at the call
    itself under another code (the input given there: torch_rnn_missing_axis) is that code
    here, where it shows; else None."""
    if at.code not in (None, diagnostic.code):
        return Diagnostic(at.code, int(at.line), int(at.col), _joined(diagnostic.message,
                          at.sentence), {**diagnostic.data, "shown_as": diagnostic.code.code,
                                         "seen_at_line": int(at.line),
                                         "seen_at_col": int(diagnostic.column)},
                          diagnostic.path)
    if int(at.col) == int(diagnostic.column):
        return None
    message = diagnostic.message.rstrip()
    if not message.endswith("."):
        message += "."
    return Diagnostic(diagnostic.code, int(at.line), int(at.col), f"{message} {at.sentence}",
                      diagnostic.data, diagnostic.path)


def naming_data_side(node: LayerNode, diagnostic: Diagnostic) -> Diagnostic:
    """A finding already on its fix line (its fault's fix_at is where it sits) that also names
    the data side (FixAt.data_at), with the fix_at's sentence; else unchanged."""
    at = getattr(node.fault, "fix_at", None)
    if at is None or at.path != diagnostic.path or int(at.line) != int(diagnostic.line):
        return diagnostic
    data_at = place_of(at.data_at) if at.data_at is not None else None
    seen = diagnostic.data.get("seen_at_line")
    if data_at is None or data_at[0] != diagnostic.path or \
            data_at[1] in (int(diagnostic.line), seen):
        return diagnostic
    message = diagnostic.message.rstrip()
    if not message.endswith("."):
        message += "."
    return Diagnostic(diagnostic.code, diagnostic.line, diagnostic.column,
                      f"{message} {at.sentence}",
                      {**diagnostic.data, "data_at_line": data_at[1],
                       "data_at_col": data_at[2]}, diagnostic.path)


def _joined(message: str, sentence: str) -> str:
    message = message.rstrip()
    return f"{message}{'' if message.endswith('.') else '.'} {sentence}"
