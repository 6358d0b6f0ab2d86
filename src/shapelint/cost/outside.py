"""Work a model does outside its layers, found in its source: a matmul, einsum, F.linear,
F.conv2d or attention written in forward()/call() costs FLOPs that no layer row holds. Such a
model's FLOP total is unknown (never a partial sum) until those ops are counted. The scan is
syntactic and deliberately wide: an op anywhere the forward pass could reach in the files the
model's code comes from makes the total unknown, even if forward() never calls it."""
from __future__ import annotations

import ast
import os

# Calls FlopCounterMode may count (mm/addmm/bmm/baddbmm/convolution/attention underneath),
# in torch, torch.nn.functional, Tensor methods, keras.ops, einops and numpy spellings.
FLOP_CALLS = frozenset({
    "matmul", "mm", "bmm", "baddbmm", "addmm", "addbmm", "addmv", "mv", "dot", "vdot", "inner",
    "einsum", "tensordot", "chain_matmul", "multi_dot", "linear", "bilinear", "conv1d",
    "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "conv_tbc",
    "conv", "conv_transpose", "depthwise_conv", "separable_conv", "batch_dot",
    "scaled_dot_product_attention", "dot_product_attention", "multi_head_attention_forward",
    "flex_attention", "lstm", "gru", "rnn_tanh", "rnn_relu", "lstm_cell", "gru_cell",
    "rnn_tanh_cell", "rnn_relu_cell", "_scaled_mm", "kron",
})
# Names that are also the usual names of submodules (self.conv, block.linear): counted only
# when called from a namespace of functions (F.conv2d, ops.conv, torch.lstm).
_AMBIGUOUS = frozenset({"conv", "linear", "bilinear", "lstm", "gru", "dot", "conv_transpose"})
_NAMESPACES = frozenset({"F", "torch", "functional", "nn", "ops", "tf", "keras", "K",
                         "backend", "np", "numpy", "jnp", "einops", "math", "_VF", "kops"})
# torch builds in __init__ and runs in forward: ops in __init__ are not part of the pass.
_CONSTRUCTION = frozenset({"__init__", "reset_parameters", "_init_weights", "init_weights"})

_CACHE: dict = {}


def flop_ops(path: str, module_level: bool) -> list[tuple[int, str]]:
    """(line, op) of every FLOP-bearing call or `@` in the file, outside constructors (and
    outside module-level code unless module_level: Keras models are built there)."""
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return [(0, f"the source of {path} cannot be read")]
    key = (path, stamp, module_level)
    if key not in _CACHE:
        _CACHE[key] = _scan(path, module_level)
    return _CACHE[key]


def _scan(path: str, module_level: bool) -> list[tuple[int, str]]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            tree = ast.parse(handle.read(), path)
    except (SyntaxError, ValueError, OSError):
        return [(0, f"the source of {path} cannot be parsed")]
    found: list = []

    def visit(node, scope: str | None):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            name = getattr(node, "name", "<lambda>")
            if name in _CONSTRUCTION:
                return
            scope = name
        if scope is not None or module_level:
            op = _op(node)
            if op:
                found.append((node.lineno, op))
        for child in ast.iter_child_nodes(node):
            visit(child, scope)
    for statement in tree.body:
        if _is_main_guard(statement):
            continue  # a script's own driver code never runs inside the forward pass
        visit(statement, None)
    return found


def _op(node) -> str:
    if isinstance(node, (ast.BinOp, ast.AugAssign)) and isinstance(node.op, ast.MatMult):
        return "@"
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in FLOP_CALLS:
            return ""
        root = func
        while isinstance(root, ast.Attribute):
            root = root.value
        root = getattr(root, "id", "")
        if isinstance(func, ast.Attribute) and root == "self":
            return ""  # a submodule or a method of the model: its layers are rows already
        if name in _AMBIGUOUS and isinstance(func, ast.Attribute) and root not in _NAMESPACES:
            return ""
        return f"{name}()"
    return ""


def cst_op(node) -> str:
    """_op for a libcst node: the op a call or `@` is spelled as, or ""."""
    import libcst as cst
    operator = getattr(node, "operator", None)
    if isinstance(operator, (cst.MatrixMultiply, cst.MatrixMultiplyAssign)):
        return "@"
    if not isinstance(node, cst.Call):
        return ""
    func = node.func
    if isinstance(func, cst.Attribute):
        name = func.attr.value
    elif isinstance(func, cst.Name):
        name = func.value
    else:
        return ""
    if name not in FLOP_CALLS:
        return ""
    root = func
    while isinstance(root, cst.Attribute):
        root = root.value
    root = root.value if isinstance(root, cst.Name) else ""
    if isinstance(func, cst.Attribute) and root == "self":
        return ""
    if name in _AMBIGUOUS and isinstance(func, cst.Attribute) and root not in _NAMESPACES:
        return ""
    return f"{name}()"


def _is_main_guard(statement) -> bool:
    test = getattr(statement, "test", None)
    return isinstance(statement, ast.If) and isinstance(test, ast.Compare) and \
        isinstance(test.left, ast.Name) and test.left.id == "__name__"
