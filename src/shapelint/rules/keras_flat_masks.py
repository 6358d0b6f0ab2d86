"""Where a label-shape mismatch goes when the model's head flattens what the labels keep
(issue 16): a Reshape that folds a map's positions into one axis, (H*W, k), ends a model fit on
per-position labels (N, H, W, k) under a loss that wants the output's very shape (categorical
or binary crossentropy: Keras raises ValueError). The labels agree with the map the Reshape
took apart, so the finding goes on that Reshape's line, its target shape the fix; the labels'
line is named as the other side (they could be flattened to the output's shape instead).

Facts only: every size known, the positions' product equal to the flattened axis, the channel
axis equal, and the output made by that Reshape (past width-keeping layers such as the softmax
Activation). Otherwise None, and edges.py goes on."""
from __future__ import annotations

from math import prod

from ..domain.codes import SHP110
from ..domain.dims import is_known
from .keras_heads import LABELS_TOO


def flattened_positions(last, loss, y_dims: tuple, out_dims: tuple, head: str, data: dict):
    """(SHP110, message, data, the Reshape node, LABELS_TOO) or None; last is the node that sets the
    output (edges._last_layer)."""
    if loss.kind not in ("categorical", "binary") or last is None or \
            last.type_name != "Reshape" or len(out_dims) != 3 or \
            len(y_dims) < len(out_dims) + 1:
        return None
    kept, flat = tuple(y_dims[1:-1]), out_dims[1]
    if not all(is_known(d) for d in kept + (flat, y_dims[-1], out_dims[-1])) or \
            y_dims[-1] != out_dims[-1] or prod(kept) != flat:
        return None
    target = kept + (out_dims[-1],)
    message = (f"{head}: this Reshape folds the {' x '.join(map(str, kept))} positions into "
               f"one axis of {flat}, but the labels keep them; {loss.spelling} wants the "
               f"output's very shape and Keras raises ValueError. Reshape to {target}")
    # the labels could be flattened instead: their line is named as the other side
    return SHP110, message, {**data, "reshape_to": list(target)}, last, LABELS_TOO
