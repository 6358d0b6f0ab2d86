"""Rows given to a recurrent model (issue 16): data of shape (samples, features) fit to a model
whose input goes straight into an LSTM / GRU / SimpleRNN (or a Bidirectional one), which reads
(samples, steps, features). Keras raises at the call, and no input_shape of the recurrent layer
takes 2-D rows (a one-axis input_shape is itself refused at build), so the model's side has no
honest fix short of a new Reshape layer. When each row reshapes into what the input declares
(steps * features values, or one step of the features where the steps are free or 1), the fix
is the data alone, and the finding goes on the statement that made the array
(ArrayValue.built_at), naming the recurrent layer's line (data["layer_at_line"]) and the call
where it shows (data["seen_at_line"]). A data array made
in another file, or a model whose input meets anything else first, keeps the finding on the
model's input line (edges._report); so does a row that holds one step of the features for an
input of a fixed number of steps above 1, where the data must be windowed or the model's steps
changed as well: either side."""
from __future__ import annotations

from ..domain.codes import SHP109, Diagnostic
from ..domain.dims import is_known
from .data_places import place_of


def rows_into_recurrent(graph, node, use, x_name, array, ref) -> Diagnostic | None:
    """SHP109 on the line that made `array`, 2-D rows, when the model input `node` of shape
    `ref` (None, steps, features) is read by a recurrent layer and by nothing else."""
    at = place_of(array.built_at)
    shape = array.shape
    if at is None or at[0] != use.path or not ref.known_rank or len(ref.dims) != 3 or \
            not shape.known_rank or len(shape.dims) != 2:
        return None
    readers = [n for n in graph.nodes if node in n.inputs]
    if len(readers) != 1 or _recurrent(readers[0]) is None:
        return None
    layer = readers[0]
    n, width = shape.dims
    steps, features = ref.dims[1], ref.dims[2]
    if _reshaped(width, steps, features) is None:
        return None
    seen = (f"{x_name} given to model.{use.method}() at line {use.line}")
    message = (f"The data made on this line has shape {_dims(shape.dims)}, rows without a "
               f"steps axis, and {seen} raises ValueError: the model's input is "
               f"{_dims(ref.dims)}, read by the {_recurrent(layer)} at line {layer.line} as "
               f"(samples, steps, features), and no input_shape of it takes 2-D rows. "
               f"{_fix(n, width, steps, features)}")
    data = {"data_shape": list(_dims(shape.dims)), "model_input": list(_dims(ref.dims)),
            "method": use.method, "seen_at_line": int(use.line), "seen_at_col": int(use.col),
            "layer_at_line": int(layer.line)}
    return Diagnostic(SHP109, at[1], at[2], message, data, use.path)


def _recurrent(node) -> str | None:
    """The recurrent layer's type ("GRU", "Bidirectional": its rule's tag), None for any
    other layer; a layer of another rank (ConvLSTM2D) is left by the rank-3 input check."""
    rule = getattr(node.layer, "rule", None)
    return node.type_name if "recurrent" in (getattr(rule, "tags", None) or ()) else None


def _reshaped(width, steps, features):
    """(steps, features) a row of `width` values reshapes into for the input declared, or None
    when no reshape of the row alone gives it."""
    if not (is_known(width) and is_known(features)):
        return None
    if is_known(steps) and steps * features == width:
        return steps, features
    if features == width and (not is_known(steps) or steps == 1):
        return 1, features
    return None


def _fix(n, width, steps, features) -> str:
    """The reshape that gives the rows the steps axis."""
    steps, features = _reshaped(width, steps, features)
    rows = n if is_known(n) else -1
    if steps > 1:
        return (f"Each row holds {steps} steps of {features} features side by side: "
                f".reshape({rows}, {steps}, {features}) here gives the model its input.")
    return (f"Give each row one step: .reshape({rows}, 1, {width}) here gives the model its "
            f"input.")


def _dims(dims) -> tuple:
    return tuple(d if is_known(d) else None for d in dims)
