"""A DataLoader's short last batch (issue 16): without drop_last, n samples in batches of b end
with a batch of n % b. A view that writes the batch size as a number, `x.view(BATCH_SIZE, -1)`,
is right for the full batches and wrong for that last one: it raises there, or it gives b rows
of other widths, which the next layer then rejects. The finding sits on the view (the line to
change: -1 for the batch, x.size(0), or drop_last=True) and names the layer where it shows.
Facts only: the loader's length and batch size are known, the loop over it runs every batch,
every size after the batch axis is known, and the full batch passes where the last fails."""
from __future__ import annotations

import libcst as cst

from ..catalogue import LayerFault
from ..domain.codes import SHP104, SHP109
from ..domain.dims import NotKnown, Sym, is_known
from ..domain.shapes import Shape


DOC_ADDENDA = {"SHP109": {"what": (
    "torch: a DataLoader of known length and batch size without drop_last ends with a shorter "
    "batch; a fault only that batch meets (a BatchNorm in training mode given one value per "
    "channel, an RNN initial state built for the full batches) is reported on the "
    "`DataLoader(...)`, where `drop_last=True` goes, naming the layer where torch raises.")}}


class LoaderBatch(Sym):
    """The batch axis of a DataLoader whose last batch is shorter: it is `full` for every batch
    but the last, which is `last`. Equal to the plain symbol of its name."""

    def __init__(self, name: str, full: int, last: int, length: int, loader_at=None):
        super().__init__(name)
        object.__setattr__(self, "full", full)
        object.__setattr__(self, "last", last)
        object.__setattr__(self, "length", length)
        # (path, line, col) of the DataLoader(...) call, where drop_last=True goes
        object.__setattr__(self, "loader_at", loader_at)

    def __eq__(self, other):
        return isinstance(other, Sym) and other.name == self.name

    def __hash__(self):
        return hash((self.name,))

    def describe(self) -> str:
        return (f"the DataLoader's last batch of {self.last} ({self.length} samples in "
                f"batches of {self.full}, drop_last=False)")


class GivenInt(int):
    """An int a script passes to a model's forward (model(x, 4)), remembering where the call
    gives it: forward() is read again with it, and a view that writes it as the batch size
    is fixed at that argument. Arithmetic gives plain ints."""

    def __new__(cls, value: int, given_at: tuple | None):
        obj = super().__new__(cls, value)
        obj.given_at = given_at
        return obj


class _Exits(cst.CSTVisitor):
    """Finds a statement that can leave a loop before its last pass."""

    def __init__(self):
        self.found = False

    def visit_Break(self, node):
        self.found = True

    def visit_Return(self, node):
        self.found = True

    def visit_Raise(self, node):
        self.found = True

    def visit_FunctionDef(self, node):
        return False  # a nested function's return leaves only that function

    def visit_ClassDef(self, node):
        return False


def runs_every_batch(node) -> bool:
    """node is a `for` loop over the batches whose body has no break, return or raise: it
    reaches the last batch (an exception aside, which would stop the script anyway)."""
    if not isinstance(node, cst.For) or node.orelse is not None:
        return False
    exits = _Exits()
    node.body.visit(exits)
    return not exits.found


class _Continues(cst.CSTVisitor):
    """Finds a continue statement (it would go on to the next batch)."""

    def __init__(self):
        self.found = False

    def visit_Continue(self, node):
        self.found = True


def runs_first_batch_only(node) -> bool:
    """node is a `for` loop over the batches whose body ends in an unconditional break and has
    no continue: it draws the first batch only, and no other (a script that looks at one
    batch). The first batch of a DataLoader with more than one is a full one."""
    if not isinstance(node, cst.For) or node.orelse is not None or \
            not isinstance(node.body, cst.IndentedBlock) or not node.body.body:
        return False
    last = node.body.body[-1]
    if not isinstance(last, cst.SimpleStatementLine) or len(last.body) != 1 or \
            not isinstance(last.body[0], cst.Break):
        return False
    continues = _Continues()
    node.body.visit(continues)
    return not continues.found


def _target(args) -> tuple | None:
    rest = args[1:]
    if len(rest) == 1 and isinstance(rest[0], (tuple, list)):
        rest = tuple(rest[0])
    if not rest or not all(is_known(d) for d in rest):
        return None
    return tuple(rest)


def after_op(interp, name: str, args, out, node) -> None:
    """On a view/reshape with every target size a number, of a loader's batch: what it gives
    on the last batch (out.last_batch), or the fault it raises there."""
    if name not in ("view", "reshape"):
        return
    source = args[0].shape
    if not source.known_rank or source.rank < 2 or not isinstance(source[0], LoaderBatch) or \
            not all(is_known(d) for d in source.dims[1:]):
        return
    batch, target = source[0], _target(args)
    if target is None:
        return
    from ..catalogue.torch_functional import reshape
    try:
        full = reshape(Shape((batch.full,) + tuple(source.dims[1:])), *target)
    except (LayerFault, NotKnown):
        return  # wrong for every batch: the op's own finding, if any
    path, line, col = interp.position(node) if node is not None else (None, 0, 0)
    if not path or not line:
        return
    try:
        last = reshape(Shape((batch.last,) + tuple(source.dims[1:])), *target)
    except LayerFault as fault:
        from . import record_finding
        record_finding(interp, SHP104, node, (
            f"{name}{target} of {source} is invalid on {batch.describe()}: "
            f"{fault.message}; the full batches pass. Use -1 (or x.size(0)) for the batch "
            f"axis, or drop_last=True"), {"last_batch": batch.last, "batch_size": batch.full})
        return
    except NotKnown:
        return
    if last != full:
        given = getattr(target[0], "given_at", None)
        at = (path, int(line), int(col)) if given is None or given[0] != path else \
            (given[0], int(given[1]), int(given[2]), int(line))
        out.last_batch = (last, full, batch, at, name)


def at_layer(layer, tensor) -> LayerFault | None:
    """The fault a layer raises on the last batch a view shaped (tensor.last_batch), when the
    full batch's shape passes: placed on the view."""
    noted = getattr(tensor, "last_batch", None)
    rule = getattr(layer, "rule", None)
    if noted is None or rule is None or rule.multi_input:
        return None
    last, full, batch, at, name = noted
    try:
        rule.output(full)
    except Exception:  # noqa: BLE001 - wrong for every batch, or a rule we cannot run
        return None
    try:
        rule.output(last)
    except LayerFault as fault:
        found = fault
    except Exception:  # noqa: BLE001 - nothing certain
        return None
    else:
        return None
    from .torch_fix_origins import FixAt
    fault = LayerFault(found.code, found.message, **{**found.data, "last_batch": batch.last})
    if len(at) == 4:  # the batch size the view writes is given to forward() on this line
        sentence = (f"The model is given the batch size {int(full[0])} on this line, which the "
                    f"{name} at line {at[3]} writes as the batch axis: on {batch.describe()} it "
                    f"gives {last}, where the full batches give {full}; pass the batch's own "
                    f"size (x.size(0), or the labels' shape[0]), or use drop_last=True.")
    else:
        sentence = (f"On {batch.describe()} the {name} on this line gives {last}, where the "
                    f"full batches give {full}: it writes the batch size as {int(full[0])}; "
                    f"use -1 (or x.size(0)) for the batch axis, or drop_last=True on the "
                    f"DataLoader.")
    fault.fix_at = FixAt(at[0], at[1], at[2], None, sentence)
    return fault


# -- a batch norm on the last batch of one sample ---------------------------------------------

_BATCH_NORMS = frozenset(("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LazyBatchNorm1d",
                          "LazyBatchNorm2d", "LazyBatchNorm3d", "SyncBatchNorm"))


def batch_of_one(interp, layer, shape: Shape) -> LayerFault | None:
    """A BatchNorm in training mode given a DataLoader's last batch of one sample with one value
    per channel: torch (F.batch_norm, _verify_batch_size) raises ValueError "Expected more than
    1 value per channel when training" when size(0) * the sizes after the channel axis is 1,
    since a batch's statistics need two values. The full batches pass, so the fix is
    drop_last=True on the DataLoader (or a batch size leaving no single sample): the finding is
    placed there. Facts only: the loader's length and batch size are known (LoaderBatch), the
    loop runs every batch, and an explicit .train() put this layer in training mode with no
    .eval() since (State.training_layers); with track_running_stats=False torch uses the
    batch's statistics in eval mode too."""
    if layer.type_name not in _BATCH_NORMS or interp.uncertain or not shape.known_rank or \
            shape.rank < 2:
        return None
    batch = shape[0]
    if not isinstance(batch, LoaderBatch) or batch.last != 1 or batch.loader_at is None:
        return None
    tracks = (layer.arguments or {}).get("track_running_stats", True)
    if tracks is not False and id(layer) not in interp.state.training_layers:
        return None
    rest = shape.dims[2:]
    if not all(is_known(d) for d in rest):
        return None
    values = 1
    for d in rest:
        values *= int(d)
    if values != 1:
        return None
    last = Shape((1,) + tuple(shape.dims[1:]))
    size = ", ".join(str(d) for d in last.dims)
    from .torch_fix_origins import FixAt
    fault = LayerFault(SHP109, (
        f"{layer.type_name} in training mode receives {last} on {batch.describe()}: one value "
        f"per channel, from which no batch statistics can be computed; torch raises ValueError "
        f"\"Expected more than 1 value per channel when training, got input size "
        f"torch.Size([{size}])\". The full batches of {batch.full} pass"),
        last_batch=batch.last, batch_size=batch.full)
    path, line, col = batch.loader_at[:3]
    fault.fix_at = FixAt(path, int(line), int(col), None, (
        f"This DataLoader gives {batch.length} samples in batches of {batch.full}, which leaves "
        f"a last batch of one: drop_last=True here drops it (or choose a batch size that does "
        f"not divide {batch.length - 1})."))
    return fault
