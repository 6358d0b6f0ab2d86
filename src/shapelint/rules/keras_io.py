"""Keras models with several inputs or outputs, and layer arguments written on another line
(issue 16). Each judgment states what Keras 3 (keras/src/models/functional.py,
keras/src/trainers/compile_utils.py) does for every value the file can give:

- A functional model declared with a list of two or more Inputs (`Model([a, b], out)`) takes a
  list or tuple of that many arrays, or a dict keyed by the Inputs' names. One array, or a list
  of another length, raises ValueError ("expects 2 input(s) ... but it received 1 input
  tensors"), and so does a dict that lacks an Input's name ("Missing data for input"), in fit,
  evaluate, predict, the *_on_batch methods and fit's validation_data (SHP109). The data is
  the fix: the finding sits on the call.
- A model declared with a list of two or more outputs takes one label array per output. One
  array, or a list of another length, raises ValueError ("y_true and y_pred have different
  structures") whatever the loss (a list, a dict, one loss for all) (SHP110, on the call).
  A dict of inputs or outputs, a model under an undecided condition, data the file does not
  show: nothing is said.
- A layer size given by a builder's parameter (`Dense(num_objects)` in `def build(num_objects)`)
  that the file's one call of the builder writes (`build(num_objects=4)`): the label-width
  finding placed on the last Dense moves to that call, the line the fix changes; the call to
  fit stays where the mismatch shows (data["seen_at_line"]).
- A Reshape whose target is a name (`x = Reshape(new_shape)(x)`) assigned once in its function
  (or module): its SHP104 moves to the assignment, and the Reshape is where it shows.
Text is read from the module's own lines (the call and assignment sites), never searched in
other files; anything not certain leaves the finding as it was."""
from __future__ import annotations

import os
import re

import libcst as cst

from ..domain.codes import SHP104, SHP109, SHP110, Diagnostic
from ..domain.dims import is_known
from ..frameworks.arrays import ArrayValue
from ..frameworks.source_text import DEF, argument, call_at, def_span, enclosing_def, parameters
from .keras_constants import input_constant, units_constant


def with_io_and_arguments(graph, model, found: list, module) -> list:
    """found (a Keras model's findings) with the several-inputs/outputs faults added and the
    findings whose fix is a written argument moved to it (see above)."""
    try:
        found = found + io_counts(graph, model, found)
        lines = getattr(module, "lines", None)
        path = getattr(module, "path", "")
        if lines:
            found = [_moved(graph, d, lines, path) for d in found]
        return found
    except Exception:  # noqa: BLE001 - what cannot be judged leaves the findings as they were
        return found


# -- several inputs, several outputs --------------------------------------------------------------

def io_counts(graph, model, reported: list) -> list[Diagnostic]:
    """SHP109 / SHP110 at the calls whose data or labels do not match the model's inputs or
    outputs in number (or in names, for a dict of inputs)."""
    edges = getattr(model, "__dict__", {}).get("shapelint_edges")
    if edges is None or type(model).__name__ != "KerasFunctional" or model.uncertain or \
            graph.uncertain or any(n.fault is not None for n in graph.nodes):
        return []
    forms = getattr(model, "forms", ("", ""))
    inputs = model.inputs if forms[0] == "list" and len(model.inputs) >= 2 else None
    outputs = model.outputs if forms[1] == "list" and len(model.outputs) >= 2 else None
    if inputs is None and outputs is None:
        return []
    busy = {int(d.line) for d in reported} | {
        int(d.data["seen_at_line"]) for d in reported
        if isinstance(d.data, dict) and isinstance(d.data.get("seen_at_line"), int)}
    out = []
    for use in edges.uses:
        if int(use.line) in busy:  # Keras meets that call's first fault, already reported
            continue
        pairs = [(use.x, use.y, "x", "y")]
        if isinstance(use.validation, (tuple, list)) and len(use.validation) >= 2:
            pairs.append((use.validation[0], use.validation[1], "validation_data[0]",
                          "validation_data[1]"))
        for x, y, x_name, y_name in pairs:
            found = _inputs_given(inputs, use, x, x_name) or \
                _labels_given(outputs, use, x, y, y_name) or \
                _per_output(graph, outputs, use, x, y, y_name)
            if found is not None:
                out.append(found)
                break
    return out


def _arrays(value) -> list | None:
    if isinstance(value, ArrayValue):
        return [value]
    if isinstance(value, (list, tuple)) and value and \
            all(isinstance(a, ArrayValue) for a in value):
        return list(value)
    return None


def _shape(array) -> tuple:
    return tuple(d if is_known(d) else None for d in array.dims) \
        if array.shape.known_rank else None


def _described(tensors) -> str:
    return ", ".join(f"{t.node.name} {_shape_of(t)}" for t in tensors)


def _shape_of(tensor) -> str:
    shape = getattr(tensor.node, "output_shape", None)
    if shape is None or not shape.known_rank:
        return "(?)"
    return str(tuple(d if is_known(d) else None for d in shape.dims))


def _inputs_given(inputs, use, x, x_name) -> Diagnostic | None:
    if inputs is None or x is None:
        return None
    n = len(inputs)
    where = f"{x_name} given to model.{use.method}() at line {use.line}"
    if isinstance(x, dict):
        names = [t.node.name for t in inputs]
        if not all(getattr(t.node, "explicit_name", False) for t in inputs) or \
                not x or not all(isinstance(k, str) for k in x) or \
                not all(isinstance(v, ArrayValue) for v in x.values()):
            return None
        missing = [name for name in names if name not in x]
        if not missing:
            return None
        message = (f"{where} is a dict with keys {sorted(x)}, but the model's inputs are named "
                   f"{names}: Keras raises ValueError (\"Missing data for input "
                   f"{missing[0]!r}\"); key the arrays by the Inputs' names")
        return Diagnostic(SHP109, use.line, use.col, message, {
            "method": use.method, "input_names": names, "keys_given": sorted(x),
            "missing_inputs": missing}, use.path)
    arrays = _arrays(x)
    if arrays is None or len(arrays) == n:
        return None
    given = f"one array of shape {_shape(arrays[0])}" if isinstance(x, ArrayValue) else \
        f"a list of {len(arrays)} arrays"
    message = (f"{where} is {given}, but the model takes {n} inputs ({_described(inputs)}): "
               f"Keras raises ValueError (the model expects {n} input(s) but receives "
               f"{len(arrays)} input tensors); give a list of {n} arrays in the order of "
               f"Model(inputs=[...])")
    return Diagnostic(SHP109, use.line, use.col, message, {
        "method": use.method, "inputs_expected": n, "inputs_given": len(arrays)}, use.path)


def _labels_given(outputs, use, x, y, y_name) -> Diagnostic | None:
    if outputs is None or y is None or use.loss is None:
        return None  # never compiled: Keras stops at that first
    labels = _arrays(y)
    n = len(outputs)
    if labels is None or len(labels) == n or not _one_count(_arrays(x) or [], labels):
        return None
    where = f"{y_name} given to model.{use.method}() at line {use.line}"
    given = f"one label array of shape {_shape(labels[0])}" if isinstance(y, ArrayValue) \
        else f"a list of {len(labels)} label arrays"
    message = (f"{where} is {given}, but the model has {n} outputs ({_described(outputs)}): "
               f"Keras raises ValueError (y_true and y_pred have different structures); give "
               f"one label array per output, in a list in the order of Model(outputs=[...])")
    shape = _shape(labels[0]) if isinstance(y, ArrayValue) else None
    if shape is not None and len(shape) == 2 and shape[1] == n and \
            all(_units(t) == 1 for t in outputs):
        message += f": [y[:, {0}], y[:, {1}]" + (", ...]" if n > 2 else "]") + \
            f" splits these {n} columns"
    return Diagnostic(SHP110, use.line, use.col, message, {
        "method": use.method, "outputs_expected": n, "labels_given": len(labels)}, use.path)


def _per_output(graph, outputs, use, x, y, y_name) -> Diagnostic | None:
    """Each label array of a list against its own output, under that output's loss (one loss
    for all, a list by position, a dict by output name), as rules/edges.py judges the labels
    of a model with one output: the first output whose labels contradict it."""
    labels = _arrays(y) if isinstance(y, (list, tuple)) else None
    if outputs is None or labels is None or len(labels) != len(outputs) or \
            len(graph.outputs) != len(outputs) or not _one_count(_arrays(x) or [], labels):
        return None
    from dataclasses import replace

    from ..frameworks.keras_edges import Loss, read_loss
    from .edges import _labels
    for i, (tensor, label) in enumerate(zip(outputs, labels)):
        written = _loss_for(use.loss_written, i, len(outputs), tensor.node.name)
        loss = read_loss(written) if written is not None else None
        if not isinstance(loss, Loss):
            continue
        found = _labels(replace(graph, outputs=[graph.outputs[i]]), replace(use, loss=loss),
                        x, label, f"{y_name}[{i}]")
        if found is not None:
            output = f"the last layer of output {tensor.node.name!r}"
            return Diagnostic(found.code, found.line, found.column,
                              found.message.replace("the last layer", output),
                              {**found.data, "output_index": i}, found.path, found.cell)
    return None


def _loss_for(written, i: int, n: int, name: str):
    """The loss compile gave output i (named name), None when it is not written so."""
    if isinstance(written, (list, tuple)):
        return written[i] if len(written) == n else None
    if isinstance(written, dict):
        return written.get(name)
    return written


def _units(tensor):
    shape = getattr(tensor.node, "output_shape", None)
    return shape.dims[-1] if shape is not None and shape.known_rank and shape.dims else None


def _one_count(xs: list, ys: list) -> bool:
    """No two known sample counts differ: Keras checks the data's cardinality first."""
    counts = {a.dims[0] for a in xs + ys if a.shape.known_rank and a.dims and
              is_known(a.dims[0])}
    return len(counts) <= 1


# -- arguments written on another line ------------------------------------------------------------

def _moved(graph, d: Diagnostic, lines: list, path: str) -> Diagnostic:
    if not isinstance(d.data, dict) or os.path.abspath(d.path or "") != \
            os.path.abspath(path or ""):
        return d
    if d.code is SHP110 and isinstance(d.data.get("seen_at_line"), int):
        node = _node_at(graph, d, ("Dense",))
        return _at_builder_call(graph, d, lines) or \
            (node is not None and units_constant(d, node, lines)) or d
    if d.code is SHP109 and isinstance(d.data.get("seen_at_line"), int):
        from .keras_read_before import read_before_remade
        from .keras_named_sizes import literal_for_named_size
        from .keras_init_sizes import init_argument
        return read_before_remade(d, lines) or literal_for_named_size(graph, d, lines) or \
            input_constant(d, lines) or init_argument(d, lines) or d
    if d.code is SHP104 and "seen_at_line" not in d.data:
        return _at_target_assignment(graph, d, lines) or d
    return d


def _node_at(graph, d, type_names):
    return next((n for n in graph.nodes if n.type_name in type_names and n.line and
                 int(n.line) == int(d.line) and int(n.col) == int(d.column) and
                 n.path == d.path), None)


def _at_builder_call(graph, d, lines):
    """The label-width SHP110 on a Dense whose units a builder's parameter gives, moved to the
    file's one call of that builder, which writes the number."""
    node = _node_at(graph, d, ("Dense",))
    units = (getattr(node.layer, "arguments", None) or {}).get("units") if node else None
    if not isinstance(units, int) or isinstance(units, bool) or not 0 < node.line <= len(lines):
        return None
    call = call_at(lines, int(node.line), int(node.col))
    written = argument(call, "units", 0) if call is not None else None
    if not isinstance(written, cst.Name):
        return None
    owner = enclosing_def(lines, int(node.line))
    if owner is None or written.value not in owner[2]:
        return None
    _, function, parameters = owner
    name = written.value
    calls = [(i, m.start()) for i, t in enumerate(lines, 1)
             for m in re.finditer(rf"(?<![\w.]){re.escape(function)}\s*\(", t.split("#")[0])
             if not DEF.match(t)]
    if len(calls) != 1:
        return None
    at, col = calls[0]
    builder = call_at(lines, at, col)
    given = argument(builder, name, parameters.index(name)) if builder is not None else None
    if not isinstance(given, cst.Integer) or int(given.value, 0) != units or \
            at in (int(d.line), d.data["seen_at_line"]):
        return None
    wanted = re.search(r"make the last layer Dense\((\d+)\)", d.message)
    sentence = (f"{name}={units} given to {function}() on this line sets the units of its "
                f"last Dense (line {node.line})")
    if wanted:
        message = d.message.replace(
            wanted.group(0), f"give {function}() {name}={wanted.group(1)} on this line (it "
            f"sets the units of the last Dense, line {node.line})")
    else:
        message = f"{d.message.rstrip('.')}. {sentence}"
    data = {**d.data, "layer_at_line": int(node.line)}
    if data.get("data_at_line") == at:
        data.pop("data_at_line", None)
        data.pop("data_at_col", None)
    return Diagnostic(d.code, at, col, message, data, d.path, d.cell)


def _at_target_assignment(graph, d, lines):
    """A Reshape's SHP104 moved to the one assignment of the name its target is given as."""
    node = _node_at(graph, d, ("Reshape",))
    if node is None or not 0 < int(node.line) <= len(lines):
        return None
    call = call_at(lines, int(node.line), int(node.col))
    written = argument(call, "target_shape", 0) if call is not None else None
    if not isinstance(written, cst.Name):
        return None
    bound = _binding(lines, int(node.line), written.value)
    if bound is None:
        return None
    at, col = bound
    target = d.data.get("target_shape")
    shown = tuple(target) if isinstance(target, (list, tuple)) else target
    message = (f"{d.message}. The Reshape at line {d.line} takes its target from "
               f"{written.value}, assigned {shown} on this line: make the target hold the "
               f"values the Reshape receives")
    data = {**d.data, "seen_at_line": int(d.line), "seen_at_col": int(d.column)}
    return Diagnostic(d.code, at, col, message, data, d.path, d.cell)


def _binding(lines, line, name):
    """(line, col) of `name = ...`, the name's one binding in the def around line (or, at
    module level, in the file), above line."""
    owner = def_span(lines, line)
    first, last = owner if owner is not None else (1, len(lines))
    word = re.escape(name)
    binds = [i for i in range(first, last + 1)
             if re.match(rf"\s*{word}\s*(:[^=]*)?=(?!=)", lines[i - 1])
             or re.match(rf"\s*(\w+\s*,\s*)+{word}\b.*=|\s*{word}\s*,.*=(?!=)", lines[i - 1])
             or re.match(rf"\s*(for|with|def|import|from|global|nonlocal)\b.*\b{word}\b",
                         lines[i - 1])
             or re.search(rf"\b{word}\s*(\+|-|\*|/|//|%|\|)=", lines[i - 1])]
    if owner is not None:
        names = parameters(lines, first, every=True)
        if names is None or name in names:
            return None  # a parameter: the callers write it
    if len(binds) != 1 or binds[0] >= line:
        return None
    text = lines[binds[0] - 1]
    if not re.match(rf"\s*{word}\s*=(?!=)", text):
        return None
    return binds[0], len(text) - len(text.lstrip())


# What these judgments add to the rule pages of the codes they raise (rules/docs.py appends
# each sentence to the field it names; the pages themselves sit beside the codes' first rules).
DOC_ADDENDA = {
    "SHP104": {
        "what": "A Keras `Reshape` whose target is a name assigned once in its function (or "
                "module), `x = Reshape(new_shape)(x)`, is reported on that assignment, the "
                "line to change; the Reshape is named as where the mismatch shows.",
    },
    "SHP109": {
        "what": "A functional model declared with a list of two or more Inputs "
                "(`Model([a, b], out)`) given one array, a list or tuple of another length, "
                "or a dict lacking the name written on one of its Inputs (`Input(..., "
                "name='b')`) is reported on the call, whose data is the fix.",
        "why": "Given too few or too many inputs, Keras 3 raises ValueError (`expects 2 "
               "input(s) ... but it received 1 input tensors`, `Missing data for input "
               "\"b\"`); a dict with extra keys runs. A model declared with a dict of Inputs "
               "takes a list as well and is not judged.",
    },
    "SHP110": {
        "what": "For a model declared with a list of two or more outputs, one label array or a "
                "list of another length is reported on the call; a list with one array per "
                "output is checked array by array against its output under that output's "
                "loss (one loss for all, a list by position, a dict by output name), on that "
                "output's last layer. A width set by a builder's parameter (`Dense(n)` in "
                "`def build(n)`) that the file's one call of the builder writes "
                "(`build(n=4)`) is reported on that call.",
        "why": "Keras 3 raises for a label structure that is not the outputs' (`y_true and "
               "y_pred have different structures`, or a KeyError on the loss's path under "
               "one loss for all outputs), whatever the loss; `[y[:, 0], y[:, 1]]` splits "
               "a two-column array for two one-unit outputs.",
    },
}
