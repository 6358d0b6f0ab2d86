"""Keyword arguments of the script's own model call (`model(x, scale=1.5)`) reach forward() and
the helpers it calls when the model is read (torch_modules._further_inputs): the output shape
the analysis reads is compared with the one torch gives for the same source and call."""
from __future__ import annotations

import pytest

from shapelint import check_source, summarize

HEAD = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n\n"


POSITIONS = ("def positions(h, w, scale):\n"
             "    out_h, out_w = int(scale * h), int(scale * w)\n"
             "    grid = torch.zeros(out_h, out_w, 3)\n"
             "    return grid.view(out_h * out_w, 3)\n\n\n")


NETS = [
    # a float scale read by a helper: int(scale * h) rows of positions
    (POSITIONS +
     "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
     "        self.fc = nn.Linear(3, 4)\n\n"
     "    def forward(self, x, scale):\n"
     "        return self.fc(positions(x.size(2), x.size(3), scale))\n\n\n",
     "torch.randn(1, 2, 12, 10)", "scale=1.5"),
    # an int keyword with a default the call replaces
    ("class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
     "        self.conv = nn.Conv2d(3, 5, 3)\n\n"
     "    def forward(self, x, factor=1):\n"
     "        return self.conv(F.interpolate(x, scale_factor=factor))\n\n\n",
     "torch.randn(2, 3, 8, 8)", "factor=2"),
    # a positional tensor and a keyword bool together
    ("class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
     "        self.fc = nn.Linear(6, 2)\n\n"
     "    def forward(self, x, y, joined=False):\n"
     "        return self.fc(torch.cat([x, y], 1) if joined else x)\n\n\n",
     "torch.randn(4, 6)", "torch.randn(4, 0), joined=True"),
]


def _source(net, data, call):
    return HEAD + net + f"model = Net()\nout = model({data}, {call})\n"


def _real(source):
    pytest.importorskip("torch")
    namespace: dict = {}
    exec(source, namespace)  # noqa: S102 - our own snippet
    return tuple(namespace["out"].shape)


@pytest.mark.parametrize("net, data, call", NETS)
def test_keyword_arguments_reach_forward(net, data, call):
    source = _source(net, data, call)
    [graph] = summarize(source, "m.py")
    [out] = graph.outputs
    assert tuple(out.output_shape.dims) == _real(source)
    assert not [d for d in check_source(source, "m.py") if d.code.code.startswith("SHP1")]


def test_a_keyword_that_decides_a_width_finds_the_fault():
    """The positions have 3 values; a first Linear of 6 raises in torch, and is reported."""
    net = NETS[0][0].replace("nn.Linear(3, 4)", "nn.Linear(6, 4)")
    source = _source(net, NETS[0][1], NETS[0][2])
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        _real(source)
    found = [(d.code.code, d.data.get("actual")) for d in check_source(source, "m.py")]
    assert ("SHP101", 3) in found


def test_a_keyword_of_another_kind_leaves_forward_read_as_before():
    """A keyword the analysis does not pass on (a list) keeps forward() read on its first
    input alone: the helper's size is unknown, and nothing is reported."""
    net = NETS[0][0].replace("nn.Linear(3, 4)", "nn.Linear(6, 4)")
    source = HEAD + net + "model = Net()\nout = model(torch.randn(1, 2, 12, 10), scale=[1.5])\n"
    assert not [d for d in check_source(source, "m.py") if d.code.code.startswith("SHP1")]
