"""Where data with axes of size 1 too many after its batch axis is reported (issue 16): a
batch (1, 1, 224, 224, 3) for a model whose input is (None, 224, 224, 3), a row reshaped to
(1, 1, 12) for (None, 12). Keras adjusts only a trailing axis of 1 and raises ValueError on
any other rank difference. The extra axes hold nothing, the rest is the model's sample to the
last size, so the fix is the data: the finding goes on the line that made the array with that
shape (ArrayValue.built_at: a second np.expand_dims, a reshape), naming the call where Keras
raises. Kept off (edges.py keeps it on the model's input) when the model's input shape was read
from this very array, or the file fits or evaluates the model on data its input contradicts."""
from __future__ import annotations

from ..domain.codes import SHP109, Diagnostic
from ..domain.dims import is_known
from .keras_places import contradicts


def unit_axes_after_batch(dims: tuple, model: tuple) -> int:
    """How many axes of size 1 `dims` has after its batch axis beyond `model` (None, ...),
    the rest being model's sizes to the last, all known; 0 when it is not so shaped."""
    extra = len(dims) - len(model)
    if extra < 1 or len(model) < 2 or any(not (is_known(d) and d == 1)
                                          for d in dims[1:1 + extra]) or \
            not all(is_known(a) and is_known(b) and a == b
                    for a, b in zip(dims[1 + extra:], model[1:])):
        return 0
    return extra


def extra_axes(use, x_name: str, array, ref, trained=(), written=None) -> Diagnostic | None:
    built = getattr(array, "built_at", None)
    if built is None or built[0] != use.path or not built[1] or not ref.known_rank or \
            not array.shape.known_rank or (written is not None and written == built):
        return None
    data, model = tuple(array.dims), tuple(ref.dims)
    extra = unit_axes_after_batch(data, model)
    if not extra:
        return None
    if any(contradicts(a, model) for a in trained if a is not array):
        return None
    shown = tuple(d if is_known(d) else None for d in model)
    given = tuple(d if is_known(d) else None for d in data)
    axes = "axis" if extra == 1 else "axes"
    dims = ", ".join(str(i) for i in range(1, 1 + extra))
    message = (f"{x_name} given to model.{use.method}() at line {use.line} is {given}: the "
               f"model's input {shown} with {extra} {axes} of size 1 more after the batch "
               f"axis, so Keras raises ValueError. The array is made with that shape on this "
               f"line: drop the extra {axes} here (dim {dims}; one batch axis is enough)")
    data = {"data_shape": list(given), "model_input": list(shown), "method": use.method,
            "extra_axes": extra, "seen_at_line": int(use.line), "seen_at_col": int(use.col)}
    return Diagnostic(SHP109, built[1], built[2], message, data, use.path)
