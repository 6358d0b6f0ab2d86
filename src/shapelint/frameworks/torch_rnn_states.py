"""The final states an RNN/LSTM/GRU returns beside its output, (output, h_n) or (output, (h_n,
c_n)), with their shapes from the torch.nn docs: h_n is (D * num_layers, N, H_out) for a batched
input whatever batch_first says, (D * num_layers, H_out) for an unbatched one; an LSTM's c_n has
hidden_size where h_n has proj_size when it projects. A head that reads them (`torch.cat((h_n[-2],
h_n[-1]), 1)` of a bidirectional LSTM) then meets its real width. Only when every size is known
and the initial state, if given, is one the analysis sees has that very shape: otherwise torch
may raise at the layer, and the states stay unknown."""
from __future__ import annotations

from ..domain.dims import Unknown, same
from ..domain.shapes import Shape

_KINDS = ("RNN", "GRU", "LSTM")


def state_shapes(type_name: str, arguments: dict, x: Shape):
    """The shapes of the states a recurrent layer applied to x takes and returns, (h,) or an
    LSTM's (h, c), N the second axis even with batch_first; None when a size is not known."""
    if type_name not in _KINDS or not x.known_rank or x.rank not in (2, 3):
        return None
    a = arguments or {}
    layers, hidden, proj = a.get("num_layers", 1), a.get("hidden_size"), a.get("proj_size", 0)
    both, batch_first = a.get("bidirectional", False), a.get("batch_first", False)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (layers, hidden, proj)) \
            or not isinstance(both, bool) or not isinstance(batch_first, bool):
        return None
    lead = ((2 if both else 1) * layers,)
    if x.rank == 3:
        lead += (x[0] if batch_first else x[1],)
    h_n = Shape(lead + (proj or hidden,))
    return (h_n, Shape(lead + (hidden,))) if type_name == "LSTM" else (h_n,)


def states(type_name: str, arguments: dict, x: Shape, given, tensor):
    """The second output of an applied recurrent layer (h_n, or (h_n, c_n) for an LSTM), made
    with `tensor(shape)`; an Unknown when a size or the given initial state is not known."""
    wanted = state_shapes(type_name, arguments, x)
    if wanted is None or given is not None and not _matches(given, wanted, type_name):
        return Unknown(f"{type_name} extra output")
    made = tuple(tensor(s) for s in wanted)
    return made if type_name == "LSTM" else made[0]


def _matches(given, wanted, type_name: str) -> bool:
    """The initial state given to the layer is certainly of the shapes it returns."""
    parts = given if type_name == "LSTM" else (given,)
    if not isinstance(parts, (tuple, list)) or len(parts) != len(wanted):
        return False
    for part, shape in zip(parts, wanted):
        have = getattr(part, "shape", None)
        if not isinstance(have, Shape) or not have.known_rank or have.rank != shape.rank or \
                not all(same(d, e) is True for d, e in zip(have.dims, shape.dims)):
            return False
    return True
