"""Data sized by a number written by hand where the file names the size the model reads (issue
16): `Input(shape=(N_SENSORS,))` with `N_SENSORS = 8`, and the readings drawn
`np.random.rand(100, 7)`; or, in a class, `Input(shape=(self.latent_dim,))` and the noise
`np.random.normal(0, 1, (batch_size, 100))` in a method of the same class. Either side is a
fix in general (edges.py keeps the finding on the model's side, keras_constants moves it to the
constant); here the file itself says which side it meant: the size has a name, bound once to a
literal, in scope where the data is made, and the data's sizing call writes a bare number
instead. The finding (SHP109) goes to the statement that made the data, naming the model's
input line (data["model_at_line"]) and the call where Keras raises (data["seen_at_line"]).

Facts only: every axis on which the data and the model's input differ is written in the
model's input shape as such a name (a module constant bound once, or `self.<attr>` assigned
once in the class whose method makes the data) and in the data's sizing call (a `size=` /
`shape` tuple, or np.random.rand/randn's own arguments) as an integer literal equal to the
data's size there. Anything else leaves the finding where it was."""
from __future__ import annotations

import re

import libcst as cst

from ..domain.codes import SHP109, Diagnostic
from ..frameworks.source_text import argument, call_at
from .advice import without_advice
from .keras_size_written import module_value
from .moved import moved_to_data

_CLASS = re.compile(r"^(\s*)class\s+\w+")


def literal_for_named_size(graph, d: Diagnostic, lines: list) -> Diagnostic | None:
    """d, an SHP109 kept on the model's input, moved to the data's line (see above)."""
    data = d.data if isinstance(d.data, dict) else {}
    model, given = data.get("model_input"), data.get("data_shape")
    made, made_col = data.get("data_at_line"), data.get("data_at_col")
    if d.code is not SHP109 or not isinstance(model, list) or not isinstance(given, list) or \
            len(model) != len(given) or len(model) < 2 or not isinstance(made, int) or \
            not isinstance(made_col, int) or not 0 < made <= len(lines):
        return None
    axes = [i for i in range(1, len(model)) if model[i] != given[i]]
    if not axes or any(not isinstance(model[i], int) or not isinstance(given[i], int)
                       for i in axes):
        return None
    shape_at = _model_shape(graph, d, lines, len(model))
    sized = _sizes_written(call_at(lines, made, made_col), len(given))
    if shape_at is None or sized is None:
        return None
    shape_line, elements = shape_at
    names = []
    for i in axes:
        literal = sized[i]
        if not isinstance(literal, cst.Integer) or int(literal.value, 0) != given[i]:
            return None
        name = _name_in_scope(elements[i], model[i], lines, shape_line, made)
        if name is None:
            return None
        names.append(f"{name} = {model[i]} for the {given[i]} written at axis {i}")
    base = without_advice(d.message)
    message = (f"{base}. The data made on this line writes its size by hand where the model's "
               f"input (line {shape_line}) reads a name this line can use: "
               f"{'; '.join(names)}; size the data with that name")
    return moved_to_data(d, made, made_col, message, model_at_line=int(shape_line))


def _model_shape(graph, d, lines, rank):
    """(line, elements by axis, batch first as None) of the shape the model's input is written
    with: the Input(shape=...) call, or input_shape= / input_dim= on the finding's layer."""
    places = [(int(d.line), int(d.column))]
    for node in graph.inputs:
        origin = node if graph.show_inputs else getattr(node, "input_origin", None)
        if origin is not None and origin.line and origin.path == d.path:
            places.append((int(origin.line), int(origin.col)))
    for line, col in places:
        if not 0 < line <= len(lines):
            continue
        call = call_at(lines, line, col)
        if call is None:
            continue
        head = cst.Module([]).code_for_node(call.func).rsplit(".", 1)[-1]
        written = argument(call, "shape", 0) if head == "Input" else \
            argument(call, "input_shape", 99)
        if written is None and head != "Input" and argument(call, "input_dim", 99) is not None:
            written = cst.Tuple([cst.Element(argument(call, "input_dim", 99))])
        if isinstance(written, (cst.Tuple, cst.List)) and \
                all(isinstance(e, cst.Element) for e in written.elements) and \
                len(written.elements) + 1 == rank:
            return line, [None] + [e.value for e in written.elements]
    return None


def _sizes_written(call, rank):
    """The size expressions, batch first, of a numpy call that is given its shape: one tuple
    or list argument of that length (size=, shape, a positional shape), or np.random.rand /
    randn's positional sizes."""
    if call is None:
        return None
    tuples = [a.value for a in call.args if isinstance(a.value, (cst.Tuple, cst.List))
              and len(a.value.elements) == rank
              and all(isinstance(e, cst.Element) for e in a.value.elements)]
    func = cst.Module([]).code_for_node(call.func)
    if not tuples and func.endswith(("random.rand", "random.randn")) and \
            len(call.args) == rank and all(a.keyword is None and not a.star for a in call.args):
        return [a.value for a in call.args]
    if len(tuples) != 1:
        return None
    return [e.value for e in tuples[0].elements]


def _name_in_scope(expression, size, lines, shape_line, made):
    """The name the model's size is written with, when the data's line can read it too: a
    module constant bound once to `size`, or self.<attr> assigned `size` once in the class
    that holds both lines."""
    if isinstance(expression, cst.Name):
        bound = module_value(lines, expression.value)
        if bound is None or not isinstance(bound[1], cst.Integer) or \
                int(bound[1].value, 0) != size:
            return None
        return expression.value
    if isinstance(expression, cst.Attribute) and isinstance(expression.value, cst.Name) and \
            expression.value.value == "self":
        owner = _enclosing_class(lines, shape_line)
        if owner is None or owner != _enclosing_class(lines, made):
            return None
        attribute = expression.attr.value
        assigned = [i for i, t in enumerate(lines, 1)
                    if re.match(rf"\s*self\.{attribute}\s*=(?!=)", t)]
        if len(assigned) != 1 or _enclosing_class(lines, assigned[0]) != owner or \
                not re.match(rf"\s*self\.{attribute}\s*=\s*{size}\s*(#.*)?$",
                             lines[assigned[0] - 1]):
            return None
        return f"self.{attribute}"
    return None


def _enclosing_class(lines, line):
    """The line of the class statement whose body holds `line`, by indentation; None."""
    here = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    for number in range(line - 1, 0, -1):
        text = lines[number - 1]
        indent = len(text) - len(text.lstrip())
        if not text.strip() or text.lstrip()[0] in "#)]}" or indent >= here:
            continue
        here = indent
        if _CLASS.match(text):
            return number
        if indent == 0:
            return None
    return None
