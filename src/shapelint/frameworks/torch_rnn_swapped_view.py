"""An RNN input whose batch and step sizes a reshape wrote the wrong way round (issue 16):

    h0 = torch.zeros(layers, self.batch, hidden)
    out, h = self.rnn(x.view(steps, self.batch, features), h0)   # batch_first=True

With batch_first=True torch reads axis 0 as the batch and checks h0 for it; the reshape put
the batch the states were built for on the step axis. The reshape is the one place whose sizes
were written to set this shape, and swapping its first two sizes gives the states' batch, so
the finding goes there (as torch_loss_places puts a reshape before a tensor built from sizes),
naming the line that built the states and the call where torch raises.

Facts only: every size known, the input's shape written by a reshape in the file, each state
rejected, and each one exactly what torch checks for the input with its batch and step axes
swapped (the states' own sizes, not guessed)."""
from __future__ import annotations

from ..domain.dims import is_known
from ..domain.shapes import Shape
from .torch_rnn_states import state_shapes

_WHERE = ("torch: initial states an `nn.RNN` / `nn.GRU` / `nn.LSTM` rejects for the batch, "
          "while a reshape wrote the input's shape and its batch and step sizes swapped give "
          "exactly the states torch checks for, are reported on that reshape, naming the line "
          "that built the states.")
DOC_ADDENDA = {"SHP109": {"what": _WHERE}}


def place(layer, tensor, parts):
    """(path, line, col, sentence) of the reshape that wrote the input's sizes, when swapping
    its batch and step axes makes every state fit; None otherwise."""
    at = getattr(tensor, "shape_at", None)
    x = getattr(tensor, "shape", None)
    if at is None or at[3] != "reshaped" or not at[1] or x is None or not x.known_rank or \
            x.rank != 3 or not all(is_known(d) for d in x.dims) or x.dims[0] == x.dims[1]:
        return None
    arguments = layer.arguments or {}
    batch = 0 if arguments.get("batch_first") is True else 1
    swapped = Shape((x.dims[1], x.dims[0], x.dims[2]))
    as_given = state_shapes(layer.type_name, arguments, x)
    as_swapped = state_shapes(layer.type_name, arguments, swapped)
    if as_given is None or as_swapped is None or len(parts) != len(as_swapped):
        return None
    shapes = [getattr(p, "shape", None) for p in parts]
    if not all(s is not None and s.known_rank and tuple(s.dims) == tuple(w.dims)
               for s, w in zip(shapes, as_swapped)) or \
            any(tuple(s.dims) == tuple(w.dims) for s, w in zip(shapes, as_given)):
        return None
    sentence = (f"The input {x} is written on this line by a reshape, whose batch axis "
                f"({'first' if batch == 0 else 'second'}, as {layer.type_name} reads it) "
                f"holds {x.dims[batch]} while the states are built for a batch of "
                f"{x.dims[1 - batch]}, the size it puts on the steps axis: the reshape to "
                f"{swapped} gives the batch the states have.")
    return (*at[:3], sentence)
