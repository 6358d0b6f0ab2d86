"""Where a data-shape mismatch (SHP109) is reported when the model read its input size from the
data array before the array was made anew (issue 16): `Dense(512, input_dim=X.shape[1])` while
X is still (N, 28, 28), then `X = X.reshape(len(X), -1)` below the model, then fit(X, ...). The
model was sized from the array itself, so it is not the side that is wrong: the statement that
remakes the array after the size was read is. The finding moves to that statement and names the
layer that read the size (data["layer_at_line"]) and the call where Keras raises
(data["seen_at_line"]).

Facts only, from the module's own text and the analysis' places: the layer's input size
arguments (input_dim, input_shape, Input's shape) read `NAME.shape` of one name only; the array
given to the call was made (ArrayValue.built_at, data["data_at_line"]) by a statement that binds
that same name, on a line after the layer's and before the call's. Anything else leaves the
finding where it was."""
from __future__ import annotations

import re

import libcst as cst

from ..domain.codes import SHP109, Diagnostic
from ..frameworks.source_text import argument, call_at
from .advice import without_advice
from .moved import moved_to_data


def read_before_remade(d: Diagnostic, lines: list) -> Diagnostic | None:
    data = d.data if isinstance(d.data, dict) else {}
    made, seen = data.get("data_at_line"), data.get("seen_at_line")
    if d.code is not SHP109 or not isinstance(made, int) or not isinstance(seen, int) or \
            not int(d.line) < made < seen or not 0 < int(d.line) <= len(lines):
        return None
    call = call_at(lines, int(d.line), int(d.column))
    if call is None:
        return None
    names = set()
    for key, position in (("input_dim", 99), ("input_shape", 99), ("shape", 0),
                          ("batch_shape", 99)):
        written = argument(call, key, position)
        if written is not None:
            names |= _shape_reads(written)
    if len(names) != 1:
        return None
    name = names.pop()
    if not re.match(rf"\s*{re.escape(name)}\s*=(?!=)", lines[made - 1]):
        return None  # the array given is not that name made anew there
    shape = data.get("data_shape")
    shown = f" with shape {tuple(shape)}" if isinstance(shape, list) else ""
    # the model-side advice and the either-side sentence no longer hold: the model is right
    message = (f"{without_advice(d.message)}. The layer at line {d.line} reads its input size from "
               f"{name}.shape, before {name} is made anew on this line{shown}: the model is "
               f"sized for {name}'s earlier shape. Give {name} its final shape before the model "
               f"reads it (this statement above line {d.line})")
    return moved_to_data(d, made, int(data.get("data_at_col", 0)), message,
                         layer_at_line=int(d.line))


def _shape_reads(expression) -> set:
    """The names N of the `N.shape` read in expression."""
    found = set()

    class Reads(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> None:
            if node.attr.value == "shape" and isinstance(node.value, cst.Name):
                found.add(node.value.value)

    expression.visit(Reads())
    return found
