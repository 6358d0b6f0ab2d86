"""The JSON contract of DESIGN.md: `check` diagnostics and `summary` models."""
from __future__ import annotations

import json

from ...domain.dims import is_known


def diagnostics(items) -> str:
    return json.dumps({"diagnostics": [d.to_json() for d in items]}, indent=2)


def _count(value):
    return value if is_known(value) else None


def _at(path: str, line: int) -> dict:
    """{"line": N}, or {"cell": C, "line": N} for a line of a notebook (N within the cell)."""
    from ..notebook import position
    cell, line = position(path, line)
    return {"line": line} if cell is None else {"cell": cell, "line": line}


def model(graph, path: str) -> dict:
    outputs = graph.outputs
    inputs = graph.inputs
    from ...cost import model_cost
    cost = model_cost(graph)
    out = {
        "name": graph.name, "entry": graph.entry, "framework": graph.framework, "path": path,
        **_at(path, graph.line),
        "input_shape": inputs[0].output_shape.to_json() if len(inputs) == 1 else
        [i.output_shape.to_json() for i in inputs],
        "output_shape": outputs[0].output_shape.to_json() if len(outputs) == 1 else
        [o.output_shape.to_json() for o in outputs],
        "total_params": graph.total, "trainable_params": graph.trainable,
        "non_trainable_params": graph.non_trainable, "exact": graph.exact,
        "unknown_reasons": graph.reasons(), "assumptions": graph.assumptions,
        "layers": [{"name": n.name, "type": n.type_name, **_at(n.path, n.line),
                    "output_shape": _output_shape(n),
                    "params": _count(n.total) if n.counts else 0,
                    "trainable_params": _count(n.params) if n.counts else 0,
                    "non_trainable_params": _count(n.frozen) if n.counts else 0,
                    **_layer_cost(c)}
                   for n, c in zip(graph.rows, cost.rows)],
    }
    return {**out, **_model_cost(cost)}


def _layer_cost(pair) -> dict:
    flops, acts = pair
    return {"flops": flops.value, "activation_bytes": acts.value}


def _model_cost(cost) -> dict:
    """Exact ints or null, never a partial sum; `cost_batch` says the figures hold for a batch
    of 1 when the batch was not given, and a figure still symbolic keeps its formula."""
    return {"flops": cost.flops.value, "macs": cost.macs.value,
            "param_bytes": cost.param_bytes.value,
            "activation_bytes": cost.activation_bytes.value,
            "cost_batch": 1 if cost.per_sample else None,
            "flops_formula": cost.flops.formula or None,
            "cost_unknown_reasons": [f.reason for f in (cost.flops, cost.param_bytes,
                                                        cost.activation_bytes) if not f.known]}


def _output_shape(node):
    """A layer with several outputs (an RNN with return_state) shows them all, as Keras does."""
    several = node.__dict__.get("output_shapes")
    if several and len(several) > 1:
        return [s.to_json() for s in several]
    return node.output_shape.to_json()


def models(entries) -> str:
    return json.dumps({"models": [model(g, p) for g, p in entries]}, indent=2)
