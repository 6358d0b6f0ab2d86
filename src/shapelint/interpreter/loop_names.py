"""The names a loop binds: its target's (`x`, `x, y`, `i, (x, y)`) and those its body assigns,
for joining what a loop of unknown length changed (statements.py, `_repeated`)."""
from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node


class _Bound(cst.CSTVisitor):
    """Names a block binds: assignment and loop targets, with-as, walrus, defs, imports."""

    def __init__(self):
        self.names = set()

    def _targets(self, target):
        self.names.update(target_names(target))

    def visit_AssignTarget(self, node):
        self._targets(node.target)

    def visit_AugAssign(self, node):
        self._targets(node.target)

    def visit_AnnAssign(self, node):
        self._targets(node.target)

    def visit_For(self, node):
        self._targets(node.target)

    def visit_AsName(self, node):
        self._targets(node.name)

    def visit_NamedExpr(self, node):
        self._targets(node.target)

    def visit_FunctionDef(self, node):
        self.names.add(node.name.value)
        return False

    def visit_ClassDef(self, node):
        self.names.add(node.name.value)
        return False

    def visit_ImportAlias(self, node):
        if node.asname is None:
            self.names.add((get_full_name_for_node(node.name) or "").split(".")[0])


def bound_names(body) -> set:
    """Names a block binds, nested functions and classes by their own name only."""
    visitor = _Bound()
    body.visit(visitor)
    return visitor.names


def target_names(target):
    """The names an assignment or for-loop target binds (`x`, `x, y`, `i, (x, y)`, `a, *b`)."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in target_names(e.value)]
    if isinstance(target, cst.StarredElement):
        return target_names(target.value)
    return []
