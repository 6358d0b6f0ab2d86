"""What forward() does outside its modules that may cost FLOPs: each torch op call with a
FLOP-bearing name (matmul, `@`, F.linear, einsum, conv, attention, ...), as the interpreter met
it, and each such call site the interpreter evaluated. cost/ turns them into FLOPs; a site
evaluated without an op recorded (its callee or operands unknown) makes the total unknown."""
from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ..cost.outside import FLOP_CALLS, cst_op
from ..domain.shapes import Shape


@dataclass(frozen=True)
class OpCall:
    name: str  # the op's own name: "matmul" for `@`, "linear" for F.linear, ...
    path: str
    line: int
    args: tuple  # Shapes for tensors (lists of Shapes for tensor lists), other values as is
    kwargs: dict
    uncertain: bool  # met under a condition or loop the analysis could not decide
    shape: object = None  # the result's Shape; None when the op gave no tensor


def record(interp, name: str, args, kwargs, node, result) -> None:
    """Log one op of forward() whose name may cost FLOPs."""
    log = interp.state.op_log
    if log is None or name not in FLOP_CALLS:
        return
    path, line, _ = interp.position(node) if node is not None else ("", 0, 0)
    shape = getattr(result, "shape", None)
    log.append(OpCall(name, path, line, tuple(args), dict(kwargs), interp.uncertain > 0,
                      shape if isinstance(shape, Shape) else None))


def site_visitor(interp, sites: list):
    """The interpreter's callback for each call or binary operation it evaluates: keeps the
    (path, line, op, uncertain) of those spelled like a FLOP-bearing op."""
    def visit(node) -> None:
        if isinstance(node, (cst.Call, cst.BinaryOperation, cst.AugAssign)):
            found = cst_op(node)
            if found:
                path, line, _ = interp.position(node)
                sites.append((path, line, found, interp.uncertain > 0))
    return visit
