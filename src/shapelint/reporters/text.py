"""flake8-style lines: path:line:col: CODE name: message (col 1-based, as flake8 prints)."""
from __future__ import annotations


def render(diagnostics) -> str:
    return "".join(f"{d.path}:{d.line}:{d.column + 1}: {d.code.code} {d.code.name}: "
                   f"{d.message}\n" for d in diagnostics)
