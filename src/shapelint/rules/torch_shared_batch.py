"""One batch given to several models that all reject its channels alike (issue 16). A script
that feeds the tensor it built to two models (a teacher and a student, the members of an
ensemble) whose first layers expect the same channel count, C, where the batch has another,
meets the fault twice; each model's finding alone would sit on its constructor, where the fix
is honestly either side. Together the models agree on C and the batch is what contradicts
both: one change there fixes every call, where changing the models takes one per model. So
the findings become one, SHP109 on the statement that built the batch (torch: a layer fault
whose fix is the batch a script feeds the model), naming where torch raises first (the first
model call in the file, data["seen_at_line"]) and each constructor (data["layer_lines"]).
Only the first layer applied to the batch as built (TorchTensor.shape_at, a factory given its
sizes), every model judged on that very place; a batch any one model takes says nothing."""
from __future__ import annotations

from ..domain.codes import SHP106, SHP109, Diagnostic
from ..domain.shapes import Shape


def one_batch_for_models(built: list) -> list:
    """built: (model, graph, findings) of each model of the file; the same, with the channel
    findings of models that share one built batch they all reject alike made one SHP109."""
    groups: dict = {}
    for index, (model, graph, found) in enumerate(built):
        first = _first_rejecting(graph)
        if first is None:
            continue
        node, place = first
        key = (place, node.fault.data.get("expected"), node.fault.data.get("actual"))
        groups.setdefault(key, []).append((index, model, node))
    out = [list(found) for _, _, found in built]
    for (place, expected, actual), members in groups.items():
        if len({id(model.root) for _, model, _ in members}) < 2:
            continue
        mine = [(index, node, _finding(out[index], node)) for index, _, node in members]
        if any(d is None for _, _, d in mine):
            continue
        for index, _, d in mine:
            out[index].remove(d)
        order = sorted(mine, key=lambda m: _called_at(built[m[0]][0]))
        first = order[0][2]
        out[order[0][0]].append(_on_the_batch(place, order, expected, actual, first))
    return [(model, graph, found) for (model, graph, _), found in zip(built, out)]


def _first_rejecting(graph):
    """(node, built place) of the model's first layer application when it rejects the
    channels (SHP106) of the input the script built and gave it as it is; else None."""
    if graph.framework != "torch" or not graph.applications:
        return None
    node = graph.applications[0]
    place = getattr(node, "input_shape_at", None)
    fault = node.fault
    if fault is None or fault.code is not SHP106 or not place or len(place) < 4 or \
            place[3] != "built" or not place[0] or not place[1] or \
            not isinstance(fault.data.get("expected"), int) or \
            not isinstance(fault.data.get("actual"), int):
        return None
    return node, tuple(place[:3])


def _finding(found: list, node) -> Diagnostic | None:
    """The model's channel finding on that node, wherever its fix placed it."""
    shape = node.fault.data.get("input_shape")
    hits = [d for d in found if d.code is SHP106 and isinstance(d.data, dict) and
            d.data.get("input_shape") == shape and
            d.data.get("expected") == node.fault.data.get("expected")]
    return hits[0] if len(hits) == 1 else None


def _called_at(model) -> int:
    at = model.interp.state.observed_lines.get(id(model.root))
    return int(at[1]) if at else 1 << 30


def _on_the_batch(place, order, expected: int, actual: int, first: Diagnostic) -> Diagnostic:
    path, line, col = place
    shape = first.data.get("input_shape") or []
    layers = sorted({int(d.line) for _, _, d in order})
    names = f"line {layers[0]}" if len(layers) == 1 else \
        f"lines {', '.join(map(str, layers[:-1]))} and {layers[-1]}"
    models = "both models the script gives it expect" if len(order) == 2 else \
        f"all {len(order)} models the script gives it expect"
    wanted = Shape(tuple([shape[0], expected] + list(shape[2:]))) if len(shape) >= 3 else None
    if actual == 1 and wanted is not None:
        spread = ", ".join(["-1", str(expected)] + ["-1"] * (len(shape) - 2))
        fix = f".expand({spread}) of it gives {wanted}, which they accept"
    else:
        fix = f"give it {expected} channels here"
    seen = first.data.get("seen_at_line") or int(first.line)
    message = (f"The batch built on this line, {Shape(tuple(shape))}, has {actual} "
               f"channel{'s' if actual != 1 else ''} where {models} {expected} (their first "
               f"layers, {names}): the batch is the one side that fixes every call; {fix}. "
               f"torch raises at line {seen} first.")
    data = {"type": first.data.get("type"), "input_shape": shape, "expected": expected,
            "actual": actual, "layer_lines": layers, "seen_at_line": int(seen),
            "seen_at_col": int(first.data.get("seen_at_col") or 0), "shown_as": "SHP106"}
    return Diagnostic(SHP109, line, col, message, data, path)
