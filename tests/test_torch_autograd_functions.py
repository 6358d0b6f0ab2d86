"""A custom torch.autograd.Function of the file's own (frameworks/torch_autograd_functions.py):
`Cls.apply(*args)` is its staticmethod forward(ctx, *args), so the output shape the analysis
reads is compared with what torch's apply returns for the same source; Tensor.view_as /
reshape_as (the identity a gradient reversal returns) too."""
from __future__ import annotations

import pytest

from shapelint import check_source
from shapelint.frameworks.torch_values import TorchTensor
from static_out import static_out

torch = pytest.importorskip("torch")

HEADER = "import torch\nimport torch.nn as nn\n\n\n"

FUNCTIONS = [
    # a gradient reversal: alpha kept on ctx, the identity as a view
    ("class Fn(torch.autograd.Function):\n    @staticmethod\n"
     "    def forward(ctx, x, alpha):\n        ctx.alpha = alpha\n        return x.view_as(x)\n\n"
     "    @staticmethod\n    def backward(ctx, grad):\n        return grad.neg() * ctx.alpha, None\n",
     "out = Fn.apply(torch.randn(16, 800), 0.1)"),
    # a tensor saved for backward; the result flattened per sample
    ("class Fn(torch.autograd.Function):\n    @staticmethod\n"
     "    def forward(ctx, x):\n        ctx.save_for_backward(x)\n"
     "        return x.reshape(x.size(0), -1).clone()\n\n"
     "    @staticmethod\n    def backward(ctx, grad):\n        return grad\n",
     "out = Fn.apply(torch.randn(4, 3, 5, 5))"),
    # torch 2's form: forward without ctx, setup_context apart; reshape_as another tensor
    ("class Fn(torch.autograd.Function):\n    @staticmethod\n"
     "    def forward(x, like):\n        return x.reshape_as(like)\n\n"
     "    @staticmethod\n    def setup_context(ctx, inputs, output):\n        pass\n\n"
     "    @staticmethod\n    def backward(ctx, grad):\n        return grad, None\n",
     "out = Fn.apply(torch.randn(6, 4), torch.zeros(2, 12))"),
    # apply bound to a name first, as `grad_reverse = Fn.apply`
    ("class Fn(torch.autograd.Function):\n    @staticmethod\n"
     "    def forward(ctx, x):\n        return x.view_as(x)\n\n"
     "    @staticmethod\n    def backward(ctx, grad):\n        return -grad\n",
     "reverse = Fn.apply\nout = reverse(torch.randn(2, 7))"),
]


@pytest.mark.parametrize("fn, code", FUNCTIONS)
def test_apply_gives_what_forward_returns(fn, code):
    real: dict = {}
    exec(HEADER + fn + "\n\n" + code, real)  # noqa: S102 - our own snippet
    got = static_out(HEADER + fn + "\n\n", code)
    assert isinstance(got, TorchTensor) and got.shape.dims == tuple(real["out"].shape)


def test_a_forward_it_cannot_follow_stays_unknown():
    fn = ("class Fn(torch.autograd.Function):\n    @staticmethod\n"
          "    def forward(ctx, x):\n        return ctx.lookup(x)\n")
    got = static_out(HEADER + fn + "\n\n", "out = Fn.apply(torch.randn(2, 7))")
    assert not (isinstance(got, TorchTensor) and got.shape.known_rank)


def test_a_norm_behind_the_function_is_judged_on_its_output():
    """A BatchNorm2d after a gradient reversal gets its 2-D output: torch raises, and the
    analysis reports it on the norm's constructor."""
    source = HEADER + FUNCTIONS[0][0] + (
        "\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.head = nn.Sequential(nn.Linear(800, 100), nn.BatchNorm2d(100))\n\n"
        "    def forward(self, x, alpha):\n        return self.head(Fn.apply(x, alpha))\n\n\n"
        "out = Net()(torch.randn(16, 800), 0.1)\n")
    with pytest.raises(ValueError, match="expected 4D input"):
        exec(source, {})  # noqa: S102 - our own snippet
    found = [(d.code.code, d.line) for d in check_source(source, "m.py")]
    line = next(i for i, t in enumerate(source.splitlines(), 1) if "BatchNorm2d" in t)
    assert ("SHP103", line) in found
