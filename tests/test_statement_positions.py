"""A node's position from a codegen of the one small statement it was met in (issue 17).

Resolving a position used to mean a codegen of the whole function the node was met in (a
timm __init__ of hundreds of lines, a tenth of a second each): the interpreter now keeps the
small statement running (Interpreter.statement), and positions.statement_positions generates
that statement alone under the headers of the blocks around it, its line placed by CPython's
tree. libcst's PositionProvider over the whole file is the truth: for every small statement
inside a class or def (every fixture, keras's applications, a slice of torch and timm, and
the awkward files of test_positions.py), every node it holds gets libcst's line and column, or
the cheap way declines (None) and the function's codegen answers as before.
"""
from __future__ import annotations

import ast
import pathlib
import types

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from shapelint.interpreter.core import Interpreter
from shapelint.interpreter.slicing import ModuleIndex
from test_positions import ASKED, SOURCES, walk

ROOT = pathlib.Path(__file__).resolve().parent.parent
MORE = {name: source for name, source in SOURCES.items()
        if not name.startswith(("modules/", "_internal/"))}  # torch's are in test_positions
MORE["awkward_statements"] = (
    "import torch\n"
    "class Net(torch.nn.Module):\n"
    "    def __init__(self, n):\n"
    "        x = 'é'; self.fc = torch.nn.Linear(n,\n"
    "    n)\n"
    "        if n: self.a = torch.nn.Linear('ü', 2); self.b = (1,\n"
    "  2)\n"
    "        elif n > 2:\n"
    "            self.c = [torch.nn.Linear(1, 2),\n"
    "                      torch.nn.Linear(2,\n"
    "                                      3)]  # é\n"
    "        else:\n"
    "            self.d = 'ß' + \\\n"
    "              'x'\n"
    "        for i in range(n):\n"
    "            y = f'{i}' \\\n"
    "                'z'\n"
    "        try:\n"
    "            z = 1\n"
    "        except ValueError:\n"
    "            z = 2\n"
)


def timm_files() -> list[pathlib.Path]:
    import sys
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpora import corpus_files
        return [p for p in corpus_files("timm") if p.name in (
            "efficientnet.py", "byobnet.py")]
    except Exception:  # noqa: BLE001 - no sources, no network: the rest still run
        return []
    finally:
        sys.path.remove(str(ROOT / "bench"))


for path in timm_files():
    MORE[f"timm/{path.name}"] = path


def small_statements(node):
    """Every small statement inside node's compound statements (not node's own line)."""
    for child in node.children:
        if isinstance(child, cst.BaseSmallStatement):
            yield child
        elif isinstance(child, (cst.BaseCompoundStatement, cst.BaseSuite, cst.Else,
                                cst.ExceptHandler, cst.Finally, cst.MatchCase,
                                cst.SimpleStatementLine)):
            yield from small_statements(child)


@pytest.mark.parametrize("name", sorted(MORE))
def test_statement_positions_equal_libcst(name):
    source = MORE[name]
    if isinstance(source, pathlib.Path):
        source = source.read_text(encoding="utf-8")
    module = cst.parse_module(source)
    truth = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    index = ModuleIndex(ast.parse(source), source)
    firsts = index.firsts(index.everything)
    assert len(firsts) == len(module.body)
    interp = Interpreter.__new__(Interpreter)
    user = types.SimpleNamespace(path="m.py", reading=types.SimpleNamespace(index=index),
                                 statements={}, tops={})
    checked = declined = accepted = 0
    for top, first in zip(module.body, firsts):
        if not isinstance(top, cst.BaseCompoundStatement):
            continue
        record = [top, first, None, module]
        user.tops[id(top)] = record
        for statement in small_statements(top):
            positions, offset = interp._statement_positions(user, record, statement)
            if positions is None:
                declined += 1
                continue
            accepted += 1
            for node in walk(statement):
                if not isinstance(node, ASKED):
                    continue
                found = interp._position_in_statement(user, node, statement, (user, top))
                assert found is not None
                assert found[1:] == (truth[node].start.line, truth[node].start.column), \
                    (type(node).__name__, truth[node].start.line)
                checked += 1
            if isinstance(top, cst.FunctionDef) and top.params.params:
                # a node of the header kept above the statement is not taken for its own
                assert interp._position_in_statement(user, top.params.params[0].name,
                                                     statement, (user, top)) is None
    if name == "awkward_statements":
        # declined: a line's second statement and the one-line suite's two (their columns
        # would be the cut's); taken: the rest, in an elif, an else, a handler too
        assert (accepted, declined) == (6, 3) and checked > 20
    elif name.startswith("timm/"):
        assert accepted > 5 * declined  # the common case is the cheap one
