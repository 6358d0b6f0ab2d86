"""The flake8 adapter: thin, and never the reason a lint run fails."""
from __future__ import annotations

import os

from . import __version__
from .gate import mentions_framework


class ShapelintPlugin:
    name = "shapelint"
    version = __version__

    def __init__(self, tree, filename: str = "stdin", lines=None):
        # flake8 hands us its ast tree too (that is what makes this a tree plugin); we read
        # the text with libcst instead, and only when it mentions a framework.
        self.filename = filename
        self.lines = lines or []

    @classmethod
    def add_options(cls, option_manager) -> None:
        option_manager.extend_default_ignore(["SHP3"])

    def run(self):
        text = "".join(self.lines)
        if not mentions_framework(text) or os.environ.get("SHAPELINT_DISABLE"):
            return  # SHAPELINT_DISABLE: the benchmark's "without the plugin" run
        try:
            from .analysis import analyse
            diagnostics = analyse(text, self.filename, python_checked=True).diagnostics()
        except Exception as error:  # noqa: BLE001 - one quiet note instead of a crashed lint run
            message = f"shapelint skipped this file ({type(error).__name__})"
            yield 1, 0, f"SHP901 internal-error: {message}", type(self)
            return
        for d in diagnostics:  # flake8 applies --select/--ignore and # noqa itself
            yield d.line, d.column, f"{d.code.code} {d.code.name}: {d.message}", type(self)
