"""Where SHP111 (labels in another encoding than the loss takes) is reported when the file
itself shows the loss is right (issue 16): the same model, under the same compiled loss, is
fit on labels that loss takes — one-hot rows as wide as the output for categorical_crossentropy,
integer ids for sparse_categorical_crossentropy — and another call (evaluate, a second fit,
train_on_batch) is given labels in the other encoding. Changing the loss would break the fit
that works; the labels given to that call are the side to change, so the finding goes on the
call, naming the compile line as the other fix. None when no such fit is in view: edges.py
then keeps the model's side, the compile line."""
from __future__ import annotations

from ..domain.codes import SHP111, Diagnostic
from ..domain.dims import is_known

_TAKES = {"categorical": "onehot", "sparse": "ids"}  # the label encoding each loss takes
_SPELLED = {"onehot": "one-hot", "ids": "integer class-id"}
_FITS = ("fit", "train_on_batch")


def labels_of_this_call(use, uses, width, code, message: str, data: dict) -> Diagnostic | None:
    kind = getattr(getattr(use, "loss", None), "kind", None)
    wanted = _TAKES.get(kind)
    if code is not SHP111 or wanted is None or not use.compile_line or not use.line:
        return None
    fit = next((u for u in uses if u is not use and u.method in _FITS and
                u.compile_line == use.compile_line and u.path == use.path and
                _takes(u.y, wanted, width)), None)
    if fit is None:
        return None
    message += (f". The same model is fit at line {fit.line} under this loss on "
                f"{_SPELLED[wanted]} labels, so the loss is right: give model.{use.method}() "
                f"on this line its labels in that encoding (or change the loss at line "
                f"{use.compile_line}, and the fit's labels with it)")
    data = {**data, "compile_line": int(use.compile_line), "fit_line": int(fit.line)}
    return Diagnostic(code, use.line, use.col, message, data, use.path)


def _takes(y, encoding: str, width) -> bool:
    """Labels of `encoding` the model's output takes: one-hot rows as wide as the output."""
    labels = getattr(y, "labels", None)
    if labels is None or labels.encoding != encoding or not y.shape.known_rank:
        return False
    if encoding == "ids":
        return True
    last = y.dims[-1] if y.dims else None
    return len(y.dims) == 2 and is_known(last) and is_known(width) and last == width
