"""Where data that one call gives a model is reported when the same file fits that model on
data its input takes (issue 16): `model.fit(x_train, ...)` on rows of 784 values, then
`model.predict(x)` with x reshaped to (784, 1). The model is shown right by its own training
call, so the fix is this call's data: the finding goes on the line that made the array with
that shape (ArrayValue.built_at: the reshape, the np.array call; or the resize that wrote the
height and width the model refuses, keras_resized.py), naming the call where Keras
raises and the fit that takes the model's shape. The data may be of the model's rank or not
(a (600, 400, 3) photo for a (None, 128, 128, 3) input: it needs the batch axis as well).
Said only when the fitted array's sample shape is known in full and equals the model's input;
without such a call the fix is honestly either side and edges.py keeps the finding on the
model's input."""
from __future__ import annotations

from ..domain.codes import SHP109, Diagnostic
from ..domain.dims import is_known
from ..frameworks.arrays import ArrayValue
from .keras_label_sides import output_shaped
from .keras_resized import resized_place


def _dims(shape) -> tuple:
    return tuple(d if is_known(d) else None for d in shape)


def fitted_input(use, x_name: str, array, ref, model) -> Diagnostic | None:
    """SHP109 on the line that made `array`, when a fit of the same model takes `ref`."""
    built = getattr(array, "built_at", None)
    if use.method == "fit" or built is None or built[0] != use.path or not built[1] or \
            not ref.known_rank or not array.shape.known_rank:
        return None
    edges = getattr(model, "__dict__", {}).get("shapelint_edges")
    shown = tuple(ref.dims)
    fit = next((u for u in getattr(edges, "uses", ()) if u.method == "fit" and
                u.x is not array and isinstance(u.x, ArrayValue) and len(shown) >= 2 and
                output_shaped(u.x, ref)), None)
    if fit is None or built[1] in (use.line, fit.line):
        return None
    given, wanted = _dims(array.dims), _dims(shown)
    batch = ""
    if len(given) == len(wanted) - 1:  # one sample, of another shape: it needs the batch too
        batch = f", in a batch ({(1, *wanted[1:])} for this one sample)"
    fix = f"make this array with samples of shape {wanted[1:]}{batch} on this line"
    resized = resized_place(array, ref) if array.sized_at is not None else None
    if resized is not None:  # the sizes the model refuses were written by a resize: there
        built, fix = resized[0], (f"resize to height {resized[1][0]} and width "
                                  f"{resized[1][1]} on this line")
        if built[0] != use.path or built[1] in (use.line, fit.line):
            return None
    message = (f"{x_name} given to model.{use.method}() at line {use.line} is {given}, but the "
               f"model takes {wanted} and is fit at line {fit.line} on data of shape "
               f"{_dims(fit.x.dims)}, so Keras raises ValueError. The model is right for its "
               f"training data: {fix}")
    data = {"data_shape": list(given), "model_input": list(wanted), "method": use.method,
            "fit_at_line": int(fit.line), "seen_at_line": int(use.line),
            "seen_at_col": int(use.col)}
    return Diagnostic(SHP109, built[1], built[2], message, data, use.path)
