"""The data side of a finding that stays on the call (issue 16): a Keras model without an input
shape is built by the first data it is given, so when that data breaks a layer the finding
stays on the fit / predict call, where Keras raises, and the fix is the data. The statement
that made the array (ArrayValue.built_at: the loader, the numpy call) is where many authors fix
it, with a reshape or a new axis: it is named as the data's place (data["data_at_line"],
SARIF's second relatedLocation), as rules/data_places.py names it for a finding kept on the
model's side. A place in another file, or on the call's own line, says nothing."""
from __future__ import annotations

from ..domain.codes import Diagnostic
from .data_places import place_of


def naming_data_of_call(diagnostic: Diagnostic | None, at, shape) -> Diagnostic | None:
    at = place_of(at)
    if diagnostic is None or at is None or at[0] != diagnostic.path or \
            at[1] == int(diagnostic.line):
        return diagnostic
    data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
    message = (f"{diagnostic.message.rstrip('.')}. That data is made with shape {shape} at "
               f"line {at[1]}: change it there, or before this call")
    return Diagnostic(diagnostic.code, diagnostic.line, diagnostic.column, message,
                      {**data, "data_at_line": at[1], "data_at_col": at[2]},
                      diagnostic.path, diagnostic.cell)
