"""shapelint: static shapes and parameter counts for Keras and PyTorch models.

The public API. Importing it is cheap: libcst is imported only when a file mentions a framework.
"""
from __future__ import annotations

from .pipeline.gate import mentions_framework

__version__ = "0.1.0"


def check_source(text: str, path: str = "<string>", select=(), ignore=(), config=None) -> list:
    """Diagnostics for one file's text (an empty list when it mentions no framework); a
    shapelint.adapters.config.Config brings its budget, data format, input shapes and selection."""
    if not mentions_framework(text):
        return []
    from .domain.codes import enabled
    try:
        if config is not None:
            from .adapters.config import diagnostics
            return diagnostics(text, path, config.override(select=tuple(select),
                                                           ignore=tuple(ignore)))
        from .interpreter.budget import deep_stack
        from .pipeline.analysis import analyse
        # One analysis's collector thresholds (budget.ANALYSIS_GC) over both steps, restored
        # once the analysis is dropped: the young collection they start then frees its cycles
        # while they are young, instead of scanning them alive between the two steps.
        with deep_stack():
            return analyse(text, path).diagnostics(
                wanted=lambda d: enabled(d.code, select, ignore))
    except Exception as error:  # noqa: BLE001 - one SHP901 for the file, never a traceback
        from .pipeline.analysis import internal_error
        note = internal_error(path, error, "this file was skipped")
        return [note] if enabled(note.code, select, ignore) else []


def summarize(text: str, path: str = "<string>") -> list:
    """The model graphs found in one file's text."""
    if not mentions_framework(text):
        return []
    from .pipeline.analysis import analyse
    return analyse(text, path, whole_file=True).graphs()
