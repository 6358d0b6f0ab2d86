"""Judgments at a Keras model's edges, after its graph is built: the data given to fit /
evaluate / predict against the model's inputs (SHP109), the labels against its output under
the compiled loss (SHP110, SHP111), and the loss against the output layer (SHP205).

Only what Keras 3 itself rejects is an SHP1xx here; whenever the data, the labels, the loss or
the model are not certain, nothing is said."""
from __future__ import annotations

from dataclasses import dataclass

from ..domain.codes import SHP108, SHP109, SHP110, SHP111, SHP205, SHP206, Diagnostic, RuleDoc
from ..domain.dims import Unknown, is_known
from ..frameworks.arrays import ArrayValue
from ..frameworks.keras_edges import Loss, edges_of
from ..domain.graph import ModelGraph
from ..domain.shapes import Shape
from .keras_heads import LABELS_TOO, differ as _differ, last_step_broadcast, last_step_head, \
    one_column_broadcast, sequence_head
from .keras_heads import squeeze_or_expand as _squeeze_or_expand
from ..frameworks.array_callers import data_place
from .data_places import naming_data
from .keras_places import at_labels, image_mode, one_sample, scalar_samples, written_from
from .pil_bands import pil_bands

BATCH = Unknown("batch")


def check_edges(graph: ModelGraph, model) -> list[Diagnostic]:
    try:
        return _check_edges(graph, model)
    except Exception:  # noqa: BLE001 - an edge we cannot judge is silence, never a crash
        return []


def _check_edges(graph: ModelGraph, model) -> list[Diagnostic]:
    edges = getattr(model, "__dict__", {}).get("shapelint_edges")
    if edges is None or graph.framework != "keras":
        return []
    if graph.uncertain and not _deferred_subclass(model) or \
            any(n.fault is not None for n in graph.nodes):
        return []  # an error inside the model comes first; an uncertain model says nothing
    from ..frameworks.image_dirs import Batches  # only a file that fits a model loads it
    out = []
    for loss, path, line, col in edges.compiles:
        out.extend(_loss_vs_output(graph, loss, path, line, col))
    for use in edges.uses:
        pairs = [(use.x.x, use.x.y, "x", "y") if isinstance(use.x, Batches) and use.y is None
                 else (use.x, use.y, "x", "y")]  # a source of (x, y) batches gives both
        if isinstance(use.validation, (tuple, list)) and len(use.validation) >= 2:
            pairs.append((use.validation[0], use.validation[1], "validation_data[0]",
                          "validation_data[1]"))
        for x, y, x_name, y_name in pairs:  # the first fault of a call is the one Keras meets
            found, built = _data(graph, model, use, x, x_name)
            if found is None and y is not None and built is not None:
                found = _cardinality(use, x, y, x_name, y_name) or \
                    _labels(built, use, x, y, y_name, edges.uses)
            if found is not None:
                out.append(found)
                break
    return out


def _deferred_subclass(model) -> bool:
    return type(model).__name__ == "Subclass" and model.shape is None and \
        model.functional is None


def _deferred(graph: ModelGraph, model) -> bool:
    """A model with no input shape yet: Keras builds it from the first data it sees."""
    return _deferred_subclass(model) or any(
        "input shape is not given" in r for r in graph.unknown_reasons)


def _samples(shape: Shape) -> Shape:
    return Shape((BATCH,) + tuple(shape.dims[1:]))


def _declared_inputs(graph: ModelGraph, model) -> list:
    """The graph's input nodes in the order the model declares its inputs (Model([a, b], ..));
    the graph lists them in topological order, which need not be the same."""
    declared = getattr(getattr(model, "functional", None) or model, "inputs", None)
    if not isinstance(declared, list):
        return graph.inputs
    by_original = {id(getattr(n, "original", n)): n for n in graph.inputs}
    ordered = [by_original.get(id(getattr(t, "node", None))) for t in declared]
    return ordered if all(n is not None for n in ordered) else []


def _inputs_of(x, graph: ModelGraph, inputs: list):
    """The arrays for each model input, in order; None when that is not certain."""
    if isinstance(x, ArrayValue):
        arrays = [x]
    elif isinstance(x, (list, tuple)) and all(isinstance(a, ArrayValue) for a in x):
        arrays = list(x)
    elif isinstance(x, dict) and all(isinstance(a, ArrayValue) for a in x.values()):
        names = [n.name for n in inputs]
        if sorted(x) != sorted(names):
            return None
        arrays = [x[name] for name in names]
    else:
        return None
    if len(arrays) != len(inputs) or not all(a.shape.known_rank and a.dims for a in arrays):
        return None
    return arrays


def _data(graph, model, use, x, x_name):
    """(SHP109 diagnostic or None, the graph as the data builds it or None when unknown)."""
    if x is None:
        return None, None
    inputs = _declared_inputs(graph, model)
    arrays = _inputs_of(x, graph, inputs) if not _deferred_subclass(model) else (
        [x] if isinstance(x, ArrayValue) and x.shape.known_rank and x.dims else None)
    if arrays is None:
        return None, None
    if _deferred(graph, model):
        try:
            built = model.graph(graph.entry, _samples(arrays[0].shape))
        except Exception:  # noqa: BLE001 - a graph the data cannot build is not judged
            return None, None
        fault = next((n for n in built.nodes if n.fault is not None), None)
        if fault is None:
            return None, built
        # one value per sample: the first layer takes input_shape=(1,) (keras_places)
        scalar = scalar_samples(use, x_name, arrays[0], fault) if len(arrays) == 1 \
            else None
        if scalar is not None:
            return naming_data(scalar, arrays[0].built_at, (
                "That data is made at line {line}, the other side to change")), None
        nested = _nested_input(use, x_name, arrays[0], fault)
        if nested is not None:
            return nested, None
        # a model without an input shape is built by the data: the fix is the data, at the call
        from .keras_data_made import naming_data_of_call
        return naming_data_of_call(_report(use, x_name, arrays[0], None, fault.fault.message,
                                           fault, None), arrays[0].built_at,
                                   _dims(arrays[0].shape)), None
    transforms, adjusted = {}, []
    for node, array in zip(inputs, arrays):
        ref = node.output_shape
        shape = _adjust_rank(_samples(array.shape), ref)
        if shape is None:  # one sample without its batch axis is fixed at the call
            alone = (one_sample(graph, node, use, x_name, array, _trained(model)) or
                     _extra_axes(use, x_name, array, ref, _trained(model),
                                 written_from(graph, node))) if len(arrays) == 1 else None
            from .keras_recurrent_rows import rows_into_recurrent  # Keras's own: lazily
            rows = rows_into_recurrent(graph, node, use, x_name, array, ref) \
                if len(arrays) == 1 and alone is None else None
            # a model its fit shows right: the data is fixed where it is made (_loaded)
            return alone or rows or _layout(graph, node, use, x_name, array, ref, arrays) or \
                _loaded(use, x_name, array, ref, model, arrays) or _report(
                use, x_name, array, ref, None, None, _input_line(graph, node),
                _takes_one_sample(graph, node, array)), None
        adjusted.append((node, shape))
    for node, shape in adjusted:
        for consumer in graph.nodes:
            if node in consumer.inputs:
                previous = transforms.get(consumer)
                transforms[consumer] = _replacer(consumer, node, shape, previous)
    try:
        built = graph.replay(transforms)
    except Exception:  # noqa: BLE001
        return None, None
    # the input whose data contradicts it, to name in the message (the first one otherwise)
    culprit = next((i for i, (node, shape) in enumerate(adjusted)
                    if _contradicts(shape, node.output_shape)), 0)
    name = x_name if len(arrays) == 1 else f"{x_name}[{culprit}]"
    array, ref = arrays[culprit], inputs[culprit].output_shape
    declared = _input_line(graph, inputs[culprit])
    for before, after in zip(graph.nodes, built.nodes):
        if after.fault is not None:
            return _layout(graph, inputs[culprit], use, name, array, ref, arrays) or \
                _loaded(use, name, array, ref, model, arrays) or _report(
                use, name, array, ref, after.fault.message, after, declared), None
        if before.counts and is_known(before.params) and is_known(after.params) and \
                before.params != after.params:
            why = (f"{before.name} ({before.type_name}) was built for input "
                   f"{before.input_shapes[0] if before.input_shapes else '?'} but the data "
                   f"gives it {after.input_shapes[0] if after.input_shapes else '?'}")
            return _layout(graph, inputs[culprit], use, name, array, ref, arrays) or \
                _loaded(use, name, array, ref, model, arrays) or _report(
                    use, name, array, ref, why, after, declared), None
    if type(model).__name__ == "KerasFunctional" and \
            _contradicts(adjusted[culprit][1], inputs[culprit].output_shape):
        # every layer takes the data, but keras.Model(inputs, outputs) checks it against each
        # Input's declared shape (Functional.input_spec: every size but the batch, a trailing
        # axis of 1 aside) and raises; a Sequential does not
        why = ("keras.Model checks data against the shape its Input declares (the input_spec "
               "of every size but the batch) and raises ValueError, though its layers would "
               "take this size")
        return _loaded(use, name, array, ref, model, arrays) or _report(
            use, name, array, ref, why, None, declared), None
    return None, built


def _nested_input(use, x_name, array, fault):
    """Data a model built by it passes to a nested keras.Model whose Input declares other
    sizes (keras_models._declared_takes): that Input is written for a size the data
    does not have, so the finding goes on it, naming the data's line as the other side."""
    at = fault.fault.data.get("input_at") if fault.fault.code is SHP109 else None
    if not isinstance(at, tuple) or at[0] != use.path or not at[1]:
        return None
    declared = Shape(tuple(d if d is not None else BATCH for d in fault.fault.data["declared"]))
    place = _Place(at[0], at[1], at[2])
    return _report(use, x_name, array, declared, fault.fault.message, None, place)


@dataclass(frozen=True)
class _Place:
    path: str
    line: int
    col: int


def _extra_axes(*args):
    """Data with axes of 1 too many, placed where it was made (loaded only where it may be)."""
    from .keras_extra_axes import extra_axes
    return extra_axes(*args)


def _loaded(use, name, array, ref, model, arrays):
    """An image of another color_mode than the model's, placed on its load_img call, or of
    other PIL bands, placed on the PIL call that made it (pil_bands.py); data a fitted model
    contradicts, placed where it was made (keras_fitted_input.py)."""
    if len(arrays) != 1:
        return None
    trained = _trained(model)
    from .keras_fitted_input import fitted_input  # Keras's own: lazily
    return image_mode(use, name, array, ref, trained) or \
        pil_bands(use, name, array, ref, trained) or fitted_input(use, name, array, ref, model)


def _layout(graph, node, use, name, array, ref, arrays):
    """Images laid out against the model's own image layers, placed where they were made
    (keras_data_layout.py)."""
    if len(arrays) != 1:
        return None
    from .keras_data_layout import channels_elsewhere  # Keras's own: lazily
    return channels_elsewhere(graph, node, use, name, array, ref)


def _trained(model) -> list:
    """The arrays a file fits or evaluates the model on (one-input calls)."""
    edges = getattr(model, "__dict__", {}).get("shapelint_edges")
    return [u.x for u in getattr(edges, "uses", ()) if u.method in ("fit", "evaluate")
            and isinstance(u.x, ArrayValue)]


def _contradicts(x: Shape, ref: Shape) -> bool:
    return ref.known_rank and len(x.dims) == len(ref.dims) and any(
        is_known(a) and is_known(b) and a != b for a, b in zip(x.dims[1:], ref.dims[1:]))


def _replacer(consumer, node, shape, previous):
    def transform(shapes):
        shapes = previous(shapes) if previous is not None else list(shapes)
        return [shape if i is node else s for i, s in zip(consumer.inputs, shapes)]
    return transform


def _adjust_rank(x: Shape, ref: Shape):
    """Keras 3 Functional._adjust_input_rank: a trailing 1 is squeezed or added when the ranks
    differ by one; any other rank difference raises ValueError (None here)."""
    if not ref.known_rank or len(x.dims) == len(ref.dims):
        return x
    if len(x.dims) == len(ref.dims) + 1 and x.dims[-1] == 1:
        return Shape(x.dims[:-1])
    if len(x.dims) == len(ref.dims) - 1 and ref.dims[-1] == 1:
        return Shape(x.dims + (1,))
    if len(x.dims) == len(ref.dims) + 1 and not is_known(x.dims[-1]) or \
            len(x.dims) == len(ref.dims) - 1 and not is_known(ref.dims[-1]):
        return x  # depends on a size we do not know: not ours to judge
    return None


def _dims(shape) -> tuple:
    return tuple(d if is_known(d) else None for d in shape.dims)


def _takes_one_sample(graph, node, array) -> bool:
    """Whether the model builds with this Input made the shape of one sample of the data
    (what input_shape=X.shape[1:] would declare): an LSTM given rows of 57 features does not
    (it takes (steps, features) samples), so that advice is not given."""
    from .keras_what_if import replayed_with_output
    sample = Shape((None,) + tuple(array.shape.dims[1:]))
    return replayed_with_output(graph, node, sample) is not None


def _report(use, x_name, array, ref, why, node, fix_at, sample_fits=True) -> Diagnostic:
    """SHP109 sits on the model's input (the input_shape= / Input line, or the layer the data
    breaks), where the fix goes; the message names the call where the data meets it."""
    data_shape = _dims(array.shape)
    where = f"{x_name} given to model.{use.method}() at line {use.line}"
    origin = f" (from {array.origin})" if array.origin else ""
    if ref is None:
        message = f"{where} gets data of shape {data_shape}{origin}, which the model cannot " \
                  f"take: {why}"
        model_shape = None
    else:
        model_shape = _dims(ref)
        message = (f"{where} gets data of shape {data_shape}{origin} but the model's input is "
                   f"{model_shape}" + (f": {why}" if why else "; Keras raises ValueError"))
    message += _fix(data_shape, model_shape, node, why, sample_fits)
    data = {"data_shape": list(data_shape), "model_input": list(model_shape) if model_shape
            else None, "method": use.method}
    if getattr(array, "transposed", None) is not None:  # a transpose broke the layout
        from .keras_transposed import at_transpose
        moved = at_transpose(use, x_name, array, ref)
        if moved is not None:
            return moved
    found = _placed(_whole_data_code(data_shape, model_shape), fix_at, use, message, data)
    if getattr(array, "sized_at", None) is not None and ref is not None:
        from .keras_resized import at_resize, resized_place, sentence  # a resize's: lazily
        resized = resized_place(array, ref)
        if resized is not None:
            named = naming_data(found, resized[0], sentence(array, ref))
            return at_resize(named, use, array, ref) or named
    model_dims = ref.dims if ref is not None and ref.known_rank else None
    named = naming_data(found, data_place(array, model_dims), (
        f"That data is made with shape {data_shape} at line {{line}}: change either the "
        f"model's input on this line or the data there"))
    from .keras_chosen_reads import at_chosen_read  # a helper's argument chose the data
    return at_chosen_read(named, use, array, model_dims) or named


def _whole_data_code(data_shape, model_shape):
    """SHP108 when the model's input after its batch axis is the data's whole shape, its
    sample count included (input_shape=X.shape): the input shape holds the batch Keras adds
    itself. SHP109 otherwise."""
    if model_shape is not None and len(data_shape) >= 2 and \
            all(d is not None for d in data_shape) and tuple(model_shape[1:]) == data_shape:
        return SHP108
    return SHP109


def _input_line(graph: ModelGraph, node):
    """Where an input's shape is written: the Input(...) line, or for a Sequential whose input
    comes from input_shape= on its first layer (the input node sits on the Sequential line),
    that layer."""
    if node.line != graph.line:
        return node
    return next((n for n in graph.nodes if node in n.inputs), node)


def _placed(code, node, use, message, data) -> Diagnostic:
    """A finding seen at a call, placed on the model line its fix changes (issue 16); `data`
    keeps the call's line (seen_at_line), which SARIF gives as a relatedLocation. Without a
    model line in the same file, it stays on the call."""
    # int(): the interpreter's positions are lazy (spots.LazyInt); data is printed as JSON
    data = {**data, "seen_at_line": int(use.line), "seen_at_col": int(use.col)}
    line, col, path = getattr(node, "line", 0), getattr(node, "col", 0), \
        getattr(node, "path", "")
    if not line or path != use.path:
        return Diagnostic(code, use.line, use.col, message, data, use.path)
    return Diagnostic(code, line, col, message, data, use.path)


_SAME_WIDTH = ("Activation", "Dropout", "Softmax", "ReLU", "LeakyReLU", "ELU", "PReLU",
               "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization")


def single_output(graph: ModelGraph):
    """The node of the model's one output; None for several outputs, or for one of the several
    outputs of a nested model (the node's output_shape is its first output's, not this one's:
    a GAN's `dis(x) + [enc(x)]`)."""
    if len(graph.outputs) != 1 or len(getattr(graph.outputs[0], "output_shapes", None) or ()) > 1:
        return None
    return graph.outputs[0]


def _last_layer(graph: ModelGraph):
    """The layer that sets the output's width: the output node, past width-keeping layers
    (Activation, Dropout, ...) to the Dense / Conv before them."""
    node = single_output(graph)
    while node is not None and node.type_name in _SAME_WIDTH and len(node.inputs) == 1:
        node = node.inputs[0]
    return node


def _fix(data, model, node, why, sample_fits=True) -> str:
    sample = data[1:]
    image = node is not None and any(w in node.type_name for w in ("Conv", "Pool"))
    if model is not None and tuple(model[1:]) == tuple(data):
        full = (f". input_shape={tuple(model[1:])} is the data's full shape, sample axis "
                f"included; Keras adds the batch axis itself")
        if not sample_fits:  # the model's layers want samples of another rank
            return (f"{full}, but one sample, {sample}, is not what its layers take either: "
                    f"give the samples the layout the first layer needs, and input_shape "
                    f"that sample's shape")
        return f"{full}: use input_shape=X.shape[1:] = {sample}"
    if model is not None and len(model) == 3 and len(data) == 3 and \
            tuple(model[1:]) == (data[2], data[1]):
        return (f". The input_shape swaps timesteps and features: the data has "
                f"{data[1]} steps of {data[2]} features; use input_shape=X.shape[1:] = {sample}")
    if model is None and image and len(data) == 3 and "channel axis" not in (why or ""):
        return (". The data lacks the channel axis: add it with X[..., None] "
                "(np.expand_dims(X, -1))")
    if model is None and image and len(data) == 3:
        return " (X[..., None] or np.expand_dims(X, -1) adds that axis)"
    if model is not None and len(model) == len(data) + 1 and tuple(model[1:-1]) == sample:
        return (f". The data has no channel axis while the model expects {model[-1]} "
                f"channels; give it images of shape {tuple(model[1:])}")
    if model is not None and len(model) == 2 == len(data) and model[1] == data[0] != data[1]:
        return (f". The model's input width {data[0]} is the number of samples (X.shape[0], "
                f"len(X)), not of features: use input_dim=X.shape[1] = {data[1]}")
    if model is not None and len(data) == len(model) - 1 and all(
            m is None or m == d for m, d in zip(model[1:], data)):
        return (". The data has the shape of one sample: give it its batch axis with "
                "np.expand_dims(X, 0) (X[None])")
    if model is not None and sample_fits:
        return f". If the data is right, build the model with input_shape=X.shape[1:] = {sample}"
    return ""


# -- labels -------------------------------------------------------------------------------------

def _cardinality(use, x, y, x_name, y_name):
    """x and y with different sample counts: Keras raises "Data cardinality is ambiguous"."""
    arrays = [x] if isinstance(x, ArrayValue) else list(x) if isinstance(x, (list, tuple)) \
        else []
    if not isinstance(y, ArrayValue) or not y.shape.known_rank or not y.dims or not arrays:
        return None
    n_y = y.dims[0]
    for a in arrays:
        n_x = a.dims[0] if isinstance(a, ArrayValue) and a.shape.known_rank and a.dims \
            else None
        if is_known(n_x) and is_known(n_y) and n_x != n_y:
            from .keras_label_axes import flattened_labels  # loaded only where it may apply
            flat = flattened_labels(use, y, y_name, n_x, n_y)
            if flat is not None:
                return flat
            return Diagnostic(SHP110, use.line, use.col, (  # the data's side: at the call
                f"{x_name} of model.{use.method}() has {n_x} samples but {y_name} has {n_y}: "
                f"Keras raises \"Data cardinality is ambiguous\"; the data and labels likely "
                f"come from different splits"), {"x_samples": n_x, "y_samples": n_y}, use.path)
    return None


def _classes(graph: ModelGraph):
    """The one output's last size (its classes), or None."""
    out = _output_width(graph)
    return out.dims[-1] if out is not None else None


def _output_width(graph: ModelGraph):
    if single_output(graph) is None:
        return None
    shape = graph.outputs[0].output_shape
    return shape if shape.known_rank and len(shape.dims) >= 2 else None


def _labels(graph, use, x, y, y_name, uses=()):
    found = _label_fault(graph, use, x, y, y_name)
    if found is None:  # labels with a stray axis of 1: made wrong where they were made
        from .keras_label_extra_axes import extra_label_axes
        return extra_label_axes(use, y_name, y, _output_width(graph))
    code, message, data, *where = found
    if where:  # placed by the judgment itself, on the line its fix changes
        placed = _placed(code, where[0], use, message, data)
        if LABELS_TOO not in where[1:]:
            return placed
        return naming_data(placed, y.built_at, (  # either side: the labels' line named
            f"Those labels are made with shape {_dims(y.shape)} at line {{line}}, the other side "
            f"to change"))
    from .keras_unread_labels import unread_labels  # the labels that fit, made and left unread
    unread = unread_labels(use, y, y_name, _output_width(graph), code, message, data)
    if unread is not None:
        return unread
    if code is SHP111:  # the loss or the labels: keep the model's side, the compile line,
        from .keras_label_calls import labels_of_this_call  # only where labels are judged
        labels = at_labels(use, y, code, message, data) or labels_of_this_call(  # unless the
            use, uses, _classes(graph), code, message, data)  # file says it is the labels
        if labels is not None:
            return labels
        placed = _placed(code, _Where(use.compile_line, use.compile_col, use.path) if
                         use.compile_line else None, use, message, data)
    else:
        from .keras_label_sides import labels_the_model_takes  # the file shows the model right
        side = labels_the_model_takes(_output_width(graph), use, uses, y, y_name, code,
                                      message, data)
        if side is not None:
            return side
        from .keras_hidden_softmax import softmax_on_hidden  # Keras's own: lazily
        width = y.shape.dims[-1] if code is SHP110 and isinstance(y, ArrayValue) and \
            y.shape.known_rank and len(y.shape.dims) == 2 else None
        hidden = softmax_on_hidden(graph, width, activation_name) if width else None
        if hidden is not None:  # the Dense to add replaces the advice to resize the last one
            message = message.replace(f"; make the last layer Dense({width}) or fix the labels",
                                      "")
            message = f"{message}. {hidden[1]}"
        placed = _placed(code, hidden[0] if hidden else _last_layer(graph), use, message, data)
    # either side is an honest fix here: the model's line keeps the finding, the labels' is named
    return naming_data(placed, y.built_at, (
        f"Those labels are made with shape {_dims(y.shape)} at line {{line}}, the other side "
        f"to change"))


@dataclass(frozen=True)
class _Where:
    line: int
    col: int
    path: str


def _label_fault(graph, use, x, y, y_name):
    loss = use.loss
    out = _output_width(graph)
    if not isinstance(loss, Loss) or out is None or not isinstance(y, ArrayValue) or \
            not y.shape.known_rank or not y.dims:
        return None
    units = out.dims[-1]
    if not is_known(units):
        return None
    y_dims = (BATCH,) + tuple(y.dims[1:])
    y_shape = _dims(y.shape)
    out_shape = _dims(out)
    where = f"{y_name} given to model.{use.method}() at line {use.line}"
    labels = y.labels
    what = ("one-hot over %s classes" % labels.classes if labels and labels.encoding ==
            "onehot" and labels.classes else "integer class ids" if labels and
            labels.encoding == "ids" else "")
    what = ", from ".join(w for w in (what, y.origin) if w)
    what = f" ({what})" if what else ""
    data = {"label_shape": list(y_shape), "output_shape": list(out_shape), "loss": loss.spelling}
    head = f"{where} gets labels of shape {y_shape}{what} for an output of shape {out_shape}"
    found = sequence_head(graph, loss, y_dims, tuple(out.dims), head) or \
        last_step_head(graph, loss, y_dims, tuple(out.dims), head) or \
        last_step_broadcast(graph, loss, y_dims, tuple(out.dims), head)
    if found is not None or len(out.dims) >= 3 and len(y_dims) < len(out.dims):
        return found if found is None else (found[0], found[1], {**data, **found[2]},
                                            *found[3:])
    from .keras_targets import reconstruction  # Keras's own: a torch file does not load it
    rebuilt = reconstruction(use, x, y, head, y_dims, tuple(out.dims), loss,
                             _Where(use.compile_line, use.compile_col, use.path))
    if rebuilt is not None:
        return rebuilt[0], rebuilt[1], data, rebuilt[2]
    if loss.kind == "sparse":
        if len(y_dims) == len(out.dims) and is_known(y_dims[-1]) and y_dims[-1] > 1:
            return (SHP111, (
                f"{head}: {loss.spelling} wants one integer class id per sample, but these "
                f"labels have {y_dims[-1]} columns (one-hot); Keras raises ValueError. Use "
                f"loss='categorical_crossentropy', or give y.argmax(-1)"), data)
        if labels is not None and labels.encoding == "ids" and labels.classes and \
                labels.classes > units and len(y_dims) <= len(out.dims):
            return (SHP110, (
                f"{head}: the labels hold {labels.classes} classes (ids up to "
                f"{labels.classes - 1}) but the last layer has {_units(units)}; the loss raises "
                f"\"Target {labels.classes - 1} is out of bounds\". Use Dense({labels.classes})"),
                data)
        return None
    y2, out2 = _squeeze_or_expand(y_dims, tuple(out.dims))
    from .keras_flat_masks import flattened_positions
    folded = flattened_positions(_last_layer(graph), loss, y_dims, tuple(out.dims), head, data)
    if folded is not None:
        return folded
    if loss.kind in ("categorical", "binary") and _differ(y2, out2):
        # both losses require target.shape == output.shape (keras/src/backend/torch/nn.py)
        if loss.kind == "categorical" and units > 1 and len(out.dims) == 2 and \
                (len(y_dims) == 1 or len(y_dims) == 2 and y_dims[-1] == 1):
            return (SHP111, (
                f"{head}: {loss.spelling} wants one-hot labels of shape (N, {units}), but "
                f"these are integer class ids; Keras raises ValueError. Use "
                f"loss='sparse_categorical_crossentropy', or " + _one_hot_fix(y, units)), data)
        if loss.kind == "binary" and units > 1 and len(out.dims) == 2 and len(y_dims) == 1:
            return (SHP110, (
                f"{head}: {loss.spelling} wants labels of the output's shape (N, {units}), but "
                f"these hold one value per sample; Keras raises ValueError. Make the last "
                f"layer Dense(1, activation='sigmoid'), or give one-hot labels, "
                f"{_one_hot_fix(y, units)}"), data)
        from .keras_targets import map_size
        spatial = map_size(graph, head, y2, out2, loss)  # a map, not a Dense width, differs
        if spatial is not None:  # one 'same' convolution that decides the map: placed there
            from .keras_map_fit import one_valid_conv
            fit = one_valid_conv(graph, tuple(y2[1:-1]))
            if fit:
                return SHP110, spatial + fit[1], data, fit[0]
            from .keras_reconstruction_sizes import data_size_place  # the data sets the size
            sized = data_size_place(graph, use, x, y, tuple(y2[1:-1]))
            if sized:
                (path, line, col), sentence = sized
                return SHP110, spatial + sentence, data, _Where(line, col, path)
            return SHP110, spatial, data
        if len(y2) == len(out2) and is_known(y2[-1]):
            return _width(head, y2[-1], units, loss, use, data)
        return None
    if loss.kind == "elementwise" and len(y2) == len(out2) and is_known(y2[-1]) and \
            y2[-1] != out2[-1] and y2[-1] != 1 and out2[-1] != 1:
        return _width(head, y2[-1], units, loss, use, data)
    broadcast = one_column_broadcast(loss, y2, out2, units, head)
    if broadcast is not None:
        return SHP206, broadcast[0], {**data, **broadcast[1]}
    return None


def _one_hot_fix(y, units) -> str:
    """How to get one-hot labels where these come from."""
    for source, argument in (("flow_from_directory", "class_mode"),
                             ("image_dataset_from_directory", "label_mode")):
        if y.origin.startswith(source):
            return f"{argument}='categorical' in {source}"
    return f"keras.utils.to_categorical(y, {units})"


def _units(n) -> str:
    return "1 unit" if n == 1 else f"{n} units"


def _width(head, width, units, loss, use, data):
    return (SHP110, (
        f"{head}: the labels have {width} columns but the last layer has {_units(units)}, so "
        f"{loss.spelling} cannot compare them and Keras raises; make the last layer "
        f"Dense({width}) or fix the labels"), data)


# -- loss against the output layer -------------------------------------------------------------

def output_activation(graph: ModelGraph) -> str | None:
    """The activation the model ends with ("softmax", "sigmoid", ...), when it is plain."""
    node = single_output(graph)
    if node is None:
        return None
    return activation_name(getattr(node.layer, "activation", None))


def activation_name(value) -> str | None:
    if isinstance(value, str):
        return value.lower()
    qualname = getattr(value, "qualname", None)
    if isinstance(qualname, str) and qualname.rsplit(".", 1)[0].endswith(
            ("activations", "nn", "ops")):
        return qualname.rsplit(".", 1)[-1].lower()
    return None


def _loss_vs_output(graph, loss, path, line, col) -> list[Diagnostic]:
    out = _output_width(graph)
    if not isinstance(loss, Loss) or out is None or not is_known(out.dims[-1]) or \
            len(out.dims) != 2:
        return []
    units, activation = out.dims[-1], output_activation(graph)
    data = {"loss": loss.spelling, "units": units, "activation": activation}
    if loss.kind == "binary" and activation == "softmax" and units >= 3:
        return [Diagnostic(SHP205, line, col, (
            f"loss={loss.spelling} on a softmax over {units} classes: binary cross-entropy "
            f"scores each of the {units} outputs as an independent yes/no, so the loss and "
            f"accuracy it reports are not those of a {units}-class problem; use "
            f"categorical_crossentropy (one-hot labels) or sparse_categorical_crossentropy "
            f"(integer labels), or sigmoid outputs for multi-label data"), data, path)]
    if loss.kind in ("categorical", "sparse") and units == 1:
        return [Diagnostic(SHP205, line, col, (
            f"loss={loss.spelling} on an output of one unit {_dims(out)}: a categorical "
            f"cross-entropy over a single class is constant (the class has probability 1), so "
            f"the model learns nothing; for two classes use Dense(1, activation='sigmoid') "
            f"with binary_crossentropy, or Dense(2, activation='softmax')"), data, path)]
    return []


__all__ = ["check_edges", "edges_of", "activation_name"]


# The pages of the codes raised here (docs/rules/SHPxxx.md, generated by rules/docs.py,
# which gathers every module's DOCS); their Example and Use instead are run by
# tests/test_rule_docs.py.
DOCS = {
    "SHP109": RuleDoc(
        what="Checks the arrays given to `fit`, `evaluate`, `predict`, `train_on_batch`, "
             "`test_on_batch` and `predict_on_batch` (and `validation_data`), and the arrays a "
             "model is called on directly (`model(x)`, judged as `predict(x)`), against the "
             "model's inputs, when their shapes are visible in the file: `np.zeros/ones/"
             "random.*`, `np.array` literals, reshapes, slices, `keras.datasets.*.load_data()`, "
             "`train_test_split`, `keras.utils.load_img` / `img_to_array` (`target_size` and "
             "`color_mode` give the image's shape), PIL images (`Image.new`, `convert(mode)`, "
             "`resize((w, h))`; an opened file's mode is not known), "
             "`keras.ops.image.resize(x, (h, w))` and friends. Each input "
             "of a multi-input model is matched (list in order, dict by input name).",
        why="Keras raises ValueError on the first batch. The rank is compared as Keras 3 does "
            "(a trailing axis of size 1 is added or dropped for you); the sizes are compared "
            "by re-deriving the model with the data's shape: any layer whose weights would "
            "need another shape, or that rejects its input, fails at runtime; a "
            "`keras.Model(inputs, outputs)`, called directly or nested in a Sequential, also "
            "refuses sizes its `Input` declares otherwise (its input_spec), though its layers "
            "would take them (a Sequential given arrays does not check). A built "
            "Sequential called on a symbolic tensor (another model's output, `d(g(z))`) "
            "refuses sizes its InputLayer holds likewise; when that tensor is a model's "
            "output, the finding goes to the last layer of that model to change the refused "
            "axes (a GAN's last upsampling), naming the call. The message "
            "names both shapes and the likely fix: `input_shape=X.shape[1:]` when "
            "`input_shape` is the data's full shape (sample axis included), the order of "
            "timesteps and features for an LSTM, a channel axis (`X[..., None]`, "
            "`np.expand_dims(X, -1)`) for images without one. An `input_shape` equal to the "
            "data's full shape, sample count included (`input_shape=X.shape`), is SHP108 on "
            "the line that declares it (the input shape holds the batch Keras adds itself), "
            "and not SHP202: with the data in view the failure is certain, not a guess from "
            "the numbers. One sample given to "
            "`predict()` without its batch axis (a `(60, 80, 3)` frame for a `(None, 60, 80, "
            "3)` input, a `(10,)` state for a `(None, 1, 10)` input) is reported on the call, "
            "whose fix is `x[None]`, unless the file trains the model on data its input "
            "contradicts; an image read by `load_img` with another `color_mode` than the "
            "channels of a model trained on data of its input shape is reported on the "
            "`load_img` call, and a PIL image of a known mode with other bands than the "
            "model's channels (an RGBA PNG for an RGB model) on the last PIL call that made "
            "it, where `.convert('RGB')` (or `'L'`) goes, unless the file trains the model on "
            "data its input contradicts. A PIL picture of a known mode written into a slot of "
            "a preallocated batch (`data[0] = np.asarray(image)`) whose height and width it "
            "has but whose bands numpy cannot broadcast into the slot's channels (a grayscale "
            "`(224, 224)` picture for `(224, 224, 3)`: ValueError) is reported on the call "
            "that set the picture's mode, where `.convert('RGB')` goes, naming the write. "
            "Data with axes of size 1 too many after its batch "
            "axis, the rest the model's sample (`(1, 1, 224, 224, 3)` from a second "
            "`np.expand_dims` for `(None, 224, 224, 3)`), is reported on the line that made "
            "the array with that shape; so are images whose channel axis is not where the "
            "model's own image layers read it (`(N, 3, 32, 32)` tiles for a channels-last "
            "`Input((32, 32, 3))`: declaring `(3, 32, 32)` would break the model), and data "
            "sized by a number written by hand where the model's input reads a name that "
            "line can use (`np.random.rand(100, 7)` for `Input((N_SENSORS,))`). "
            "torch: a layer fault "
            "whose fix is the batch a script feeds the model (channels-last images, clips "
            "frames-first, images without a channel axis, axes of size one before an RNN or "
            "a `BatchNorm1d`) is reported under this code where that batch is bound, naming "
            "the layer where it shows. For `BatchNorm1d(C)` given `(N, L, C)` the code says "
            "which side is wrong: an axis of one that the fed batch carries through "
            "row-keeping layers (`Linear`, activations, `Dropout`) is this code on the batch "
            "(the model is written for `(N, C)` rows; `.squeeze(1)`); `L > 1` positions are "
            "SHP106 on the norm's constructor. One batch the script builds and gives to "
            "several models whose first layers all reject its channels alike (a teacher and "
            "a student both written for RGB, given grayscale images) is reported under this "
            "code where the batch is built, naming each constructor: the models agree, and "
            "the batch is the one change that fixes every call.",
        example="import numpy as np\nfrom keras import Sequential, layers\n\n"
                "X = np.random.rand(200, 10, 3)\ny = np.random.rand(200)\n"
                "model = Sequential([layers.LSTM(4, input_shape=(3, 10)), layers.Dense(1)])\n"
                "model.compile(optimizer='adam', loss='mse')\n"
                "model.fit(X, y, epochs=1, verbose=0)\n",
        use_instead="import numpy as np\nfrom keras import Sequential, layers\n\n"
                    "X = np.random.rand(200, 10, 3)\ny = np.random.rand(200)\n"
                    "model = Sequential([layers.LSTM(4, input_shape=X.shape[1:]), "
                    "layers.Dense(1)])\n"
                    "model.compile(optimizer='adam', loss='mse')\n"
                    "model.fit(X, y, epochs=1, verbose=0)\n",
        known_problems="Silent when any part is uncertain: data whose shape the file does not "
                       "show (files, generators, `tf.data`), a model whose layers are not "
                       "all known, calls under an undecided condition."),
    "SHP205": RuleDoc(
        what="Reports a compiled loss that does not suit the output layer: `binary_crossentropy` "
             "on a softmax over three or more classes, and a categorical cross-entropy "
             "(sparse or not) on a single output unit.",
        why="Both run. Binary cross-entropy on a softmax scores each class as an independent "
            "yes/no, so the loss and the accuracy Keras reports are not those of the K-class "
            "problem; categorical cross-entropy normalises a single output to 1 and its loss is "
            "always 0. Binary cross-entropy on a multi-label sigmoid output is correct and not "
            "reported, nor is it on a softmax over two units (where it equals the categorical "
            "loss).",
        example="from keras import Sequential, Input, layers\n\n"
                "model = Sequential([Input((12,)), layers.Dense(5, activation='softmax')])\n"
                "model.compile(optimizer='adam', loss='binary_crossentropy')\n",
        use_instead="from keras import Sequential, Input, layers\n\n"
                    "model = Sequential([Input((12,)), layers.Dense(5, activation='softmax')])\n"
                    "model.compile(optimizer='adam', loss='categorical_crossentropy')\n",
        known_problems="Only the model's own last layer is read; a loss function the analysis "
                       "cannot name is not judged."),
}
