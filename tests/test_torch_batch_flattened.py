"""A Linear given one vector holding a whole batch (frameworks/torch_batch_flattened.py): the
finding sits on the flatten, says what flattening from dim 1 gives, and suggests no
in_features (a larger one would make it run and mix the samples). The fixture pair
fix_origins/torch/batch_flattened_into_one_vector is proven with torch by test_fix_pairs.py;
the sources here are checked against torch below."""
from __future__ import annotations

import pathlib

import pytest

from fix_pairs import findings

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAIR = ROOT / "fixtures" / "fix_origins" / "torch" / "batch_flattened_into_one_vector.py"

ONE_LINE = """import torch
import torch.nn as nn
model = nn.Sequential(nn.Flatten(start_dim=0), nn.Linear(784, 10))
out = model(torch.randn(16, 1, 28, 28))
"""


def test_the_flatten_in_forward_carries_the_finding():
    [d] = findings(PAIR)
    assert (int(d.line), d.data["seen_at_line"]) == (15, 16)
    assert "turns (16, 4, 28, 28) into (50176,)" in d.message
    assert "flattened from dim 1 it gets (16, 3136)" in d.message
    assert "with in_features=" not in d.message and "fits inputs" not in d.message
    assert "params_intended" not in d.data


def test_a_flatten_layer_on_the_linears_own_line_carries_it_at_its_column():
    [d] = findings(ONE_LINE)
    assert (int(d.line), int(d.column)) == (3, 22)
    assert "turns (16, 1, 28, 28) into (12544,)" in d.message
    assert "with in_features=" not in d.message


@pytest.mark.parametrize("source", [
    # one sample's values are not in_features: the Linear's size is the question, not the batch
    ONE_LINE.replace("nn.Linear(784, 10)", "nn.Linear(500, 10)"),
])
def test_without_a_whole_number_of_samples_it_stays_on_the_linear(source):
    [d] = findings(source)
    assert "turns" not in d.message and "with in_features=12544" in d.message


def test_the_sources_fail_in_torch_and_the_flatten_from_dim_1_runs():
    torch = pytest.importorskip("torch")
    for source in (ONE_LINE, ONE_LINE.replace("nn.Linear(784, 10)", "nn.Linear(500, 10)")):
        with pytest.raises(RuntimeError, match="mat1 and mat2"):
            exec(source, {})
    namespace = {}
    exec(ONE_LINE.replace("start_dim=0", "start_dim=1"), namespace)
    assert tuple(namespace["out"].shape) == (16, 10) and torch.is_tensor(namespace["out"])
