"""Names a script binds once, at module level, to an int or a tuple of ints (`IMG_SIZE = 96`,
`load_size, crop_size = 1024, 360`), with the statement's line: where a size the torch rules
follow back to a call's argument is written (torch_size_written names it, torch_fix_origins
moves a U-Net's input-size finding there). Read from the source text with libcst."""
from __future__ import annotations

import functools

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


def call_names(call: cst.Call) -> list:
    """The plain names among a call's arguments, inside tuples and `*name` too."""
    out = []
    for arg in call.args:
        out += [e.value for e in arg.value.elements] if isinstance(
            arg.value, (cst.Tuple, cst.List)) else [arg.value]
    return [v.value for v in out if isinstance(v, cst.Name)]


@functools.lru_cache(maxsize=8)
def constants(text: str) -> dict:
    """{name: (line, value, statement text)} of names bound once in the file, at module level,
    to an int or a tuple of ints (`a, b = 146, 128` binds each)."""
    try:
        wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    except cst.ParserSyntaxError:
        return {}
    positions = wrapper.resolve(PositionProvider)
    counts: dict = {}
    found: dict = {}

    class Binds(cst.CSTVisitor):
        def _count(self, target, value, node, top):
            if isinstance(target, (cst.Tuple, cst.List)):
                values = value.elements if isinstance(value, (cst.Tuple, cst.List)) and \
                    len(value.elements) == len(target.elements) else [None] * len(
                        target.elements)
                for t, v in zip(target.elements, values):
                    self._count(t.value, getattr(v, "value", None), node, top)
            elif isinstance(target, cst.Name):
                counts[target.value] = counts.get(target.value, 0) + 1
                literal = _literal(value)
                if top and literal is not None:
                    found[target.value] = (positions[node].start.line, literal,
                                           cst.Module([]).code_for_node(node).strip())

        def visit_Assign(self, node):
            top = positions[node].start.column == 0
            for target in node.targets:
                self._count(target.target, node.value, node, top)

        def visit_AugAssign(self, node):
            self._count(node.target, None, node, False)

        def visit_AnnAssign(self, node):
            self._count(node.target, None, node, False)

        def visit_For(self, node):
            self._count(node.target, None, node, False)

    wrapper.module.visit(Binds())
    return {name: bound for name, bound in found.items() if counts.get(name) == 1}


def _literal(value):
    """An int, or a tuple of ints, written as such."""
    if isinstance(value, cst.Integer):
        return int(value.value, 0)
    if isinstance(value, (cst.Tuple, cst.List)) and value.elements and all(
            isinstance(e.value, cst.Integer) for e in value.elements):
        return tuple(int(e.value.value, 0) for e in value.elements)
    return None
