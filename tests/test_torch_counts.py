"""How a torch module tree becomes parameter counts, each checked against torch itself: the
parameters of a leaf layer by name (tied weights), weight_norm / spectral_norm / parametrize,
module methods and wrappers, and totals that are unknown (never partial) when any module is."""
from __future__ import annotations

import json
import textwrap
import warnings

import pytest

from shapelint.pipeline.analysis import analyse, evaluate_entry
from shapelint.frameworks.layers import make_layer_object
from shapelint.frameworks.torch import TorchLayer
from shapelint.frameworks.torch_params import own_shapes
from shapelint.adapters.reporters import pictures
from shapelint.adapters.reporters.json_report import model as json_model
from shapelint.adapters.reporters.table import render

LAYERS = [
    ("Linear", (7, 5), {}), ("Linear", (7, 5), {"bias": False}),
    ("Bilinear", (3, 4, 5), {}), ("Bilinear", (3, 4, 5), {"bias": False}),
    ("Conv1d", (4, 6, 3), {}), ("Conv2d", (4, 6, (3, 2)), {"groups": 2, "bias": False}),
    ("Conv3d", (2, 4, 3), {}), ("ConvTranspose1d", (4, 6, 3), {"groups": 2}),
    ("ConvTranspose2d", (6, 4, 2), {"bias": False}), ("ConvTranspose3d", (3, 6, (1, 2, 3)), {}),
    ("Embedding", (11, 4), {}), ("EmbeddingBag", (11, 4), {}),
    ("LayerNorm", (8,), {}), ("LayerNorm", ((3, 4),), {"bias": False}),
    ("LayerNorm", (8,), {"elementwise_affine": False}), ("RMSNorm", (8,), {}),
    ("GroupNorm", (2, 8), {}), ("GroupNorm", (2, 8), {"affine": False}),
    ("BatchNorm1d", (6,), {}), ("BatchNorm2d", (6,), {"affine": False}),
    ("BatchNorm3d", (6,), {"bias": False}), ("InstanceNorm2d", (6,), {"affine": True}),
    ("InstanceNorm1d", (6,), {}), ("PReLU", (5,), {}), ("PReLU", (), {}),
]


@pytest.mark.parametrize("type_name,args,kwargs", LAYERS,
                         ids=[f"{t}{a}{k}" for t, a, k in LAYERS])
def test_a_layers_parameters_by_name_are_torchs(type_name, args, kwargs):
    torch = pytest.importorskip("torch")
    with torch.device("meta"):
        real = getattr(torch.nn, type_name)(*args, **kwargs)
    layer = make_layer_object(TorchLayer, "torch", type_name, args, kwargs, "m", "", 0, 0)
    shapes = own_shapes(layer)
    assert {n: s.to_json() for n, s in shapes.items() if s is not None} == \
        {n: list(p.shape) for n, p in real.named_parameters()}
    assert [n for n, s in shapes.items() if s is None] == \
        [n for n in ("weight", "bias") if n in real._parameters and real._parameters[n] is None]


def _static(source: str, entry: str):
    source = textwrap.dedent(source)
    analysis = analyse(source, "m.py", discover=False)
    return evaluate_entry(analysis, entry).graph(entry)


def _real(source: str, entry: str) -> int:
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(textwrap.dedent(source), "m.py", "exec"), namespace)
        model = eval(entry, namespace)
    assert isinstance(model, torch.nn.Module)
    return sum(p.numel() for p in model.parameters())


NORMS = [f"{api}({layer}{extra})" for api in (
    "nn.utils.weight_norm", "nn.utils.parametrizations.weight_norm", "nn.utils.spectral_norm",
    "nn.utils.parametrizations.spectral_norm")
    for layer in ("nn.Conv2d(3, 8, 3)", "nn.ConvTranspose2d(3, 8, 3)", "nn.Linear(5, 7)",
                  "nn.Embedding(10, 4)", "nn.Conv1d(4, 6, 3, groups=2)")
    for extra in ("", ", dim=1", ", dim=None", ", dim=-1", ", dim=-2")
    if not (extra == ", dim=-2" and "Conv" not in layer)
    and not (extra in (", dim=-1", ", dim=-2", ", dim=None") and "spectral" in api)] + [
    "nn.utils.weight_norm(nn.Linear(5, 7), name='bias')",
    "nn.utils.parametrizations.orthogonal(nn.Linear(5, 7))",
    "nn.utils.parametrizations.orthogonal(nn.Linear(7, 5), use_trivialization=False)",
    "nn.utils.remove_weight_norm(nn.utils.weight_norm(nn.Conv2d(3, 8, 3)))",
    "nn.utils.remove_spectral_norm(nn.utils.spectral_norm(nn.Linear(5, 7)))",
    "nn.utils.skip_init(nn.Linear, 5, 7)",
]


@pytest.mark.parametrize("expression", NORMS)
def test_reparametrized_layers_count_as_torch_does(expression):
    source = f"""
    import torch.nn as nn
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = {expression}
    """
    assert _static(source, "Net()").total == _real(source, "Net()")


TIED = """
import torch
import torch.nn as nn

class LM(nn.Module):
    def __init__(self, vocab=1000, dim=64, tie=True):
        super().__init__()
        self.head = nn.Linear(dim, vocab, bias=False)  # registered before the embedding
        self.embed = nn.Embedding(vocab, dim)
        self.proj = nn.Linear(dim, dim)
        if tie:
            self.embed.weight = self.head.weight
        self.proj.bias = nn.Parameter(torch.zeros(dim))
        self.alias = self.proj
        self.gain = nn.Parameter(torch.ones(dim))
        self.gain_again = self.gain

class Holder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lm = LM()
        self.same_lm = self.lm
        self.extra = nn.Linear(4, 4)
        self.extra.bias = None
"""


@pytest.mark.parametrize("entry", ["LM()", "LM(tie=False)", "Holder()", "LM().double().eval()",
                                   "nn.DataParallel(LM())", "torch.compile(LM())"])
def test_shared_parameters_count_once(entry):
    assert _static(TIED, entry).total == _real(TIED, entry)


def test_a_tied_lm_is_no_longer_counted_twice():
    """The figure of issue 14: 228,096 printed before, torch builds 164,096."""
    source = """
    import torch.nn as nn
    class GPTish(nn.Module):
        def __init__(self, vocab=1000, dim=64):
            super().__init__()
            self.wte = nn.Embedding(vocab, dim)
            self.mlp = nn.Linear(dim, 4 * dim)
            self.lm_head = nn.Linear(dim, vocab, bias=False)
            self.wte.weight = self.lm_head.weight
            self.proj = nn.Linear(4 * dim, 4 * dim - 256)
    """
    assert _static(source, "GPTish()").total == _real(source, "GPTish()")


METHODS = """
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 8).double().half().bfloat16().float().cpu().share_memory()
        self.b = nn.Sequential(nn.Linear(8, 8)).to(torch.float64).train(False)
        self.apply(lambda m: nn.utils.weight_norm(m) if isinstance(m, nn.Linear) else None)

    def forward(self, x):
        return self.b(self.a(x))
"""


@pytest.mark.parametrize("entry", ["Net()", "Net().double().eval()", "Net().type(torch.half)",
                                   "Net().requires_grad_(False).cuda()",
                                   "nn.DataParallel(Net()).module"])
def test_methods_that_return_the_module_keep_it(entry):
    """apply(fn) runs fn on every submodule (here weight_norm on each Linear); .cuda() is read
    as the model it returns (torch here has no GPU to run it)."""
    static = _static(METHODS, entry).total
    assert static is not None
    assert static == _real(METHODS, entry.replace(".cuda()", ""))


UNKNOWN = """
import torch.nn as nn
from torch.nn.utils.fusion import fuse_conv_bn_eval


class Fused(nn.Module):
    \"\"\"A fused stem: about 242 parameters.\"\"\"
    def __init__(self):
        super().__init__()
        self.head = nn.Linear(8, 2)
        self.stem = fuse_conv_bn_eval(nn.Conv2d(3, 8, 3).eval(), nn.BatchNorm2d(8).eval())
        self.blocks = nn.Sequential(nn.Linear(2, 2), fuse_conv_bn_eval(
            nn.Conv2d(2, 2, 1).eval(), nn.BatchNorm2d(2).eval()))

    def forward(self, x):
        return self.head(self.stem(x).mean((2, 3)))
"""


def test_an_unknown_module_makes_every_printed_total_unknown():
    graph = _static(UNKNOWN, "Fused()")
    assert graph.total is None and not graph.exact
    assert json_model(graph, "m.py")["total_params"] is None
    assert "Total params: ?" in render(graph, "m.py")
    assert "unknown params" in pictures.dot([(graph, "m.py")])
    reasons = graph.reasons()
    assert any(r.startswith("self.stem = ") and "at line 11" in r for r in reasons), reasons
    # a count that does not depend on the unknown part stays on its row
    assert [n.params for n in graph.rows if n.name == "head"] == [18]


def test_a_claim_is_not_judged_against_an_unknown_total():
    analysis = analyse(textwrap.dedent(UNKNOWN).replace("about 242", "about 9,000"), "m.py")
    assert not [d for d in analysis.diagnostics() if d.code.code == "SHP209"]


def test_the_static_side_of_confirm_prints_null(tmp_path):
    from shapelint.confirm.runner import static_models
    path = tmp_path / "fused.py"
    path.write_text(textwrap.dedent(UNKNOWN))
    [found] = static_models([f"{path}::Fused()"])
    assert found.static["total_params"] is None


def test_a_wrapped_critic_is_counted_and_its_claim_holds():
    """Issue 21: spectral_norm and weight_norm used to drop the layers (Total params: 0), so a
    true claim of 142K was reported as wrong."""
    source = '''
    import torch.nn as nn
    from torch.nn.utils import spectral_norm


    class Critic(nn.Module):
        """A spectrally normalised critic with 142.5K parameters."""
        def __init__(self, ch=64):
            super().__init__()
            self.conv1 = spectral_norm(nn.Conv2d(3, ch, 4, 2, 1))
            self.conv2 = spectral_norm(nn.Conv2d(ch, ch * 2, 4, 2, 1))
            self.head = nn.utils.weight_norm(nn.Linear(ch * 2 * 8 * 8, 1))
    '''
    graph = _static(source, "Critic()")
    assert graph.total == _real(source, "Critic()") == 142_530
    assert graph.path.endswith("m.py") and graph.line == 6  # the class's line, not 0
    analysis = analyse(textwrap.dedent(source), "m.py")
    assert not [d for d in analysis.diagnostics() if d.code.code == "SHP209"]


def test_summary_json_of_an_entry_gives_the_definition_line(tmp_path, capsys):
    from shapelint.adapters.cli import main
    path = tmp_path / "critic.py"
    path.write_text("import torch.nn as nn\n\n\nclass Critic(nn.Module):\n"
                    "    def __init__(self):\n        super().__init__()\n"
                    "        self.fc = nn.Linear(2, 3)\n")
    main(["summary", f"{path}::Critic()", "--format", "json"])
    [model] = json.loads(capsys.readouterr().out)["models"]
    assert model["line"] == 4 and model["total_params"] == 9


FROZEN = """
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self, freeze_head=True):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8))
        self.head = nn.Linear(8, 2)
        self.scale = nn.Parameter(torch.ones(8))
        for p in self.body[0].parameters():
            p.requires_grad = False
        self.head.requires_grad_(not freeze_head)
        self.scale.requires_grad_(False)
"""


@pytest.mark.parametrize("entry", ["Net()", "Net(freeze_head=False)", "Net().requires_grad_(False)"])
def test_frozen_parameters_are_not_trainable(entry):
    torch = pytest.importorskip("torch")
    graph = _static(FROZEN, entry)
    namespace: dict = {}
    exec(compile(textwrap.dedent(FROZEN), "m.py", "exec"), namespace)
    model = eval(entry, namespace)
    assert isinstance(model, torch.nn.Module)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert (graph.trainable, graph.total) == (trainable, _real(FROZEN, entry))
