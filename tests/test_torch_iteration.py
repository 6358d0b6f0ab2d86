"""`for row in x` over a tensor, and zip() of tensors (TorchTensor.shapelint_repeat and the zip
of Repeated items in interpreter/builtins.py): each row has the shape torch yields, and the
loop's first pass is certain only when torch certainly yields a row."""
from __future__ import annotations

import pytest

from shapelint.pipeline.analysis import analyse

HEAD = "import torch\nimport torch.nn as nn\n\nhead = nn.Linear(1, 2)\n"

ROWS = [
    ("for row in torch.randn(4, 3, 7):", "row"),
    ("for row in torch.zeros(2, 5).long():", "row.float()"),
    ("for i, row in enumerate(torch.randn(3, 2, 6)):", "row"),
    ("for a, b in zip(torch.randn(4, 6), torch.randn(5, 2, 3)):", "b"),
    ("for a, b in zip(torch.randn(4, 6), torch.randn(5, 2, 3)):", "a.unsqueeze(0)"),
    ("for row in torch.eye(5)[[0, 1, 0, 2]]:", "row.view(1, 1, -1)"),
]


def _first_input(loop: str, fed: str):
    """What torch gives head on the loop's first pass (it raises there: in_features is 1)."""
    torch = pytest.importorskip("torch")
    seen = []
    namespace = {"torch": torch, "nn": torch.nn, "head": lambda t: seen.append(tuple(t.shape))}
    exec(f"{loop}\n    head({fed})\n    break\n", namespace)  # noqa: S102 - our own snippet
    return seen[0]


@pytest.mark.parametrize("loop,fed", ROWS)
def test_each_row_has_the_shape_torch_yields(loop, fed):
    [d] = analyse(f"{HEAD}{loop}\n    y = head({fed})\n", "m.py").diagnostics()
    assert d.code.code == "SHP101"
    assert tuple(d.data["input_shape"]) == _first_input(loop, fed)


def test_an_empty_tensor_yields_no_row():
    """torch.randn(0, 3) yields nothing: the loop's body never runs, so nothing in it fails."""
    pytest.importorskip("torch")
    text = f"{HEAD}for row in torch.randn(0, 3):\n    y = head(row)\n"
    assert [d.code.code for d in analyse(text, "m.py").diagnostics()] == []
    exec(text, {})  # noqa: S102 - our own snippet: torch runs it


def test_zip_with_a_list_is_not_read_as_rows():
    """zip(tensor, list): the pairs are not of one form, so nothing is assumed of them."""
    text = f"{HEAD}for a, b in zip(torch.randn(3, 4), [1, 2, 3]):\n    y = head(a)\n"
    assert [d.code.code for d in analyse(text, "m.py").diagnostics()] == []


def test_a_zero_dim_label_per_step_is_torchs_batch_error():
    """A step's (1, C) scores against the 0-d label zip() gives: torch's CrossEntropyLoss
    raises; the label as a 1-element tensor is the fix."""
    pytest.importorskip("torch")
    code = ("import torch\nimport torch.nn as nn\n\ncriterion = nn.CrossEntropyLoss()\n"
            "for x, label in zip(torch.randn(4, 5), torch.LongTensor([1, 0, 2, 3])):\n"
            "    loss = criterion(x.view(1, -1), label)\n")
    with pytest.raises((ValueError, RuntimeError)):
        exec(code, {})  # noqa: S102 - our own snippet
    assert [(d.line, d.code.code) for d in analyse(code, "m.py").diagnostics()] == \
        [(6, "SHP110")]
    fixed = code.replace("label)", "torch.LongTensor([label]))")
    exec(fixed, {})  # noqa: S102 - our own snippet
    assert analyse(fixed, "m.py").diagnostics() == []
