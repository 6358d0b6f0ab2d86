"""A loss given a model's output in a layout the targets do not have, fixed right after the
script's call of the model (issue 16): the finding goes on that call's statement, naming the
loss call where torch raises.

- Class scores kept as a 1x1 map: (N, C, 1, ..., 1) from a head that pools without
  flattening, against (N,) class indices. Cross-entropy reads the trailing axes as a map and
  wants (N, 1, ..., 1) targets; the labels are one index per sample, so the scores are what
  is off: `.flatten(1)` of the output gives (N, C).
- A map at 1/k of the target's size on every spatial axis, the same k (the network
  downsamples by k), against an elementwise loss: same batch and channels, the target's
  sides k times the output's. F.interpolate of the output to the target's size fixes the pair.

Facts only: every size is known, the loss already raises (SHP110), and only its place changes.
The output must be the tensor the model call returned (TorchTensor.called_at), untouched
since: any op on it makes a new tensor without the note. A call on the loss's own line leaves
the finding there."""
from __future__ import annotations

from ..domain.dims import is_known, same
from ..domain.shapes import Shape

_WHERE = ("torch: a loss given a model's output untouched since the script's call of the model, "
          "class scores kept as a 1x1 map `(N, C, 1, 1)` against `(N,)` class indices, or a "
          "map at 1/k of the target's on every side, is reported on that call's statement, "
          "after which `.flatten(1)` or `F.interpolate` to the target's size fixes it, naming "
          "the loss call.")
DOC_ADDENDA = {"SHP110": {"what": _WHERE}}


def note_call(interp, out, args, node) -> None:
    """Note on a model's output where the script called the model: (path, line, col) of the
    statement, its first column. Not on an output that is the model's input or a parameter
    (a forward that returns them): those tensors were not made by this call."""
    if node is None or out.parameter or any(out is a for a in args):
        return
    path, line, _ = interp.position(node)
    lines = getattr(interp.modules.get(path), "lines", None) if path else None
    if not lines or not 0 < int(line) <= len(lines):
        return
    text = lines[int(line) - 1]
    out.called_at = (path, int(line), len(text) - len(text.lstrip()))


def place(kind: str, x, y, call_line=None):
    """(path, line, col, sentence) of the model call whose output x the loss rejects in one of
    the layouts above; None otherwise."""
    at = getattr(x, "called_at", None)
    if at is None or call_line is None or at[1] == int(call_line):
        return None
    a, b = x.shape, y.shape
    if not (a.known_rank and b.known_rank and all(is_known(d) for d in (*a.dims, *b.dims))):
        return None
    if kind in ("class", "nll"):
        sentence = _kept_map(a, b)
    elif kind == "pointwise":
        sentence = _downsampled(a, b)
    else:
        sentence = None
    return sentence and (*at, sentence)


def _kept_map(a: Shape, b: Shape):
    if a.rank < 3 or b.rank != 1 or a[0] != b[0] or any(d != 1 for d in a.dims[2:]):
        return None
    flat = Shape((a[0], a[1]))
    return (f"The input {a} is the model's output, made on this line: its {a.rank - 2} "
            f"trailing axes of 1 are a pooled map kept spatial, which the loss reads as "
            f"positions; the targets {b} hold one class index per sample: .flatten(1) of the "
            f"output here gives {flat}.")


def _downsampled(a: Shape, b: Shape):
    if a.rank < 3 or a.rank != b.rank or same(a[0], b[0]) is not True or a[1] != b[1]:
        return None
    factors = {t // o if o and t % o == 0 else None for o, t in zip(a.dims[2:], b.dims[2:])}
    if len(factors) != 1:
        return None
    [k] = factors
    if k is None or k < 2:
        return None
    return (f"The input {a} is the model's output, made on this line: its map is 1/{k} of the "
            f"target's {b} on every side; F.interpolate of the output to the target's size "
            f"(size={tuple(b.dims[2:])}) here makes them agree.")
