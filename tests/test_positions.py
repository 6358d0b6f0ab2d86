"""Positions found the cheap way (interpreter/positions.py) equal libcst's own.

libcst's PositionProvider over the whole file is the truth. For every class and def statement,
the position read from CPython's tree must equal it; for every node inside a function reached
through bodies, the position from a codegen of that function alone (plus its line offset) must
equal it too. The files: every fixture, keras's applications, a slice of torch, and small files
written to be awkward (two-space and tab indents, continuation lines, decorators with comments,
definitions under if/else/try, one-line suites, semicolons, CRLF line ends).
"""
from __future__ import annotations

import ast
import importlib.util
import pathlib

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from shapelint.interpreter.positions import (definition_position, function_positions,
                                             starts_inside)
from shapelint.interpreter.slicing import ModuleIndex

ROOT = pathlib.Path(__file__).resolve().parent.parent
AWKWARD = {
    "two_spaces": (
        "import torch\n"
        "class Net(torch.nn.Module):\n"
        "  # a comment before the method\n"
        "  @staticmethod\n"
        "  # a comment between decorator and def\n"
        "  def make(a,\n"
        "           b=(1,\n"
        "   2)):\n"
        "    return torch.nn.Linear(a,\n"
        "                           b)\n"
        "  def forward(self, x): return self.fc(x); y = 2\n"
    ),
    "tabs": "class A:\n\tdef f(self):\n\t\tx = [1,\n\t\t     2]\n\t\treturn (\n\tx)\n",
    "nested": (
        "if True:\n"
        "    class A:\n"
        "        x = 1; y = 2\n"
        "        async def f(self):\n"
        "            def g():\n"
        "                return lambda: 1\n"
        "            return g\n"
        "else:\n"
        "    def h(): pass\n"
        "try:\n"
        "    pass\n"
        "except ValueError:\n"
        "    def k():\n"
        "        return 1\n"
        "finally:\n"
        "    class B: pass\n"
        "for i in range(2):\n"
        "    def m(): return 2\n"
        "else:\n"
        "    def n(): return 3\n"
        "with open('f') as f:\n"
        "    def p(): return 4\n"
        "match 1:\n"
        "    case 1:\n"
        "        def q(): return 5\n"
    ),
    "crlf": "class A:\r\n    def f(self):\r\n        return (1,\r\n                2)\r\n",
    "decorated": (
        "@decorator(\n"
        "    1,\n"
        ")\n"
        "class A:\n"
        "    '''doc'''\n"
        "\n"
        "    @property\n"
        "    def f(self):\n"
        "        return 1\n"
    ),
}


def torch_files() -> list[pathlib.Path]:
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return []
    root = pathlib.Path(list(spec.submodule_search_locations)[0])
    return sorted((root / "nn" / "modules").glob("*.py")) + [
        root / "testing" / "_internal" / "common_modules.py"]


def keras_applications() -> list[pathlib.Path]:
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        return []
    root = pathlib.Path(list(spec.submodule_search_locations)[0]) / "src" / "applications"
    return sorted(root.glob("*.py"))


# what the interpreter asks positions of: expressions and statements
ASKED = (cst.BaseExpression, cst.BaseSmallStatement, cst.BaseCompoundStatement,
         cst.SimpleStatementLine)
SOURCES = {name: text for name, text in AWKWARD.items()}
for path in sorted((ROOT / "fixtures").rglob("*.py")) + keras_applications() + torch_files():
    SOURCES[f"{path.parent.name}/{path.name}"] = path


def walk(node):
    yield node
    for child in node.children:
        yield from walk(child)


def definitions(node):
    """Every class and def statement, however nested in compound statements."""
    for child in node.children:
        if isinstance(child, (cst.ClassDef, cst.FunctionDef)):
            yield child
        if isinstance(child, (cst.BaseCompoundStatement, cst.BaseSuite, cst.Else,
                              cst.ExceptHandler, cst.Finally, cst.MatchCase)):
            yield from definitions(child)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_cheap_positions_equal_libcst(name):
    source = SOURCES[name]
    if isinstance(source, pathlib.Path):
        source = source.read_text(encoding="utf-8")
    module = cst.parse_module(source)
    truth = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    index = ModuleIndex(ast.parse(source), source)
    firsts = index.firsts(index.everything)
    assert len(firsts) == len(module.body)
    checked_definitions = checked_nodes = 0
    for top, first in zip(module.body, firsts):
        for node in definitions(cst.Module(body=[top])):
            expected = truth[node].start
            assert definition_position(top, index.tree_at, first, node) == (
                expected.line, expected.column), node.name.value
            checked_definitions += 1
            if not isinstance(node, cst.FunctionDef):
                continue
            alone = function_positions(module, top, node)
            if alone is None:
                continue  # reached through an else, a handler or a case: libcst's own way
            offset = expected.line - alone[node].start.line
            for inner, where in alone.items():
                if not isinstance(inner, ASKED):
                    continue  # whitespace nodes are shared by identity; nobody asks for them
                if not starts_inside(alone, node, inner):
                    assert not any(n is inner for n in walk(node))  # a header cut above it
                    continue
                assert (where.start.line + offset, where.start.column) == (
                    truth[inner].start.line, truth[inner].start.column), type(inner).__name__
                checked_nodes += 1
    if name in AWKWARD:
        assert checked_definitions >= 2 and checked_nodes > 0


TWO_SPACE_TORCH = (
    "import torch\n"
    "from torch import nn\n"
    "\n"
    "\n"
    "class Net(nn.Module):\n"
    "  def __init__(self):\n"
    "    super().__init__()\n"
    "    self.conv = nn.Conv2d(3, 8, 3)\n"
    "    self.fc = nn.Linear(100, 10)\n"
    "\n"
    "  def forward(self, x):  # shapelint: input=(1, 3, 32, 32)\n"
    "    x = self.conv(x)\n"
    "    return self.fc(x.flatten(1))\n"
)
TAB_KERAS = (
    "import keras\n"
    "from keras import layers\n"
    "if True:\n"
    "\tmodel = keras.Sequential([\n"
    "\t\tkeras.Input((28, 28, 1)),\n"
    "\t\tlayers.Conv2D(8, 3),\n"
    "\t\tlayers.Dense(10),\n"
    "\t])\n"
)


@pytest.mark.parametrize("source, code, at", [
    # torch: Linear(100, 10) on 7,200 features; the finding sits on the constructor, where
    # its fix goes (issue 16), and names the call in forward
    (TWO_SPACE_TORCH, "SHP101", "nn.Linear(100, 10)"),
    # Keras: Dense on (None, 26, 26, 8), built at module level inside an if block
    (TAB_KERAS, "SHP201", "layers.Dense(10)"),
])
def test_findings_point_at_their_column_whatever_the_indent(source, code, at):
    """A file indented with two spaces or tabs: libcst's blocks leave their indent to the
    module's default, which a tree cut from the file must keep (it was four spaces before, so
    these columns were off by the difference)."""
    from shapelint import check_source
    line = next(n for n, text in enumerate(source.splitlines(), 1) if at in text)
    found = [(d.line, d.column) for d in check_source(source, "indent.py") if d.code.code == code]
    assert found == [(line, source.splitlines()[line - 1].index(at))]
