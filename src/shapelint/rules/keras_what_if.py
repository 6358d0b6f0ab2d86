"""What a Keras model would do with one layer changed, for the placement rules that try a fix
before naming it (keras_sizes: 'valid' to 'same' padding before a Reshape; keras_map_fit:
'same' to 'valid' padding before a decoder's output): the graph replayed with that layer's
output replaced, the layers a node's input comes through, and where a layer is applied."""
from __future__ import annotations


def replayed_with_output(graph, layer, shape):
    """The graph replayed with `layer`'s output made `shape`, when no layer then faults; None
    when the replay cannot be derived or a layer faults."""
    def replacing(consumer):
        def transform(shapes):
            return [shape if i is layer else s for i, s in zip(consumer.inputs, shapes)]
        return transform
    try:
        built = graph.replay({c: replacing(c) for c in graph.nodes if layer in c.inputs})
    except Exception:  # noqa: BLE001 - a what-if that cannot be derived blames nothing
        return None
    return built if all(n.fault is None for n in built.nodes) else None


def applied_at(node) -> tuple:
    """(line, col) of the call that applies a layer in this file, else its constructor's."""
    at = node.__dict__.get("call_at")
    if at and at[0] == node.path and at[1]:
        return at[1], at[2]
    return node.line, node.col


def layers_upstream(node) -> list:
    """The layers (not the Inputs) whose outputs reach `node`, each once."""
    found, seen, todo = [], set(), list(node.inputs)
    while todo:
        p = todo.pop()
        if id(p) in seen or p.is_input:
            continue
        seen.add(id(p))
        found.append(p)
        todo.extend(p.inputs)
    return found
