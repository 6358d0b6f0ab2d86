"""Where labels with axes of size 1 too many after their batch axis are reported (issue 16):
class ids kept as a column, (N, 1), one-hot encoded by indexing an identity matrix,
`np.eye(k)[y]`, come out (N, 1, k) for a (None, k) softmax. Keras 3 squeezes only a trailing
axis of 1 to match the prediction's rank (keras/src/losses/loss.py
squeeze_or_expand_to_same_rank); categorical and binary cross-entropy then require the labels'
shape to equal the output's (keras/src/backend/torch/nn.py) and raise ValueError. The extra
axes hold nothing and the rest is the output's shape, so the labels are the fix: the finding
(SHP110) goes on the line that made them (ArrayValue.built_at), naming the call where Keras
raises. Facts only: the labels' axes after the extra ones equal the output's, all known, and
the labels were made in this file on a line of their own; otherwise None (nothing said)."""
from __future__ import annotations

from ..domain.codes import SHP110, Diagnostic
from ..domain.dims import is_known
from .keras_extra_axes import unit_axes_after_batch

_EXACT = ("categorical", "binary")  # the losses that require the labels' shape


def extra_label_axes(use, y_name: str, y, out) -> Diagnostic | None:
    loss = getattr(use, "loss", None)
    built = getattr(y, "built_at", None)
    shape = getattr(y, "shape", None)
    if getattr(loss, "kind", None) not in _EXACT or built is None or built[0] != use.path or \
            not built[1] or int(built[1]) == int(use.line) or shape is None or \
            not shape.known_rank or out is None or not out.known_rank:
        return None
    labels, model = tuple(shape.dims), tuple(out.dims)
    extra = unit_axes_after_batch(labels, model)
    if not extra or labels[-1] == 1:
        return None
    shown = tuple(d if is_known(d) else None for d in model)
    given = tuple(d if is_known(d) else None for d in labels)
    axes = "axis" if extra == 1 else "axes"
    dims = ", ".join(str(i) for i in range(1, 1 + extra))
    squeeze = "axis=1" if extra == 1 else f"axis=({dims})"
    message = (f"{y_name} given to model.{use.method}() at line {use.line} gets labels of "
               f"shape {given} for an output of shape {shown}: the output's shape with "
               f"{extra} {axes} of size 1 more after the batch axis, which Keras does not "
               f"squeeze (only a trailing 1), so {loss.spelling} cannot compare them and Keras "
               f"raises ValueError. The labels are made with that shape on this line: drop the "
               f"extra {axes} here (np.squeeze(..., {squeeze}); ids kept as a column, (N, 1), "
               f"one-hot encoded by indexing keep that column)")
    data = {"label_shape": list(given), "output_shape": list(shown), "loss": loss.spelling,
            "extra_axes": extra, "seen_at_line": int(use.line), "seen_at_col": int(use.col)}
    return Diagnostic(SHP110, built[1], built[2], message, data, use.path)
