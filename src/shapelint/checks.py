"""Judgments over model graphs: what is wrong with the model as written."""
from __future__ import annotations

from .codes import SHP201, SHP301, SHP302, Diagnostic
from .dims import is_known
from .graph import LayerNode, ModelGraph
from .shapes import Shape


def check_graph(graph: ModelGraph) -> list[Diagnostic]:
    out = [fault_diagnostic(node) for node in graph.nodes if node.fault is not None]
    out.extend(dense_on_feature_map(graph))
    out.extend(dense_on_sequence(graph))
    out.extend(blind_spots(graph))
    return out


def blind_spots(graph: ModelGraph) -> list[Diagnostic]:
    """SHP301/SHP302: what the analysis could not know (off by default)."""
    out = [Diagnostic(SHP301, n.line, n.col, f"{n.type_name} is not in shapelint's catalogue; "
                      "its output shape and parameter count are unknown",
                      {"layer": n.name, "type": n.type_name}, n.path)
           for n in graph.nodes if getattr(n.layer, "unresolved", False) and n.counts]
    missing = [r for r in graph.unknown_reasons if "input shape is not given" in r]
    if missing:
        out.append(Diagnostic(SHP302, graph.line, graph.col,
                              f"the input shape of {graph.name} is not given; sizes that depend "
                              "on it are symbolic and counts may be unknown",
                              {"model": graph.name}, graph.path))
    return out


def fault_diagnostic(node: LayerNode) -> Diagnostic:
    fault = node.fault
    data = {"layer": node.name, "type": node.type_name, **fault.data}
    return Diagnostic(fault.code, node.line, node.col, fault.message, data, node.path)


def _on_feature_map(node: LayerNode) -> bool:
    shape = node.input_shapes[0] if node.input_shapes else None
    return "dense" in node.tags and shape is not None and shape.known_rank and shape.rank >= 4


def dense_on_feature_map(graph: ModelGraph) -> list[Diagnostic]:
    """SHP201: a Dense fed a rank-4+ tensor, reported at the root cause only (a later Dense fed
    by the first one's per-position output is the same mistake, not a new one)."""
    memo: dict = {}

    def carries(node) -> bool:  # is this tensor per-position output of a flagged Dense?
        if id(node) not in memo:
            memo[id(node)] = False
            memo[id(node)] = _on_feature_map(node) or (
                "flattens" not in node.tags and any(carries(i) for i in node.inputs))
        return memo[id(node)]

    out = []
    for node in graph.nodes:
        if _on_feature_map(node) and node.counts and not any(carries(i) for i in node.inputs):
            out.append(_dense_diagnostic(graph, node))
    return out


def dense_on_sequence(graph: ModelGraph) -> list[Diagnostic]:
    """SHP201 for a Dense on a rank-3 sequence (after Conv1D, or an RNN returning sequences)
    whose softmax head then classifies every step: a vector was meant."""
    out = []
    for head in graph.outputs:
        if getattr(head.layer, "activation", None) != "softmax" or \
                not (head.output_shape.known_rank and head.output_shape.rank == 3):
            continue
        node, root = head, None
        while node is not None and not node.is_input and "flattens" not in node.tags:
            shape = node.input_shapes[0] if node.input_shapes else None
            if "dense" in node.tags:
                if shape is not None and shape.known_rank and shape.rank == 3:
                    root = node
            elif "elementwise" not in node.tags and node.type_name != "Dropout":
                break
            node = node.inputs[0] if len(node.inputs) == 1 else None
        if root is not None and root.counts:
            out.append(_dense_diagnostic(graph, root, " Its softmax head then classifies every "
                                         "step of the sequence; a vector per sample (Flatten, "
                                         "GlobalAveragePooling1D or return_sequences=False) "
                                         "was likely meant."))
    return out


def _flatten(shapes: list) -> list:
    return [Shape((s[0], s.features())) for s in shapes]


def _dense_diagnostic(graph: ModelGraph, node: LayerNode, why: str = "") -> Diagnostic:
    shape = node.input_shapes[0]
    units = node.output_shape[-1] if node.output_shape.known_rank else "?"
    fixed = graph.replay({node: _flatten})
    fixed_node = next(n for n in fixed.nodes if n.layer is node.layer and n.line == node.line)
    as_written, intended = node.params, fixed_node.params
    total, total_fixed = graph.total, fixed.total
    data = {
        "layer": node.name, "type": node.type_name, "units": units if is_known(units) else None,
        "input_shape": shape.to_json(), "rank": shape.rank,
        "params_as_written": as_written if is_known(as_written) else None,
        "params_intended": intended if is_known(intended) else None,
        "total_as_written": total, "total_intended": total_fixed,
    }
    message = (f"{node.type_name}({units}) is applied to a rank-{shape.rank} tensor {shape}; "
               f"it acts on the last axis only and builds {_count(as_written)} parameters.")
    if is_known(intended):
        message += f" With Flatten() before it, this layer would build {intended:,}"
        if total is not None and total_fixed is not None:
            message += f" (model total {total_fixed:,} instead of {total:,})."
        else:
            message += "."
    else:
        message += (" With Flatten() before it, its size would depend on the input size, "
                    "which is not known here.")
    message += why
    return Diagnostic(SHP201, node.line, node.col, message, data, node.path)


def _count(value) -> str:
    return f"{value:,}" if is_known(value) else "an unknown number of"
