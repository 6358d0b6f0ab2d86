"""Where a Keras rank mismatch is reported (issue 16): on the statement that gave the tensor
the rank the layer rejects, when that statement's own arguments made it, with the rejecting
layer kept as the place where the mismatch shows (data["seen_at_line"], SARIF's
relatedLocation).

From the layer that rejects its input (SHP103, a fixed ndim), the tensor is followed upstream
through the layers that pass its rank on without wanting one of their own: those whose output
has their input's shape (Dropout, Activation, BatchNormalization, ...), and Embedding, whose
output is its ids' layout plus one axis. The first other producer decides:
- keras.Input(shape=...), an input_shape= on a Sequential's first layer, Sequential.build():
  the shape tuple written there sets the rank; when that tuple was read from a data array
  (`x_train.shape[1:]`), the line that built the array sets it (ArrayValue.built_at);
- Reshape(target_shape): its target sets the rank;
- Flatten / a global pooling given the rank the layer needs: it drops the axes the layer needs
  (a Flatten indented into a loop feeds the next pass's Conv2D: it sits below the layer it
  breaks); a Flatten given more axes whose output reaches the layer unchanged was meant as a
  Reshape keeping the layer's axes (keras_flatten_steps); one given fewer, or followed by a
  Dense that makes its own features, is not the fault alone (taking it away fixes nothing);
- an RNN with return_sequences=False: it returns only the last step, one axis short.
Any other producer (a Conv2D before an LSTM, a Dense, a merge) wants or makes its rank for
reasons of its own: the two layers disagree, the fix goes between them, at the rejecting layer,
and the finding stays there. So does one whose producer is in another file or on its line."""
from __future__ import annotations

from ..domain.codes import SHP102, SHP103, SHP104, SHP107, SHP108, SHP109, SHP111, Diagnostic
from ..domain.dims import is_known

_RNNS = ("LSTM", "GRU", "SimpleRNN", "RNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")


def at_producer(graph, node, diagnostic: Diagnostic) -> Diagnostic:
    """The rank fault of node placed on the line that set the rank it rejects (see above)."""
    if diagnostic.code is SHP104:  # an axis size, not a rank: keras_sizes traces it
        from .keras_sizes import at_valid_conv
        return at_valid_conv(graph, node, diagnostic)
    if diagnostic.code is SHP109 and "declared" in (diagnostic.data or {}):
        # one model's output refused by another model's declared input
        from ..frameworks.keras_model_into_model import at_producing_layer
        return at_producing_layer(node, diagnostic) or diagnostic
    if diagnostic.code is SHP102:  # a map shrunk away by Keras 1 kernels read as strides
        from .keras_positional_strides import at_positional_strides
        return at_positional_strides(graph, node, diagnostic)
    if diagnostic.code is SHP107:  # a merge the input size does not fit: keras_input_sizes
        from .keras_input_sizes import at_input_size
        placed = at_input_size(graph, node, diagnostic)
        if placed is not diagnostic:
            return placed
        from .keras_branch_channels import at_channel_layer  # a shortcut's channels
        return at_channel_layer(graph, node, diagnostic, _applied_at(node)) or diagnostic
    if diagnostic.code in (SHP103, SHP108):  # per-frame layers on a clip: keras_frames
        from .keras_frames import per_frame
        framed = per_frame(graph, node, diagnostic)
        if framed is not None:
            return framed
    rule = getattr(node.layer, "rule", None)
    need = getattr(rule, "ndim", None)
    if diagnostic.code is not SHP103 or need is None or len(node.inputs) != 1 or \
            not node.input_shapes or not node.input_shapes[0].known_rank:
        return diagnostic
    found = _producer(graph, node, node.inputs[0], need)
    if found is None:
        return diagnostic
    path, line, col, sentence = found
    shows = _applied_at(node)
    if path != node.path or not line or int(line) in (int(node.line), int(shows[1])):
        return diagnostic
    got = node.input_shapes[0]
    message = (f"{node.type_name} at line {shows[1]} expects a rank-{need} input "
               f"(ndim={need}) but receives {got}, of rank {got.rank}; {sentence}")
    data = {**diagnostic.data, "seen_at_line": int(shows[1]), "seen_at_col": int(shows[2])}
    return Diagnostic(diagnostic.code, line, col, message, data, diagnostic.path)


def _producer(graph, node, p, need):
    """(path, line, col, sentence) of the statement that set the rank node receives."""
    embeddings, dense = 0, None
    while p is not None:
        if p.is_input:
            found = _input_place(graph, p, node, need, embeddings)
            if found is not None and dense is not None:
                found = (*found[:3], found[3] + (
                    f"; the Dense layers up to line {dense.line} keep the rank they are given "
                    f"(or add the missing axis just before the {node.type_name})"))
            return found
        if _passes_rank_on(p):
            embeddings += p.type_name == "Embedding"
            dense = dense or (p if p.type_name == "Dense" else None)  # the nearest
            p = p.inputs[0]
            continue
        return _layer_place(p, node, need, unchanged=dense is None and not embeddings)
    return None


def _applied_at(n) -> tuple:
    """(path, line, col) of the call that applied a layer, else of its constructor (the same
    line in a Sequential list or an inline `Flatten()(x)`)."""
    at = n.__dict__.get("call_at")
    if at and at[0] == n.path and at[1]:
        return at
    return n.path, n.line, n.col


def _passes_rank_on(p) -> bool:
    rule = getattr(p.layer, "rule", None)
    if rule is None or rule.ndim is not None or len(p.inputs) != 1 or not p.input_shapes or \
            p.fault is not None:
        return False
    x, y = p.input_shapes[0], p.output_shape
    if not (x.known_rank and y.known_rank):
        return False
    if p.type_name == "Embedding":
        return y.rank == x.rank + 1
    if p.type_name == "Dense":  # acts on the last axis: wants no rank, keeps its input's
        return y.rank == x.rank
    return not ({"dense", "flattens"} & set(rule.tags)) and x.dims == y.dims


def _layer_place(p, node, need, unchanged=False):
    """A layer whose type or arguments set the rank of what it returns; `unchanged`: its
    output reaches node through layers that keep the shape."""
    out = p.output_shape
    if not out.known_rank or p.fault is not None:
        return None
    arguments = getattr(p.layer, "arguments", None) or {}
    at = f"the {p.type_name} on this line"
    if p.type_name == "Reshape":
        target = arguments.get("target_shape")
        hint = ""
        if isinstance(target, (tuple, list)) and need == out.rank + 1:
            hint = (f": to give it a last axis of size 1 ({_last_axis(node)}), "
                    f"Reshape({tuple(target) + (1,)})")
        return p.path, p.line, p.col, (
            f"Reshape({_tuple(target)}) on this line sets that rank (a target of "
            f"{_axes(out.rank - 1)} after the batch axis; the {node.type_name} needs "
            f"{need - 1}){hint}")
    if "flattens" in set(getattr(p.layer.rule, "tags", ())) and out.rank == 2 and need > 2 \
            and _given_rank(p) == need:
        # only a Flatten whose own input has the rank the layer needs is the misplaced one: on
        # a (None, 1, 1, 32) pooled map, taking it away leaves rank 4 for an LSTM that needs 3,
        # and the fix (a Reshape) goes at the layer that rejects its input, where it stays
        # its application is what is misplaced: the line that applies it is the one to move
        path, line, col = _applied_at(p)
        sentence = (f"the {p.type_name} applied on this line makes it rank 2, dropping the "
                    f"axes the {node.type_name} needs")
        before = _applied_at(node)
        if path == before[0] and int(line) > int(before[1]):
            sentence += (f"; it runs before the {node.type_name} at line {before[1]}, which "
                         f"comes earlier in the file: a loop feeds it back, so it belongs "
                         f"after the loop")
        else:
            sentence += "; move it after the last layer that needs them"
        return path, line, col, sentence
    if "flattens" in set(getattr(p.layer.rule, "tags", ())) and out.rank == 2 and need > 2 \
            and unchanged:
        from .keras_flatten_steps import replaced_by_reshape
        sentence = replaced_by_reshape(p, node, need)
        if sentence is not None:
            return (*_applied_at(p), sentence)
    if p.type_name in _RNNS and arguments.get("return_sequences") is False and \
            out.rank + 1 == need:
        return p.path, p.line, p.col, (
            f"{at} returns only its last step (rank {out.rank}); set return_sequences=True "
            f"to pass the whole sequence on")
    return None


def _given_rank(p):
    """The rank of what a layer receives, or None."""
    given = p.input_shapes[0] if len(p.input_shapes) == 1 else None
    return given.rank if given is not None and given.known_rank else None


def _input_place(graph, p, node, need, embeddings):
    """Where the model's input shape is written, or the data line it was read from."""
    origin = getattr(p, "input_origin", None)  # the keras.Input a Sequential starts with
    if graph.show_inputs:
        origin = p
    written, shape_from, what = None, None, ""
    if origin is not None:
        written, shape_from = origin, getattr(origin, "shape_from", None)
        what = "the input shape given"
    else:
        first = next((n for n in graph.nodes if p in n.inputs), None)
        declared = getattr(getattr(first, "layer", None), "declared", None)
        if first is None or not isinstance(declared, (tuple, list)) or \
                len(declared) + 1 != p.output_shape.rank or any(
                    is_known(a) and a != b for a, b in zip(declared, p.output_shape.dims[1:])):
            return None  # (an input shape given from outside, not written on that layer)
        written, shape_from = first, getattr(declared, "built_at", None)
        what = f"input_shape={_tuple(declared)}"
    rank = p.output_shape.rank
    want = need - embeddings  # the rank the input needs for node to get its own
    if shape_from is not None and shape_from[0] == node.path and shape_from[1]:
        return (*shape_from[:3], _data_sentence(what, written, rank, want, embeddings))
    dims = tuple(d if is_known(d) else None for d in p.output_shape.dims[1:])
    sentence = (f"{what} on this line makes the model's input rank {rank} "
                f"(batch included){_through(embeddings)}; it needs rank {want}")
    if 0 < want - 1 < len(dims):
        sentence += f", e.g. shape={dims[:want - 1]}"
    elif want == rank + 1 and _image(node):
        sentence += f": for single-channel images, shape={dims + (1,)}"
    return written.path, written.line, written.col, sentence


def _data_sentence(what, written, rank, want, embeddings):
    return (f"{what} at line {written.line} is read from the data array built on this line, "
            f"so the model's input is rank {rank} (batch included){_through(embeddings)}; "
            f"it needs rank {want}: give the data "
            + ("one more axis (reshape it, or x[..., None] for one feature per step)"
               if want == rank + 1 else f"{want} axes, samples first"))


def _through(embeddings) -> str:
    return "" if not embeddings else " and the Embedding adds an axis" if embeddings == 1 \
        else f" and {embeddings} Embeddings add an axis each"


def _axes(n: int) -> str:
    return "1 axis" if n == 1 else f"{n} axes"


def _last_axis(node) -> str:
    """What a trailing axis of 1 means to the layer that needs it."""
    if _image(node) and "1D" not in node.type_name:
        return "one channel"
    return "one feature per step"


def _image(node) -> bool:
    return any(w in node.type_name for w in ("Conv", "Pool", "ZeroPadding", "UpSampling",
                                             "Cropping"))


def _tuple(value) -> str:
    return str(tuple(value)) if isinstance(value, (tuple, list)) else str(value)


# -- data without its batch axis ---------------------------------------------------------------

_PREDICTS = ("predict", "predict_on_batch")


def one_sample(graph, input_node, use, x_name: str, array, trained=()) -> Diagnostic | None:
    """SHP109 for data that is one sample of the model's input, its batch axis missing:
    (60, 80, 3) given to predict() of a model whose input is (None, 60, 80, 3): Keras reads the
    first axis as the batch and raises. Reported on the call, which the fix changes (x[None]),
    naming the statement that made the sample, where the axis can go as well, when the call
    predicts (a single frame, a single row) and the model's input shape was not
    read from this very array: a model built with input_shape=X.shape is the other mistake
    (the sample axis inside the model's input), which edges.py reports on the model. fit() and
    evaluate() are given a data set, whose first axis is its samples: not this either. A
    sample may also lack leading axes of one the model declares (a window of one step,
    (None, 1, 10) for a (10,) state). `trained` holds the arrays the file fits or evaluates
    the model on: if one of them contradicts the model's input, the model may be what is
    wrong, and this says nothing."""
    ref = input_node.output_shape
    if use.method not in _PREDICTS or not ref.known_rank or not array.shape.known_rank:
        return None
    data, model = tuple(array.dims), tuple(ref.dims)
    ones = len(model) - 1 - len(data)
    if ones < 0 or not data or not _one_of(data, model[1:], (1,) * ones, array) or \
            any(contradicts(a, model) for a in trained):
        return None
    written = written_from(graph, input_node)
    if written is not None and written == array.built_at:
        return None
    shown = tuple(d if is_known(d) else None for d in model)
    if ones:
        missing = "batch and window axes" if ones == 1 else "batch and leading axes"
        index = ", ".join(["None"] * (ones + 1))
        fix = (f"x.reshape({', '.join(str(d) for d in (1,) * (ones + 1) + data)}) "
               f"(x[{index}]), a batch of one")
    else:
        missing, fix = "batch axis", "x[None] (np.expand_dims(x, 0)), a batch of one"
    given = tuple(d if is_known(d) else None for d in data)
    first = f" ({data[0]})" if is_known(data[0]) else ""
    message = (f"{x_name} given to model.{use.method}() on this line is one sample of shape "
               f"{given} without its {missing}; the model's input is {shown}, so Keras reads "
               f"the first axis{first} as the batch and raises ValueError. Add the "
               f"{'missing axes' if ones else 'batch axis'}: {fix}")
    data = {"data_shape": list(given), "model_input": list(shown), "method": use.method,
            "missing": missing}
    from .data_places import place_of
    made = place_of(array.built_at)
    if made is not None and made[0] == use.path and made[1] != int(use.line):
        # the other place the axis can go: the statement that made the sample (the data side
        # either way; SARIF's relatedLocation, as for a finding kept on the model)
        message += (f". The sample is made at line {made[1]}: giving it the "
                    f"{'missing axes' if ones else 'batch axis'} there is the other place to "
                    f"fix")
        data.update(data_at_line=made[1], data_at_col=made[2])
    found = Diagnostic(SHP109, use.line, use.col, message, data, use.path)
    from .keras_indexed_sample import indexed_sample  # taken from a batch by an index
    return indexed_sample(found, use, array) or found


def _one_of(data: tuple, sample: tuple, ones: tuple, array) -> bool:
    """data is the model's sample, given leading axes of one aside: every size known and
    equal, or for one image file (load_img, whose size without target_size the file does not
    show) every known size equal and the channels known and equal."""
    if all(is_known(d) for d in data):
        return sample == ones + data
    return hasattr(array.origin, "color_mode") and not ones and is_known(data[-1]) and \
        data[-1] == sample[-1] and all(not (is_known(a) and is_known(b)) or a == b
                                       for a, b in zip(data, sample))


def contradicts(array, model: tuple) -> bool:
    """Training data whose samples certainly differ from the model's input (None, ...)."""
    if not getattr(array, "shape", None) or not array.shape.known_rank:
        return False
    dims = tuple(array.dims)
    return len(dims) != len(model) or any(
        is_known(a) and is_known(b) and a != b for a, b in zip(dims[1:], model[1:]))


_MODES = {1: "grayscale", 3: "rgb", 4: "rgba"}  # keras.utils.load_img's color_mode by channels


def image_mode(use, x_name: str, array, ref, trained) -> Diagnostic | None:
    """SHP109 for an image read by keras.utils.load_img with another channel count than the
    model's input: (1, 64, 64, 1) from color_mode="grayscale" for an input of (None, 64, 64, 3).
    Placed on the load_img call, whose color_mode the fix changes, when the file trains or
    evaluates the model on data of its input's shape (the model is right); None otherwise, and
    edges.py keeps the finding on the model's input, naming the data (either side is a fix)."""
    origin = array.origin
    at, mode = getattr(origin, "at", None), getattr(origin, "color_mode", "")
    if at is None or not at[1] or at[0] != use.path or not ref.known_rank or \
            not array.shape.known_rank:
        return None
    data, model = tuple(array.dims), tuple(ref.dims)
    wanted = _MODES.get(model[-1]) if is_known(model[-1]) else None
    if len(data) != len(model) or wanted is None or data[-1] == model[-1] or \
            _MODES.get(data[-1]) != mode or any(
                is_known(a) and is_known(b) and a != b for a, b in zip(data[1:-1], model[1:-1])):
        return None
    fitted = [a for a in trained if getattr(a, "shape", None) and a.shape.known_rank]
    if not fitted or any(contradicts(a, model) for a in trained):
        return None
    shown = tuple(d if is_known(d) else None for d in model)
    given = tuple(d if is_known(d) else None for d in data)
    trained_on = tuple(d if is_known(d) else None for d in fitted[0].dims)
    message = (f"The image loaded on this line with color_mode={mode!r} has {data[-1]} "
               f"channel{'s' if data[-1] > 1 else ''}: {x_name} given to model.{use.method}() "
               f"at line {use.line} is {given}, but the model's input is {shown}, as the data "
               f"it is trained on, {trained_on}; Keras raises ValueError. Load it with "
               f"color_mode={wanted!r}")
    data = {"data_shape": list(given), "model_input": list(shown), "method": use.method,
            "seen_at_line": int(use.line), "seen_at_col": int(use.col)}
    return Diagnostic(SHP109, at[1], at[2], message, data, use.path)


def written_from(graph, p):
    """The place of the data array a model's input shape was read from, if it was."""
    origin = p if graph.show_inputs else getattr(p, "input_origin", None)
    if origin is not None:
        return getattr(origin, "shape_from", None)
    first = next((n for n in graph.nodes if p in n.inputs), None)
    return getattr(getattr(getattr(first, "layer", None), "declared", None), "built_at", None)


# -- integer labels under a categorical loss ----------------------------------------------------

def at_labels(use, y, code, message: str, data: dict) -> Diagnostic | None:
    """SHP111 for integer class ids under categorical_crossentropy is fixed on either side, the
    loss (sparse_categorical_crossentropy, at compile) or the labels (to_categorical): edges.py
    keeps the model's side, the compile line. When the file imports to_categorical and never
    applies it, the file itself says which side its author meant: the finding goes to the line
    that built the labels, naming the fit() call where they meet the model and the compile line
    as the other fix. None to leave it where edges.py puts it."""
    built = getattr(y, "built_at", None)
    if code is not SHP111 or not getattr(use, "one_hot_planned", False) or \
            getattr(getattr(use, "loss", None), "kind", None) != "categorical" or \
            built is None or built[0] != use.path or not built[1] or \
            int(built[1]) == int(use.line):
        return None
    other = f" (or the loss at line {use.compile_line})" if use.compile_line else ""
    # labels written into after they were built (`y_train[40:] = 2`) are complete only after
    # the last write: the conversion goes there
    written = getattr(y, "written_at", None)
    if written is not None and written[0] == use.path and \
            int(built[1]) < int(written[1]) < int(use.line):
        message += (f". This file imports to_categorical but never applies it: the labels "
                    f"built at line {built[1]} and last written on this line were meant "
                    f"one-hot; convert them after it{other}")
        built = written
    else:
        message += (f". This file imports to_categorical but never applies it: the labels "
                    f"built on this line were meant one-hot; convert them here{other}")
    data = {**data, "seen_at_line": int(use.line), "seen_at_col": int(use.col)}
    if use.compile_line:
        data["compile_line"] = int(use.compile_line)
    return Diagnostic(code, built[1], built[2], message, data, use.path)


# -- samples of one value into a model that declares no input shape ------------------------------

def scalar_samples(use, x_name: str, array, fault) -> Diagnostic | None:
    """SHP103 for a 1-D array, one value per sample, given to a model that declares no input
    shape: Keras builds it from the batch, (batch,), and its first Dense refuses rank 1
    (min_ndim=2). The model's side is the fix the first layer takes, input_shape=(1,) (Keras
    then adds the trailing axis to the data itself), so the finding sits on that layer, seen at
    the call; the data's side, X[:, None], is named where it was made. None when the data is not
    one value per sample, or the fault is not at a first Dense (an LSTM or a convolution first
    needs more than one feature axis: input_shape=(1,) would not fix it)."""
    if fault is None or fault.type_name != "Dense" or not array.shape.known_rank or \
            len(array.dims) != 1 or not fault.inputs or not fault.line or \
            fault.path != use.path or \
            not all(getattr(i, "is_input", False) for i in fault.inputs):
        return None
    n = array.dims[0]
    shown = (n if is_known(n) else None,)
    message = (f"{fault.type_name} at line {fault.line} is the first layer of a model without "
               f"an input shape, so Keras builds the model from the data {x_name} given to "
               f"model.{use.method}() at line {use.line}: a 1-D array of shape {shown}, one value "
               f"per sample, makes the input (None,), of rank 1, and {fault.fault.message}. "
               f"Declare one feature per sample on this layer, input_shape=(1,) (or "
               f"keras.Input((1,)) first), or give the data a feature axis, X[:, None]")
    data = {"data_shape": list(shown), "model_input": None, "method": use.method,
            "seen_at_line": int(use.line), "seen_at_col": int(use.col)}
    return Diagnostic(SHP103, fault.line, fault.col, message, data, use.path)
