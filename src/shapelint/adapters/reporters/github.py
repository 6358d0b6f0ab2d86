"""GitHub Actions workflow commands: one annotation per diagnostic (columns 1-based)."""
from __future__ import annotations

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _where(d) -> tuple[str, str]:
    """(position properties, message prefix). A notebook's lines are not the lines of its JSON
    file, so a cell's diagnostic annotates the notebook as a whole and says the cell."""
    if d.cell is None:
        return f",line={d.line},col={d.column + 1}", ""
    return "", f"cell {d.cell}:{d.line}:{d.column + 1}: "


def render(diagnostics) -> str:
    out = []
    for d in diagnostics:
        position, prefix = _where(d)
        out.append(f"::{COMMANDS[d.code.severity]} file={_property(d.path)}{position},"
                   f"title={_property(f'{d.code.code} {d.code.name}')}::"
                   f"{_data(f'{prefix}{d.code.code} {d.message}')}\n")
    return "".join(out)
