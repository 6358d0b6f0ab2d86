"""nn.LSTMCell returns the pair (h_1, c_1), both (N, hidden_size), or (hidden_size,) for an
unbatched input (torch docs: LSTMCell); RNNCell and GRUCell return h' alone. Checked against
torch."""
from __future__ import annotations

import pytest

from shapelint.frameworks.torch import TorchTensor
from static_out import static_out

HEADER = "import torch\nimport torch.nn as nn\n"
CASES = [
    "out = nn.LSTMCell(10, 20)(torch.randn(4, 10))",
    "out = nn.LSTMCell(10, 20)(torch.randn(4, 10), (torch.zeros(4, 20), torch.zeros(4, 20)))",
    "out = nn.LSTMCell(6, 3)(torch.randn(6))",
    "out = nn.GRUCell(10, 20)(torch.randn(4, 10))",
    "out = nn.RNNCell(10, 20)(torch.randn(4, 10))",
    "cell = nn.LSTMCell(10, 20)\nx = torch.randn(7, 4, 10)\nh = c = torch.zeros(4, 20)\n"
    "outs = []\nfor t in range(x.size(0)):\n    h, c = cell(x[t], (h, c))\n    outs.append(h)\n"
    "out = torch.stack(outs, 0)",
]


def _shapes(value):
    if isinstance(value, tuple):
        return tuple(_shapes(v) for v in value)
    return tuple(value.shape)


@pytest.mark.parametrize("code", CASES)
def test_cells_return_what_torch_returns(code):
    torch = pytest.importorskip("torch")
    real = {}
    exec(HEADER + code, real)  # noqa: S102 - our own source
    got = static_out(HEADER, code)
    static = tuple(tuple(t.shape.dims) for t in got) if isinstance(got, tuple) else \
        tuple(got.shape.dims)
    assert all(isinstance(t, TorchTensor) for t in (got if isinstance(got, tuple) else (got,)))
    assert static == _shapes(real["out"])
    assert torch.nn is not None
