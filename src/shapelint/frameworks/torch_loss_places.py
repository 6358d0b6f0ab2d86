"""Where a torch loss finding is reported (issue 16): on the line its fix changes, the message
naming the loss call where the mismatch shows (data["seen_at_line"], SARIF's relatedLocation).

- SHP207 (softmax before cross-entropy): the line that applies the softmax (an nn.Softmax in
  an nn.Sequential, `self.softmax(x)` / `F.softmax` / `x.softmax()` in forward): the fix drops it.
- SHP208 (BCELoss on an unbounded output): the criterion's constructor, where BCELoss becomes
  BCEWithLogitsLoss; a functional loss has none, and stays on its call.
- SHP110 / SHP206 where the two shapes differ only by one axis of size 1 ((N, 1) against (N,),
  or masks (N, H, W) against (N, 1, H, W) predictions): the fix adds or drops that axis on one
  side (unsqueeze / squeeze), and goes where that side's shape was
  written in this file: a reshape (view, squeeze, flatten, ...) first, as it was written to set
  the shape, then a tensor built from sizes (torch.ones(128), torch.randn(64), a torch.cat of
  those). When both sides or neither were written so, either side is honest and the finding
  stays on the loss call, whose line both share. A batch drawn from a DataLoader that the
  loop body binds again before the loss (`depth = depth.float()`) is made on that statement:
  torch_batch_bound.
- SHP110 / SHP206 where the two shapes are one shape with its axis of size 1 in two places
  ((32, 1, 48) against (32, 48, 1)): on the reshape that wrote that axis on one side only (an
  unsqueeze on the wrong dim), the other side's shape named; both or neither: the call.
- SHP110 / SHP206 where they differ in one other axis: torch_target_places; in the batch
  axis, because a view folded a map's positions into it, or (SHP110) packed several samples
  into each row, or a seq-first RNN took batch-first data: torch_batch_folds; because a
  reshape on one side moved its rows (view(1, -1) of a batch's targets): torch_reshaped_rows.
- SHP110 of a model's output kept as a 1x1 map of class scores, or at 1/k of the target's map:
  the script's call of the model, after which the fix reshapes it: torch_output_places.
A place in another file than the loss call leaves the finding on the call. A class-index target
with a trailing axis of one, kept on the call, names the statement that made the target tensor
(`y = torch.from_numpy(labels)` above `criterion(out, y)`: data["data_at_line"]), where the
axis can be dropped as well: target_made_at.
- SHP110 of a BCE loss given (N, C) scores and (N,) int64 class indices: the criterion's
  constructor, where it becomes nn.CrossEntropyLoss().
- SHP111 (cross-entropy given an integer target of the input's own shape, which torch reads
  as class probabilities): the line that wrote the integer dtype by name (torch.tensor(y,
  dtype=torch.long), y.long()), where the class index is built, or the floats kept."""
from __future__ import annotations

from ..domain.codes import SHP110, SHP111, SHP206, SHP207, SHP208
from ..domain.dims import is_known, same
from ..domain.shapes import Shape
from . import torch_batch_bound as batch_bound
from . import torch_batch_folds as batch_folds
from . import torch_output_places as output_places
from . import torch_reshaped_rows as reshaped_rows
from . import torch_score_maps as score_maps
from . import torch_target_places as target_places
from .torch_provenance import INTEGER


_BCE_CTOR = "The criterion is built on this line: nn.BCEWithLogitsLoss() takes the logits."
_INDICES_CTOR = "The criterion is built on this line: nn.CrossEntropyLoss() takes class indices."


def place(code, kind: str, x, y, ctor_at, call_path: str, interp=None, node=None):
    """(path, line, col, sentence) where the finding goes, or None for the loss call itself;
    the sentence, added to the message, says what this line holds."""
    at = None
    if code is SHP207:
        at = x.produced_at and (*x.produced_at[:3], "The softmax is applied on this line.")
    elif code is SHP208:
        at = ctor_at and (*ctor_at[:3], _BCE_CTOR)
    elif code is SHP111 and kind == "pointwise":  # class indices: the loss is the fix
        at = ctor_at and (*ctor_at[:3], _INDICES_CTOR)
    elif code is SHP111 and kind == "class":
        at = _integer_probabilities(x, y)
    elif code in (SHP110, SHP206):
        call_line = interp.position(node)[1] if interp is not None and node is not None else None
        at = _shape_side(kind, x, y, interp, node) or _one_moved(kind, x, y) or \
            target_places.differing_axis(kind, x, y, interp) or \
            batch_folds.place(x, y, code is SHP110) or reshaped_rows.place(kind, x, y) or \
            (score_maps.place(x, y) if code is SHP110 else None) or \
            (_class_ids_for_bce(kind, x, y, ctor_at) if code is SHP110 else None) or \
            (output_places.place(kind, x, y, call_line) if code is SHP110 else None)
    if at is None or at[0] != call_path or not at[1]:
        return None
    return at


def _class_ids_for_bce(kind: str, x, y, ctor_at):
    """BCELoss / BCEWithLogitsLoss given (N, C) scores, C > 1, and int64 targets (N,): one
    class index per sample, what cross-entropy takes with these very scores. The criterion's
    constructor is the one line to change (a one-unit head would need the targets changed
    too)."""
    a, b = x.shape, y.shape
    if kind not in ("bce", "bce_logits") or ctor_at is None or y.dtype != "int64" or \
            not (a.known_rank and b.known_rank and a.rank == 2 and b.rank == 1) or \
            not is_known(a[1]) or a[1] <= 1 or same(a[0], b[0]) is not True:
        return None
    return (*ctor_at[:3], f"The criterion is built on this line: the targets are {b}, one "
            f"int64 value per sample for the {a[1]} scores of each, the class indices "
            f"nn.CrossEntropyLoss() takes with these scores.")


def _integer_probabilities(x, y):
    """A cross-entropy target of the input's own shape, which torch reads as class
    probabilities, given an integer dtype by name (dtype=torch.long, .long()): the line that
    wrote it is the fix, a class index built there, or the values kept as floats."""
    at = getattr(y, "dtype_at", None)
    if at is None or y.dtype not in INTEGER or not (x.shape.known_rank and y.shape.known_rank) \
            or x.shape.rank != y.shape.rank or \
            not all(same(d, e) is True for d, e in zip(x.shape.dims, y.shape.dims)):
        return None
    index = "the class index (torch.tensor(k), shape ())" if x.shape.rank == 1 else \
        f"class indices of shape {Shape(x.shape.dims[:1] + x.shape.dims[2:])}"
    return (*at[:3], f"The target's dtype {y.dtype} is written on this line, on values of "
            f"the input's shape {x.shape}: build {index} here, or keep the values as floats "
            f"(class probabilities).")


def _shape_side(kind: str, x, y, interp=None, node=None):
    """The side whose shape the fix changes, when the two differ by a trailing 1."""
    a, b = x.shape, y.shape
    # a batch a DataLoader draws from a TensorDataset: the line that wrote that tensor's shape
    sides = [(name, t.shape_at or _drawn(t)) for name, t in (("input", x), ("target", y))]
    if kind in ("class", "nll"):  # class indices: the input's shape without its class axis,
        if not (a.known_rank and a.rank >= 1):  # so only the target's can be off by a 1
            return None
        a, sides = Shape(a[:0] if a.rank == 1 else (a[0],) + a[2:]), sides[1:]
    axis = _one_axis_apart(a, b)
    if axis is None:
        return None
    for how in ("reshaped", "built", "drawn"):
        written = [(name, at) for name, at in sides if at is not None and at[3] == how]
        if len(written) == 1:
            name, at = written[0]
            shape, other = (x.shape, y.shape) if name == "input" else (y.shape, x.shape)
            # a and b as compared (for class indices, the input without its class axis)
            mine, theirs = (a, b) if name == "input" else (b, a)
            op = "squeeze" if mine.rank > theirs.rank else "unsqueeze"
            side = "target" if name == "input" else "input"
            bound = batch_bound.rebound(interp, node, 0 if name == "input" else 1) \
                if how == "drawn" else None
            if bound is not None:  # the loop body makes the batch the loss gets anew
                return (*bound, f"The {name} batches {shape} are drawn (TensorDataset, "
                        f"DataLoader) from the tensor made at line {int(at[1])} and bound "
                        f"again on this line, before the loss; the {side} is {other}: "
                        f".{op}({axis}) here makes them agree.")
            if how == "drawn":  # the batch axis replaces the tensor's first: the rank is kept
                return (*at[:3], f"The {name} batches {shape} are drawn (TensorDataset, "
                        f"DataLoader) from the tensor made on this line, whose axes after the "
                        f"first they keep; the {side} is {other}: .{op}({axis}) here makes "
                        f"them agree.")
            how = "by a reshape" if how == "reshaped" else "where the tensor is built"
            return (*at[:3], f"The {name}'s shape {shape} is written on this line ({how}); "
                    f"the {side} is {other}: .{op}({axis}) here makes them agree.")
        if written:
            return None
    return None


def _drawn(tensor):
    """(path, line, col, "drawn") of the tensor a loader's batch was drawn from, when that
    tensor's shape was written in the file (built or reshaped there), else None."""
    at = getattr(tensor, "drawn_at", None)
    return (*at[:3], "drawn") if at is not None and at[3] in ("built", "reshaped") else None


def _one_moved(kind: str, x, y):
    """The reshape that put the one axis of size 1 of an elementwise loss's side elsewhere
    than the other side has it, when the rest of the two shapes is the same."""
    a, b = x.shape, y.shape
    if kind in ("class", "nll") or not (a.known_rank and b.known_rank) or a.rank != b.rank:
        return None
    ones = [[i for i, d in enumerate(s[:]) if is_known(d) and d == 1] for s in (a, b)]
    if [len(o) for o in ones] != [1, 1] or ones[0] == ones[1]:
        return None
    (i,), (j,) = ones
    if not all(same(p, q) is True for p, q in zip(a[:i] + a[i + 1:], b[:j] + b[j + 1:])):
        return None
    sides = [(name, t, at) for name, t, at in (("input", x, x.shape_at), ("target", y, y.shape_at))
             if at is not None and at[3] == "reshaped"]
    if len(sides) != 1:
        return None
    name, mine, at = sides[0]
    other, axis = (y, j) if name == "input" else (x, i)
    return (*at[:3], f"The {name}'s shape {mine.shape} is written on this line (by a reshape); "
            f"the {'target' if name == 'input' else 'input'} is {other.shape}, the same sizes "
            f"with the axis of 1 at dim {axis}: put it there on this line (.unsqueeze({axis}) "
            f"where an unsqueeze adds it).")


def _one_axis_apart(a: Shape, b: Shape) -> int | None:
    """The axis of known size 1 that the longer of a and b has and the other lacks, when
    they are one shape but for it (the last such axis when several would do: (N, 1, 1)
    against (N, 1) is off by its trailing 1); None otherwise."""
    if not (a.known_rank and b.known_rank) or abs(a.rank - b.rank) != 1:
        return None
    long, short = (a, b) if a.rank > b.rank else (b, a)
    for axis in range(long.rank - 1, -1, -1):
        rest = long[:axis] + long[axis + 1:]
        if is_known(long[axis]) and long[axis] == 1 and all(
                same(p, q) is True for p, q in zip(rest, short[:])):
            return axis
    return None


def target_made_at(kind: str, x, y, node, interp):
    """(path, line, col, sentence) of the assignment that last bound the target the loss call
    passes by name, when that target has a trailing axis of one a class-index target must not
    have ((N, 1) for (N, C) scores): only the target side is wrong, and it can be squeezed
    where it is made as well as at the call. None for a target bound by a loop header (a
    batch: the loader's data made it) or on the call's own line."""
    import libcst as cst
    from .torch_fix_origins import _binding_line
    a, b = x.shape, y.shape
    if kind not in ("class", "nll") or not (a.known_rank and a.rank >= 2 and b.known_rank) or \
            not isinstance(node, cst.Call) or len(node.args) < 2 or \
            node.args[1].keyword is not None or not isinstance(node.args[1].value, cst.Name):
        return None
    indices = Shape((a[0],) + a[2:])
    if b.rank != indices.rank + 1 or _one_axis_apart(indices, b) != b.rank - 1:
        return None
    path, line, _ = interp.position(node)
    module = interp.modules.get(path) if path else None
    lines = getattr(module, "lines", None)
    if not lines or not line:
        return None
    name = node.args[1].value.value
    bound = _binding_line(lines, int(line), name)
    if bound is None or bound[0] == int(line) or \
            lines[bound[0] - 1].lstrip().startswith(("for ", "async for ", "with ")):
        return None
    return (path, bound[0], bound[1], f"The target {name} is made at line {bound[0]}: "
            f".squeeze({b.rank - 1}) there gives it the shape {indices} as well.")


def seen_phrase(loss_name: str, line) -> str:
    """How the message names the call where the mismatch shows."""
    return f"{loss_name} at line {line}"
