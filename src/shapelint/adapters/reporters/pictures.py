"""The model graph as a picture: Graphviz DOT or Mermaid, drawn without building the model.

Keras: one node per layer (name, type, params), one edge per tensor, labelled with its shape.
torch: data flow inside forward() is not traced edge by edge, so nodes are the module calls in
the order forward() makes them, each labelled with its input and output shapes and its params,
joined by dashed "then" edges that claim order only, never a tensor's path.
"""
from __future__ import annotations

from ...domain.dims import is_known


def _params(node, by_layer) -> str:
    row = by_layer.get(id(node.layer), node)
    if not row.counts and row is node:
        return "params: shared"
    total = row.total
    return f"params: {total:,}" if is_known(total) else "params: ?"


def _items(graph):
    """(node id, label lines, edges as (from id, to id, label or None)) for one graph."""
    if graph.framework == "torch":
        by_layer = {id(n.layer): n for n in graph.nodes if not n.is_input}
        calls = [n for n in graph.applications if n.layer is not None]
        start = graph.inputs[0] if graph.inputs else None
        nodes = [("input", [f"input {start.output_shape}" if start else "input"])]
        seen: set = set()
        for i, call in enumerate(calls):
            shapes = ", ".join(str(s) for s in call.input_shapes)
            params = "params: shared (counted at its first call)" if id(call.layer) in seen \
                else _params(call, by_layer)
            seen.add(id(call.layer))
            nodes.append((f"c{i}", [f"{call.name} ({call.type_name})", f"in: {shapes}",
                                    f"out: {call.output_shape}", params]))
        out = graph.outputs[0].output_shape if graph.outputs else "?"
        nodes.append(("output", [f"output {out}"]))
        edges = [(a[0], b[0], None) for a, b in zip(nodes, nodes[1:])]
        return nodes, edges
    ids = {id(n): f"n{i}" for i, n in enumerate(graph.nodes)}
    nodes = [(ids[id(n)], [f"{n.name} ({n.type_name})",
                           f"input {n.output_shape}" if n.is_input else _params(n, {})])
             for n in graph.nodes]
    edges = [(ids[id(i)], ids[id(n)], str(i.output_shape))
             for n in graph.nodes for i in n.inputs if id(i) in ids]
    return nodes, edges


def _title(graph, path) -> str:
    total = f"{graph.total:,}" if graph.total is not None else "unknown"
    return f"{graph.name} ({graph.entry}, {path}): {total} params"


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(entries) -> str:
    out = ["digraph shapelint {", "  rankdir=TB;",
           '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica"];']
    for k, (graph, path) in enumerate(entries):
        nodes, edges = _items(graph)
        out.append(f"  subgraph cluster_{k} {{")
        out.append(f"    label={_dot_text(_title(graph, path))};")
        for node_id, lines in nodes:
            label = "\\n".join(_dot_text(line)[1:-1] for line in lines)
            out.append(f'    m{k}_{node_id} [label="{label}"];')
        for a, b, label in edges:
            attrs = f"label={_dot_text(label)}" if label else 'style=dashed, label="then"'
            out.append(f"    m{k}_{a} -> m{k}_{b} [{attrs}];")
        out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def mermaid(entries) -> str:
    out = ["flowchart TD"]
    for k, (graph, path) in enumerate(entries):
        nodes, edges = _items(graph)
        out.append(f'  subgraph m{k}["{_mermaid_text(_title(graph, path))}"]')
        for node_id, lines in nodes:
            label = "<br/>".join(_mermaid_text(line) for line in lines)
            out.append(f'    m{k}_{node_id}["{label}"]')
        for a, b, label in edges:
            arrow = f'-->|"{_mermaid_text(label)}"|' if label else "-.->|then|"
            out.append(f"    m{k}_{a} {arrow} m{k}_{b}")
        out.append("  end")
    return "\n".join(out) + "\n"
