"""Where a Keras merge that no usable input size fits is fixed (issue 16): a residual block whose
one branch is pooled (or strided) between the fork and the Add, while the other branch keeps
the fork's size. rules/keras_input_sizes.py replays the model with the input's spatial sizes
symbolic; when no size in the upper half of the sizes tried (1..LIMIT), nor within a factor of
two of the script's own size, makes the merge's inputs equal, the input size is no fix (a
1-pixel image is not an input; a FaceNet block whose fixed padding fits 95..110 pixels is fixed
by 96-pixel images), and the model's structure is: the one layer that changes the spatial size
on one branch only. The finding goes to that layer and names the merge (data["seen_at_line"]);
the other honest fix, the same resizing on the other branch, is named in the message. Facts
only: both branches reach the merge through layers of one input each from one fork node;
exactly one layer on one branch changes the spatial size and none on the other; that layer is
in this file on a line of its own. Otherwise None, and the finding stays where it was."""
from __future__ import annotations

from ..domain.codes import Diagnostic
from ..frameworks.torch_size_fit import LIMIT
from .moved import moved_to


def no_usable_size(fits: dict, wrong: list, given: dict) -> bool:
    """No size in the upper half of 1..LIMIT, nor within a factor of two of the script's size
    (given: symbol -> size), fits an axis the script's size does not fit."""
    return bool(wrong) and all(not any(n > LIMIT // 2 or given[s] <= 2 * n <= 4 * given[s]
                                       for n in fits.get(s, ())) for s in wrong)


def at_branch_layer(node, diagnostic: Diagnostic, seen: tuple) -> Diagnostic | None:
    if len(node.inputs) != 2:
        return None
    a, b = node.inputs
    met = fork(a, b)
    if met is None:
        return None
    branches = [chain(a, met), chain(b, met)]
    if any(chain is None for chain in branches):
        return None
    resizing = [[n for n in chain if _resizes(n)] for chain in branches]
    counts = sorted(len(r) for r in resizing)
    if counts != [0, 1]:
        return None
    layer = next(r[0] for r in resizing if r)
    seen_line, seen_col = seen
    if layer.path != node.path or not layer.line or int(layer.line) == int(seen_line):
        return None
    before, after = _spatial(layer.input_shapes[0]), _spatial(layer.output_shape)
    keep = "Remove it" if "Pool" in layer.type_name else \
        "Make it keep that size (strides=1, padding='same')"
    message = (f"{diagnostic.message.rstrip('.')}. No input size from {LIMIT // 2 + 1} to "
               f"{LIMIT} fits this merge (at line {seen_line}): its branches part at the "
               f"{met.type_name} at line {met.line}, and the {layer.type_name} on this line "
               f"turns one of them from {before} to {after} while the other keeps {before}. "
               f"{keep} (the merge then adds maps of the fork's size), or resize the other "
               f"branch the same way before the {node.type_name}")
    return moved_to(layer, diagnostic, message, (seen_line, seen_col),
                    fork_line=int(met.line) if met.line else 0,
                    fitting_sizes=None, fitted_input=None)


def _ancestors(node) -> list:
    """node and every node above it through single inputs, nearest first."""
    out = [node]
    while len(out[-1].inputs) == 1 and not out[-1].is_input:
        out.append(out[-1].inputs[0])
    return out


def fork(a, b):
    above_b = {id(n) for n in _ancestors(b)}
    return next((n for n in _ancestors(a) if id(n) in above_b), None)


def chain(start, top) -> list | None:
    """The nodes from start up to (without) top, each of one input; None if it is not so."""
    out = []
    node = start
    while node is not top:
        if node.is_input or len(node.inputs) != 1 or not node.input_shapes or \
                not node.input_shapes[0].known_rank or not node.output_shape.known_rank:
            return None
        out.append(node)
        node = node.inputs[0]
    return out


def _resizes(node) -> bool:
    x, y = node.input_shapes[0], node.output_shape
    return x.rank != y.rank or _spatial(x) != _spatial(y)


def _spatial(shape) -> tuple:
    return tuple(shape.dims[1:-1])
