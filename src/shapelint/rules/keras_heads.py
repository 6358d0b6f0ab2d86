"""Labels against a Keras head that keeps an axis the labels do not have: a Dense acts on the
last axis only, so after an LSTM(return_sequences=True), a Conv1D, an Embedding or a 1-D pooling
it predicts one row per timestep, (None, T, k), while per-sample labels are (N,) or (N, m).

What Keras 3 does then depends on the loss (keras/src/losses/loss.py squeeze_or_expand_to_same_
rank, then keras/src/backend/torch/nn.py): the cross-entropies require the labels' shape and
raise ValueError (SHP110); MSE / MAE broadcast the labels over the timesteps and train without a
word (SHP206). Each finding sits on the line the fix changes: the LSTM whose return_sequences=
True keeps the time axis, the 1-D pooling a global pooling replaces, else the Dense that needs a
Flatten or a global pooling before it.

The reverse, labels of one row per step against a recurrent layer that keeps only its last
step (last_step_head under the cross-entropies, last_step_broadcast for one target per step
under MSE / MAE: both on that layer), and the Keras 3 broadcast of a one-column target against
a wider output under MSE / MAE."""
from __future__ import annotations

from ..domain.codes import SHP110, SHP206
from ..domain.dims import Unknown, is_known

BATCH = Unknown("batch")
# Said after the node of a finding whose labels are an honest fix as well: edges.py names the
# line that made them (data["data_at_line"]).
LABELS_TOO = "labels too"
# Layers that pass the time axis through unchanged, walked past to the layer that made it.
_SAME_WIDTH = ("Activation", "Dropout", "Softmax", "ReLU", "LeakyReLU", "ELU", "PReLU",
               "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization")
_KEEPS_AXES = _SAME_WIDTH + ("BatchNormalization", "LayerNormalization", "SpatialDropout1D",
                             "Dense", "TimeDistributed", "Masking")
_RNNS = ("LSTM", "GRU", "SimpleRNN", "RNN", "CuDNNLSTM", "CuDNNGRU")
_POOLS_1D = {"MaxPooling1D": "GlobalMaxPooling1D", "MaxPool1D": "GlobalMaxPooling1D",
             "AveragePooling1D": "GlobalAveragePooling1D",
             "AvgPool1D": "GlobalAveragePooling1D"}


def squeeze_or_expand(y: tuple, out: tuple):
    """keras/src/losses/loss.py squeeze_or_expand_to_same_rank(y_true, y_pred)."""
    if len(y) == len(out) + 1 and y[-1] == 1:
        return (y, out + (1,)) if len(out) == 1 else (y[:-1], out)
    if len(out) == len(y) + 1 and out[-1] == 1:
        return (y + (1,), out) if len(y) == 1 else (y, out[:-1])
    return y, out


def differ(y: tuple, out: tuple) -> bool:
    """Certainly different shapes past the batch axis (a rank difference is certain)."""
    if len(y) != len(out):
        return True
    return any(is_known(a) and is_known(b) and a != b for a, b in zip(y[1:], out[1:]))


def _broadcasts_for_any_batch(y: tuple, out: tuple) -> bool:
    """numpy broadcasting of y against out holds whatever the batch size: every aligned pair is
    equal or has a 1, and the batch axis meets only the batch axis or a 1."""
    for i in range(1, max(len(y), len(out)) + 1):
        a = y[-i] if i <= len(y) else 1
        b = out[-i] if i <= len(out) else 1
        a_batch, b_batch = i == len(y), i == len(out)
        if a == 1 or b == 1 or a_batch and b_batch:
            continue
        if a_batch or b_batch or not (is_known(a) and is_known(b)) or a != b:
            return False
    return True


def _show(dims) -> tuple:
    return tuple(d if is_known(d) else None for d in dims)


def _head(graph):
    """The Dense (or TimeDistributed) that sets the output, past width-keeping layers."""
    node = graph.outputs[0] if len(graph.outputs) == 1 else None
    while node is not None and node.type_name in _SAME_WIDTH and len(node.inputs) == 1:
        node = node.inputs[0]
    if node is None or node.type_name not in ("Dense", "TimeDistributed") or \
            not node.input_shapes or not node.input_shapes[0].known_rank:
        return None
    return node


def _returns_sequences(node) -> bool:
    arguments = getattr(node.layer, "arguments", None) or {}
    if node.type_name == "Bidirectional":
        inner = arguments.get("layer")
        arguments = getattr(inner, "arguments", None) or {}
    return arguments.get("return_sequences") is True


def _fix_at(head):
    """(node whose line the fix changes, the fix in words)."""
    node = head.inputs[0] if len(head.inputs) == 1 else None
    while node is not None and node.type_name in _KEEPS_AXES and len(node.inputs) == 1:
        node = node.inputs[0]
    rank = head.input_shapes[0].rank
    if node is not None and (node.type_name in _RNNS or node.type_name == "Bidirectional") \
            and _returns_sequences(node):
        plain = " and a plain Dense for the TimeDistributed" if \
            head.type_name == "TimeDistributed" else ""
        return node, (f"set return_sequences=False on the {node.type_name} at line "
                      f"{node.line} to keep only its last step{plain}, one row per sample")
    if node is not None and node.type_name in _POOLS_1D:
        pool = _POOLS_1D[node.type_name]
        return node, (f"replace the {node.type_name} at line {node.line} with {pool}() (or "
                      f"add Flatten() before the {head.type_name}), one row per sample")
    if node is not None and node.type_name.startswith("Global") and \
            (getattr(node.layer, "arguments", None) or {}).get("keepdims") is True:
        # the pooling already averaged the map away and keepdims=True put the unit axes back
        return node, (f"drop keepdims=True from the {node.type_name} at line {node.line} "
                      f"(it keeps the pooled axes as axes of 1), one row per sample")
    pool = "GlobalAveragePooling%dD" % (rank - 2) if 3 <= rank <= 5 else None
    add = "add Flatten()" + (f" or {pool}()" if pool else "")
    first = _first_per_step(head)
    if node is not None and not node.is_input and node.type_name not in _KEEPS_AXES and \
            node.path == head.path and node.line and int(node.line) < int(first.line):
        # the layer that made the kept axis: the Flatten goes right after it, before the
        # first layer that acts per step (a Dense chain scores each step through)
        return node, (f"{add} after the {node.type_name} at line {node.line} (before the "
                      f"{first.type_name} at line {first.line}), one row per sample")
    if node is not None and node.is_input and first is not head and first.path == head.path \
            and first.line:
        # the input itself has the kept axes (Input((28, 28)) into Dense layers): the Flatten
        # goes on the input, before the first layer that acts per step
        return first, (f"{add} on the input, before the {first.type_name} at line "
                       f"{first.line} (from there to the {head.type_name} at line {head.line} "
                       f"each layer acts on the last axis only), one row per sample")
    return head, f"{add} before the {head.type_name} at line {head.line}, one row per sample"


def _first_per_step(head):
    """The first of the axis-keeping layers that lead to head: where a Flatten would go."""
    node = head
    while len(node.inputs) == 1 and node.inputs[0].type_name in _KEEPS_AXES and \
            not node.inputs[0].is_input:
        node = node.inputs[0]
    return node


def sequence_head(graph, loss, y_dims: tuple, out_dims: tuple, head_text: str):
    """(code, message, data, node to place it on) for per-sample labels against an output
    that kept a time (or spatial) axis; None when this is not that, or not certain."""
    if len(out_dims) < 3 or len(y_dims) >= len(out_dims) or not is_known(out_dims[-1]):
        return None
    head = _head(graph)
    if head is None or head.input_shapes[0].rank != len(out_dims):
        return None
    y2, out2 = squeeze_or_expand(y_dims, out_dims)
    if loss.kind == "sparse":
        if len(y2) == len(out2) and y2[-1] == 1:
            y2 = y2[:-1]
        raises = differ(y2, out2[:-1])
    elif loss.kind in ("categorical", "binary"):
        raises = differ(y2, out2)
    else:
        raises = None
    silent = loss.kind == "elementwise" and differ(y2, out2) and \
        _broadcasts_for_any_batch(y2, out2)
    if not raises and not silent:
        return None
    node, fix = _fix_at(head)
    given = head.input_shapes[0]
    why = (f"the {head.type_name} at line {head.line} acts on the last axis of the "
           f"rank-{given.rank} tensor {_show(given.dims)} it receives, so the output is "
           f"{_show(out_dims)}: one prediction per step, not one per sample")
    data = {"fix_line": node.line, "head_line": head.line}
    if raises:
        return SHP110, (f"{head_text}: {why}; {loss.spelling} needs labels of the output's "
                        f"shape and Keras raises ValueError. To predict per sample, {fix}"), \
            data, node
    if len(y2) == len(out2):
        how = "each sample's target is repeated over the steps"
    else:  # the batch axis of the labels meets the steps' last axis: every pair is compared
        how = "every prediction is compared with the target of every sample in the batch"
    return SHP206, (f"{head_text}: {why}; Keras 3's {loss.spelling} broadcasts the labels "
                    f"{_show(y2)} against the predictions {_show(out2)} and trains without an "
                    f"error: {how}. To predict per sample, {fix}"), data, node


def one_column_broadcast(loss, y_dims: tuple, out_dims: tuple, units, head_text: str):
    """MSE / MAE with one column on one side and k > 1 on the other, of the same rank once Keras
    has squeezed a trailing 1 (labels (N, k, 1) become (N, k)), every axis between the batch and
    the last one known and equal on both sides (a per-step head, (None, T, k) against (N, T, 1)):
    Keras 3 broadcasts the one column over the k without a word. (SHP206 message, data) or None.
    Labels of shape (N,) against (N, k) are not this: there the batch axis meets k and Keras
    raises unless the batch happens to be k."""
    if loss.kind != "elementwise" or len(out_dims) < 2 or len(y_dims) != len(out_dims) or \
            not is_known(units) or not is_known(y_dims[-1]):
        return None
    between = list(zip(y_dims[1:-1], out_dims[1:-1]))
    if not all(is_known(a) and a == b for a, b in between):
        return None  # another axis differs or is unknown: not this broadcast, or not certain
    shapes = f"(the loss sees {_show(y_dims)} against {_show(out_dims)})"
    per = " at each step" if between else ""
    if y_dims[-1] == 1 and units > 1:
        return (f"{head_text}: Keras 3's {loss.spelling} broadcasts the one target column"
                f"{per} over the {units} outputs {shapes} and trains without an error: every "
                f"unit is fitted to the same value. Give labels with {units} columns, or make "
                f"the last layer {_one_unit(between)}"), {"units": units}
    if units == 1 and y_dims[-1] > 1:
        width = y_dims[-1]
        return (f"{head_text}: Keras 3's {loss.spelling} broadcasts the one output{per} over "
                f"the {width} target columns {shapes} and trains without an error: the model "
                f"learns one value for all {width}. Make the last layer "
                f"Dense({width})"), {"units": units, "label_width": width}
    return None


def _one_unit(between) -> str:
    return "Dense(1)" if not between else "1 unit wide, one value per step"


def last_step_head(graph, loss, y_dims: tuple, out_dims: tuple, head_text: str):
    """(code, message, data, node to place it on) for labels of one row per step, (N, T, k),
    against a model whose recurrent layer keeps only its last step, (None, k): the reverse of
    sequence_head. Only under the cross-entropies that require the labels' shape (Keras raises
    ValueError whatever the batch); MSE's broadcasting of (N, T, k) against (N, k) depends on
    the batch size, so it is not judged. The finding sits on the recurrent layer whose
    return_sequences=True the fix sets (the head, whose width the labels match, scores every
    step then); labels of one row per sample are the other side, named by edges.py."""
    if loss.kind not in ("categorical", "binary") or len(out_dims) != 2 or \
            len(y_dims) != 3 or not is_known(out_dims[-1]) or y_dims[-1] != out_dims[-1]:
        return None
    y2, out2 = squeeze_or_expand(y_dims, out_dims)
    head = _head(graph)
    found = _last_step(head, y_dims) if differ(y2, out2) else None
    if found is None:
        return None
    node, steps = found
    units = out_dims[-1]
    why = (f"the {node.type_name} at line {node.line} returns only its last step "
           f"(return_sequences is not set), so the model gives one row per sample, "
           f"{_show(out_dims)}, where the labels have one row of {units} for each of the "
           f"{steps} steps; {loss.spelling} needs labels of the output's shape and Keras "
           f"raises ValueError")
    fix = (f"To predict per step, set return_sequences=True on the {_recurrent(node)} at "
           f"line {node.line} (the {head.type_name} at line {head.line} then scores every step, "
           f"(None, {steps}, {units})); for one label per sample, give labels of shape "
           f"(N, {units})")
    return SHP110, f"{head_text}: {why}. {fix}", \
        {"fix_line": node.line, "head_line": head.line, "steps": steps}, node, LABELS_TOO


def _last_step(head, y_dims: tuple):
    """(recurrent layer, its steps) when head scores only the last step of a recurrent layer
    whose steps are the labels' middle axis, (N, T, ...); else None."""
    if head is None or len(head.inputs) != 1 or len(y_dims) != 3:
        return None
    node = head.inputs[0]
    while node.type_name in _KEEPS_AXES and len(node.inputs) == 1 and \
            node.output_shape.rank == 2:  # past a Dense chain on the last state
        node = node.inputs[0]
    if node.type_name not in _RNNS + ("Bidirectional",) or _returns_sequences(node) or \
            not node.input_shapes or node.input_shapes[0].rank != 3:
        return None
    steps = node.input_shapes[0].dims[1]
    if not is_known(steps) or y_dims[1] != steps:
        return None  # labels whose middle axis is not the steps are not read as per-step
    return node, steps


def last_step_broadcast(graph, loss, y_dims: tuple, out_dims: tuple, head_text: str):
    """(SHP206, message, data, node) for one target per step, (N, T, 1), against one output per
    sample, (None, 1), made from the last step of a recurrent layer of T steps, under MSE /
    MAE: Keras 3 squeezes the labels to (N, T) and broadcasts the one output over the T
    targets whatever the batch, training without a word. The labels' trailing axis of one
    says a value per step, so the finding sits on the recurrent layer whose
    return_sequences=True makes the model give one (None, T, 1); a Dense(T) giving T values
    from the last step is the other model-side fix, named in the message. None otherwise."""
    if loss.kind != "elementwise" or len(out_dims) != 2 or out_dims[-1] != 1 or \
            len(y_dims) != 3 or y_dims[-1] != 1:
        return None
    head = _head(graph)
    found = _last_step(head, y_dims)
    if found is None:
        return None
    node, steps = found
    if steps == 1:
        return None  # one step: (N, 1, 1) against (None, 1) compares the same values
    message = (f"{head_text}: Keras 3's {loss.spelling} squeezes the labels to "
               f"{_show((BATCH, steps))} and broadcasts the one output over the {steps} "
               f"per-step targets (against {_show(out_dims)}), training without an error: the "
               f"model learns one value for all {steps} steps, because the {node.type_name} at "
               f"line {node.line} returns only its last step (return_sequences is not set). To "
               f"predict per step, set return_sequences=True on {_recurrent(node, 'it')} (the "
               f"{head.type_name} at "
               f"line {head.line} then scores every step, (None, {steps}, 1)); or make the "
               f"last layer Dense({steps}) for {steps} values from the last step")
    return SHP206, message, {"fix_line": node.line, "head_line": head.line, "steps": steps,
                             "units": 1, "label_width": steps}, node, LABELS_TOO


def _recurrent(node, it: str = "") -> str:
    """The layer that takes return_sequences: a Bidirectional's inner one."""
    if node.type_name != "Bidirectional":
        return it or node.type_name
    inner = (getattr(node.layer, "arguments", None) or {}).get("layer")
    name = getattr(inner, "type_name", None) or type(inner).__name__
    return f"{name if name in _RNNS else 'recurrent layer'} inside the Bidirectional"
