"""A feature map's positions folded into the batch (issue 16): `x.view(-1, C)` on an
(N, C, h, w) map whose h * w is more than 1 gives (N * h * w, C), one row per position, not
per sample; a loss then meets N * h * w predictions for N targets. The finding at the loss
goes where the fold comes from: the pooling just before the view, written for a map it
shrinks to 1x1 (CIFAR's avg_pool2d(out, 8) on a 32px input) and leaving h x w > 1 here, else
the view itself. The reverse, a view(-1, K) whose rows pack several samples ((16, 64, 4, 4)
as (4, 4096)), sits on the view when the loss raises. An RNN without batch_first given
(N, L, F) batch-first data reads L as its batch: a loss meeting L rows for N targets sits
where that input was made (transpose(0, 1) there). A loss given x[k] of a batch whose rows
are its targets' (`model(x)[0]` on a model that returns the logits, not a tuple) sits on that
index. Facts only: every size known, the view's last axis the map's channels (or a whole
number of samples per row), the loss's target batch the map's N (the RNN input's axis 0).
A packing view may also meet a batch the code leaves open (a DataLoader's N): its rows are
then N / k, fewer than the N targets for every N (and a batch that is not a multiple of k
raises at the view itself), so the loss is judged here (packed_rows) where its own shape
check sees two sizes it cannot compare."""
from __future__ import annotations

from ..domain.dims import SymDim, is_known

# ops and layers that shrink a map by a fixed window (whose output size depends on the input)
_POOL_OPS = frozenset({"avg_pool1d", "avg_pool2d", "avg_pool3d", "max_pool1d", "max_pool2d",
                       "max_pool3d"})
_POOL_LAYERS = frozenset({"AvgPool1d", "AvgPool2d", "AvgPool3d", "MaxPool1d", "MaxPool2d",
                          "MaxPool3d"})
# layers that act on the last axis and keep the leading ones (the rows stay the rows)
_ROW_LAYERS = frozenset({"Linear", "LazyLinear", "Dropout", "ReLU", "Identity"})


def after_op(name: str, source, out, at) -> None:
    """Note a pooling's place on its output, and a fold on a view's result."""
    if name in _POOL_OPS and at is not None and at[0]:
        out.pooled_at = (*at[:3], name)
    elif name in ("view", "reshape", "flatten"):
        out.folded = _fold(source, out, at) if name != "flatten" else None
        out.pooled_flat = _flat_pool(source, out)
    elif out.shape.known_rank and source.shape.known_rank and out.shape.rank >= 1 and \
            source.shape.rank >= 1 and out.shape[0] == source.shape[0]:
        out.folded = source.folded  # relu, dropout, ... keep the rows
        out.steps_batch, out.joined = source.steps_batch, source.joined
        if out.shape.dims[:-1] == source.shape.dims[:-1]:
            out.row_fed = _row_fed(source)


def after_layer(type_name: str, source, out, at) -> None:
    if type_name in _POOL_LAYERS and at is not None and at[0]:
        out.pooled_at = (*at[:3], type_name)
    elif type_name in _ROW_LAYERS:
        out.folded, out.steps_batch = source.folded, source.steps_batch
        if out.shape.known_rank and source.shape.known_rank and out.shape.rank and \
                source.shape.rank and out.shape[0] == source.shape[0]:
            out.joined = source.joined
        if out.shape.known_rank and source.shape.known_rank and \
                out.shape.dims[:-1] == source.shape.dims[:-1]:
            out.row_fed = _row_fed(source)


def after_cat(tensors, out, dim, at) -> None:
    """torch.cat along dim 0 of k >= 2 batches of the same known number of rows n: note
    (place, k, n) on the result, whose k * n rows are samples of k inputs side by side."""
    shapes = [getattr(t, "shape", None) for t in tensors]
    if at is None or not at[0] or len(shapes) < 2 or not isinstance(dim, int) or \
            not out.shape.known_rank or any(s is None or not s.known_rank or s.rank < 2 or
                                            s.rank != out.shape.rank for s in shapes):
        return
    rows = shapes[0][0]
    if dim % out.shape.rank != 0 or not is_known(rows) or \
            any(s[0] != rows for s in shapes) or out.shape[0] != rows * len(shapes):
        return
    widths = [s[1] for s in shapes]
    width = sum(widths) if out.shape.rank == 2 and all(is_known(w) for w in widths) else None
    out.joined = (tuple(at[:3]), len(shapes), rows, width)


def _joined(x, y):
    """A loss whose input rows are k batches of the target's n rows joined along dim 0 by a
    torch.cat: the cat made the rows the loss rejects, so the finding sits there (as on a view
    packing samples), naming the loss; either the cat (dim 1, the samples' parts side by
    side) or the targets (k copies) is an honest fix, and the sentence says both."""
    joined = getattr(x, "joined", None)
    a, b = x.shape, y.shape
    if joined is None or not _rows_differ(a, b):
        return None
    at, k, n, width = joined
    if b[0] != n or a[0] != k * n:
        return None
    size = f"{width} features" if width is not None else "the joined width"
    return (*at, f"The torch.cat on this line joins {k} batches of {n} rows along dim 0, the "
            f"batch axis: {k * n} rows for {n} targets. Join each sample's {k} parts along "
            f"the features (dim=1) and size the layer after it for {size}; or, if each part "
            f"is to be scored on its own, give the loss the targets {k} times "
            f"(torch.cat([target] * {k})).")


def _row_fed(source):
    """(fed_at, shape) of the batch the script fed the model, when source is that batch or
    was made from it by row-keeping layers."""
    if source.row_fed is not None:
        return source.row_fed
    return (source.fed_at, source.shape) if source.fed_at is not None else None


_RNNS = frozenset({"RNN", "LSTM", "GRU"})


def after_rnn(layer, source, out) -> None:
    """An RNN without batch_first reads (steps, batch, features): on an (A, B, F) input its
    output's axis 1, B, is the batch. Noted with where that input was made (out.steps_first)."""
    shape = source.shape
    made = source.made_at or (source.fed_at[:3] if source.fed_at else None)
    if layer.type_name not in _RNNS or (getattr(layer, "arguments", None) or {}).get(
            "batch_first") is not False or not shape.known_rank or shape.rank != 3 or \
            not (is_known(shape[0]) and is_known(shape[1])) or shape[0] == shape[1] or \
            made is None or not made[0]:
        return
    out.steps_first = (tuple(made[:3]), shape, layer.type_name,
                       source.made_by.type_name if source.made_at else None)


def after_index(source, out) -> None:
    """out = source[-1] (or any one step) of a seq-first RNN output: its rows are the RNN's
    batch axis."""
    noted = getattr(source, "steps_first", None)
    a, b = source.shape, out.shape
    if noted is not None and b.known_rank and b.rank == a.rank - 1 and b.rank >= 1 and \
            b[0] == a[1] and b.dims[1:] == a.dims[2:]:
        out.steps_batch = noted


def _flat_pool(source, out):
    """(the pooling's place, the map's shape, the pooling module or None) when out is a
    pooled (N, C, h, w) map flattened per sample, (N, C*h*w), its h*w more than 1; None
    otherwise."""
    a, b = source.shape, out.shape
    if source.pooled_at is None or not (a.known_rank and b.known_rank) or a.rank < 3 or \
            b.rank != 2 or not all(is_known(d) for d in (*a.dims[1:], b[1])):
        return None
    positions = 1
    for d in a.dims[2:]:
        positions *= d
    if positions <= 1 or b[1] != a[1] * positions or b[0] != a[0]:
        return None
    made_by = getattr(source, "made_by", None)
    return (source.pooled_at, a, made_by if getattr(made_by, "type_name", None) in
            _POOL_LAYERS else None)


def _fold(source, out, at):
    """(view's place, the map's shape, the result's shape, the pooling's place or None): a
    map's positions folded into the rows, or several samples packed into each row."""
    a, b = source.shape, out.shape
    if at is None or not at[0] or not (a.known_rank and b.known_rank) or b.rank != 2 or \
            not all(is_known(d) for d in (*a.dims[1:], b[1])):
        return None
    if a.rank >= 2 and _packed(a, b):
        return (at[:3], a, b, None)
    if not source.channels_first or a.rank < 3 or not (is_known(a[0]) and is_known(b[0])):
        return None
    positions = 1
    for d in a.dims[2:]:
        positions *= d
    if positions <= 1 or b[1] != a[1] or b[0] != a[0] * positions:
        return None
    return (at[:3], a, b, source.pooled_at)


def _rows(count: int) -> str:
    return "1 row" if count == 1 else f"{count} rows"


def _rows_differ(a, b) -> bool:
    """Whether a loss's input a and target b both have a first axis and b's, known, differs."""
    return bool(a.known_rank and b.known_rank and a.rank and b.rank) and is_known(b[0]) and \
        not a[0] == b[0]


def _packed(a, b) -> int | None:
    """How many samples of a each row of b holds, when more than one: (16, 64, 4, 4) viewed
    as (4, 4096) packs 4 samples of 1024 values into each row."""
    per_sample = 1
    for d in a.dims[1:]:
        per_sample *= d
    if per_sample < 1 or b[1] % per_sample or b[1] // per_sample <= 1:
        return None
    packed = b[1] // per_sample
    if is_known(a[0]) and is_known(b[0]):
        return packed if b[0] * packed == a[0] else None
    # a symbolic batch: the view keeps every value, so its rows are a[0] / packed whenever it
    # runs; the two stay symbols (a batch the code leaves open), never Unknown
    return packed if isinstance(a[0], SymDim) and isinstance(b[0], SymDim) else None


def packed_rows(x, y) -> int | None:
    """k when x's rows pack k samples each of a map whose batch, a symbol N, is y's rows:
    N / k rows for N targets, for every N (a loss of classes or of BCE then raises)."""
    folded = getattr(x, "folded", None)
    a, b = x.shape, y.shape
    if folded is None or not (a.known_rank and b.known_rank and a.rank and b.rank):
        return None
    _, map_shape, rows, _ = folded
    if not isinstance(b[0], SymDim) or b[0] != map_shape[0] or a[0] != rows[0]:
        return None
    return _packed(map_shape, rows)


def place(x, y, raises: bool = True):
    """(path, line, col, sentence) for a loss whose input rows are a folded map's positions
    and whose target has one row per sample of that map; None otherwise."""
    steps = _steps_as_batch(x, y) or _one_sample(x, y) or _joined(x, y)
    if steps is not None:
        return steps
    folded = getattr(x, "folded", None)
    a, b = x.shape, y.shape
    symbolic = packed_rows(x, y) if raises else None
    if folded is None or not (symbolic or _rows_differ(a, b)):
        return None
    view_at, map_shape, rows, pooled = folded
    if b[0] != map_shape[0] or a[0] != rows[0]:
        return None
    packed = _packed(map_shape, rows)
    if symbolic:
        per_sample = rows[1] // packed
        return (*view_at, f"The view on this line turns {map_shape} into rows of {rows[1]}: "
                f"each row packs the {per_sample} values of {packed} samples (a batch that is "
                f"not a multiple of {packed} raises here). Flatten each sample "
                f"(x.view(x.size(0), -1)) and size the layer after it for {per_sample} "
                f"features.")
    if packed and not raises:  # one packed row broadcast against the targets: the loss's
        return None  # own finding (the rows are folded into features: SHP203's view)
    if packed:
        per_sample = rows[1] // packed
        return (*view_at, f"The view on this line turns {map_shape} into {rows}: each row "
                f"packs the {per_sample} values of {packed} samples, {_rows(rows[0])} for "
                f"{b[0]} targets. Flatten each sample (x.view(x.size(0), -1)) and size the "
                f"layer after it for {per_sample} features.")
    grid = "x".join(str(d) for d in map_shape.dims[2:])
    told = (f"turns the {map_shape} map into {rows}: each of its {grid} positions becomes a "
            f"row, {rows[0]} rows for {b[0]} targets")
    if pooled is not None and pooled[0] == view_at[0]:
        adaptive = "adaptive_avg_pool" if "avg" in pooled[3].lower() else "adaptive_max_pool"
        return (*pooled[:3], f"The pooling on this line leaves the map at {grid}; the view "
                f"at line {view_at[1]} {told}. Pool to 1x1 (F.{adaptive}"
                f"{map_shape.rank - 2}d(x, 1)) for one row per sample.")
    return (*view_at, f"The view on this line {told}. Pool the map to 1x1 first, or flatten "
            f"each sample (x.flatten(1)) with a layer sized for it.")


def packed_for_broadcast(x, y):
    """(path, line, col, sentence) of the view whose rows pack several samples each, its
    result reaching a pointwise loss that broadcasts it against one target row per sample
    ((1, 18) against (8, 18)): the loss runs, so the view is where the batch was folded into
    the features (SHP203, beside the loss's SHP206). None unless every size is known and the
    targets are the map's samples, one per row."""
    folded = getattr(x, "folded", None)
    a, b = x.shape, y.shape
    if folded is None or not _rows_differ(a, b):
        return None
    view_at, map_shape, rows, _ = folded
    packed = _packed(map_shape, rows)
    if not packed or not is_known(rows[0]) or b[0] != map_shape[0] or a[0] != rows[0]:
        return None
    per_sample = rows[1] // packed
    return (*view_at, f"The view on this line turns {map_shape} into {rows}: the batch axis is "
            f"folded into the features, each row packing the {per_sample} values of {packed} "
            f"samples, {_rows(rows[0])} for {b[0]} targets. Flatten each sample "
            f"(x.view(x.size(0), -1)) and size the layer after it for {per_sample} features.")


def _one_sample(x, y):
    """A loss whose input is x[k] of a batch (N, ...) whose N is the target's rows: the index
    took one sample's scores where the loss wants the batch's (`model(x)[0]` on a model that
    returns the logits themselves, not a tuple). The fix drops the index, on its line."""
    noted = getattr(x, "sample_of", None)
    if noted is None:
        return None
    (path, line, col), batch, k = noted
    b = y.shape
    if not path or not (batch.known_rank and b.known_rank and batch.rank >= 2 and b.rank) or \
            not (is_known(batch[0]) and is_known(b[0])) or batch[0] != b[0] or \
            batch[0] <= 1 or x.shape.dims != batch.dims[1:]:
        return None
    return (path, line, col, f"The index [{k}] on this line takes one sample of the "
            f"{batch} batch, {x.shape}, where the loss has {b[0]} targets: drop it to give "
            f"the loss the {batch[0]} rows.")


def _steps_as_batch(x, y):
    """A loss whose input rows are a seq-first RNN's batch axis, B of an (A, B, F) input, and
    whose target has A rows: the input was given batch first; the fix puts it steps first where
    it is made (or sets batch_first=True on the RNN)."""
    noted = getattr(x, "steps_batch", None)
    a, b = x.shape, y.shape
    if noted is None or not _rows_differ(a, b):
        return None
    made_at, shape, rnn, maker = noted
    if b[0] != shape[0] or a[0] != shape[1]:
        return None
    swapped = (shape[1], shape[0], shape[2])
    what = f"The {maker} applied on this line gives" if maker else "The batch given here is"
    return (*made_at, f"{what} {shape}, batch first, but the {rnn} (without batch_first) "
            f"reads (steps, batch, features): the {shape[1]} positions become the batch, "
            f"{a[0]} rows of scores for {b[0]} targets. .transpose(0, 1) here gives "
            f"{swapped}, steps first; or pass batch_first=True to the {rnn}.")
