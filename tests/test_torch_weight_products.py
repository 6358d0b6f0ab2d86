"""A product with a hand-made weight (frameworks/torch_weight_products.py): torch raises at the
product; the finding sits on the nn.Parameter(...) line, under SHP101 with the weight second,
torch's own code with it first, and stays at the product when both operands are weights."""
from __future__ import annotations

import pytest

from fix_pairs import findings

SOURCE = """import torch
import torch.nn as nn


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(torch.randn({a}))
        self.b = nn.Parameter(torch.randn({b}))

    def forward(self, x):
        return {product}


m = M()
y = m(torch.randn(4, 6))
"""
CASES = [  # (a, b, product, code, line)
    ("5, 3", "3", "x @ self.a", "SHP101", 8),
    ("5, 3", "3", "torch.mm(x, self.a.t().t())", "SHP101", 8),
    ("5, 3", "3", "torch.matmul(self.a, x)", "SHP106", 8),
    ("5, 3", "4, 4", "torch.mm(self.a, self.b)", "SHP106", 12),
]


@pytest.mark.parametrize("a, b, product, code, line", CASES)
def test_placed_on_the_weight(a, b, product, code, line):
    torch = pytest.importorskip("torch")
    m = SOURCE.format(a=a, b=b, product=product)
    namespace = {}
    with pytest.raises(RuntimeError):
        exec(m, namespace)  # noqa: S102 - our own source
    [d] = findings(m)
    assert (d.code.code, d.line) == (code, line)
    assert torch.nn is not None


def test_a_rank_fault_stays_at_the_product():
    """s @ self.W with s 0-d: the scalar's rank is the fault, not the weight's sizes."""
    m = SOURCE.format(a="4, 2", b="3", product="x.sum() @ self.a")
    [d] = findings(m)
    assert (d.code.code, d.line) == ("SHP103", 12)
