"""A reshape that moved an elementwise loss side's batch axis (issue 16): `key_pts.view(1, -1)`
on the (10, 68, 2) targets of a batch gives (1, 1360), one row for the model's (10, 136)
predictions. Before the reshape that side had the other's rows (10) and the other's values per
row (68 * 2 = 136), so reshaping it per sample, view(key_pts.size(0), -1), makes the two agree;
the reshape that wrote the rows is the fault and the finding sits on it, naming the loss call.
Facts only: both sides' sizes known, the reshape's source and the other side with the same
rows and the same number of values per row, the reshaped rows known and different; exactly one
side written so (both or neither: the finding stays on the loss call)."""
from __future__ import annotations

from ..domain.dims import is_known, same

_ELEMENTWISE = frozenset({"pointwise", "bce", "bce_logits"})


def place(kind: str, x, y):
    """(path, line, col, sentence) of the reshape that moved one side's rows, or None."""
    if kind not in _ELEMENTWISE:
        return None
    found = [(name, side, other) for name, side, other in (("input", x, y), ("target", y, x))
             if _moved_rows(side, other)]
    if len(found) != 1:
        return None
    name, side, other = found[0]
    source = side.reshaped_from.shape
    rows, shape = source[0], side.shape
    fix = f".view({rows}, -1)" if other.shape.rank == 2 else f".reshape{tuple(other.shape)}"
    return (*side.shape_at[:3], f"The reshape on this line turns the {name} {source} into "
            f"{shape}: its {rows} rows, one per row of the {_other(name)} {other.shape}, become "
            f"{_rows(shape[0])}. {fix} here keeps one row per sample (x.view(x.size(0), -1)).")


def _moved_rows(side, other) -> bool:
    """Whether side's shape was written by a reshape of a tensor with other's rows and other's
    values per row, into rows of another known count."""
    at, made_from = getattr(side, "shape_at", None), getattr(side, "reshaped_from", None)
    if at is None or at[3] != "reshaped" or not at[0] or made_from is None:
        return False
    source, shape, theirs = made_from.shape, side.shape, other.shape
    if not (source.known_rank and shape.known_rank and theirs.known_rank) or \
            source.rank < 1 or shape.rank < 1 or theirs.rank < 1:
        return False
    if not (is_known(shape[0]) and is_known(theirs[0])) or shape[0] == theirs[0] or \
            same(source[0], theirs[0]) is not True:
        return False
    per_row = [_values(s.dims[1:]) for s in (source, theirs)]
    return per_row[0] is not None and per_row[0] == per_row[1]


def _values(dims) -> int | None:
    """The number of values of these sizes, None unless all are known."""
    count = 1
    for d in dims:
        if not is_known(d):
            return None
        count *= d
    return count


def _other(name: str) -> str:
    return "target" if name == "input" else "input"


def _rows(count: int) -> str:
    return "1 row" if count == 1 else f"{count} rows"
