"""Where an autoencoder whose output map is not its input's is fixed when the data sets the
size (issue 16): `inp = keras.Input(shape=imgs.shape[1:])`, 'same' poolings that round odd
sides up (458 -> 229 -> 115 -> 58) and upsamplings that double them back (-> 464), then
`fit(imgs, imgs)`. The model reproduces its input exactly for some input sizes only (here
multiples of 8); its input size is read from the data, and the data is its own target, so the
one line that writes the size is the data's: the finding goes there with the sizes that fit,
as a U-Net's skip connections that do not fit the script's size go where that size is written
(keras_input_sizes). The output layer and the fit call stay named (data["seen_at_line"]).

Facts only: the fit's target is the data given as its input, the same array; the model has one
Input, whose shape was read from that array's shape (ArrayValue.built_at, the line that made
it); the model replayed with the nearest sizes that fit (searched on each differing axis, the
other axes at theirs) builds and outputs exactly that input map. Otherwise None, and the finding
stays where rules/edges.py puts it (keras_map_fit's one 'valid' convolution comes first)."""
from __future__ import annotations

from ..domain.dims import is_known
from ..domain.shapes import Shape
from .keras_what_if import replayed_with_output

_REACH = 32  # sizes tried on each side of the data's own, per axis


def data_size_place(graph, use, x, y, y_map: tuple):
    """((path, line, col), sentence) for the data's line and the sizes that fit; None
    otherwise."""
    from .keras_places import written_from
    inputs = [n for n in graph.nodes if n.is_input]
    made = getattr(x, "built_at", None)
    if y is None or y is not x or len(inputs) != 1 or graph.apply is None or made is None or \
            made[0] != use.path or not made[1] or written_from(graph, inputs[0]) != made:
        return None
    source = inputs[0]
    shape = source.output_shape
    if not shape.known_rank or len(shape.dims) < 3 or \
            not all(is_known(d) for d in shape.dims[1:]) or tuple(shape.dims[1:-1]) != y_map:
        return None
    sides = list(y_map)
    if _output_map(graph, source, shape, sides) == sides:
        return None  # the size fits: the fault is elsewhere
    fitted = list(sides)
    for axis in range(len(sides)):
        near = _nearest(graph, source, shape, fitted, axis)
        if near is None:
            return None
        fitted[axis] = near
    if _output_map(graph, source, shape, fitted) != fitted:
        return None
    wanted = "x".join(str(d) for d in fitted)
    given = "x".join(str(d) for d in sides)
    sentence = (f". The model's input size is read from this data (line {made[1]}), which is "
                f"also its target, and the model gives back its input's map only for some "
                f"sizes: {given} comes back larger, {wanted} comes back whole. Crop or resize "
                f"the data to {wanted} on this line (or change the model's poolings)")
    return (made[0], int(made[1]), int(made[2])), sentence


def _nearest(graph, source, shape, sides, axis):
    """The size nearest sides[axis] (the smaller first) for which the model's output map
    equals its input's on that axis, the other axes at their sizes; None within _REACH."""
    given = sides[axis]
    for step in range(0, _REACH + 1):
        for size in (given - step, given + step):
            if size < 1:
                continue
            trial = list(sides)
            trial[axis] = size
            out = _output_map(graph, source, shape, trial)
            if out is not None and out[axis] == size:
                return size
    return None


def _output_map(graph, source, shape, sides):
    """The output's map of the model replayed with input map `sides`, or None."""
    trial = Shape((shape.dims[0],) + tuple(sides) + (shape.dims[-1],))
    built = replayed_with_output(graph, source, trial)
    if built is None or len(built.outputs) != 1:
        return None
    out = built.outputs[0].output_shape
    if not out.known_rank or len(out.dims) != len(shape.dims):
        return None
    return list(out.dims[1:-1])
