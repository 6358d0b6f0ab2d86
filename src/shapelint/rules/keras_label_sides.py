"""Where a label-shape mismatch (SHP110) is reported when the file itself shows the model is
right (issue 16): the same compiled model is fit on labels of exactly its output's shape —
fit's own training labels, when the mismatch is in its validation_data, or the labels of
another fit or train_on_batch under the same compile — and the labels at fault are another
array. Resizing the model would break the fit that works, so the labels at fault are the side
to change: the finding goes to the statement that made them (ArrayValue.built_at), naming the
call where Keras raises (data["seen_at_line"]) and the fit whose labels fit (data["fit_line"]).

A typical case: labels one-hot encoded split by split, `to_categorical(test_ids)` without
num_classes, get one column per class up to the split's largest id (keras/src/utils/
numerical_utils.py: num_classes = max(y) + 1), fewer when the split lacks the last class.

Facts only: the output's shape known past the batch axis, the fitting labels' shape equal to it
on every axis past the batch, the labels at fault made in this file on a line of their own.
Otherwise None, and edges.py keeps the model's side."""
from __future__ import annotations

from ..domain.codes import SHP110, Diagnostic
from ..domain.dims import is_known

_FITS = ("fit", "train_on_batch")


def labels_the_model_takes(out, use, uses, y, y_name: str, code, message: str,
                           data: dict) -> Diagnostic | None:
    """The SHP110 of labels y (given as y_name to use) placed on the line that made them, when
    the same model is fit on labels of its output's exact shape; None otherwise."""
    built = getattr(y, "built_at", None)
    if code is not SHP110 or out is None or not out.known_rank or \
            not all(is_known(d) for d in out.dims[1:]) or built is None or \
            built[0] != use.path or not built[1] or int(built[1]) == int(use.line):
        return None
    fit = _fit_on_output_labels(out, use, uses, y, y_name)
    if fit is None:
        return None
    line, what = fit
    shown = tuple(out.dims[1:])
    width = out.dims[-1]
    message = message.replace(f"; make the last layer Dense({y.dims[-1]}) or fix the labels", "")
    message = (f"{message.rstrip('.')}. The model is fit at line {line} on {what} of the "
               f"output's shape (N, {', '.join(str(d) for d in shown)}), so the model is "
               f"right: make these labels, made on this line, the same shape"
               + (f" (one-hot over all {width} classes: to_categorical(..., num_classes="
                  f"{width}))" if _one_hot(y) else ""))
    data = {**data, "seen_at_line": int(use.line), "seen_at_col": int(use.col),
            "fit_line": int(line)}
    data.pop("data_at_line", None)
    data.pop("data_at_col", None)
    return Diagnostic(code, built[1], built[2], message, data, use.path)


def _fit_on_output_labels(out, use, uses, y, y_name: str):
    """(line, words) of a fit of this model whose labels have the output's shape, or None."""
    if y_name.startswith("validation_data") and use.method == "fit" and \
            output_shaped(use.y, out) and use.y is not y:
        return int(use.line), "training labels"
    for other in uses:
        if other is not use and other.method in _FITS and other.path == use.path and \
                other.compile_line and other.compile_line == use.compile_line and \
                output_shaped(other.y, out) and other.y is not y:
            return int(other.line), "labels"
    return None


def output_shaped(value, out) -> bool:
    """Whether value's shape is out's, (None, ...), on every axis past the batch, each size
    known: what a fit of the model takes (labels here, data in keras_fitted_input)."""
    shape = getattr(value, "shape", None)
    if shape is None or not shape.known_rank or len(shape.dims) != len(out.dims):
        return False
    return all(is_known(a) and is_known(b) and a == b
               for a, b in zip(shape.dims[1:], out.dims[1:]))


def _one_hot(y) -> bool:
    labels = getattr(y, "labels", None)
    return labels is not None and labels.encoding == "onehot"
