"""flake8-style lines: path:line:col: CODE name: message (col 1-based, as flake8 prints)."""
from __future__ import annotations

import os

BOLD, RESET = "\033[1m", "\033[0m"
SEVERITY = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}


def wants_colour(stream) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


def position(d) -> str:
    """line:col (col 1-based), after "cell N:" in a notebook, as Ruff prints them."""
    cell = "" if d.cell is None else f"cell {d.cell}:"
    return f"{cell}{d.line}:{d.column + 1}"


def render(diagnostics, colour: bool = False) -> str:
    if not colour:
        return "".join(f"{d.path}:{position(d)}: {d.code.code} {d.code.name}: "
                       f"{d.message}\n" for d in diagnostics)
    return "".join(f"{BOLD}{d.path}{RESET}:{position(d)}: "
                   f"{SEVERITY[d.code.severity]}{BOLD}{d.code.code}{RESET} {d.code.name}: "
                   f"{d.message}\n" for d in diagnostics)
