"""Tensor.repeat, Tensor.tile and torch.tile (catalogue/torch_repeats.py): each result's shape
as torch gives it, and repeat's fault with fewer counts than axes in torch's words."""
from __future__ import annotations

import libcst as cst
import pytest

from shapelint.frameworks import Frameworks
from shapelint.frameworks.torch import TorchTensor
from shapelint.interpreter.core import Interpreter
from shapelint.pipeline.analysis import analyse

GRID = [
    "torch.ones(4, 64).repeat(9, 1, 1)", "torch.ones(4, 64).repeat(2, 3)",
    "torch.ones(4, 64).repeat((9, 1, 1))", "torch.ones(4, 64).repeat([1, 2, 1, 1])",
    "torch.ones(3, 2).repeat(0, 2)", "torch.ones(5).repeat(3)", "torch.ones(()).repeat(2, 3)",
    "torch.ones(3, 2).tile(2)", "torch.ones(3, 2).tile((2, 1, 3))", "torch.ones(3, 2).tile(())",
    "torch.tile(torch.ones(3, 2), (2,))", "torch.tile(torch.ones(2, 3, 4), (2, 2))",
]


def _static(expression: str):
    source = f"import torch\nx = {expression}\n"
    interp = Interpreter(Frameworks())
    module = interp.run_module(cst.parse_module(source), "/tmp/grid.py", "grid", main=True,
                               source=source)
    return module.scope.vars["x"]


@pytest.mark.parametrize("expression", GRID)
def test_shapes_match_torch(expression):
    torch = pytest.importorskip("torch")
    real = eval(expression, {"torch": torch})  # noqa: S307 - our own grid
    value = _static(expression)
    assert isinstance(value, TorchTensor) and value.shape.known_rank, value
    assert list(value.shape.dims) == list(real.shape)


@pytest.mark.parametrize("expression", ["x.repeat(-1, 2)", "x.repeat(n, 1, 1)"])
def test_unknown_or_refused_counts_say_nothing(expression):
    """A negative count (torch refuses it) and a count the analysis does not know are left
    unknown: no finding, no shape."""
    text = ("import torch\nimport torch.nn as nn\n\n\nclass M(nn.Module):\n"
            f"    def forward(self, x, n):\n        return {expression}\n\n\n"
            "model = M()\ny = model(torch.randn(3, 2), int(input()))\n")
    assert [d for d in analyse(text, "m.py").diagnostics() if d.code.code < "SHP3"] == []


def test_fewer_counts_than_axes_is_torchs_fault():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as raised:
        torch.ones(4, 3, 2).repeat(2, 2)
    text = ("import torch\nimport torch.nn as nn\n\n\nclass M(nn.Module):\n"
            "    def forward(self, x):\n        return x.repeat(2, 2)\n\n\n"
            "model = M()\ny = model(torch.randn(4, 3, 2))\n")
    [d] = [d for d in analyse(text, "m.py").diagnostics() if d.code.code < "SHP3"]
    assert d.code.code == "SHP103" and d.line == 7
    assert str(raised.value) in d.message
