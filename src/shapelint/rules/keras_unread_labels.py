"""Where a label fault (SHP110, SHP111) is reported when the file already made the labels the
model takes and never read them (issue 16): `y_onehot = to_categorical(y, 4)` (or
`np.eye(4)[y]`, or a helper of the user's), then `model.fit(x, y)` with the ids it was made
from. Neither the loss nor the model is what the author meant to change: the array that fits
was made for this call, so the call names the wrong array and is the line to change. The
finding goes on the call, naming the line that made the unread labels (data["unread_at_line"]).

Facts only, from the analysis' values and the module's own text: the call gives its labels by
name (`y` by keyword or position); exactly one other module-level name holds an array of the
output's shape past the batch axis, every size known, with the given labels' sample count; that
name is bound once, on a line of its own above the call whose right side reads the given
labels' name, and is read nowhere in the file. Anything else leaves the finding where
rules/edges.py puts it."""
from __future__ import annotations

import re

import libcst as cst

from ..domain.codes import SHP110, SHP111, Diagnostic
from ..domain.dims import is_known
from ..frameworks.arrays import ArrayValue
from ..frameworks.source_text import argument, call_at
from .keras_label_sides import output_shaped

_LABELLED = ("fit", "evaluate", "train_on_batch", "test_on_batch")


def unread_labels(use, y, y_name: str, out, code, message: str, data: dict) -> Diagnostic | None:
    """The label finding placed on the call, when labels of the output's shape were made from
    the given ones and never read; None otherwise."""
    module = getattr(use, "module", None)
    if code not in (SHP110, SHP111) or y_name != "y" or use.method not in _LABELLED or \
            module is None or getattr(module, "scope", None) is None or out is None or \
            not isinstance(y, ArrayValue) or not y.shape.known_rank or not y.dims or \
            not 0 < int(use.line) <= len(module.lines) or module.path != use.path:
        return None
    lines = module.lines
    call = call_at(lines, int(use.line), int(use.col))
    given = argument(call, "y", 1) if call is not None else None
    if not isinstance(given, cst.Name):
        return None
    found = [(name, at) for name, value in module.scope.vars.items()
             if name != given.value and isinstance(value, ArrayValue) and
             output_shaped(value, out) and _same_count(value, y)
             for at in [_made_from_and_unread(lines, name, given.value, int(use.line))]
             if at is not None]
    if len(found) != 1:
        return None
    name, at = found[0]
    shown = tuple(d for d in out.dims[1:])
    message = (f"{message.rstrip('.')}. {name}, made from {given.value} at line {at} with the "
               f"output's shape (N, {', '.join(str(d) for d in shown)}), is read nowhere: the "
               f"labels this model takes were made for this call, which gives "
               f"{given.value} instead; give model.{use.method}() {name} on this line")
    data = {**data, "unread_at_line": at}
    data.pop("data_at_line", None)
    data.pop("data_at_col", None)
    return Diagnostic(code, use.line, use.col, message, data, use.path)


def _same_count(a: ArrayValue, b: ArrayValue) -> bool:
    """Both sample counts known and equal."""
    n, m = a.dims[0], b.dims[0]
    return is_known(n) and is_known(m) and n == m


def _made_from_and_unread(lines: list, name: str, source: str, before: int) -> int | None:
    """The line of `name = <something reading source>`, name's one occurrence in the file's
    code, at module level above line `before`; None otherwise."""
    word = re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w)")
    places = [i for i, text in enumerate(lines, 1) if word.search(_code(text))]
    if len(places) != 1 or places[0] >= before:
        return None
    text = _code(lines[places[0] - 1])
    bound = re.match(rf"{re.escape(name)}\s*=(?!=)(.*)$", text)
    if bound is None or word.search(bound.group(1)) or \
            not re.search(rf"(?<![\w.]){re.escape(source)}(?!\w)", bound.group(1)):
        return None
    return places[0]


def _code(text: str) -> str:
    """A line without its comment (a `#` inside a string is rare in these statements)."""
    return text.split("#", 1)[0]
