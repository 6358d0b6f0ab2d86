"""A Keras size read from a module constant (issue 16): `latent_dim = 16` at module level, then
`Input(shape=(latent_dim,))` or `Dense(NUM_CLASSES)`. When the finding kept on the model's side
(SHP109 on the Input, SHP110 on the last Dense) contradicts exactly the sizes such constants
give, the line the model's fix changes is the constant's: every use of it changes together,
and nothing else binds it. The finding moves there and names the layer line (data
["layer_at_line"]); where the mismatch shows (seen_at_line) and where the data was made
(data_at_line) stay named. Only a name bound once in the file, at module level, to an integer
literal equal to the size the model received moves a finding; a computed value, a name bound
twice, an axis written as a literal beside one read from a constant, a rank that differs:
the finding stays where it was."""
from __future__ import annotations

import re

import libcst as cst

from ..domain.codes import Diagnostic
from ..frameworks.source_text import argument, call_at
from .keras_size_written import module_value


def input_constant(d: Diagnostic, lines: list) -> Diagnostic | None:
    """An SHP109 on an Input (or a layer's input_shape / input_dim) whose contradicted sizes
    are all one module constant's, moved to that constant's line."""
    found = contradicted_sizes(d, lines)
    if found is None:
        return None
    values, sizes = found
    if not all(isinstance(value, cst.Name) for value in values):
        return None
    return _moved_to(d, lines, {value.value for value in values}, sizes,
                     f"the input shape of the layer at line {d.line}")


def contradicted_sizes(d: Diagnostic, lines: list):
    """([expression written for each axis the data contradicts], [the model's size there]) of
    the SHP109 on an Input or a layer's input_shape / input_dim, from the line's text; None
    when the sizes are not written there one by one."""
    model, given = d.data.get("model_input"), d.data.get("data_shape")
    if not isinstance(model, list) or not isinstance(given, list) or \
            len(model) != len(given) or len(model) < 2:
        return None
    axes = [i for i in range(1, len(model)) if model[i] != given[i]]
    if not axes or any(not isinstance(model[i], int) for i in axes):
        return None
    call = call_at(lines, int(d.line), int(d.column))
    if call is None:
        return None
    head = cst.Module([]).code_for_node(call.func).rsplit(".", 1)[-1]
    if head in ("Input", "InputLayer"):
        written = argument(call, "shape", 0) if head == "Input" else \
            argument(call, "shape", 99) or argument(call, "batch_shape", 99)
        offset = 1 if head == "Input" or argument(call, "shape", 99) is not None else 0
    else:
        written = argument(call, "input_shape", 99)
        offset = 1
        dim = argument(call, "input_dim", 99)
        if written is None and dim is not None:
            written, offset = cst.Tuple([cst.Element(dim)]), len(model) - 1
    if not isinstance(written, (cst.Tuple, cst.List)) or \
            any(not isinstance(e, cst.Element) for e in written.elements) or \
            len(written.elements) + offset != len(model):
        return None
    return [written.elements[axis - offset].value for axis in axes], [model[i] for i in axes]


def units_constant(d: Diagnostic, node, lines: list) -> Diagnostic | None:
    """An SHP110 on a Dense whose units are a module constant, moved to that constant."""
    units = (getattr(node.layer, "arguments", None) or {}).get("units")
    labels, output = d.data.get("label_shape"), d.data.get("output_shape")
    if not isinstance(units, int) or isinstance(units, bool) or \
            not isinstance(labels, list) or not isinstance(output, list) or \
            len(labels) != len(output) or len(output) < 2 or output[-1] != units or \
            labels[-1] == units or not isinstance(labels[-1], int) or \
            any(a != b and None not in (a, b) for a, b in zip(labels[1:-1], output[1:-1])):
        return None  # only labels of another width: a rank apart is not the units' fault
    call = call_at(lines, int(node.line), int(node.col))
    written = argument(call, "units", 0) if call is not None else None
    if not isinstance(written, cst.Name):
        return None
    moved = _moved_to(d, lines, {written.value}, [units],
                      f"the units of the last Dense (line {node.line})")
    wanted = re.search(r"make the last layer Dense\((\d+)\)", moved.message) if moved else None
    if wanted is None:
        return moved
    message = moved.message.replace(wanted.group(0), f"make it {written.value} = "
                                    f"{wanted.group(1)} on this line")
    return Diagnostic(moved.code, moved.line, moved.column, message, moved.data, moved.path,
                      moved.cell)


def _moved_to(d, lines, names, sizes, what):
    if len(names) != 1:
        return None
    [name] = names
    bound = module_value(lines, name)
    if bound is None or not isinstance(bound[1], cst.Integer) or \
            any(int(bound[1].value, 0) != s for s in sizes):
        return None
    at = bound[0]
    if at in (int(d.line), d.data.get("seen_at_line"), d.data.get("data_at_line")):
        return None
    message = f"{d.message.rstrip('.')}. {name} = {sizes[0]} on this line sets {what}."
    data = {**d.data, "layer_at_line": int(d.line)}
    return Diagnostic(d.code, at, 0, message, data, d.path, d.cell)
