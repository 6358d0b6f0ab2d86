"""Issue 16, torch: a square pooling window too large for one side of a non-square input the
script builds, where the input made square at its other side passes every layer, is reported
where the script builds the input (frameworks/torch_odd_side.py). The model already fits the
other side; only that side differs. A square input, or one the model rejects at both sizes,
keeps the finding on the model's line. The pair in fixtures/fix_origins/torch/
(pool_window_for_square_given_short_tensor) is proven with real torch by test_fix_pairs."""
from __future__ import annotations

from fix_pairs import FIX_ORIGINS, findings

MODEL = """import torch
import torch.nn as nn


class StripNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU())
        self.pool = nn.MaxPool2d(WINDOW)
        self.head = nn.Linear(16, 5)

    def forward(self, x):
        x = self.pool(self.features(x))
        return self.head(torch.flatten(x, 1))


model = StripNet()
batch = torch.rand(3, 1, HIGH, WIDE)
logits = model(batch)
"""
# the model's line is the pooling's constructor, which writes the window (rules/checks.
# at_constructor); torch raises where forward() applies it, line 15
POOL_LINE, BUILT_LINE = 11, 20


def _run(window, high, wide):
    source = MODEL.replace("WINDOW", str(window)).replace("HIGH", str(high)) \
        .replace("WIDE", str(wide))
    return [(int(d.line), d.code.code, d.message) for d in findings(source)]


def test_the_short_side_is_reported_where_the_input_is_built():
    # 8 rows leave 2 for a window of 16 the 64 columns (16 after the convolutions) fill
    [(line, code, message)] = _run(16, 8, 64)
    assert (line, code) == (BUILT_LINE, "SHP102")
    assert "It shows at line 15" in message and "dim 2 is 8, make it 64" in message


def test_the_narrow_side_too():
    [(line, code, message)] = _run(16, 64, 8)
    assert (line, code) == (BUILT_LINE, "SHP102")
    assert "dim 3 is 8, make it 64" in message


def test_a_window_neither_side_fits_stays_on_the_model():
    # 40 columns leave 10, which a window of 12 does not fit either: the model is at fault too
    [(line, code, _)] = _run(12, 8, 40)
    assert (line, code) == (POOL_LINE, "SHP102")


def test_a_square_input_stays_on_the_model():
    # nothing says which size the model was written for: either side (torch_size_written)
    [(line, code, _)] = _run(8, 16, 16)
    assert (line, code) == (POOL_LINE, "SHP102")


def test_the_fixture_pair():
    path = FIX_ORIGINS / "torch" / "pool_window_for_square_given_short_tensor.py"
    assert [(int(d.line), d.code.code) for d in findings(path)] == [(25, "SHP102")]
    assert findings(path.with_name(path.stem + "_fixed.py")) == []


def test_a_square_input_the_head_rejects_stays_on_the_model():
    # 64x64 passes a window of 4 but leaves 4x4x16 = 256 features for Linear(16): the model
    # is not written for the other side either
    [(line, code, _)] = _run(4, 8, 64)
    assert (line, code) == (POOL_LINE, "SHP102")
