"""Loops whose passes would spend the file's budget (interpreter/budget.Budget.outruns): a
script's epoch loop around its training is read for its first passes, the rest as passes that
may or may not run, so the file is still checked (no SHP902) and nothing they change is taken
as a fact. Each shape and count asserted is compared with what torch builds."""
from __future__ import annotations

import pytest

from shapelint.pipeline.analysis import analyse

HEAD = "import torch\nimport torch.nn as nn\n"

# the shape of pytorch/examples' time_sequence_prediction training: epochs around a forward
# that unrolls 1000 future steps, each step a cell whose state feeds the next
EPOCHS = HEAD + """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.step = nn.Linear(51, 51)
        self.head = nn.Linear(WIDTH, 1)

    def forward(self, x, future=1000):
        h = x
        outputs = []
        for i in range(future):
            h = torch.tanh(self.step(h))
            outputs += [self.head(h)]
        return torch.cat(outputs, dim=1)


model = Net()
x = torch.randn(3, 51)
for epoch in range(300):
    y = model(x)
"""


def _codes(text):
    return [d.code.code for d in analyse(text, "m.py").diagnostics()]


def test_a_long_epoch_loop_is_checked_and_its_fault_found():
    pytest.importorskip("torch")
    wrong = EPOCHS.replace("WIDTH", "50")
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        exec(wrong.replace("range(300)", "range(1)").replace("1000", "2"), {})  # noqa: S102
    assert _codes(wrong) == ["SHP101"]
    assert _codes(EPOCHS.replace("WIDTH", "51")) == []


def test_its_counts_are_torchs():
    pytest.importorskip("torch")
    text = EPOCHS.replace("WIDTH", "51")
    namespace = {}
    exec(text.split("\nx = ")[0], namespace)  # noqa: S102 - our own snippet, no forward run
    want = sum(p.numel() for p in namespace["model"].parameters())
    [(_, model)] = analyse(text, "m.py").models
    assert model.graph("model", None).total == want == 51 * 52 + 52


# a list that grows in every pass of a loop too long to read pass by pass
GROWN = HEAD + """
layers = []
for i in range(COUNT):
    layers.append(nn.Linear(4, 4))
model = nn.Sequential(*layers)
"""


def test_layers_made_in_the_passes_left_leave_the_count_unknown():
    """Never the count of the passes read: the sequential's layers are not known."""
    analysis = analyse(GROWN.replace("COUNT", "10 ** 6"), "m.py")
    assert analysis.notes == []  # checked: no SHP902
    assert all(model.graph(entry, None).total is None for entry, model in analysis.models)


def test_a_short_loop_is_still_read_pass_by_pass():
    pytest.importorskip("torch")
    text = GROWN.replace("COUNT", "12")
    namespace = {}
    exec(text, namespace)  # noqa: S102 - our own snippet
    want = sum(p.numel() for p in namespace["model"].parameters())
    [(_, model)] = analyse(text, "m.py").models
    assert model.graph("model", None).total == want == 12 * 20


# a tensor cut in every pass: what the passes left make of it is not known
CUT = HEAD + """
x = torch.randn(4, 10 + COUNT)
for i in range(COUNT):
    x = x[:, 1:]
head = nn.Linear(IN, 2)
y = head(x)
"""


def test_a_value_the_passes_left_change_is_not_a_fact():
    pytest.importorskip("torch")
    namespace = {}
    exec(CUT.replace("COUNT", "3").replace("IN", "10"), namespace)  # noqa: S102
    assert tuple(namespace["y"].shape) == (4, 2)
    # read in full, the short loop's fault is found, the fixed twin is silent
    assert _codes(CUT.replace("COUNT", "3").replace("IN", "12")) == ["SHP101"]
    assert _codes(CUT.replace("COUNT", "3").replace("IN", "10")) == []
    # a million passes: x's width after them is unknown, so neither is reported
    assert _codes(CUT.replace("COUNT", "10 ** 6").replace("IN", "12")) == []
    assert _codes(CUT.replace("COUNT", "10 ** 6").replace("IN", "10")) == []


# NYU-DLSP20's transformer notebook: a sinusoid table of 10,000 x 32 values built by a nested
# comprehension in the model's __init__
TABLE = HEAD + """import numpy as np


class Embeddings(nn.Module):
    def __init__(self, n, d):
        super().__init__()
        self.position = nn.Embedding(n, d)
        theta = np.array([[p / np.power(10000, 2 * (j // 2) / d) for j in range(d)]
                          for p in range(n)])
        self.head = nn.Linear(d, 2)


model = Embeddings(ROWS, 32)
"""


def test_a_long_comprehension_is_unknown_and_the_model_still_counted():
    pytest.importorskip("torch")
    text = TABLE.replace("ROWS", "10000")
    namespace = {}
    exec(text, namespace)  # noqa: S102 - our own snippet
    want = sum(p.numel() for p in namespace["model"].parameters())
    analysis = analyse(text, "m.py")
    assert analysis.notes == []  # checked: no SHP902
    [(_, model)] = analysis.models
    assert model.graph("model", None).total == want == 10000 * 32 + 32 * 2 + 2
