"""Reporters: thin adapters turning diagnostics and graphs into text, JSON and tables."""

FORMATS = ("text", "json", "sarif", "github")


def render_diagnostics(fmt: str, diagnostics, stream) -> str:
    """`check` output in one of FORMATS (text is coloured only when stream is a terminal)."""
    if fmt == "json":
        from .json_report import diagnostics as as_json
        return as_json(diagnostics) + "\n"
    if fmt == "sarif":
        from .sarif import render
        return render(diagnostics)
    if fmt == "github":
        from .github import render
        return render(diagnostics)
    from .text import render, wants_colour
    return render(diagnostics, colour=wants_colour(stream))
