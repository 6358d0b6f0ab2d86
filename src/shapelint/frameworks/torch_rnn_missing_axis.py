"""An RNN input that lacks the axis its initial states say it has (issue 16): sliding windows
`(140, 4)` given to `nn.LSTM(input_size=1, batch_first=True)` with states `(1, 140, 2)`.
torch reads a 2-D input as one unbatched sequence and checks the states' rank before the input
size: it raises "For unbatched 2-D input, hx should also be 2-D" where the layer is applied.
The states are right (built for the batch the input has); the input is not: the finding goes
on the call, SHP109 (the data given to the layer), with the one axis of 1 to insert.

Facts only: the input's two sizes and every state's shape are known, the states are all 3-D,
and exactly one place to insert an axis of 1 gives an input whose last size is input_size and
whose states torch then expects are exactly the ones given."""
from __future__ import annotations

from ..domain.codes import SHP109
from ..domain.dims import is_known
from ..domain.shapes import Shape
from .torch_rnn_states import state_shapes

_KINDS = ("RNN", "GRU", "LSTM")


DOC_ADDENDA = {"SHP109": {"what": (
    "torch: an `nn.RNN` / `nn.GRU` / `nn.LSTM` given a 2-D input with 3-D initial states "
    "(torch reads the input as one unbatched sequence and rejects the states first) is "
    "reported on the call when exactly one axis of 1 inserted into the input fits both "
    "`input_size` and the states, with that `unsqueeze` as the fix.")}}


def layer_fault(layer, applied, tensor, args, kwargs, fix_at) -> None:
    """Set fix_at of the RNN's fault to its call when its 2-D input lacks one axis of 1."""
    fault, x = applied.fault, tensor.shape
    if getattr(fault, "fix_at", None) is not None or layer.type_name not in _KINDS or \
            not x.known_rank or x.rank != 2 or not all(is_known(d) for d in x.dims) or \
            not getattr(applied, "line", 0):
        return
    given = args[1] if len(args) > 1 else kwargs.get("hx")
    parts = given if layer.type_name == "LSTM" and isinstance(given, tuple) else (given,)
    shapes = [getattr(p, "shape", None) for p in parts]
    if given is None or len(parts) != (2 if layer.type_name == "LSTM" else 1) or not all(
            isinstance(s, Shape) and s.known_rank and s.rank == 3 and
            all(is_known(d) for d in s.dims) for s in shapes):
        return
    arguments = layer.arguments or {}
    fits = []
    for axis in range(3):
        dims = list(x.dims)
        dims.insert(axis, 1)
        batched = Shape(tuple(dims))
        wanted = state_shapes(layer.type_name, arguments, batched)
        if batched[-1] == arguments.get("input_size") and wanted is not None and all(
                tuple(s.dims) == tuple(w.dims) for s, w in zip(shapes, wanted)):
            fits.append((axis, batched))
    if len(fits) != 1:
        return
    axis, batched = fits[0]
    ranks = ", ".join("3-D" for _ in shapes)
    said = (f"For unbatched 2-D input, hx and cx should also be 2-D but got ({ranks}) tensors"
            if layer.type_name == "LSTM" else
            "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor")
    states = " and ".join(str(s) for s in shapes)
    sentence = (f"torch reads the 2-D input {x} as one unbatched sequence and checks the states "
                f"{states} first: it raises RuntimeError \"{said}\" here. The states are "
                f"built for a batch of {shapes[0][1]}; the input lacks an axis: "
                f".unsqueeze({-1 if axis == 2 else axis}) of it gives {batched}, which fits "
                f"input_size={arguments.get('input_size')} and the states.")
    fault.fix_at = fix_at(applied.path, int(applied.line), int(applied.col), SHP109, sentence)
