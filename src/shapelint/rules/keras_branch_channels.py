"""Where a Keras residual merge whose branches end with different channel counts is fixed
(issue 16): an Add (Subtract, Multiply, Average, Maximum, Minimum) of a fork's own tensor, the
identity shortcut, with a branch in which exactly one layer changes the channel count. Keras's
functional guide once summed a 3-channel input with a 16-filter convolution of it; the fix its
authors merged gave the convolution the input's channels. The finding goes to that layer and
names the merge (data["seen_at_line"]); the message names the other honest fix, a 1x1
projection of the shortcut.

Facts only: the two inputs meet at one fork through layers of one input each, the shortcut has
no layer at all, exactly one layer on the branch changes the channel axis and no other axis
differs at the merge; that layer is in this file on a line of its own. Otherwise None, and the
finding stays on the merge."""
from __future__ import annotations

from ..domain.codes import SHP107, Diagnostic
from ..domain.dims import is_known
from .keras_branch_sizes import chain, fork
from .keras_channel_layout import channel_axis
from .moved import moved_to

_ELEMENTWISE = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")


def at_channel_layer(graph, node, diagnostic: Diagnostic, seen: tuple) -> Diagnostic | None:
    if diagnostic.code is not SHP107 or node.type_name not in _ELEMENTWISE or \
            len(node.inputs) != 2 or len(node.input_shapes) != 2:
        return None
    axis = channel_axis(graph)
    shapes = node.input_shapes
    if axis is None or not all(s.known_rank for s in shapes) or shapes[0].rank != shapes[1].rank:
        return None
    differing = [i for i, (a, b) in enumerate(zip(shapes[0].dims, shapes[1].dims))
                 if i and (not is_known(a) or not is_known(b) or a != b)]
    if differing != [axis % shapes[0].rank]:
        return None
    a, b = node.inputs
    start = fork(a, b)
    if start is None or start not in (a, b):  # the shortcut must be the fork's tensor itself
        return None
    branch = chain(b if start is a else a, start)
    if not branch:
        return None
    changing = [n for n in branch if _channels(n.input_shapes[0], axis) !=
                _channels(n.output_shape, axis)]
    if len(changing) != 1:
        return None
    layer = changing[0]
    _, seen_line, seen_col = seen  # (path, line, col) of the merge's call
    if layer.path != node.path or not layer.line or int(layer.line) == int(seen_line):
        return None
    wanted = _channels(start.output_shape, axis)
    made = _channels(layer.output_shape, axis)
    message = (f"{diagnostic.message.rstrip('.')}. The {node.type_name} at line {seen_line} "
               f"adds the {start.type_name}'s own tensor (line {start.line}, {wanted} "
               f"channels) to a branch whose {layer.type_name} on this line makes {made}: give "
               f"it {wanted} channels, or project the shortcut to {made} with a 1x1 "
               f"convolution before the {node.type_name}")
    return moved_to(layer, diagnostic, message, (seen_line, seen_col),
                    fork_line=int(start.line) if start.line else 0)


def _channels(shape, axis):
    return shape.dims[axis] if shape.known_rank and shape.rank > 1 else None
