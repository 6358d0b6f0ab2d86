"""A torch layer's fault placed on the statement its fix changes (issue 16), when the facts
say so (frameworks/torch_fix_origins.py sets LayerFault.fix_at): the finding sits there, under
the code the fix belongs to, and names the layer call where the mismatch shows
(data["seen_at_line"], SARIF's relatedLocation)."""
from __future__ import annotations

from ..domain.codes import Diagnostic
from ..domain.graph import LayerNode


def at_fix_line(node: LayerNode, diagnostic: Diagnostic) -> Diagnostic | None:
    """The diagnostic moved to its fault's fix_at, or None when it has none in this file."""
    at = getattr(node.fault, "fix_at", None)
    if at is None or at.path != diagnostic.path or int(at.line) == int(diagnostic.line):
        return None
    seen = at.seen_line or diagnostic.data.get("seen_at_line") or int(node.line)
    seen_col = int(node.col) if seen == int(node.line) else 0
    message = diagnostic.message.rstrip()
    if not message.endswith("."):
        message += "."
    message += f" It shows at line {seen}. {at.sentence}"
    data = {**diagnostic.data, "seen_at_line": int(seen), "seen_at_col": seen_col}
    if at.code is not None and at.code is not diagnostic.code:
        data["shown_as"] = diagnostic.code.code
    return Diagnostic(at.code or diagnostic.code, int(at.line), int(at.col), message, data,
                      diagnostic.path)
