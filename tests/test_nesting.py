"""The analysis does not give up on ordinary real code (issue 14, item 6): recursion it cannot
decide, long call chains and costly decorators leave the calls they reach unknown and the rest
of the file analysed, with no SHP9xx note; the work per file stays bounded.

transformers 5.25.0 lost about 90 files to "the code nests too deeply" (SHP901): its
@auto_docstring, applied to every model class and forward, runs a type-annotation formatter
that recurses on itself under conditions the analysis cannot decide, until Python's own stack
ended. The cases below reproduce that shape in our own code.
"""
from __future__ import annotations

import pytest

from shapelint.pipeline.analysis import analyse
from shapelint.interpreter.budget import Limits

DOCUMENTED = '''
import torch
import torch.nn as nn


def _describe(annotation, depth=0):
    """Recurses on the parts of an annotation; the analysis cannot tell when it stops."""
    parts = getattr(annotation, "__args__", None)
    if parts:
        return "[" + ", ".join(_describe(p, depth + 1) for p in parts) + "]"
    if isinstance(annotation, type):
        return annotation.__name__ + _describe(annotation.__mro__, depth + 1)
    return str(annotation) + _describe(annotation, depth + 1)


def documented(obj):
    """Writes a docstring, as transformers' @auto_docstring does, and returns obj itself."""
    text = ""
    for name, annotation in getattr(obj, "__annotations__", {}).items():
        for line in range(20):
            if line % 3:
                text += name + _describe(annotation)
    obj.__doc__ = text
    return obj


@documented
class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.fc = nn.Linear(width, width)

    @documented
    def forward(self, x):
        return self.fc(x)


@documented
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(*[Block(64) for _ in range(3)])
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        return self.head(self.blocks(x))


model = Net()
'''


def _nine(analysis) -> list:
    return [d.message for d in analysis.diagnostics() if d.code.code.startswith("SHP9")]


def test_a_documenting_decorator_that_recurses_costs_a_bounded_share():
    """Block and Net are read as written; torch builds 3 * (64 * 64 + 64) + 64 * 10 + 10
    parameters (tests/test_runtime_torch.py-style truth below)."""
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    exec(compile(DOCUMENTED, "documented.py", "exec"), namespace)  # noqa: S102 - our own
    truth = sum(p.numel() for p in namespace["model"].parameters())
    analysis = analyse(DOCUMENTED, "documented.py", whole_file=True)
    assert _nine(analysis) == []
    [(_, model)] = analysis.models
    assert model.graph("model").total == truth == 3 * (64 * 64 + 64) + 64 * 10 + 10
    assert analysis.interp.budget.steps < Limits().steps // 4
    del torch


RECURSIVE_BUILDER = '''
import torch.nn as nn


def tower(depth, width):
    """A recursion the analysis can follow: its base case is decided by known depths."""
    if depth == 0:
        return [nn.Linear(width, width)]
    return [nn.Linear(width, width)] + tower(depth - 1, width)


model = nn.Sequential(*tower(9, 8))
'''


def test_a_recursion_on_known_values_is_followed_to_its_end():
    analysis = analyse(RECURSIVE_BUILDER, "tower.py", whole_file=True)
    assert _nine(analysis) == []
    [(_, model)] = analysis.models
    assert model.graph("model").total == 10 * (8 * 8 + 8)


def _chain(length: int) -> str:
    """length distinct functions, each calling the next under nested undecided conditions."""
    lines = ["import torch.nn as nn", "", ""]
    for i in range(length):
        lines += [f"def step{i}(width, flag):",
                  "    for _ in flag:",
                  "        if flag:",
                  "            while flag:",
                  "                if flag:",
                  f"                    width = step{i + 1}(width, flag)",
                  "    return width", "", ""]
    lines += [f"def step{length}(width, flag):", "    return width", "", "",
              "flag = os.environ.get('FLAG')",
              "other = nn.Sequential(nn.Linear(step0(16, flag), 4))",
              "model = nn.Sequential(nn.Linear(16, 4))", ""]
    return "import os\n" + "\n".join(lines)


@pytest.mark.parametrize("length, other", [(30, 16 * 4 + 4), (39, 16 * 4 + 4), (80, None)])
def test_a_long_call_chain_ends_in_unknown_not_in_a_lost_file(length, other):
    """Chains deeper than Python's default stack holds (some 30 abstract calls of 30 frames):
    followed to their end within call_depth (40), unknown past it; either way the file's
    models are read (before: SHP901 "the code nests too deeply" for all three)."""
    analysis = analyse(_chain(length), "chain.py", whole_file=True)
    assert _nine(analysis) == []
    totals = {name: model.graph(name).total for name, model in analysis.models}
    assert totals == {"model": 16 * 4 + 4, "other": other}


def test_the_stack_guard_keeps_a_file_when_python_stack_is_short(monkeypatch):
    """Where the recursion limit cannot be raised as far (budget.DEEP_LIMIT), the calls that
    would exhaust Python's stack are unknown and the file is still analysed."""
    import shapelint.interpreter.budget as budget
    monkeypatch.setattr(budget, "DEEP_LIMIT", 1000)
    analysis = analyse(_chain(39), "chain.py", whole_file=True)
    assert _nine(analysis) == []
    totals = {name: model.graph(name).total for name, model in analysis.models}
    assert totals == {"model": 16 * 4 + 4, "other": None}


def test_the_recursion_limit_is_restored():
    import sys
    before = sys.getrecursionlimit()
    analyse(_chain(39), "chain.py", whole_file=True)
    assert sys.getrecursionlimit() == before
