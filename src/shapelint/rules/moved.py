"""A Keras finding moved from the layer where the mismatch shows to the layer its fix changes
(issue 16): the message is rewritten by the rule that knows why, and the place it moved from
stays in data["seen_at_line"] / ["seen_at_col"] (SARIF's relatedLocation, `fix`'s anchor)."""
from __future__ import annotations

from ..domain.codes import Diagnostic


def moved_to(layer, diagnostic: Diagnostic, message: str, seen: tuple, **facts) -> Diagnostic:
    """diagnostic on `layer`'s line with `message`, naming `seen` (line, col) as where it
    shows; `facts` are added to its data, a None value dropping that key."""
    data = {**diagnostic.data, "seen_at_line": int(seen[0]), "seen_at_col": int(seen[1])}
    for key, value in facts.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return Diagnostic(diagnostic.code, layer.line, layer.col, message, data, diagnostic.path)


def moved_to_data(found: Diagnostic, line: int, col: int, message: str, **facts) -> Diagnostic:
    """found moved from the model's side to the statement that made its data, at (line, col):
    that statement is no longer the other place (data["data_at_line"] goes), `facts` name the
    places left behind (the model's line, the call's)."""
    data = {k: v for k, v in found.data.items() if k not in ("data_at_line", "data_at_col")}
    data.update(facts)
    return Diagnostic(found.code, line, col, message, data, found.path, found.cell)
