"""Keras label faults that are not a count of columns (rules/edges.py words those): the wording
must say what differs, or it sends the author to the wrong fix.

- A map output ((None, 32, 32, 1) from an image decoder) against targets of another spatial
  size: the axes that differ are the map's, not the last one, so "make the last layer Dense(k)"
  would be wrong. Say the two sizes and how the model's layers take the input's size to the
  output's, naming a pooling with padding="same" that rounds an odd size up.
- A reconstruction (the model's own input given as its target, fit(x, x)) compiled with
  sparse_categorical_crossentropy: not one-hot labels to be argmax-ed but a target of the
  output's shape, which needs a per-element loss.
Facts only: sizes the graph holds, and the input's identity with the target."""
from __future__ import annotations

from ..domain.codes import SHP110
from ..domain.dims import is_known


def _size(dims) -> str:
    return "x".join(str(d) for d in dims)


def _map(shape):
    """The spatial axes of a known shape (batch and last axis left out), or None."""
    if not shape.known_rank or shape.rank < 3:
        return None
    dims = tuple(shape.dims[1:-1])
    return dims if all(is_known(d) for d in dims) else None


def _changes(graph) -> list | None:
    """[(layer, map in, map out)] where the map size changes, from the model's input to its
    output along a chain of one-input layers; None where the chain branches or a size is not
    known (then nothing is said about the way)."""
    node = graph.outputs[0] if len(graph.outputs) == 1 else None
    out = []
    while node is not None and not node.is_input:
        if len(node.inputs) != 1 or not node.input_shapes:
            return None
        before, after = _map(node.input_shapes[0]), _map(node.output_shape)
        if before is None or after is None:
            return None
        if before != after:
            out.append((node, before, after))
        node = node.inputs[0]
    return out[::-1] if node is not None else None


def _rounding(node, before, after) -> str:
    """A pooling with padding="same" over an odd size rounds it up: say so."""
    arguments = getattr(node.layer, "arguments", None) or {}
    if "Pooling" not in node.type_name or arguments.get("padding") != "same":
        return ""
    odd = [(b, a) for b, a in zip(before, after) if a * 2 == b + 1]
    return f", padding='same' rounds {odd[0][0]} up to {odd[0][1]}" if odd else ""


def map_size(graph, head: str, y_dims: tuple, out_dims: tuple, loss) -> str | None:
    """The message for a map output whose spatial size differs from the targets', when the
    last axes agree (so no Dense width is at stake); None otherwise."""
    if len(out_dims) < 4 or len(y_dims) != len(out_dims) or y_dims[-1] != out_dims[-1]:
        return None
    y_map, out_map = tuple(y_dims[1:-1]), tuple(out_dims[1:-1])
    if not all(is_known(d) for d in y_map + out_map) or y_map == out_map:
        return None
    message = (f"{head}: the output's maps are {_size(out_map)} where the targets' are "
               f"{_size(y_map)}, so {loss.spelling} cannot compare them and Keras raises")
    way = _changes(graph)
    if way:
        steps = " -> ".join(f"{_size(a)} ({n.type_name}, line {n.line}{_rounding(n, b, a)})"
                            for n, b, a in way)
        message += f"; along the model the map goes {_size(way[0][1])} -> {steps}"
    return (message + f"; make the model output {_size(y_map)} (a convolution without "
            f"padding='same', or a Cropping layer), or give targets of {_size(out_map)}")


def reconstruction(use, x, y, head: str, y_dims: tuple, out_dims: tuple, loss, where):
    """(SHP110, message, placed at the compile line) for the model's input given as its own
    target under sparse_categorical_crossentropy, with the output's shape; None otherwise."""
    if loss.kind != "sparse" or y is None or y is not x or not use.compile_line or \
            tuple(y_dims[1:]) != tuple(out_dims[1:]):
        return None
    ids = "(N, " + ", ".join(str(d) for d in out_dims[1:-1]) + ")" if len(out_dims) > 2 \
        else "(N,)"
    return (SHP110, (
        f"{head}: the target is the model's own input, a reconstruction of the output's "
        f"shape, but {loss.spelling} reads a target as integer class ids of shape {ids}, one "
        f"per row of scores, and Keras raises ValueError; a reconstruction needs a "
        f"per-element loss on this line: loss='mse', or 'binary_crossentropy' for values in "
        f"[0, 1]"), where)
