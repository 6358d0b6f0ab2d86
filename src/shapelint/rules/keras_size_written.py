"""Where a keras.Input's spatial sizes are written, read from the source text (issue 16): the
line to edit when the input size is what must change (rules/keras_input_sizes.py).

- `Input((420, 580, 1))`: the Input line itself;
- `Input((img_rows, img_cols, 1))` with `img_rows, img_cols = 420, 580` (or one name a line)
  at module level, each name bound once in the file: the constant's line;
- `Input(shape)` with `shape = (420, 580, 1)` bound so: that line;
- `Input(vol_shape + (1,))` in `def unet3d(vol_shape)`, which the file calls once with a tuple
  written in the call (`unet3d((285, 285, 84))`): the call's line;
- `Input((input_height, input_width, 3))` in `def unet(n, input_height=416, input_width=608)`,
  which the file calls once with integers written for them (`unet(4, input_height=902,
  input_width=602)` or positionally): the call's line (a default left in place: None).
Each number found must be the size the model received; anything else (a computed size, a
name bound twice, a function called twice) is None: the finding then stays where it shows."""
from __future__ import annotations

import re

import libcst as cst

from ..frameworks.source_text import argument, call_at, enclosing_def

_DEF = re.compile(r"^(\s*)def\s+([A-Za-z_]\w*)\s*\(")


def written(origin, axes: list, sizes: tuple) -> tuple | None:
    """(path, line, col, sentence) where the spatial sizes at axes of the Input at origin are
    written; sizes are the spatial sizes the model received."""
    lines = origin.source_lines
    line, col = int(origin.line), int(origin.col)
    if not 0 < line <= len(lines):
        return None
    call = call_at(lines, line, col)
    shape = argument(call, "shape", 0) if call is not None else None
    found = _spatial(lines, line, col, shape, axes, sizes) if shape is not None else None
    return (origin.path, *found) if found is not None else None


def _spatial(lines, line, col, shape, axes, sizes):
    """(line, col, sentence) for the expression `shape` written at (line, col)."""
    if isinstance(shape, (cst.Tuple, cst.List)):
        return _elements(lines, line, col, shape.elements, axes, sizes)
    if isinstance(shape, cst.BinaryOperation) and isinstance(shape.operator, cst.Add):
        return _spatial(lines, line, col, shape.left, axes, sizes)  # (..., sizes) + (1,)
    if isinstance(shape, cst.Name):
        bound = module_value(lines, shape.value)
        if bound is not None:
            at, value = bound
            found = _spatial(lines, at, 0, value, axes, sizes)
            if found is None or found[0] != at:
                return found
            return at, 0, f"{shape.value} on this line sets the input shape: make the sizes fit."
        return _argument(lines, line, shape.value, axes, sizes)
    return None


def _elements(lines, line, col, elements, axes, sizes):
    if any(not isinstance(e, cst.Element) for e in elements) or \
            len(elements) < max(axes) + 1:
        return None
    places = []
    for axis in axes:
        value = elements[axis].value
        if isinstance(value, cst.Integer):
            if int(value.value, 0) != sizes[axis]:
                return None
            places.append((line, col, None))
        elif isinstance(value, cst.Name):
            bound = module_value(lines, value.value)
            if bound is None:  # unet(n, input_height=902, ...) for Input((input_height, ...))
                given = _given(lines, line, value.value)
                if given is None or int(given[2].value, 0) != sizes[axis]:
                    return None
                at, at_col, _, function = given
                places.append((at, at_col, f"{value.value}={sizes[axis]} given to {function}"))
                continue
            if not isinstance(bound[1], cst.Integer) or int(bound[1].value, 0) != sizes[axis]:
                return None
            places.append((bound[0], 0, f"{value.value} = {sizes[axis]}"))
        else:
            return None
    first = places[0]
    here = [p[2] for p in places if p[0] == first[0]]
    suffixes = {h[h.index(" given to "):] for h in here if h and " given to " in h}
    if len(suffixes) == 1 and all(h and h.endswith(*suffixes) for h in here):
        here = [h[:-len(next(iter(suffixes)))] for h in here[:-1]] + [here[-1]]
    sentence = "The input shape is written on this line" if first[2] is None else \
        " and ".join(h for h in here if h) + " on this line"
    others = sorted({p[0] for p in places} - {first[0]})
    if others:
        sentence += f" (and at line {', '.join(map(str, others))})"
    return first[0], first[1], sentence + ": make the sizes fit there."


def module_value(lines, name):
    """(line, expression) of `name = value` or `a, name = x, value` at module level, when that
    is the name's one binding in the file."""
    word = re.escape(name)
    binds = [i for i, t in enumerate(lines, 1)
             if re.match(rf"\s*(\w+\s*,\s*)*{word}\s*(,\s*\w+\s*)*=(?!=)", t)
             or re.match(rf"\s*(for|with|def|import|from)\b.*\b{word}\b", t)]
    if len(binds) != 1 or lines[binds[0] - 1][:1].isspace():
        return None
    try:
        statement = cst.parse_statement(lines[binds[0] - 1])
    except cst.ParserSyntaxError:
        return None
    assign = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    target, value = assign.targets[0].target, assign.value
    if isinstance(target, cst.Name):
        return (binds[0], value) if target.value == name else None
    if isinstance(target, cst.Tuple) and isinstance(value, cst.Tuple) and \
            len(target.elements) == len(value.elements):
        for t, v in zip(target.elements, value.elements):
            if isinstance(t.value, cst.Name) and t.value.value == name:
                return binds[0], v.value
    return None


def _given(lines, line, name):
    """(line, col, literal, function) of the integer literal that the file's one call of the
    def around line gives for its parameter `name`, by keyword or position; None otherwise
    (a default left in place, a computed value, the function called twice)."""
    owner = enclosing_def(lines, line)
    if owner is None or name not in owner[2]:
        return None
    call = _one_call(lines, owner[1])
    if call is None:
        return None
    at, col, node = call
    given = argument(node, name, owner[2].index(name))
    if not isinstance(given, cst.Integer):
        return None
    return at, col, given, owner[1]


def _one_call(lines, function):
    """(line, col, call) of the file's one call of `function`, or None; a call written in a
    comment (a bug report quoted above the code) is no call."""
    calls = [(i, m.start()) for i, t in enumerate(lines, 1)
             for m in re.finditer(rf"(?<![\w.]){re.escape(function)}\s*\(", _code(t))
             if not _DEF.match(t)]
    if len(calls) != 1:
        return None
    at, col = calls[0]
    node = call_at(lines, at, col)
    return (at, col, node) if node is not None else None


def _code(text: str) -> str:
    """The line without its comment; a line with a quote before its "#" is kept whole (the
    "#" may sit in a string), so a call is never hidden."""
    code = text.split("#", 1)[0]
    return text if "'" in code or '"' in code else code


def _argument(lines, line, name, axes, sizes):
    """The parameter `name` of the def around line, given as a written tuple by the file's one
    call of that function."""
    owner = enclosing_def(lines, line)
    if owner is None or name not in owner[2]:
        return None
    _, function, parameters = owner
    found = _one_call(lines, function)
    if found is None:
        return None
    at, col, call = found
    given = argument(call, name, parameters.index(name))
    if isinstance(given, cst.Name):  # unet3d(VOLUME), VOLUME = (285, 285, 84) above
        return _spatial(lines, at, col, given, axes, sizes)
    if not isinstance(given, (cst.Tuple, cst.List)):
        return None
    found = _elements(lines, at, col, given.elements, axes, sizes)
    if found is None or found[0] != at:
        return found
    return at, col, (f"{name} given to {function} on this line sets the input shape: make "
                     f"the sizes fit there.")
