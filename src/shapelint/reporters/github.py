"""GitHub Actions workflow commands: one annotation per diagnostic (columns 1-based)."""
from __future__ import annotations

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(diagnostics) -> str:
    return "".join(
        f"::{COMMANDS[d.code.severity]} file={_property(d.path)},line={d.line},"
        f"col={d.column + 1},title={_property(f'{d.code.code} {d.code.name}')}::"
        f"{_data(f'{d.code.code} {d.message}')}\n" for d in diagnostics)
