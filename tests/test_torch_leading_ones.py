"""SHP206 for an elementwise loss whose input and target differ only by leading axes of size 1
(frameworks/torch_leading_ones.py): torch warns and broadcasts without repeating a value, and
the fix the message gives (view_as) leaves one shape and the same loss; other broadcasts keep
their "every pair" sentence."""
from __future__ import annotations

import warnings

import pytest

from fix_pairs import findings

SOURCE = """import torch
import torch.nn as nn

pred = torch.randn({pred})
target = torch.randn({target})
loss = nn.MSELoss()({call})
"""


def _text(pred, target, call="pred, target"):
    return SOURCE.format(pred=pred, target=target, call=call)


@pytest.mark.parametrize("pred, target", [("10, 1", "1, 10, 1"), ("1, 1, 4, 3", "4, 3")])
def test_leading_ones_pair_each_element_with_its_own(pred, target):
    torch = pytest.importorskip("torch")
    a, b = torch.randn(*eval(f"({pred},)")), torch.randn(*eval(f"({target},)"))  # noqa: S307
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = torch.nn.MSELoss()(a, b)
    assert any("different to the input size" in str(w.message) for w in caught)
    assert torch.allclose(value, torch.nn.MSELoss()(a.view_as(b), b))
    [d] = findings(_text(pred, target))
    assert d.code.code == "SHP206" and "differ only by leading axes of size 1" in d.message
    assert "view_as" in d.message and "every pair" not in d.message
    assert findings(_text(pred, target, "pred.view_as(target), target")) == []


def test_a_broadcast_that_repeats_values_keeps_its_sentence():
    [d] = findings(_text("10, 1", "10"))
    assert d.code.code == "SHP206" and "every pair" in d.message
    [d] = findings(_text("10", "1, 10, 1"))  # a trailing axis of 1 added: (1, 10, 10)
    assert "every pair" in d.message
