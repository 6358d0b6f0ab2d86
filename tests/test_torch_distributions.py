"""torch.distributions.Normal's shapes (frameworks/torch_distributions.py) and -x / +x of a
tensor (torch_values.TorchTensor), checked against torch; what it cannot read stays unknown."""
from __future__ import annotations

import pytest

from shapelint.frameworks.torch import TorchTensor
from static_out import static_out

HEADER = ("import torch\nmu = torch.randn(64, 4)\nstd = torch.rand(64, 4) + 0.1\n"
          "d = torch.distributions.Normal(mu, std)\n")
CASES = [
    "out = d.rsample()", "out = d.sample()", "out = d.sample((3,))", "out = d.sample([2, 5])",
    "out = d.log_prob(d.rsample())", "out = d.log_prob(torch.zeros(4))",
    "out = d.log_prob(torch.zeros(7, 1, 1))", "out = d.entropy()", "out = d.mean",
    "out = d.stddev", "out = d.cdf(torch.zeros(64, 1))",
    "out = torch.distributions.Normal(torch.zeros(3, 1), torch.ones(5)).sample()",
    "out = torch.distributions.normal.Normal(mu, 1.0 + std).log_prob(mu).sum(-1, keepdim=True)",
    "out = -d.log_prob(mu)", "out = +mu",
]


@pytest.mark.parametrize("code", CASES)
def test_shapes_are_torchs(code):
    torch = pytest.importorskip("torch")
    real = {}
    exec(HEADER + code, real)  # noqa: S102 - our own source
    got = static_out(HEADER, code)
    assert isinstance(got, TorchTensor) and tuple(got.shape.dims) == tuple(real["out"].shape)
    assert torch is not None


@pytest.mark.parametrize("code", [
    "out = d.log_prob(torch.zeros(3))",  # does not broadcast: torch raises
    "out = d.sample(n)", "out = d.icdf(mu)",
    "out = torch.distributions.Normal(mu, n).sample()",
])
def test_what_is_not_read_stays_unknown(code):
    got = static_out(HEADER + "n = int(input())\n", code)
    assert not isinstance(got, TorchTensor) or not got.shape.known_rank
