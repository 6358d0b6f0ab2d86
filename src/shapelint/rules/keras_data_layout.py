"""Images whose channel axis is not where the model's convolutions read it (issue 16): tiles
saved channels first, (N, 3, 32, 32), fit to a model whose Conv2D reads channels last, as its
Input (32, 32, 3) says; or (N, 48, 48) faces for a model written channels first, Input
(1, 48, 48) with data_format="channels_first" on every image layer, where Keras adds no
leading axis of one.

edges.py keeps a data fault on the model's input, naming the data's line, because either side
is a fix in general. Not here: the model's input is written in the layout its own layers read
(keras_channel_layout), so declaring the data's layout instead (input_shape=(3, 32, 32) under
channels_last, the fault keras_layouts reports, or (48, 48) for a channels-first Conv2D, one
axis short) breaks the model rather than fixing it. The data's layout is the fix: SHP109 on
the statement that made the data, naming the model's input line (data["model_at_line"]) and
the call where Keras raises (data["seen_at_line"]).

Facts only: a rank-4 or rank-5 input whose sizes are all known, read by the model's image
layers in one layout; data of known sizes made in this file by a statement other than a
transpose (keras_transposed places those) whose one sample is the model's with the channel axis
moved to the other end, or, channels first, without its axis of one. Anything else: None."""
from __future__ import annotations

from ..domain.codes import SHP109, Diagnostic
from ..domain.dims import is_known
from ..frameworks.array_callers import data_place
from .data_places import place_of
from .keras_channel_layout import channel_axis


def channels_elsewhere(graph, input_node, use, x_name, array, ref) -> Diagnostic | None:
    """SHP109 on the data's line for images laid out against the model's layers (see above)."""
    if not ref.known_rank or ref.rank not in (4, 5) or not array.shape.known_rank or \
            not all(is_known(d) for d in ref.dims[1:]) or \
            not all(is_known(d) for d in array.dims) or \
            getattr(array, "transposed", None) is not None or not _images(graph):
        return None
    axis = channel_axis(graph)
    model, sample = tuple(ref.dims[1:]), tuple(array.dims[1:])
    if axis == -1 and sample == (model[-1],) + model[:-1] and sample != model:
        fix = (f"move the channels last where the data is made, np.moveaxis(x, 1, -1) "
               f"(x.transpose(0, {', '.join(str(i) for i in range(2, ref.rank))}, 1)); "
               f"input_shape={sample} would have the convolutions read the "
               f"{_channels(model[-1])} as the image's first side")
        layout = "channels first"
    elif axis == 1 and model[0] == 1 and sample == model[1:]:
        fix = ("give it its channel axis of one where it is made, x[:, None] "
               "(np.expand_dims(x, 1)); Keras adds a missing axis of one only last, and "
               f"input_shape={sample} leaves the channels-first convolutions one axis short")
        layout = "without the channel axis"
    else:
        return None
    made = place_of(data_place(array, ref.dims))
    line = _written_at(graph, input_node)
    if made is None or made[0] != use.path or int(made[1]) == int(use.line) or not line:
        return None
    reads = "last" if axis == -1 else "first"
    given = tuple(array.dims)
    message = (f"{x_name} given to model.{use.method}() at line {use.line} is {given}, "
               f"images {layout}, but the model's convolutions read the channels {reads}, as "
               f"its input {tuple([None, *model])} (line {line}) says; Keras raises "
               f"ValueError. The data made on this line is what to change: {fix}")
    data = {"data_shape": list(given), "model_input": [None, *model], "method": use.method,
            "seen_at_line": int(use.line), "seen_at_col": int(use.col),
            "model_at_line": int(line)}
    return Diagnostic(SHP109, made[1], made[2], message, data, use.path)


def _written_at(graph, node):
    """The line of the keras.Input the model's input comes from, else of the layer given
    input_shape= (the input node of a Sequential sits on the Sequential's line)."""
    origin = node if graph.show_inputs else getattr(node, "input_origin", None)
    if origin is not None and getattr(origin, "line", None) and origin.path == node.path:
        return int(origin.line)
    if node.line != graph.line:
        return int(node.line) if node.line else None
    first = next((n for n in graph.nodes if node in n.inputs), None)
    return int(first.line) if first is not None and first.line else None


def _channels(n) -> str:
    return "channel" if n == 1 else f"{n} channels"


def _images(graph) -> bool:
    """The model reads its input with image layers (a convolution or pooling of 2 or 3
    spatial axes)."""
    return any(n.type_name.endswith(("2D", "3D")) and
               any(w in n.type_name for w in ("Conv", "Pool")) for n in graph.nodes)
