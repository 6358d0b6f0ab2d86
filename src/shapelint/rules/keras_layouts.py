"""An image model's input shape written channels first under Keras' channels_last (issue 16):
`input_shape=(3, 224, 224)` copied from a Theano-era script, while the images the script gives
fit() are (N, 224, 224, 3). Keras reads the 3 as the rows, so a VGG-style stack pools that
axis to nothing and raises while the model is built, at a pooling or convolution far from the
line to change (SHP102 there today). The fix is the input shape: SHP109 (the data does not fit
the model) on the line that writes it, naming where Keras raises (data["seen_at_line"]) and the
call that gives the data. Facts only: the data's shape is known and is the written shape with
its first axis moved last (and the two layouts differ), the model's only input takes it, and
the whole model, replayed with input_shape=data.shape[1:], builds without a fault; every
fault the graph had is then the input shape's, and they are replaced by this one finding."""
from __future__ import annotations

from ..domain.codes import SHP102, SHP109, Diagnostic
from ..domain.dims import is_known
from ..domain.shapes import Shape
from ..frameworks.arrays import ArrayValue


def channels_first_input(graph, model, found: list) -> list:
    """found with the SHP102 faults of a channels-first input shape replaced (see above)."""
    faults = [d for d in found if d.code is SHP102]
    edges = getattr(model, "__dict__", {}).get("shapelint_edges")
    if graph.framework != "keras" or not faults or edges is None or len(graph.inputs) != 1 \
            or graph.apply is None:
        return found
    source = graph.inputs[0]
    ref = source.output_shape
    if not ref.known_rank or ref.rank not in (4, 5) or \
            not all(is_known(d) for d in ref.dims[1:]) or ref.dims[1] == ref.dims[-1]:
        return found
    moved = tuple(ref.dims[2:]) + (ref.dims[1],)
    use = next((u for u in edges.uses if isinstance(u.x, ArrayValue) and u.x.shape.known_rank
                and tuple(u.x.dims[1:]) == moved and len(u.x.dims) == ref.rank), None)
    if use is None or use.path != graph.path or not _builds(graph, source, moved):
        return found
    written = _written_at(graph, source)
    if written is None:
        return found
    first = min(faults, key=lambda d: (int(d.line), int(d.column)))
    data_shape = tuple(d if is_known(d) else None for d in use.x.dims)
    declared = tuple(ref.dims[1:])
    message = (f"the input shape {declared} written on this line puts the channels first, but "
               f"Keras reads the last axis as the channels (channels_last, its default): "
               f"at line {first.line}, {first.message}. The images given to "
               f"model.{use.method}() at line {use.line} are {data_shape}, channels last: "
               f"write the input shape "
               f"{moved} (input_shape=X.shape[1:]), which the whole model builds for")
    data = {"data_shape": list(data_shape), "model_input": [None, *declared],
            "method": use.method, "fitted_input": [None, *moved],
            "seen_at_line": int(first.line), "seen_at_col": int(first.column),
            "fed_at_line": int(use.line)}
    placed = Diagnostic(SHP109, written.line, written.col, message, data, first.path)
    return [d for d in found if d.code is not SHP102] + [placed]


def _builds(graph, source, spatial) -> bool:
    shape = Shape((source.output_shape.dims[0], *spatial))
    try:
        replayed = graph.replay({c: (lambda shapes, c=c: [shape if i is source else s
                                                          for i, s in zip(c.inputs, shapes)])
                                 for c in graph.nodes if source in c.inputs})
    except Exception:  # noqa: BLE001 - a what-if that cannot be derived says nothing
        return False
    return all(n.fault is None for n in replayed.nodes)


def _written_at(graph, source):
    """The node on whose line the input shape is written: the Input(...) line, or for a
    Sequential whose input comes from input_shape= on its first layer, that layer."""
    node = source if source.line != graph.line else \
        next((n for n in graph.nodes if source in n.inputs), None)
    if node is None or not node.line or node.path != graph.path:
        return None
    return node
