"""A layer fed the wrong name where the value it was meant for is thrown away (issue 16):

    out = self.nl1(self.fc1(x))
    out = self.nl2(self.fc2(x))   # fc2 was built for fc1's output, fed the block input

The layer rejects what it gets (SHP101 / SHP106), the statement assigns a name that the
statement just before it, in the same block, also assigns, and the statement does not read
that name: the earlier value is overwritten unread. When that earlier value is exactly one
the layer accepts, the constructor is right and the call line feeds the wrong tensor, so the
finding goes on the call (the line the fix changes), naming the value it was meant to get.

Facts only: the layer's own rule accepts the overwritten value's shape and rejects the one
given, both shapes known; anything else leaves the finding on the constructor."""
from __future__ import annotations

import libcst as cst

from ..domain.codes import SHP101, SHP106

_WHERE = ("torch: a layer fed one tensor where the statement just before, in the same block, "
          "assigns the name this statement overwrites without reading it (`out = "
          "self.fc1(x)` then `out = self.fc2(x)`), to a value the layer accepts, is reported on "
          "that call, naming the value it was meant to get, rather than on the constructor.")
DOC_ADDENDA = {"SHP101": {"what": _WHERE}, "SHP106": {"what": _WHERE}}


def layer_fault(interp, layer, applied, tensor, fits, fix_at) -> None:
    """Set fix_at of the layer's fault to the statement applying it, per the module doc."""
    fault = applied.fault
    if getattr(fault, "fix_at", None) is not None or fault.code not in (SHP101, SHP106) or \
            interp.uncertain or not interp.frames:
        return
    statement = interp.statement
    name = _single_target(statement)
    func, scope = interp.frames[-1]
    if name is None or name not in scope.vars or _reads(statement.value, name):
        return
    kept = scope.vars[name]
    shape = getattr(kept, "shape", None)
    if kept is tensor or shape is None or not shape.known_rank or not fits(layer, shape):
        return
    previous = _previous(getattr(func, "node", None), statement)
    if previous is None or _single_target(previous) != name:
        return
    path, line, col = interp.position(statement)
    before = interp.position(previous)[1]
    if not path or path != applied.path or not line or not before:
        return
    sentence = (f"`{name}` from line {before} is {shape}, which this {layer.type_name} "
                f"takes, and this line overwrites it unread while feeding the "
                f"{layer.type_name} {tensor.shape}: feed it `{name}`.")
    fault.fix_at = fix_at(path, int(line), int(col), None, sentence)


def _single_target(statement) -> str | None:
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1 and \
            isinstance(statement.targets[0].target, cst.Name):
        return statement.targets[0].target.value
    return None


def _reads(node, name: str) -> bool:
    """The expression mentions the name anywhere (then the earlier value is not lost)."""
    found = []

    class _Names(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            if n.value == name:
                found.append(n)

    node.visit(_Names())
    return bool(found)


def _previous(function, statement):
    """The small statement just before `statement` in its block, when both are the only
    statement on their lines; None otherwise (a compound statement between them, a first
    statement, a statement not found)."""
    if function is None:
        return None
    blocks = []

    class _Blocks(cst.CSTVisitor):
        def visit_IndentedBlock(self, block: cst.IndentedBlock) -> None:
            blocks.append(block.body)

    function.visit(_Blocks())
    for body in blocks:
        for i, line in enumerate(body):
            if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and \
                    line.body[0] is statement:
                before = body[i - 1] if i else None
                if isinstance(before, cst.SimpleStatementLine) and len(before.body) == 1:
                    return before.body[0]
                return None
    return None
