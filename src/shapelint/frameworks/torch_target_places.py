"""Where a loss finding goes when the model's output and the target differ in one axis other
than the batch (issue 16), beside torch_loss_places' trailing-1 rule:

- the target's shape is written in the file (a tensor built from its sizes, masks made with
  torch.rand(1, 3, 256, 256)) and the output's is not: the target's line;
- the model's last layer reads one module constant for that size (`nn.Linear(512,
  code_length)`) and the target was built with another (`(64, num_labels)`): the layer reads
  the wrong name, or the target does; either side is honest and the layer's line is kept,
  the message naming both constants;
- the last layer's size a literal while the model's class takes the target's size as a
  parameter its __init__ never reads (`MCC(num_classes)` building `Head(32, 6)`): the
  literal's line, where that parameter belongs (torch_unread_size);
- otherwise, when the differing size is the one the model's last layer writes (a Conv's
  out_channels on dim 1, a Linear's out_features on the last dim), the fix is honestly either
  side and the model's line is kept: the module-level constant that sizes that layer
  (`n_class = 20` passed down by the same name), else the layer's constructor; the message
  names the target's size too.
A target reshaped in the file leaves the finding on the loss call, as either side may change."""
from __future__ import annotations

import re

import libcst as cst

from ..domain.dims import is_known

_OUT_SIZE = (("Conv", "out_channels", 1), ("LazyConv", "out_channels", 1),
             ("Linear", "out_features", -1), ("LazyLinear", "out_features", -1))


def differing_axis(kind: str, x, y, interp):
    """(path, line, col, sentence) where the fix goes, or None for the loss call."""
    if kind not in ("bce", "bce_logits", "pointwise"):
        return None
    a, b = x.shape, y.shape
    if not (a.known_rank and b.known_rank and a.rank == b.rank) or \
            not all(is_known(d) for d in (*a.dims, *b.dims)):
        return None
    axes = [i for i in range(a.rank) if a[i] != b[i]]
    if len(axes) != 1 or axes[0] == 0:
        return None
    axis = axes[0]
    target_at, input_at = y.shape_at, x.shape_at
    named = _named_sizes(x, a, b, axis, target_at, interp)
    if named is not None:
        return named
    unread = _unread_parameter(x, a, b, axis, target_at, interp)
    if unread is not None:
        return unread
    if target_at is not None and target_at[3] == "built" and input_at is None:
        return (*target_at[:3], f"The target's shape {b} is written on this line; the "
                f"model's output is {a}: they differ in dim {axis} ({b[axis]} against "
                f"{a[axis]}).")
    if target_at is not None or input_at is not None:
        return None
    return _head(x, a, b, axis, interp)


def _sizing(x, a, axis: int):
    """(the layer that made the output, the argument of it that wrote the output's size on
    this axis), or (layer, None) when no argument of it did."""
    layer = getattr(x, "made_by", None)
    arguments = getattr(layer, "arguments", None) or {}
    key = next((k for prefix, k, at in _OUT_SIZE if layer is not None and
                layer.type_name.startswith(prefix) and axis % a.rank == at % a.rank), None)
    if key is None or arguments.get(key) != a[axis] or not layer.line:
        return layer, None
    return layer, key


def _unread_parameter(x, a, b, axis: int, target_at, interp):
    """The literal that sizes the last layer, when the model takes the target's size as a
    parameter it never reads (torch_unread_size)."""
    from . import torch_unread_size
    layer, key = _sizing(x, a, axis)
    if key is None:
        return None
    return torch_unread_size.place(layer, key, a[axis], b[axis], axis, target_at, interp)


def _head(x, a, b, axis: int, interp):
    """The line that sizes the output's differing axis: the constant, else the layer."""
    layer, key = _sizing(x, a, axis)
    if key is None:
        return None
    module = interp.modules.get(layer.path) if interp is not None else None
    lines = getattr(module, "lines", None) or []
    both = (f"the target has {b[axis]} in dim {axis}, the model's output {a[axis]}: make "
            f"them agree (this size, or the target {b})")
    constant = _constant(lines, layer.line, a[axis])
    if constant is not None:
        name, line = constant
        return (layer.path, line, 0, f"{name} = {a[axis]} on this line sets {layer.type_name}"
                f"'s {key} (line {layer.line}); {both}.")
    return (layer.path, layer.line, layer.col, f"{layer.type_name}'s {key} of {a[axis]} is "
            f"set on this line; {both}.")


def _named_sizes(x, a, b, axis: int, target_at, interp):
    """The layer's line, when its size and the target's are two module constants of the
    file, each bound once: the one the layer reads and the one the target was built with."""
    from . import torch_size_origins as origins
    layer = getattr(x, "made_by", None)
    if layer is None or target_at is None or target_at[3] != "built" or interp is None or \
            not layer.line or target_at[0] != layer.path:
        return None
    key = next((k for prefix, k, at in _OUT_SIZE if layer.type_name.startswith(prefix) and
                axis % a.rank == at % a.rank), None)
    module = interp.modules.get(layer.path)
    lines = getattr(module, "lines", None) or []
    if key is None or not 0 < layer.line <= len(lines) or not 0 < target_at[1] <= len(lines):
        return None
    call = origins.call_at(lines, layer.line, layer.col)
    read = origins.argument(call, key, 1) if call is not None else None
    if not isinstance(read, cst.Name) or origins.module_constant(lines, read.value) is None \
            or origins.module_constant(lines, read.value)[1] != a[axis]:
        return None
    text = lines[target_at[1] - 1].split("#", 1)[0]
    names = {n for n in re.findall(r"(?<![\w.])([A-Za-z_]\w*)\b", text) if n != read.value}
    given = [n for n in names if (origins.module_constant(lines, n) or (0, None))[1] == b[axis]]
    if len(given) != 1:
        return None
    return (layer.path, layer.line, layer.col, f"{layer.type_name}'s {key} on this line is "
            f"{read.value} ({a[axis]}); the target built at line {target_at[1]} has "
            f"{given[0]} ({b[axis]}) in dim {axis}: pass {given[0]} here, or build the target "
            f"with {read.value}.")


def _constant(lines: list, line: int, value: int):
    """(name, line) of the one module-level `NAME = value` whose name the constructor at
    `line` passes (the size handed down under its own name), when there is exactly one."""
    if not 0 < line <= len(lines):
        return None
    text = lines[line - 1]
    names = set(re.findall(r"(?<![\w.])([A-Za-z_]\w*)\b", text[text.find("(") + 1:]))
    found = []
    for name in names:
        binds = [i for i, t in enumerate(lines, 1) if re.match(rf"{name}\s*=(?!=)", t)]
        if len(binds) != 1:
            continue
        match = re.match(rf"{name}\s*=\s*(\d+)\s*(#.*)?$", lines[binds[0] - 1])
        if match and int(match.group(1)) == value:
            found.append((name, binds[0]))
    return found[0] if len(found) == 1 else None


def flattened_one_hot(loss_name: str, x, y, finding):
    """CrossEntropyLoss/NLLLoss of (N, C) logits against a target of N * C integers that a
    reshape in the file wrote (one-hot rows flattened by view(-1)): the labels' encoding is
    the fault (SHP111), not their count; the finding as it is otherwise."""
    from ..domain.codes import SHP110, SHP111
    code, message, data = finding
    a, b = x.shape, y.shape
    if code is not SHP110 or not (a.known_rank and b.known_rank and a.rank == 2 and
                                  b.rank == 1) or not all(is_known(d) for d in (*a, *b)):
        return finding
    rows, classes = a.dims
    if classes < 2 or rows == b[0] or b[0] != rows * classes or y.dtype not in (
            None, "int64", "int32") or y.shape_at is None or y.shape_at[3] != "reshaped":
        return finding
    return (SHP111, f"{loss_name} gets input {a} and target {b}: {b[0]} = {rows} x {classes} "
            f"values, one-hot rows of {classes} classes flattened into a list of \"class "
            f"ids\"; torch raises (expected batch size {rows}, got {b[0]}). Pass class "
            f"indices: target.argmax(dim=1) of the one-hot rows.",
            {**data, "one_hot_classes": classes})
