"""A layer inside a loop fed the loop's first input on every pass, while the statement that
feeds it keeps each pass's output under a name no later pass reads (issue 16):

    for layer in range(self.num_layers):
        out, state = run(self.cells[layer], x, hx)   # meant: x if layer == 0 else out

The first pass fits; a later layer, built for the earlier layer's output, rejects x (SHP101 /
SHP106, torch raises there). The statement, in the function running the loop or in one of the
functions it called on the way to the layer, assigns a name that the loop reads nowhere else,
so each pass's value is thrown away; when that value, as the previous pass left it, differs
from one tensor the statement reads (an argument, however nested) only on one axis, where it
has the size the layer expects and that tensor the size the layer got, the fix is to pass it:
the finding goes on that statement (the line the fix changes), naming the layer constructor
as the other side.

Facts only: the loop is unrolled (no undecided condition), the name is written only by that
statement inside the loop, the shapes are known; anything else leaves the finding where it was."""
from __future__ import annotations

import libcst as cst

from ..domain.codes import SHP101, SHP106

_WHERE = ("torch: a layer in a loop rejecting the loop's first input, passed to it on every "
          "pass, while the statement passing it assigns a name no later pass reads, which the "
          "previous pass left with the size the layer expects, is reported on that statement "
          "(pass that name from the second pass on).")
DOC_ADDENDA = {"SHP101": {"what": _WHERE}, "SHP106": {"what": _WHERE}}


def layer_fault(interp, layer, applied, tensor, fix_at) -> None:
    """Set fix_at of the layer's fault to the statement feeding the loop's first input."""
    fault = applied.fault
    expected = fault.data.get("expected", fault.data.get("in_features"))
    actual = fault.data.get("actual")
    if getattr(fault, "fix_at", None) is not None or fault.code not in (SHP101, SHP106) or \
            interp.uncertain or not interp.frames or not isinstance(expected, int) or \
            not isinstance(actual, int) or expected == actual:
        return
    statement = interp.statement
    for depth in range(len(interp.frames) - 1, -1, -1):
        func, scope = interp.frames[depth]
        function = getattr(func, "node", None)
        if depth < len(interp.frames) - 1:  # the statement of this frame calling the next
            statement = _calling(interp, function, interp.call_sites[depth + 1][0])
        if not isinstance(function, cst.FunctionDef) or statement is None:
            return
        found = _carried(interp, function, statement, scope, expected, actual)
        if found is not None:
            name, given, shape, axis = found
            path, line, col = interp.position(statement)
            if not path or path != applied.path or not line:
                return
            built = int(getattr(layer, "line", 0) or 0)
            sentence = (f"`{name}` is assigned on this line in every pass of the loop and read "
                        f"by no later pass; the previous pass left it {shape}, whose "
                        f"{expected} on axis {axis} is what the {layer.type_name} built at line "
                        f"{built} takes, where `{given}` gives it {actual}: pass `{name}` "
                        f"from the second pass on.")
            fault.fix_at = fix_at(path, int(line), int(col), None, sentence)
            return


def _carried(interp, function, statement, scope, expected, actual):
    """(name, argument, value's shape, axis) when the statement is the loop's only writer of
    a name whose value fits where one argument of its call does not; else None."""
    if not isinstance(statement, cst.Assign) or len(statement.targets) != 1 or \
            not isinstance(statement.value, cst.Call):
        return None
    loop = _enclosing_loop(function, statement)
    if loop is None:
        return None
    arguments = sorted({n.value for n in _names(statement.value)})
    found = []
    for name in _target_names(statement.targets[0].target):
        value = scope.vars.get(name)
        shape = getattr(value, "shape", None)
        if shape is None or not shape.known_rank or name in arguments or \
                _occurrences(loop, name) != _occurrences(statement.targets[0].target, name):
            continue
        for given in arguments:
            other = getattr(scope.vars.get(given), "shape", None)
            if other is None or not other.known_rank or other.rank != shape.rank:
                continue
            differ = [i for i, (a, b) in enumerate(zip(other.dims, shape.dims)) if a != b]
            if len(differ) == 1 and other[differ[0]] == actual and \
                    shape[differ[0]] == expected:
                found.append((name, given, shape, differ[0]))
    return found[0] if len(found) == 1 else None


def _names(node) -> list:
    """The Name nodes read in an expression (its arguments, however nested)."""
    names = []

    class _Names(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            names.append(n)

        def visit_Attribute(self, n: cst.Attribute) -> bool:
            n.value.visit(self)  # `self.cells`: self, not the attribute's name
            return False

    node.visit(_Names())
    return names


def _target_names(target) -> list:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _target_names(e.value)]
    return []


def _occurrences(node, name: str) -> int:
    count = []

    class _Names(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            if n.value == name:
                count.append(n)

    node.visit(_Names())
    return len(count)


def _enclosing_loop(function, statement):
    """The innermost `for` statement of the function whose body holds the statement."""
    stack, found = [], []

    class _Loops(cst.CSTVisitor):
        def visit_For(self, node: cst.For) -> None:
            stack.append(node)

        def leave_For(self, node: cst.For) -> None:
            stack.pop()

        def visit_Assign(self, node: cst.Assign) -> None:
            if node is statement and stack:
                found.append(stack[-1])

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function  # a nested function's loops are not this one's

    function.visit(_Loops())
    return found[0] if found else None


def _calling(interp, function, site):
    """The small statement of the function holding the call at `site` (path, line, col)."""
    if not isinstance(function, cst.FunctionDef) or site is None:
        return None
    found = []
    want = (site[0], int(site[1]), int(site[2]))

    class _Statements(cst.CSTVisitor):
        def visit_SimpleStatementLine(self, line: cst.SimpleStatementLine) -> None:
            for small in line.body:
                for call in _calls(small):
                    path, at, col = interp.position(call)
                    if (path, int(at or 0), int(col or 0)) == want:
                        found.append(small)
                        return

    function.visit(_Statements())
    return found[0] if len(found) == 1 else None


def _calls(node) -> list:
    calls = []

    class _Calls(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            calls.append(call)

    node.visit(_Calls())
    return calls
