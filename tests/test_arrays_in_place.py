"""numpy arrays changed in place (frameworks/arrays.py ArrayValue.changed_in_place):
`a.resize(...)` and `a.shape = ...` give every name bound to the array its new shape. Read as
unchanged, udacity/deep-learning-v2-pytorch's Simple_RNN notebook (`data.resize((seq_length, 1))`
before `torch.Tensor(data).unsqueeze(0)` into an RNN of input_size 1) got a false SHP106. Each
shape asserted is the one torch sees, from the same snippet."""
from __future__ import annotations

import re

import pytest

from shapelint.pipeline.analysis import analyse

SNIPPET = """import numpy as np
import torch
from torch import nn

data = np.sin(np.linspace(0, 3, 20))
CHANGE
x = torch.Tensor(data).unsqueeze(0)
head = nn.Linear(7, 1)
"""
PROBE = "y = head(x)\n"  # SHP101 names the input shape shapelint reads for x

CHANGES = [
    ("data.resize((20, 1))", (1, 20, 1)),
    ("data.resize(4, 5)", (1, 4, 5)),
    ("data.resize((2, 3))", (1, 2, 3)),  # numpy drops the elements past the new size
    ("data.shape = (10, 2)", (1, 10, 2)),
    ("data.shape = (-1, 5)", (1, 4, 5)),
]


def _probe_shape(text):
    [d] = [d for d in analyse(text + PROBE, "m.py").diagnostics() if d.code.code == "SHP101"]
    return tuple(d.data["input_shape"])


@pytest.mark.parametrize("change, want", CHANGES)
def test_the_shape_after_an_in_place_change_is_torchs(change, want):
    pytest.importorskip("torch")
    text = SNIPPET.replace("CHANGE", change)
    namespace = {}
    exec(text, namespace)  # noqa: S102 - our own snippet
    assert tuple(namespace["x"].shape) == want
    assert _probe_shape(text) == want


def test_the_notebooks_rnn_gets_the_resized_data():
    """The notebook's build: no finding, where reading `data` as (20,) made one."""
    torch = pytest.importorskip("torch")
    text = SNIPPET.replace("CHANGE", "data.resize((20, 1))") + \
        "rnn = nn.RNN(1, 10, 2, batch_first=True)\nout, hidden = rnn(x, None)\n"
    namespace = {}
    exec(text, namespace)  # noqa: S102 - our own snippet
    assert isinstance(namespace["out"], torch.Tensor)
    assert [d.code.code for d in analyse(text, "m.py").diagnostics()] == []
    unchanged = text.replace("data.resize((20, 1))", "pass")
    with pytest.raises(RuntimeError, match=re.escape("input.size(-1) must be equal to input_size")):
        exec(unchanged, {})  # noqa: S102
    assert [d.code.code for d in analyse(unchanged, "m.py").diagnostics()] == ["SHP106"]


def test_a_change_under_an_undecided_condition_leaves_the_shape_unknown():
    text = SNIPPET.replace("CHANGE", "if np.random.rand() > 0.5:\n    data.resize((20, 1))")
    assert [d.code.code for d in analyse(text + PROBE, "m.py").diagnostics()] == []
