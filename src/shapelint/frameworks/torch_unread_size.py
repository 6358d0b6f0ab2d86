"""Issue 16 (torch): a loss whose model output and target differ in the axis the model's last
layer writes (a Conv's out_channels, a Linear's out_features), where that size is a literal
(`nn.Conv2d(32, 6, 1)`, or `Head(32, 6)` given to the class that builds the layer) while the
model's class takes a parameter that its __init__ never reads and that the file's one
instantiation of the class gives the target's size (`MCC(num_classes)`, num_classes = 7): the
model was meant to read that parameter there. The fix is the model's line that writes the
literal (pass the parameter), and the finding goes there; the target's line is named. Read from
the source text only: a parameter read anywhere in __init__, a class instantiated more than
once, or a size not written as a literal leave the finding where it was."""
from __future__ import annotations

import libcst as cst

from . import torch_size_origins as origins
from .source_text import argument, call_at, enclosing_def


def place(layer, key: str, size: int, wanted: int, axis: int, target_at, interp):
    """(path, line, col, sentence) of the literal to replace by the unread parameter, or None."""
    module = interp.modules.get(layer.path) if interp is not None and layer.path else None
    lines = getattr(module, "lines", None) or []
    if not lines or not 0 < int(layer.line or 0) <= len(lines):
        return None
    site = _literal_site(lines, int(layer.line), int(layer.col or 0), key, size)
    if site is None:
        return None
    line, col = site
    owner = _owner(lines, line)
    if owner is None:
        return None
    cls, name, given_at = _unread_parameter(lines, *owner, wanted) or (None, None, None)
    if cls is None:
        return None
    target = f" built at line {target_at[1]}" if target_at is not None and \
        target_at[0] == layer.path and target_at[1] else ""
    where = f" (line {layer.line})" if line != layer.line else ""
    return (layer.path, line, col, f"{layer.type_name}'s {key}{where} is written as {size} on "
            f"this line; the target{target} has {wanted} in dim {axis}, the value {cls}(...) at "
            f"line {given_at} gives its parameter {name}, which {cls}.__init__ never reads: "
            f"pass {name} here.")


def _literal_site(lines: list, line: int, col: int, key: str, size: int):
    """(line, col) where the layer's size is written as an integer literal: its own call, or
    the one instantiation of the class around it giving the parameter it reads."""
    call = call_at(lines, line, col)
    given = argument(call, key, 1) if call is not None else None
    if isinstance(given, cst.Integer):
        return (line, col) if int(given.value, 0) == size else None
    if not isinstance(given, cst.Name):
        return None
    found = origins._instantiation(lines, line, given.value, size, "", call)
    if found is None or len(found) != 3:  # a default left (4), or not given once
        return None
    at, at_col = found[:2]
    outer = call_at(lines, at, at_col)
    owner = origins._enclosing_init(lines, line)
    value = argument(outer, given.value, owner[1].index(given.value)) if outer is not None \
        and owner is not None else None
    return (at, at_col) if isinstance(value, cst.Integer) else None


def _owner(lines: list, line: int):
    """(class, __init__ parameters after self, the method's lines, def line) around line."""
    return origins._enclosing_init(lines, line) if enclosing_def(lines, line) else None


def _unread_parameter(lines: list, cls: str, parameters: list, method: list, def_line: int,
                      wanted: int):
    """(class, parameter, line of the one instantiation) when that instantiation gives
    `wanted` (a literal, or a module constant bound once) to a parameter __init__ never reads."""
    calls = origins._calls(lines, cls)
    if len(calls) != 1:
        return None
    at, col = calls[0]
    call = call_at(lines, at, col)
    if call is None or any(a.star for a in call.args):
        return None
    body = method[1:]
    found = []
    for index, name in enumerate(parameters):
        if name.startswith("*") or origins._reads(body, name) != 0:
            continue
        given = argument(call, name, index)
        if isinstance(given, cst.Integer):
            value = int(given.value, 0)
        elif isinstance(given, cst.Name):
            value = (origins.module_constant(lines, given.value) or (0, None))[1]
        else:
            continue
        if value == wanted:
            found.append(name)
    return (cls, found[0], at) if len(found) == 1 else None
