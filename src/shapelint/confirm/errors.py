"""One line for an error the framework raised in the confirm child: what the parent prints."""
from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def error_text(error: BaseException) -> str:
    """'Type: first line' of the framework's message; Keras's wrapper line ("Exception
    encountered when calling Reshape.call().") is joined with the line that says what failed."""
    lines = [line.strip() for line in _ANSI.sub("", str(error)).splitlines() if line.strip()]
    text = lines[0] if lines else ""
    if text.startswith("Exception encountered when calling") and len(lines) > 1:
        text = f"{text.rstrip('.')}: {lines[1]}"
    return f"{type(error).__name__}: {text}".rstrip(": ")
