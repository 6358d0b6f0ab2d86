"""Tensor.expand / expand_as, the reductions and elementwise ops an L2 normalisation chains
(x.pow(2).sum(dim, keepdim).rsqrt()), and F.pairwise_distance (catalogue/torch_functional.py):
each result's shape, and each fault's message, as torch gives them."""
from __future__ import annotations

import libcst as cst
import pytest

from shapelint.frameworks import Frameworks
from shapelint.frameworks.torch import TorchTensor
from shapelint.interpreter.core import Interpreter
from shapelint.pipeline.analysis import analyse

GRID = [
    "torch.ones(4, 512, 16, 16).pow(2).sum(1)", "torch.ones(4, 512, 16, 16).pow(2).sum(1, True)",
    "torch.ones(4, 6, 5).sum(dim=-1, keepdim=True)", "torch.ones(4, 6, 5).sum((0, 2))",
    "torch.ones(4, 6, 5).sum(dim=(1, 2), keepdim=True)", "torch.ones(3, 2).sum()",
    "torch.ones(3, 2).sum(0).rsqrt()", "torch.rsqrt(torch.ones(2, 7))",
    "torch.ones(1, 16, 16).sum(0).clamp(min=1e-12).rsqrt().expand_as(torch.ones(4, 8, 16, 16))",
    "torch.ones(4, 1, 16, 16).expand_as(torch.ones(4, 512, 16, 16))",
    "torch.ones(3, 1).expand(-1, 4)", "torch.ones(3, 1).expand(2, -1, 4)",
    "torch.ones(3, 1).expand((2, 3, 5))", "torch.ones(2).expand(0, 2)", "torch.ones(()).expand(3, 2)",
    "torch.ones(3, 1).expand(3, 0)", "torch.ones(5).expand_as(torch.ones(2, 3, 5))",
    "torch.nn.functional.pairwise_distance(torch.ones(4, 5), torch.ones(4, 5))",
    "torch.nn.functional.pairwise_distance(torch.ones(4, 5), torch.ones(4, 5), keepdim=True)",
    "torch.nn.functional.pairwise_distance(torch.ones(3, 1, 5), torch.ones(4, 5))",
    "torch.nn.functional.pairwise_distance(torch.ones(5), torch.ones(5), keepdim=True)",
    "torch.nn.functional.pairwise_distance(torch.ones(()), torch.ones(3))",
    "torch.pairwise_distance(torch.ones(2, 8, 3, 3), torch.ones(2, 8, 3, 3), keepdim=True)",
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


FAULTS = [
    ("torch.ones(4, 16, 16).expand_as(torch.ones(4, 512, 16, 16))", "SHP106"),
    ("torch.ones(3, 2).expand(3, 4)", "SHP106"),
    ("torch.ones(3, 2).expand(4)", "SHP103"),
    ("torch.ones(3, 1).expand(-1, 3, 4)", "SHP105"),
    ("torch.ones(4, 5).expand_as(torch.ones(5, 4))", "SHP106"),
    ("torch.nn.functional.pairwise_distance(torch.ones(2, 3), torch.ones(4))", "SHP107"),
]


def _in_forward(expression: str) -> str:
    """A module whose forward computes the expression (torch's faults are judged in models)."""
    return ("import torch\nimport torch.nn as nn\n\n\nclass M(nn.Module):\n"
            f"    def forward(self, x):\n        return {expression}\n\n\n"
            "model = M()\ny = model(torch.randn(2))\n")


def _findings(text: str) -> list:
    """SHP1xx and SHP2xx (SHP3xx: what the analysis did not learn, off by default)."""
    return [d for d in analyse(text, "m.py").diagnostics() if d.code.code < "SHP3"]


@pytest.mark.parametrize("expression,code", FAULTS)
def test_faults_are_torchs(expression, code):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as raised:
        eval(expression, {"torch": torch})  # noqa: S307 - our own grid
    [d] = _findings(_in_forward(expression))
    assert d.code.code == code
    message = str(raised.value).split("expand(torch.FloatTensor{")[-1]  # torch names the type
    assert message.split("): ")[-1] in d.message


def test_a_batch_that_may_be_one_is_not_a_fault():
    """(B, H, W) norms expanded over (B, C, H, W): B may be 1 (then torch expands them), so
    nothing is certain until the script gives a batch size."""
    text = ("import torch\nimport torch.nn as nn\n\n\nclass Norm(nn.Module):\n"
            "    def forward(self, x):\n        x = x.view(x.size(0), 8, 4, 4)\n"
            "        return x * x.pow(2).sum(1).rsqrt().expand_as(x)\n\n\nmodel = Norm()\n")
    assert _findings(text) == []
    given = text + "y = model(torch.randn(3, 8, 4, 4))\n"
    assert [(d.line, d.code.code) for d in _findings(given)] == \
        [(8, "SHP106")]
