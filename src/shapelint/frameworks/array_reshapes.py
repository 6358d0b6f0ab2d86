"""A numpy reshape that cannot hold its array's values (SHP104): `x.reshape(60000, 28, 28, 3)`
of MNIST's (60000, 28, 28) digits, `features.reshape((n, 2048))` of (n, 7, 7, 2048) maps.
NumPy raises ValueError ("cannot reshape array of size ... into shape ...") whatever the
values, whenever every size of the array and of the target is known and their products
differ (with one -1: the other sizes do not divide the count). Reported on the reshape, the
line to change."""
from __future__ import annotations

from ..domain.codes import SHP104
from ..domain.dims import is_known
from ..domain.shapes import product


def refused(array, new) -> tuple | None:
    """(count, target) when numpy certainly refuses array.reshape(new), else None."""
    from .arrays import size_tuple
    if not array.shape.known_rank or not all(_size(d) for d in array.dims):
        return None
    target = size_tuple(new)
    if target is None or not target or not all(_size(d) or d == -1 for d in target) or \
            list(target).count(-1) > 1:
        return None
    count, rest = product(array.dims), product(d for d in target if d != -1)
    if -1 in target:
        return (count, tuple(target)) if rest and count % rest else None
    return (count, tuple(target)) if rest != count else None


def report(interp, array, new, node) -> None:
    """Record SHP104 at node (the statement's reshape call) when numpy refuses the reshape."""
    found = refused(array, new)
    if found is None or interp is None or node is None:
        return
    from . import record_finding
    count, target = found
    held = product(d for d in target if d != -1)
    message = (f"numpy cannot reshape an array of shape {tuple(array.dims)}, {count:,} "
               f"values, into {target}" + (f", {held:,} places" if -1 not in target else
                                           f": the other sizes ({held:,}) do not divide "
                                           f"{count:,}") + "; it raises ValueError")
    record_finding(interp, SHP104, node, message,
                   {"data_shape": list(array.dims), "target": list(target), "values": count})


def _size(d) -> bool:
    return is_known(d) and isinstance(d, int) and not isinstance(d, bool) and d >= 0


# What this adds to SHP104's rule page (rules/docs.py appends each sentence to its field).
DOC_ADDENDA = {
    "SHP104": {
        "what": "A numpy reshape of data whose sizes are all known (`x.reshape(...)`, "
                "`np.reshape(x, ...)`) into a target of another element count, or whose -1 "
                "the other sizes cannot infer (`x_train.reshape(60000, 28, 28, 3)` of MNIST's "
                "(60000, 28, 28) digits), is reported on the reshape: numpy raises ValueError "
                "(`cannot reshape array of size ... into shape ...`).",
    },
}
