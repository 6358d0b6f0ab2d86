"""Positions without a codegen of a whole class: libcst gives a node's position only by
generating the code of the tree around it, so the `class` line of a 2,000-line class, or a
layer built in its __init__, cost a codegen of the whole class. A torch file spent a fifth of its
check there. Two cheaper ways, each checked against libcst's own positions in
tests/test_positions.py:

- a class or def statement: CPython parses its top-level statement's text about ten times
  faster than libcst generates it, and its tree has the same compound statements in the same
  order. The path from the top-level statement to the libcst node leads to the CPython node,
  whose lineno and col_offset are what libcst would give (`class`/`def` keyword, decorators
  excluded);
- a node of a running function: a codegen of the top-level statement cut down to the blocks
  that lead to the function (their headers and indents kept, so columns are the file's), and
  the function's own line from CPython's tree to place its lines.
"""
from __future__ import annotations

import ast

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

DEFINITIONS = (cst.ClassDef, cst.FunctionDef)
_SIMPLE = (cst.SimpleStatementLine, cst.SimpleStatementSuite)


def definition_position(top: cst.CSTNode, tree_at, first: int,
                        node: cst.CSTNode) -> tuple[int, int] | None:
    """(line, column) of node, a class or def statement inside top (or top itself), where top
    starts at line first and tree_at(first) gives CPython's tree of top parsed alone. None when
    node is not inside top."""
    path = _path(top, node)
    found = tree_at(first) if path is not None else None
    if found is None:
        return None
    for slot, item in path:
        statements = python_statement_lists(found)
        if slot >= len(statements) or item >= len(statements[slot]):
            return None
        found = statements[slot][item]
    if not isinstance(found, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) or \
            found.name != node.name.value:
        return None  # the two trees disagree: let libcst say
    return first + found.lineno - 1, found.col_offset


def function_positions(part: cst.Module, top: cst.CSTNode, function: cst.FunctionDef):
    """libcst's positions of the nodes of function (inside top, a top-level statement of the
    module part), from a codegen of top cut down to the blocks that lead to function: columns
    as in the file, lines counted from a start of their own (what is kept around function has
    positions too: starts_inside tells them apart). None when function is not reached through
    bodies alone."""
    steps = _path(top, function)
    if steps is None:
        return None
    chain, parent = [], top
    for slot, item in steps:
        block = getattr(parent, "body", None)
        child = _cst_slots(parent)[slot][item] if isinstance(block, cst.IndentedBlock) else None
        if child is None or not any(line is child for line in block.body):
            return None  # reached through an else, a handler or a case
        chain.append(parent)
        parent = child
    node = function
    for parent in reversed(chain):  # the same header lines and indents, one child per block
        node = parent.with_changes(body=parent.body.with_changes(body=[node]))
    cut = part.with_changes(body=[node], header=[], footer=[])
    return MetadataWrapper(cut, unsafe_skip_copy=True).resolve(PositionProvider)


def starts_inside(positions, function: cst.FunctionDef, node) -> bool:
    """Whether node, positioned by function_positions, is function's own: what is cut around
    it (headers above, else-branches below) starts before its first decorator (or its def) or
    after its end; every node of it starts between."""
    if node not in positions:
        return False
    first = function.decorators[0] if function.decorators else function
    start, end = positions[node].start, positions[function].end
    return (positions[first].start.line, positions[first].start.column) <= (
        start.line, start.column) <= (end.line, end.column)


def _path(top, node) -> list[tuple[int, int]] | None:
    """(slot, item) steps from top down to node, through compound statements' bodies."""
    if top is node:
        return []
    for slot, statements in enumerate(_cst_slots(top)):
        for item, statement in enumerate(statements):
            if statement is node:
                return [(slot, item)]
            if isinstance(statement, cst.BaseCompoundStatement):
                rest = _path(statement, node)
                if rest is not None:
                    return [(slot, item)] + rest
    return None


def _block(body) -> list:
    """A body's statements, one per CPython statement (`a = 1; b = 2` is two)."""
    out = []
    for statement in body.body:
        if isinstance(statement, cst.BaseSmallStatement):
            out.append(statement)  # a SimpleStatementSuite's (`if x: a; b`)
        elif isinstance(statement, _SIMPLE):
            out.extend(statement.body)
        else:
            out.append(statement)
    return out


def _cst_slots(node) -> list[list]:
    """The statement lists of a compound statement, in the order
    python_statement_lists gives CPython's."""
    if isinstance(node, (cst.If, cst.For, cst.While)):
        orelse = node.orelse
        if isinstance(orelse, cst.If):  # elif: CPython nests an If in orelse
            return [_block(node.body), [orelse]]
        return [_block(node.body), _block(orelse.body) if orelse is not None else []]
    if isinstance(node, (cst.Try, cst.TryStar)):
        return ([_block(node.body)] + [_block(h.body) for h in node.handlers] +
                [_block(node.orelse.body) if node.orelse is not None else [],
                 _block(node.finalbody.body) if node.finalbody is not None else []])
    if isinstance(node, cst.Match):
        return [_block(case.body) for case in node.cases]
    if isinstance(node, (cst.ClassDef, cst.FunctionDef, cst.With)):
        return [_block(node.body)]
    return []


def python_statement_lists(node) -> list[list]:
    """The statement lists of a compound statement of CPython's tree: bodies, else-branches,
    handlers', cases'; none for a simple statement."""
    if isinstance(node, (ast.If, ast.For, ast.AsyncFor, ast.While)):
        return [node.body, node.orelse]
    if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
        return [node.body] + [h.body for h in node.handlers] + [node.orelse, node.finalbody]
    if isinstance(node, ast.Match):
        return [case.body for case in node.cases]
    if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.With,
                         ast.AsyncWith)):
        return [node.body]
    return []


def statement_positions(part: cst.Module, top: cst.CSTNode, statement):
    """libcst's positions of a small statement inside top (a compound top-level statement of
    the module part) from a codegen of top cut down to the headers of the blocks that lead to
    it and to it alone (indents kept, so a continuation line's column is the file's; the
    blocks above it emptied, those below dropped or emptied): the statement a node was met in
    is a few lines where its function may be hundreds. Lines count from a start of their own.
    None when the statement shares its line with a header."""
    steps = _path(top, statement)
    if not steps:
        return None
    chain, parent = [], top
    for slot, item in steps:
        child = _cst_slots(parent)[slot][item]
        chain.append((parent, slot, child))
        parent = child
    node = statement
    for parent, slot, child in reversed(chain):
        node = _only(parent, slot, child, node)
        if node is None:
            return None
    cut = part.with_changes(body=[node], header=[], footer=[])
    return MetadataWrapper(cut, unsafe_skip_copy=True).resolve(PositionProvider)


def _only(parent, slot: int, child, kept_child):
    """parent with its statement list slot (as _cst_slots counts them) holding kept_child
    (child cut down) alone, the other lists emptied (libcst writes `pass`) or, an elif,
    dropped; None when child is not on lines of its own there."""
    blocks = _cst_blocks(parent)
    if slot >= len(blocks) or blocks[slot] is None:
        return None
    holder, block = blocks[slot]
    if holder is block:  # an elif: the If in the orelse is the child itself
        kept = kept_child if block is child else None
    elif not isinstance(block, cst.IndentedBlock):
        return None  # a one-line suite shares its header's line
    elif isinstance(child, cst.BaseSmallStatement):
        line = next((s for s in block.body if isinstance(s, cst.SimpleStatementLine) and
                     any(small is child for small in s.body)), None)
        kept = None if line is None else block.with_changes(
            body=[line.with_changes(body=[kept_child])])
    else:
        kept = block.with_changes(body=[kept_child]) if any(
            s is child for s in block.body) else None
    if kept is None:
        return None
    if holder is not block and isinstance(parent, _HEADED):
        # Only the indentation the headers give matters to the statement's positions, not
        # the headers: `if _:` over the kept block stands for a def's or a class's (their
        # parameters and decorators were most of the codegen's nodes). A match's cases are
        # indented by the match too, and an elif is written by its if: those are kept.
        return cst.If(test=cst.Name("_"), body=kept)
    changes: dict = {}
    for index, found in enumerate(blocks):
        if found is None:
            continue
        holder, block = found
        if holder is block:  # an elif
            changes["orelse"] = kept if index == slot else None
            continue
        value = kept if index == slot else (
            block.with_changes(body=[]) if isinstance(block, cst.IndentedBlock) else block)
        if holder is parent:
            changes["body"] = value
            continue
        field, position = _holder_field(parent, holder)
        if position is None:
            changes[field] = holder.with_changes(body=value)
        else:
            items = changes.setdefault(field, list(getattr(parent, field)))
            items[position] = holder.with_changes(body=value)
    return parent.with_changes(**changes)


_HEADED = (cst.If, cst.For, cst.While, cst.Try, cst.TryStar, cst.ClassDef, cst.FunctionDef,
           cst.With)


def _cst_blocks(node) -> list:
    """(holder, block) for each statement list of node in _cst_slots's order (None for a
    missing else or finally): holder is node itself for its own body, else the Else,
    handler, Finally or case holding the block; an elif is (If, If)."""
    if isinstance(node, (cst.If, cst.For, cst.While)):
        orelse = node.orelse
        if isinstance(orelse, cst.If):
            return [(node, node.body), (orelse, orelse)]
        return [(node, node.body), (orelse, orelse.body) if orelse is not None else None]
    if isinstance(node, (cst.Try, cst.TryStar)):
        return ([(node, node.body)] + [(h, h.body) for h in node.handlers] +
                [(node.orelse, node.orelse.body) if node.orelse is not None else None,
                 (node.finalbody, node.finalbody.body) if node.finalbody is not None
                 else None])
    if isinstance(node, cst.Match):
        return [(case, case.body) for case in node.cases]
    if isinstance(node, (cst.ClassDef, cst.FunctionDef, cst.With)):
        return [(node, node.body)]
    return []


def _holder_field(parent, holder) -> tuple[str, int | None]:
    """The field of parent holding holder, and its index when the field is a sequence."""
    for field in ("orelse", "finalbody"):
        if getattr(parent, field, None) is holder:
            return field, None
    for field in ("handlers", "cases"):
        for index, item in enumerate(getattr(parent, field, ())):
            if item is holder:
                return field, index
    raise ValueError("not a block of parent")


def python_twin(top: cst.CSTNode, tree_at, first: int, statement) -> ast.stmt | None:
    """CPython's node of a statement inside top (started at line first, tree_at as in
    definition_position): the same compound statements in the same order lead to it. None
    when it is top itself, not inside it, or of another kind (the trees disagree)."""
    path = _path(top, statement)
    found = tree_at(first) if path else None
    for slot, item in path or ():
        statements = python_statement_lists(found)
        if slot >= len(statements) or item >= len(statements[slot]):
            return None
        found = statements[slot][item]
    if found is None or type(found).__name__ != type(statement).__name__:
        return None
    return found
