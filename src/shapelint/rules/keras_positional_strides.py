"""Where a map shrunk to nothing (SHP102) is reported when Keras 1's convolution call is behind
it (issue 16). Keras 1 wrote a 2-D convolution as Convolution2D(nb_filter, nb_row, nb_col): the
kernel's rows and columns as two positional integers. Keras 2 and 3 take
Conv2D(filters, kernel_size, strides, ...) (keras/src/layers/convolutional/conv2d.py), so the
same call, Conv2D(32, 3, 3), builds a 3x3 kernel that strides by 3 and divides the map by 3 at
every such layer. When the map a layer receives has shrunk to nothing and, upstream of it, a
Conv2D is given its strides as a third positional integer equal to its kernel size (the Keras 1
rows and columns), the fix is the kernel written as one tuple, Conv2D(32, (3, 3)), on those
calls: the finding goes to the first of them and names the layer where Keras raises
(data["seen_at_line"]). A stride given by keyword, or one other than the kernel size, is the
author's choice and leaves the finding where it shows."""
from __future__ import annotations

from ..domain.codes import SHP102, Diagnostic
from .keras_what_if import applied_at, layers_upstream
from .moved import moved_to

_CONV2D = ("Conv2D", "Convolution2D")


def at_positional_strides(graph, node, diagnostic: Diagnostic) -> Diagnostic:
    if diagnostic.code is not SHP102:
        return diagnostic
    convs = [c for c in layers_upstream(node) if _keras1_kernel(c)]
    convs = [c for c in convs if c.path == node.path and c.line]
    if not convs:
        return diagnostic
    order = {id(n): i for i, n in enumerate(graph.nodes)}
    convs.sort(key=lambda c: order.get(id(c), len(order)))
    first = convs[0]
    seen_line, seen_col = applied_at(node)
    if int(first.line) == int(seen_line):
        return diagnostic
    k = first.layer.arguments["kernel_size"]
    filters = first.layer.arguments.get("filters")
    lines = ", ".join(str(int(c.line)) for c in convs)
    where = f"line {lines}" if len(convs) == 1 else f"lines {lines}"
    message = (f"{diagnostic.message.rstrip('.')} (the {node.type_name} at line {seen_line}). "
               f"The Conv2D on this line is given ({filters}, {k}, {k}): Keras 2 and later read "
               f"the third positional argument as strides={k} (Keras 1's Convolution2D took it "
               f"as the kernel's columns), so each such convolution ({where}) divides the map "
               f"by {k}. Write the kernel as one tuple, Conv2D({filters}, ({k}, {k}))")
    return moved_to(first, diagnostic, message, (seen_line, seen_col),
                    positional_strides_at=[int(c.line) for c in convs])


def _keras1_kernel(conv) -> bool:
    """Conv2D(filters, k, k): the kernel size and the strides both one positional integer."""
    layer = conv.layer
    arguments = getattr(layer, "arguments", None) or {}
    k, s = arguments.get("kernel_size"), arguments.get("strides")
    return conv.type_name in _CONV2D and getattr(layer, "positional", 0) >= 3 and \
        type(k) is int and type(s) is int and s == k > 1
