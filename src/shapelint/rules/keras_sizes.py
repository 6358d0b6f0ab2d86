"""Where a Keras axis-size fault is reported (issue 16): a Reshape whose target does not hold
the values it receives, traced to the convolution whose 'valid' padding shrank the axis the
target counts on. The Reshape is kept as the place where the mismatch shows
(data["seen_at_line"], SARIF's relatedLocation).

The judgment is a what-if over the model's own graph: the convolution's output is replaced by
what padding='same' gives (keras/src/ops/operation_utils.py compute_conv_output_shape: each
spatial size becomes ceil(n / stride)) and every shape downstream is re-derived. When that one
change, and no other 'valid' convolution's, makes the whole model build, the target was written
for the unshrunk sizes: the finding goes to that convolution, and the message names the other
fix (a target for the sizes as they are). Otherwise the Reshape keeps it."""
from __future__ import annotations

from ..domain.codes import SHP104, Diagnostic
from ..domain.dims import is_known
from ..domain.shapes import Shape, product
from .keras_what_if import applied_at, layers_upstream, replayed_with_output
from .moved import moved_to

_CONVS = {"Conv1D": 1, "Conv2D": 2, "Conv3D": 3, "Convolution1D": 1, "Convolution2D": 2,
          "Convolution3D": 3, "SeparableConv1D": 1, "SeparableConv2D": 2,
          "DepthwiseConv1D": 1, "DepthwiseConv2D": 2}


def at_valid_conv(graph, node, diagnostic: Diagnostic) -> Diagnostic:
    """The SHP104 of a Reshape placed on the 'valid' convolution it blames (see above)."""
    if diagnostic.code is not SHP104 or node.type_name != "Reshape" or graph.apply is None \
            or len(node.inputs) != 1 or not node.input_shapes:
        return diagnostic
    fixes = []
    for conv in _valid_convs_upstream(node):
        same = _same_output(conv)
        if same is None:
            continue
        built = replayed_with_output(graph, conv, same)
        if built is not None:
            after = built.nodes[graph.nodes.index(node)]
            fixes.append((conv, same, after.input_shapes[0]))
    if len(fixes) != 1:
        return diagnostic
    conv, same, fitted = fixes[0]
    if conv.path != node.path or not conv.line or int(conv.line) == int(node.line):
        return diagnostic
    got = node.input_shapes[0]
    seen_line, seen_col = applied_at(node)
    target = diagnostic.data.get("target_shape")
    message = (f"Reshape({_tuple(target)}) at line {seen_line} holds {product(target)} values "
               f"per sample but receives {got}, {got.features()} values; the "
               f"{conv.type_name} on this line, with padding='valid', shrinks "
               f"{_shown(conv.input_shapes[0])} to {_shown(conv.output_shape)}. "
               f"padding='same' keeps {_shown(same)} and the Reshape then receives {fitted}, "
               f"which its target holds (or, if the shrinking is meant, give the Reshape a "
               f"target for {got})")
    return moved_to(conv, diagnostic, message, (seen_line, seen_col),
                    same_padding_output=_shown(same))


def _valid_convs_upstream(node) -> list:
    """The convolutions with 'valid' padding the Reshape's input comes through, one input each."""
    return [p for p in layers_upstream(node)
            if p.type_name in _CONVS and getattr(p.layer, "arguments", None) is not None
            and p.layer.arguments.get("padding", "valid") == "valid" and p.fault is None]


def _same_output(conv) -> Shape | None:
    """The conv's output under padding='same', channels last: ceil(n / stride) per axis."""
    rank = _CONVS[conv.type_name]
    arguments = conv.layer.arguments
    if arguments.get("data_format") not in (None, "channels_last") or \
            len(conv.input_shapes) != 1:
        return None
    x, y = conv.input_shapes[0], conv.output_shape
    if not (x.known_rank and y.known_rank) or x.rank != rank + 2 or y.rank != rank + 2:
        return None
    strides = arguments.get("strides", 1)
    strides = (strides,) * rank if isinstance(strides, int) else tuple(strides)
    if len(strides) != rank or not all(isinstance(s, int) and s > 0 for s in strides):
        return None
    spatial = []
    for n, s in zip(x.dims[1:-1], strides):
        if not is_known(n):
            return None
        spatial.append(-(-n // s))
    return Shape((y.dims[0], *spatial, y.dims[-1]))


def _shown(shape) -> tuple:
    return tuple(d if is_known(d) else None for d in shape.dims)


def _tuple(value) -> str:
    return str(tuple(value)) if isinstance(value, (tuple, list)) else f"({value})"
