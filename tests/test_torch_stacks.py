"""nn.TransformerEncoder / nn.TransformerDecoder (frameworks/torch_stacks.py): the output shape
and `sum(p.numel() for p in model.parameters())` the analysis reads, each compared with the model
torch builds from the same source (num_layers deep copies of the layer, the norm given once)."""
from __future__ import annotations

import warnings

import pytest

from shapelint import check_source, summarize

HEAD = "import torch\nimport torch.nn as nn\n\n\n"


def _net(layer: str, stack: str, call: str, extra: str = "") -> str:
    return HEAD + (
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        f"        layer = {layer}\n{extra}        self.stack = {stack}\n\n"
        f"    def forward(self, x, m):\n        return {call}\n\n\n")


ENCODERS = [
    ("nn.TransformerEncoderLayer(16, 4, 32, batch_first=True)",
     "nn.TransformerEncoder(layer, 2)", "torch.randn(3, 7, 16)"),
    ("nn.TransformerEncoderLayer(16, 4, 32)", "nn.TransformerEncoder(layer, 3)",
     "torch.randn(7, 3, 16)"),
    ("nn.TransformerEncoderLayer(16, 2, 8, bias=False, batch_first=True)",
     "nn.TransformerEncoder(layer, num_layers=1, norm=nn.LayerNorm(16))", "torch.randn(2, 5, 16)"),
    ("nn.TransformerEncoderLayer(d_model=8, nhead=2, norm_first=True)",
     "nn.TransformerEncoder(layer, 4, nn.LayerNorm(8), enable_nested_tensor=False)",
     "torch.randn(5, 8)"),
]
DECODERS = [
    ("nn.TransformerDecoderLayer(16, 4, 32, batch_first=True)",
     "nn.TransformerDecoder(layer, 2)", "torch.randn(3, 7, 16)", "torch.randn(3, 9, 16)"),
    ("nn.TransformerDecoderLayer(16, 4, 32)", "nn.TransformerDecoder(layer, 3, nn.LayerNorm(16))",
     "torch.randn(7, 3, 16)", "torch.randn(4, 3, 16)"),
    ("nn.TransformerDecoderLayer(8, 1, 8, bias=False, batch_first=True)",
     "nn.TransformerDecoder(decoder_layer=layer, num_layers=1, norm=nn.RMSNorm(8))",
     "torch.randn(2, 5, 8)", "torch.randn(2, 6, 8)"),
]


def _real(source: str, *data: str):
    pytest.importorskip("torch")
    namespace: dict = {}
    with warnings.catch_warnings():  # enable_nested_tensor's note on norm_first
        warnings.simplefilter("ignore")
        exec(source, namespace)  # noqa: S102 - our own snippet
        model = namespace["Net"]().eval()
        out = model(*(eval(d, namespace) for d in data))
    return tuple(out.shape), sum(p.numel() for p in model.parameters())


def _static(source: str):
    [graph] = summarize(source, "m.py")
    [out] = graph.outputs
    return tuple(out.output_shape.dims), graph.total


@pytest.mark.parametrize("layer,stack,data", ENCODERS)
def test_an_encoder_stack_is_what_torch_builds(layer, stack, data):
    source = _net(layer, stack, "self.stack(x)") + f"out = Net()({data}, None)\n"
    assert _static(source) == _real(source, data, "None")


@pytest.mark.parametrize("layer,stack,tgt,memory", DECODERS)
@pytest.mark.parametrize("call", ["self.stack(x, m)", "self.stack(tgt=x, memory=m)"])
def test_a_decoder_stack_is_what_torch_builds(layer, stack, tgt, memory, call):
    source = _net(layer, stack, call) + f"out = Net()({tgt}, {memory})\n"
    assert _static(source) == _real(source, tgt, memory)


def test_a_norm_held_twice_counts_once():
    """torch copies the layer but keeps the norm given: the model's own norm is the same."""
    source = _net("nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)",
                  "nn.TransformerEncoder(layer, 2, self.norm)", "self.norm(self.stack(x))",
                  extra="        self.norm = nn.LayerNorm(8)\n") + \
        "model = Net()\nout = model(torch.randn(2, 3, 8), None)\n"
    assert _static(source) == _real(source, "torch.randn(2, 3, 8)", "None")


def test_a_copied_layer_is_not_the_layer_given():
    """The layer given, kept on the model too, counts beside its copies."""
    source = _net("nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)",
                  "nn.TransformerEncoder(layer, 2)", "self.stack(self.layer(x))",
                  extra="        self.layer = layer\n") + \
        "model = Net()\nout = model(torch.randn(2, 3, 8), None)\n"
    assert _static(source) == _real(source, "torch.randn(2, 3, 8)", "None")


def test_a_width_the_layers_do_not_take_is_torchs_error():
    pytest.importorskip("torch")
    source = _net("nn.TransformerEncoderLayer(16, 4, 32, batch_first=True)",
                  "nn.TransformerEncoder(layer, 2)", "self.stack(x)") + \
        "model = Net()\nout = model(torch.randn(3, 7, 12), None)\n"
    with pytest.raises((RuntimeError, AssertionError)):
        _real(source, "torch.randn(3, 7, 12)", "None")
    assert {d.code.code for d in check_source(source, "m.py")} == {"SHP106"}


@pytest.mark.parametrize("stack", ["nn.TransformerEncoder(layer, n)",
                                   "nn.TransformerEncoder(nn.Linear(8, 8), 2)"])
def test_what_is_not_known_stays_unknown(stack):
    """An unknown layer count, or layers torch's forward cannot read self_attn from."""
    source = HEAD + ("import sys\nn = int(sys.argv[1])\n\n\n" + _net(
        "nn.TransformerEncoderLayer(8, 2, 16)", stack, "self.stack(x)")[len(HEAD):]) + \
        "model = Net()\nout = model(torch.randn(2, 3, 8), None)\n"
    [graph] = summarize(source, "m.py")
    [out] = graph.outputs
    assert not out.output_shape.known_rank
    assert (graph.total is None) == ("(layer, n)" in stack)
