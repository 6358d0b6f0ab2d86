"""The data side of a finding kept on the model side (issue 16). Where a fix is honestly either
side, the data or the model, the finding stays on the model's line and names two other places:
the call where the mismatch shows (data["seen_at_line"]) and, when the analysis knows it, the
statement that made the data with the shape the model contradicts (data["data_at_line"] /
data["data_at_col"], SARIF's second relatedLocation): many authors fix it there, with a
reshape, a transpose or a transform.

The place comes from the value itself, never from a search of the text: a Keras data array's
ArrayValue.built_at (the numpy call, array method or dataset loader that made it), a torch
tensor's shape_at (the factory given its sizes, or the reshape that wrote its shape). No place,
a place in another file, or one on a line the finding already names says nothing."""
from __future__ import annotations

from ..domain.codes import Diagnostic


def place_of(at) -> tuple | None:
    """(path, line, col) from a recorded place (built_at, shape_at), None if it is not one."""
    if not isinstance(at, tuple) or len(at) < 3 or not at[0] or not at[1]:
        return None
    return at[0], int(at[1]), int(at[2])


def naming_data(diagnostic: Diagnostic | None, at, sentence: str) -> Diagnostic | None:
    """diagnostic with `at` (path, line, col), where the data was made, as its data-side place,
    and `sentence` (formatted with {line}) added to its message; unchanged when that place is
    not known, is in another file, or is a line the finding already names (its own, the
    call's)."""
    at = place_of(at)
    if diagnostic is None or at is None or at[0] != diagnostic.path:
        return diagnostic
    data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
    seen = data.get("seen_at_line")
    if not isinstance(seen, int) or seen == int(diagnostic.line) or \
            at[1] in (int(diagnostic.line), seen):
        return diagnostic  # on the call itself, or nothing apart to point at
    message = diagnostic.message.rstrip(".")
    message = f"{message}. {sentence.format(line=at[1])}"
    return Diagnostic(diagnostic.code, diagnostic.line, diagnostic.column, message,
                      {**data, "data_at_line": at[1], "data_at_col": at[2]},
                      diagnostic.path, diagnostic.cell)
