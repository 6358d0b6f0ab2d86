"""The final states of RNN/LSTM/GRU (frameworks/torch_rnn_states.py) and len() of a tensor:
their shapes as the analysis reads them, each compared with what torch returns."""
from __future__ import annotations

import pytest

from shapelint.pipeline.analysis import analyse

HEAD = "import torch\nimport torch.nn as nn\n"

CASES = [
    ("nn.LSTM(6, 8, num_layers=2, bidirectional=True, batch_first=True)",
     "torch.randn(4, 5, 6)", "y, (h, c) = layer(x)"),
    ("nn.LSTM(6, 8, proj_size=3)", "torch.randn(5, 4, 6)", "y, (h, c) = layer(x)"),
    ("nn.GRU(6, 8, num_layers=3)", "torch.randn(5, 6)", "y, h = layer(x)"),
    ("nn.RNN(6, 8, bidirectional=True)", "torch.randn(5, 4, 6)", "y, h = layer(x)"),
]


def _probe(build, data, call):
    """A model whose head takes 1 feature, fed h_n[-1]: its SHP101 names the input shape the
    analysis reads for the state."""
    return HEAD + (f"class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                   f"        self.layer = {build}\n        self.head = nn.Linear(1, 2)\n\n"
                   f"    def forward(self, x):\n        {call.replace('layer(', 'self.layer(')}"
                   f"\n        return self.head(h[-1])\n\n\nmodel = Net()\nout = model({data})\n")


@pytest.mark.parametrize("build,data,call", CASES)
def test_state_widths_agree_with_torch(build, data, call):
    torch = pytest.importorskip("torch")
    namespace = {"torch": torch, "nn": torch.nn}
    exec(f"layer = {build}\nx = {data}\n{call}", namespace)  # noqa: S102 - our own snippet
    want = tuple(namespace["h"][-1].shape)
    [d] = [d for d in analyse(_probe(build, data, call), "m.py").diagnostics()
           if d.code.code == "SHP101"]
    assert tuple(d.data["input_shape"]) == want


def test_an_initial_state_of_another_shape_leaves_the_states_unknown():
    """torch raises at the layer for a wrong h0: what follows is not read as a fact."""
    text = _probe("nn.GRU(6, 8, batch_first=True)", "torch.randn(4, 5, 6)",
                  "y, h = layer(x, torch.zeros(2, 4, 8))")
    assert [d for d in analyse(text, "m.py").diagnostics() if d.code.code == "SHP101"] == []
    same = text.replace("torch.zeros(2, 4, 8)", "torch.zeros(1, 4, 8)")
    assert [d.code.code for d in analyse(same, "m.py").diagnostics()] == ["SHP101"]


def test_len_of_a_tensor_is_its_first_size():
    text = _probe("nn.Linear(2, 1)", "torch.randn(7, 3)", "h = [layer(x.view(len(x), 1, -1))]")
    [d] = [d for d in analyse(text, "m.py").diagnostics() if d.code.code == "SHP101"]
    assert tuple(d.data["input_shape"]) == (7, 1, 3)


WRONG_STATES = [  # torch checks every state's rank first, then each size
    ("nn.GRU(6, 8)", "torch.randn(5, 4, 6)", "torch.zeros(1, 8)"),
    ("nn.LSTM(6, 8)", "torch.randn(5, 4, 6)", "(torch.zeros(1, 8), torch.zeros(1, 4, 8))"),
    ("nn.LSTM(6, 8)", "torch.randn(5, 4, 6)", "(torch.zeros(1, 4, 8), torch.zeros(1, 8))"),
    ("nn.LSTM(6, 8)", "torch.randn(5, 4, 6)", "(torch.zeros(2, 4, 8), torch.zeros(1, 8))"),
    ("nn.LSTM(6, 8)", "torch.randn(5, 6)", "(torch.zeros(1, 4, 8), torch.zeros(1, 4, 8))"),
    ("nn.LSTM(6, 8, num_layers=2)", "torch.randn(5, 4, 6)",
     "(torch.zeros(2, 4, 8), torch.zeros(1, 4, 8))"),
    ("nn.RNN(6, 8, batch_first=True)", "torch.randn(4, 5, 6)", "torch.zeros(1, 5, 8)"),
]


@pytest.mark.parametrize("build,data,states", WRONG_STATES)
def test_the_quoted_error_is_what_torch_raises(build, data, states):
    pytest.importorskip("torch")
    code = f"{HEAD}layer = {build}\nx = {data}\nh0 = {states}\nout = layer(x, h0)\n"
    with pytest.raises(RuntimeError) as raised:
        exec(code, {})  # noqa: S102 - our own snippet
    [d] = analyse(code, "m.py").diagnostics()
    assert f'RuntimeError "{raised.value}"' in d.message


def test_an_unknown_input_is_not_replaced_by_the_initial_state():
    """A GRU whose input the analysis cannot follow, given a known h0: the h0 is not its input
    (the sixteenth blind set's attention decoder, whose twin runs, was reported for it)."""
    pytest.importorskip("torch")
    code = (f"{HEAD}gru = nn.GRU(96, 64, 2)\nh0 = torch.zeros(2, 4, 64)\n"
            f"x = torch.randn(1, 4, 96)\nout, h = gru(x.repeat(1, 1, 1), h0)\n")
    exec(code, {})  # noqa: S102 - our own snippet: it runs
    assert analyse(code, "m.py").diagnostics() == []
    known = code.replace("x.repeat(1, 1, 1)", "h0")
    with pytest.raises(RuntimeError):
        exec(known, {})  # noqa: S102
    assert [d.code.code for d in analyse(known, "m.py").diagnostics()] == ["SHP106"]
