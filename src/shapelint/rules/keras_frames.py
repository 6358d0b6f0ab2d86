"""Per-frame image layers applied to a clip without TimeDistributed (issue 16): a model whose
input is (T, H, W, C) frames, Conv2D / pooling / Flatten layers meant for one frame, then an
LSTM over the frames. Keras raises at the first Conv2D, which receives rank 5 for its rank 4;
catalogue/keras_faults.explain words that as an input_shape holding the batch (SHP108, "drop
the leading 10"), which builds a model the LSTM then rejects. The fix is wrapping the
per-frame layers in TimeDistributed, starting at that Conv2D: SHP103 there, with the wrapped
shapes. Facts only: the image layers run from the model's input straight to the recurrent
layer, one consumer each, and a replay of the graph with each frame through them (the input
as (batch, H, W, C)) and the recurrent layer given (batch, T, features) builds every layer."""
from __future__ import annotations

from ..domain.codes import SHP103, SHP108, Diagnostic
from ..domain.dims import is_known
from ..domain.shapes import Shape

_RNNS = ("LSTM", "GRU", "SimpleRNN", "Bidirectional", "RNN")
_IMAGE = ("Conv", "Pool", "ZeroPadding", "UpSampling", "Cropping")


def per_frame(graph, node, diagnostic: Diagnostic) -> Diagnostic | None:
    """SHP103 on the first image layer of a clip model missing TimeDistributed, else None."""
    rule = getattr(node.layer, "rule", None)
    need = getattr(rule, "ndim", None)
    if diagnostic.code not in (SHP103, SHP108) or need is None or graph.apply is None or \
            not any(w in node.type_name for w in _IMAGE) or len(node.inputs) != 1 or \
            not node.inputs[0].is_input:
        return None
    source = node.inputs[0]
    clip = source.output_shape
    if not clip.known_rank or clip.rank != need + 1 or \
            not all(is_known(d) for d in clip.dims[1:]):
        return None
    chain = _chain(graph, node)
    if chain is None:
        return None
    layers, rnn = chain
    frame = Shape((clip.dims[0], *clip.dims[2:]))
    features = _frame_features(graph, source, frame, layers[-1])
    if features is None:
        return None
    steps = Shape((clip.dims[0], clip.dims[1], features))
    if not _builds(graph, source, frame, {rnn: steps}):
        return None
    last = layers[-1]
    message = (f"{node.type_name} expects a rank-{need} input (one frame) but receives "
               f"{clip}: the model's input is {clip.dims[1]} frames of "
               f"{_dims(frame)[1:]}, which the {rnn.type_name} at line {rnn.line} reads as "
               f"steps. The layers from this line to line {last.line} ({last.type_name}) are "
               f"meant per frame: wrap each in TimeDistributed (TimeDistributed("
               f"{node.type_name}(...))); the {rnn.type_name} then receives {steps}")
    data = {**diagnostic.data, "frames": int(clip.dims[1]),
            "frame_shape": list(_dims(frame)), "recurrent_line": int(rnn.line),
            "per_frame_lines": [int(n.line) for n in layers]}
    data.pop("input_shape", None)
    data.pop("expected_rank", None)
    return Diagnostic(SHP103, diagnostic.line, diagnostic.column, message, data, diagnostic.path)


def _chain(graph, node):
    """(the single-consumer layers from node up to the recurrent layer, that layer)."""
    layers, p = [], node
    while True:
        consumers = [n for n in graph.nodes if p in n.inputs]
        if len(consumers) != 1 or len(consumers[0].inputs) != 1:
            return None
        layers.append(p)
        p = consumers[0]
        if p.type_name in _RNNS:
            return layers, p


def _replayed(graph, source, frame, more=None):
    transforms = {c: (lambda shapes, c=c: [frame if i is source else s
                                           for i, s in zip(c.inputs, shapes)])
                  for c in graph.nodes if source in c.inputs}
    for n, shape in (more or {}).items():
        transforms[n] = (lambda shapes, shape=shape: [shape])
    return graph.replay(transforms)


def _frame_features(graph, source, frame, last):
    """The feature count the per-frame layers leave for one frame, or None."""
    try:
        replayed = _replayed(graph, source, frame)
    except Exception:  # noqa: BLE001 - a what-if that cannot be derived says nothing
        return None
    out = replayed.nodes[graph.nodes.index(last)]
    shape = out.output_shape
    if out.fault is not None or not shape.known_rank or shape.rank != 2 or \
            not is_known(shape.dims[1]):
        return None
    return shape.dims[1]


def _builds(graph, source, frame, more) -> bool:
    try:
        replayed = _replayed(graph, source, frame, more)
    except Exception:  # noqa: BLE001
        return False
    return all(n.fault is None for n in replayed.nodes)


def _dims(shape) -> tuple:
    return tuple(d if is_known(d) else None for d in shape.dims)
