"""Where a sample given to predict() without its batch axis is reported when a statement of its
own took it out of a batch by an integer index (issue 16): `frame = video[0]`, then
`model.predict(frame)`. The index is what dropped the batch axis the model needs: `video[0:1]`
keeps it (or `np.expand_dims(frame, 0)` right after), so the finding moves to that statement,
naming the call where Keras raises (data["seen_at_line"]). A sample made any other way (read,
drawn, built from a list) keeps rules/keras_places.one_sample's place, the call.

Facts only, from the analysis' values and the module's own text: the statement that made the
sample (ArrayValue.built_at) reads `NAME = SOURCE[<integer>]`, at module level; SOURCE is a
module-level array of exactly one more axis, known, in front of the sample's sizes."""
from __future__ import annotations

import re

from ..domain.codes import Diagnostic
from ..domain.dims import is_known
from ..frameworks.arrays import ArrayValue
from .moved import moved_to_data

_INDEXED = re.compile(r"(\w+)\s*=\s*(\w+)\s*\[\s*(-?\d+)\s*\]\s*(?:#.*)?$")


def indexed_sample(found: Diagnostic, use, array) -> Diagnostic | None:
    """found (on the predict call) moved to the integer index that took the sample from its
    batch; None otherwise."""
    module = getattr(use, "module", None)
    made = getattr(array, "built_at", None)
    if found is None or module is None or made is None or made[0] != use.path or \
            not made[1] or int(made[1]) == int(use.line) or \
            not 0 < int(made[1]) <= len(module.lines):
        return None
    line = int(made[1])
    taken = _INDEXED.match(module.lines[line - 1])
    if taken is None:
        return None
    name, source_name, index = taken.groups()
    source = module.scope.vars.get(source_name) if module.scope is not None else None
    if not isinstance(source, ArrayValue) or not source.shape.known_rank or \
            not array.shape.known_rank or len(source.dims) != len(array.dims) + 1 or \
            not is_known(source.dims[0]) or \
            tuple(source.dims[1:]) != tuple(array.dims) or \
            not all(is_known(d) for d in array.dims):
        return None
    n = source.dims[0]
    i = int(index)
    if not -n <= i < n:
        return None
    stop = "" if i == -1 else str(i + 1)
    shown = tuple(source.dims)
    head = found.message.split('. The sample is made at line')[0].rstrip('.').replace(
        "() on this line", f"() at line {use.line}", 1)
    message = (f"{head}. "
               f"{name} is taken from {source_name}, a batch of shape {shown}, by the integer "
               f"index on this line, which drops the batch axis the model needs: "
               f"{source_name}[{i}:{stop}] keeps it (a batch of one), or add it right after "
               f"with np.expand_dims({name}, 0)")
    col = len(module.lines[line - 1]) - len(module.lines[line - 1].lstrip())
    return moved_to_data(found, line, col, message, seen_at_line=int(use.line),
                         seen_at_col=int(use.col))
