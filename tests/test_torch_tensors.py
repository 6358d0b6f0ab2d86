"""Tensors made by creation ops, legacy constructors and the ops that build masks and tables
have the shape real torch gives them (frameworks/torch_tensors.py); nn.init and tensor
methods shapelint does not read never make a model's count unknown."""
from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from shapelint.pipeline.analysis import analyse
from shapelint.frameworks import Frameworks
from shapelint.frameworks.torch import TorchTensor
from shapelint.interpreter.core import Interpreter

GRID = [
    "torch.FloatTensor(3, 4)", "torch.LongTensor(5)", "torch.Tensor(2, 3, 4)", "torch.Tensor()",
    "torch.Tensor([1.0, 2.0])", "torch.FloatTensor([[1, 2], [3, 4], [5, 6]])",
    "torch.ByteTensor(2, 2)", "torch.BoolTensor(0)", "torch.IntTensor(7)", "torch.DoubleTensor(1, 1)",
    "torch.arange(10)", "torch.arange(2, 11, 3)", "torch.arange(0, 1, 0.1)", "torch.arange(0.5, 4)",
    "torch.arange(0, 16, 2).float()", "torch.arange(10, 0, -3)", "torch.arange(5, 5)",
    "torch.randint(10, (3,))", "torch.randint(0, 101, (2, 16))", "torch.randint(5, size=(4, 1))",
    "torch.randint(2, 9, [3, 3], dtype=torch.long)",
    "torch.linspace(0, 1, 7)", "torch.linspace(-1, 1, steps=5)", "torch.logspace(0, 2, 4)",
    "torch.eye(4)", "torch.eye(3, 5)", "torch.randperm(9)",
    "torch.full_like(torch.zeros(2, 3), 7.0)", "torch.empty_strided((2, 3), (3, 1))",
    "torch.tril(torch.ones(4, 4))", "torch.triu(torch.ones(3, 5), diagonal=1)",
    "torch.triu(torch.full((6, 6), float('-inf')), 1)",
    "torch.outer(torch.arange(4), torch.arange(3))", "torch.ger(torch.ones(2), torch.ones(5))",
    "torch.polar(torch.ones(3, 4), torch.zeros(3, 4))", "torch.polar(torch.ones(4), torch.zeros(2, 4))",
    "torch.complex(torch.ones(2, 2), torch.ones(2, 2))",
    "torch.view_as_real(torch.polar(torch.ones(3, 4), torch.zeros(3, 4)))",
    "torch.view_as_complex(torch.zeros(3, 4, 2))",
    "torch.meshgrid(torch.arange(3), torch.arange(5), indexing='ij')",
    "torch.meshgrid(torch.arange(3), torch.arange(5), indexing='xy')",
    "torch.meshgrid([torch.arange(2), torch.arange(3), torch.arange(4)], indexing='ij')",
    "torch.cartesian_prod(torch.arange(3), torch.arange(4))", "torch.cartesian_prod(torch.arange(3))",
    "torch.tril_indices(4, 4)", "torch.tril_indices(3, 5, -1)", "torch.triu_indices(4, 6, 2)",
    "torch.triu_indices(5, 3, -2)", "torch.hann_window(16)", "torch.hamming_window(8)",
    "torch.diag(torch.ones(4))", "torch.diag(torch.ones(3), 2)", "torch.diag(torch.ones(3, 5))",
    "torch.diag(torch.ones(3, 5), 3)", "torch.diag(torch.ones(4, 2), -1)",
    "torch.as_tensor([[1, 2, 3]])", "torch.as_tensor(3.0)",
    "torch.cumsum(torch.ones(2, 5), dim=1)", "torch.flip(torch.ones(2, 3), [0])",
    "torch.roll(torch.ones(4, 2), 1, 0)", "torch.log1p(torch.ones(3, 3))",
    "torch.isinf(torch.ones(3))", "torch.nan_to_num(torch.ones(2, 2))",
    "torch.ones(2, 3).new_zeros((4, 5))", "torch.ones(2).new_ones(3, 2)",
    "torch.ones(2).new_full((2, 7), 1.0)", "torch.ones(2).new_tensor([1, 2, 3])",
    "torch.ones(3, 3).tril()", "torch.ones(3, 3).triu_(1)", "torch.ones(3, 4).cumsum(0)",
    "torch.ones(2, 3).data", "torch.ones(2, 3).normal_(0, 1)", "torch.empty(3, 4).uniform_(-1, 1)",
    "torch.ones(2, 2).fill_diagonal_(0)", "torch.polar(torch.ones(2), torch.ones(2)).real",
    "torch.normal(0, 0.5, [3, 4, 5])", "torch.normal(0, 1, (2,))",
    "torch.normal(mean=0.0, std=1.0, size=(3,))", "torch.normal(torch.zeros(2, 3), 1.0)",
    "torch.normal(2.0, torch.ones(4))", "torch.normal(torch.zeros(2, 3), torch.ones(3))",
]


def _static(expression: str):
    source = f"import torch\nimport torch.nn as nn\nx = {expression}\n"
    interp = Interpreter(Frameworks())
    module = interp.run_module(cst.parse_module(source), "/tmp/grid.py", "grid", main=True,
                               source=source)
    return module.scope.vars["x"]


def _shapes(value):
    if isinstance(value, tuple):
        return [_shapes(v) for v in value]
    assert isinstance(value, TorchTensor), value
    assert value.shape.known_rank, value.shape
    return list(value.shape.dims)


@pytest.mark.parametrize("expression", GRID)
def test_creation_shapes_match_torch(expression):
    torch = pytest.importorskip("torch")
    real = eval(expression, {"torch": torch})  # noqa: S307 - our own grid
    want = [list(t.shape) for t in real] if isinstance(real, tuple) else list(real.shape)
    assert _shapes(_static(expression)) == want


@pytest.mark.parametrize("expression", [
    "nn.init.xavier_uniform_(torch.empty(3, 5))", "nn.init.kaiming_normal_(torch.empty(4, 2))",
    "torch.nn.init.trunc_normal_(torch.zeros(1, 7, 2), std=.02)",
    "nn.init.orthogonal_(nn.Parameter(torch.empty(6, 6)))"])
def test_init_returns_the_tensor_it_fills(expression):
    torch = pytest.importorskip("torch")
    real = eval(expression, {"torch": torch, "nn": torch.nn})  # noqa: S307
    assert _shapes(_static(expression)) == list(real.shape)


IN_PLACE = [
    "x = torch.ones(5, 1)\nx.squeeze_()", "x = torch.ones(5, 1, 2)\nx.squeeze_(1)",
    "x = torch.ones(5)\nx.unsqueeze_(1)", "x = torch.ones(2, 3)\nx.t_()",
    "x = torch.ones(2, 3, 4)\nx.transpose_(0, 2)", "x = torch.ones(2, 3)\ny = x\ny.swapaxes_(0, 1)",
    "x = torch.ones(5, 1)\nx = x.squeeze_()",
]


@pytest.mark.parametrize("statements", IN_PLACE)
def test_in_place_reshapes_change_the_tensor_itself(statements):
    """`y.squeeze_()` reshapes y for every name bound to it (zergtant/pytorch-handbook#37's fix
    of its (N, 1) labels)."""
    torch = pytest.importorskip("torch")
    scope = {"torch": torch}
    exec(statements, scope)  # noqa: S102 - our own grid
    source = f"import torch\n{statements}\n"
    interp = Interpreter(Frameworks())
    module = interp.run_module(cst.parse_module(source), "/tmp/grid.py", "grid", main=True,
                               source=source)
    assert _shapes(module.scope.vars["x"]) == list(scope["x"].shape)


def test_an_in_place_reshape_without_a_rule_leaves_the_shape_unknown():
    x = _static("torch.ones(6, 1)\nx.resize_(2, 3)")
    assert isinstance(x, TorchTensor) and not x.shape.known_rank


def test_unread_tensor_methods_are_plain_unknowns_not_modules():
    x = _static("torch.ones(3).some_future_method(1)")
    assert not isinstance(x, TorchTensor) and not x.opaque
    assert not isinstance(_static("torch.ones(3).dtype"), TorchTensor)


INIT_MODEL = '''
import math
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, n=6, d=8):
        super().__init__()
        self.w = nn.Parameter(nn.init.xavier_normal_(torch.empty(d, d)))
        self.table = torch.view_as_real(torch.polar(torch.ones(n, d // 2), torch.zeros(n, d // 2)))
        self.mask = torch.ones(n, n).triu(1).bool().some_unread_method()
        self.conv = nn.Conv2d(3, d, 3)
        self.bn = nn.BatchNorm2d(d)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                m.weight.data.normal_(0, math.sqrt(2.0 / (3 * 3 * d)))
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.data.fill_(1)
                m.bias.data.zero_()
        for name, p in self.named_parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)
        self.apply(self._init)

    def _init(self, m):
        if isinstance(m, nn.Conv2d):
            nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.bn(self.conv(x))
'''


def test_init_loops_and_init_tensors_keep_the_count_exact(tmp_path):
    pytest.importorskip("torch")
    path = tmp_path / "init_model.py"
    path.write_text(INIT_MODEL)
    [graph] = analyse(INIT_MODEL, str(path)).graphs()
    namespace = {}
    exec(compile(textwrap.dedent(INIT_MODEL).replace(".some_unread_method()", ""), "m", "exec"),
         namespace)  # noqa: S102 - our own source
    real = sum(p.numel() for p in namespace["Net"]().parameters())
    assert graph.total == real == 64 + 224 + 16
