"""The flake8 adapter: thin, and never the reason a lint run fails."""
from __future__ import annotations

import ast
import os

from .. import __version__
from ..pipeline.gate import mentions_framework


class ShapelintPlugin:
    name = "shapelint"
    version = __version__
    options: dict = {}  # set by parse_options: the --shapelint-* values given to flake8

    def __init__(self, tree, filename: str = "stdin", lines=None):
        # flake8's ast tree tells which statements are worth reading with libcst (only those
        # of a file that mentions a framework).
        self.tree = tree
        self.filename = filename
        self.lines = lines or []

    @classmethod
    def add_options(cls, option_manager) -> None:
        option_manager.extend_default_ignore(["SHP3"])
        option_manager.add_option(
            "--shapelint-config", parse_from_config=True, metavar="PYPROJECT",
            help="shapelint: read [tool.shapelint] from this file (default: the nearest "
                 "pyproject.toml that has one)")
        option_manager.add_option(
            "--shapelint-data-format", parse_from_config=True, metavar="FORMAT",
            help="shapelint: Keras image_data_format default (channels_last|channels_first)")
        option_manager.add_option(
            "--shapelint-budget", type=int, parse_from_config=True, metavar="STEPS",
            help="shapelint: analysis steps per file")
        option_manager.add_option(
            "--shapelint-input-shapes", parse_from_config=True, comma_separated_list=False,
            metavar="ENTRY=SHAPE ...",
            help="shapelint: input shapes per model, e.g. 'Net=1x3x32x32 model=Nonex28x28x1'")

    @classmethod
    def parse_options(cls, options) -> None:
        cls.options = {key: getattr(options, f"shapelint_{key}", None)
                       for key in ("config", "data_format", "budget", "input_shapes")}

    def config(self):
        """[tool.shapelint] for this file, overridden by the flake8 options. Selection is
        flake8's own (--select/--ignore/--per-file-ignores/# noqa); a pyproject's ignore and
        per-file-ignores apply as well."""
        from .config import config_for, flake8_overrides
        return flake8_overrides(config_for(self.filename, self.options.get("config")),
                                self.options)

    def run(self):
        text = "".join(self.lines)
        if not mentions_framework(text) or os.environ.get("SHAPELINT_DISABLE"):
            return  # SHAPELINT_DISABLE: the benchmark's "without the plugin" run
        try:
            from .config import diagnostics
            found = diagnostics(text, self.filename, self.config().override(select=("SHP",)),
                                tree=self.tree if isinstance(self.tree, ast.Module) else None)
        except Exception as error:  # noqa: BLE001 - one quiet note instead of a crashed lint run
            message = f"shapelint skipped this file ({type(error).__name__})"
            yield 1, 0, f"SHP901 internal-error: {message}", type(self)
            return
        for d in found:  # flake8 applies --select/--ignore and # noqa itself
            yield d.line, d.column, f"{d.code.code} {d.code.name}: {d.message}", type(self)
