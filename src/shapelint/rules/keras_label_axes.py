"""One-hot labels flattened into one axis (issue 16): `y = to_categorical(y).flatten()` (or
`.reshape(-1)`) turns N rows of k classes into N * k values, and fit() raises "Data
cardinality is ambiguous" (SHP110). The labels' side is the fix, so the finding goes to the
line that flattened them, naming the fit() call where Keras raises. Facts only: the array is
known to be one-hot rows flattened (frameworks/arrays.py keeps encoding "flattened" with the
width), its length is the samples times that width, and it was made in this file on another
line; otherwise None and the call keeps the finding."""
from __future__ import annotations

from ..domain.codes import SHP110, Diagnostic


def flattened_labels(use, y, y_name: str, n_x, n_y) -> Diagnostic | None:
    labels = getattr(y, "labels", None)
    built = getattr(y, "built_at", None)
    if labels is None or labels.encoding != "flattened" or not isinstance(labels.classes, int) \
            or n_y != n_x * labels.classes or built is None or built[0] != use.path or \
            not built[1] or int(built[1]) == int(use.line):
        return None
    k = labels.classes
    message = (f"{y_name} given to model.{use.method}() at line {use.line} has {n_y} values for "
               f"{n_x} samples: the one-hot labels of {k} classes, ({n_x}, {k}), are flattened "
               f"on this line into ({n_y},), one axis of {n_x} x {k}, and Keras raises \"Data "
               f"cardinality is ambiguous\". Keep them one row per sample, shape ({n_x}, {k}): "
               f"drop the flatten here")
    data = {"x_samples": n_x, "y_samples": n_y, "classes": k,
            "seen_at_line": int(use.line), "seen_at_col": int(use.col)}
    return Diagnostic(SHP110, built[1], built[2], message, data, use.path)
