"""A size passed on by name through instantiations (issue 16): `Encoder(enc_in, d_model)` at
module level gives the module constant `enc_in = 7` to Encoder's __init__, which passes its
parameter on to `TokenEmbedding(enc_in, d_model)`, whose Conv1d takes it as in_channels. When
each step is the one instantiation of its class and the name is read by nothing else, the
value the layer got is written where the chain starts: the constant's line (or the literal of
the outermost instantiation, torch_size_origins._instantiation). Here: the module constant at
the top of such a chain, whose reads are counted outside the defs whose parameter of the
same name shadows it."""
from __future__ import annotations

import re

from .source_text import enclosing_def, parameters

_DEF = re.compile(r"^\s*(async\s+)?def\s")
_WORD = r"(?<![\w.]){}(?!\w)"


def module_constant_read_once(lines: list, name: str, expected: int, at: int, bound) -> bool:
    """`name`, bound once at module level to `expected` (bound: (line, value) from
    torch_size_origins.module_constant), is read only on line `at`: every other occurrence
    is its binding, a def's parameter of that name, or a read inside such a def (the
    parameter, not the constant)."""
    if bound is None or bound[1] != expected or enclosing_def(lines, at) is not None:
        return False
    word = re.compile(_WORD.format(re.escape(name)))
    reads = 0
    for number, text in enumerate(lines, 1):
        count = len(word.findall(text.split("#", 1)[0]))
        if not count or number == bound[0]:
            continue
        if _DEF.match(text) and name in (parameters(lines, number, every=True) or ()):
            continue  # the parameter's own declaration
        owner = enclosing_def(lines, number)
        if owner is not None and name in owner[2]:
            continue  # the parameter read in its function
        if number != at or count != 1:
            return False
        reads += 1
    return reads == 1
