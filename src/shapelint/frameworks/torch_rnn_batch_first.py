"""SHP109 (torch part, issue 16): initial states built with the batch on the input's first axis
for a recurrent layer that lacks batch_first. Without batch_first, torch reads a (B, T, F)
input as B steps of a batch of T, and checks h0 / c0 for (L * D, T, H); states
built (L * D, B, H) are rejected (RuntimeError "Expected hidden[0] size"). When every given
state fits exactly what batch_first=True would check, and more than one state is wrong (an
LSTM's h0 and c0), the one line whose change makes them all fit is the constructor: the
finding goes there, naming the call where torch raises and the line that built the first
state. A single wrong state (an RNN's or GRU's h0) is as honestly fixed on its own line, so
that finding stays there and names the constructor instead."""
from __future__ import annotations

from ..domain.dims import same
from ..domain.shapes import Shape
from .torch_rnn_states import state_shapes


def _fits(have: Shape, want: Shape) -> bool:
    return have.known_rank and have.rank == want.rank and \
        all(same(d, e) is True for d, e in zip(have.dims, want.dims))


def flag_fixes(layer, x: Shape, parts) -> int:
    """How many of the given states batch_first=True would make right (0 when it would not
    make every one of them right, or the layer already reads the batch first)."""
    arguments = layer.arguments or {}
    if x.rank != 3 or arguments.get("batch_first", False) is not False:
        return 0
    flagged = state_shapes(layer.type_name, {**arguments, "batch_first": True}, x)
    as_built = state_shapes(layer.type_name, arguments, x)
    if flagged is None or as_built is None or \
            not all(_fits(p.shape, w) for p, w in zip(parts, flagged)):
        return 0
    return sum(not _fits(p.shape, w) for p, w in zip(parts, as_built))


def on_constructor(layer, path: str, line: int) -> bool:
    """The layer was built in this file on another line than the call."""
    return getattr(layer, "path", "") == path and bool(getattr(layer, "line", 0)) and \
        layer.line != line


def constructor_sentence(layer, count: int, states_line: int | None) -> str:
    """What the message adds: the flag that fixes the states, and where they are built."""
    built = f" (h0 is built at line {states_line})" if states_line else ""
    if count > 1:
        return (f" Every state's batch is the input's first axis{built}, but this "
                f"nn.{layer.type_name} lacks batch_first, so torch reads that axis as the "
                f"steps: batch_first=True on this line makes them all fit.")
    return (f" The state's batch is the input's first axis; the "
            f"nn.{layer.type_name} at line {layer.line} lacks batch_first: batch_first=True "
            f"there fits it as well.")
