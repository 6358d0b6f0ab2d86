"""SHP209 parameter-count-claim: the claim parser over many phrasings, where a claim is read as
being about a model, and the real frameworks' counts behind the AlexNet fixtures."""
from __future__ import annotations

import pathlib
import runpy
import textwrap

import pytest

from conftest import real_keras_models
from shapelint import check_source
from shapelint.pipeline.analysis import analyse
from shapelint.rules.claim_text import Claim, find_claims, holds

ROOT = pathlib.Path(__file__).resolve().parent.parent

# (text, the number claimed, compared with the trainable count)
CLAIMS = [
    ("AlexNet, 60 million parameters.", 60_000_000, False),
    ("~60M params", 60_000_000, False),
    ("about 60M parameters in all", 60_000_000, False),
    ("62.3M params", 62_300_000, False),
    ("1.2B parameters", 1_200_000_000, False),
    ("1.2 billion parameters", 1_200_000_000, False),
    ("25,678,184 parameters", 25_678_184, False),
    ("25.6 M params", 25_600_000, False),
    ("3.5k params", 3_500, False),
    ("3.5K parameters", 3_500, False),
    ("Total params: 1,234", 1_234, False),
    ("Total params: 62,378,344 (237.95 MB)", 62_378_344, False),
    ("params: 60M", 60_000_000, False),
    ("# params: 1.2B", 1_200_000_000, False),
    ("#params ~60M", 60_000_000, False),
    ("number of parameters = 60 million", 60_000_000, False),
    ("parameter count: 11.7M", 11_700_000, False),
    ("a 62.3M-parameter model", 62_300_000, False),
    ("60M total params", 60_000_000, False),
    ("25,557,032 trainable parameters", 25_557_032, True),
    ("Trainable params: 62,378,344", 62_378_344, True),
    ("ResNet-50: 25.6M params", 25_600_000, False),
    ("AlexNet (Krizhevsky et al., 2012) has 60 million parameters", 60_000_000, False),
    ("This network has about\n60 million parameters.", 60_000_000, False),
    ("3.5 GFLOPs, 25.6M parameters", 25_600_000, False),
    ("AlexNet has 8 layers, 5 convolutional and 3 fully connected.\n60M parameters",
     60_000_000, False),
    ("60 million weights", 60_000_000, False),
    ("60_000_000 parameters", 60_000_000, False),
]

NOT_CLAIMS = [
    "trained on 60M images",
    "1.2B tokens",
    "pretrained on ImageNet 1k",
    "60% of params are in the first Dense",
    "3.5 GFLOPs",
    "the first layer has 37.7M params",
    "Dense(4096): 37,752,832 params",
    "each block has 1.2M parameters",
    "the encoder alone: 30M params",
    "unlike the original AlexNet (60M params), this one is small",
    "fewer than 1M parameters",
    "under 1M params",
    "up to 60M params",
    "< 1M params",
    "reduces the parameters from 60M to 2M",
    "with Flatten it would have 62M params",
    "compared to 25M params for ResNet50",
    "takes 2 params",
    "params: x (tensor), y (tensor)",
    "Non-trainable params: 1,408",
    "non-trainable parameters: 2,048",
    "~50-60 million parameters",
    "between 1 and 2 million parameters",
    "In 2012 parameters were fewer",
    "weights: 1000",
    "weights='imagenet'",
    "input 224x224, 1000 classes",
    "Parameters\n----------\n1000 classes by default",
    "58M of the 62M params are in the classifier",
    "1.2B",  # bare: only where the caller allows it
    "Total params: 24,769,290 on CIFAR-10\nTotal params: 62,379,752 on ImageNet",
    "Hyperparameters: 1000",
    "hyperparams = 5000",
    "model params: 256 hidden units",
    "params: 1000 epochs",
    "6 layers * 384 dim = ~10M params",
    "ResNet50 base: 23.5M params",
    "23.5M frozen params",
]


@pytest.mark.parametrize("text,value,trainable", CLAIMS, ids=[c[0] for c in CLAIMS])
def test_claims_are_read(text, value, trainable):
    [claim] = find_claims(text)
    assert (claim.value, claim.trainable) == (value, trainable)
    assert claim.text in " ".join(text.split())


@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_other_numbers_are_not_claims(text):
    assert find_claims(text) == []


@pytest.mark.parametrize("text,value", [("1.2B", 1_200_000_000), ("~60M", 60_000_000),
                                        (" 62.3M ", 62_300_000), ("3.5k", 3_500)])
def test_a_bare_count_is_a_claim_only_where_allowed(text, value):
    assert find_claims(text) == []
    [claim] = find_claims(text, bare=True)
    assert claim.value == value


@pytest.mark.parametrize("text", ["1234", "2012", "-1.2M", "1.2B tokens", "v2", "x4"])
def test_a_bare_number_without_magnitude_is_not_a_claim(text):
    assert find_claims(text, bare=True) == []


def _claim(text):
    [claim] = find_claims(text)
    return claim


@pytest.mark.parametrize("text,built,kept", [
    ("60M params", 62_378_344, True),  # 4.0% over
    ("60M params", 63_000_001, False),  # just over 5%
    ("60M params", 57_000_000, True),  # exactly 5% under
    ("60M params", 25_678_184, False),
    ("25.6M params", 25_678_184, True),
    ("25,678,184 parameters", 25_678_184, True),
    ("25,678,184 parameters", 27_000_000, False),  # 5.1% over an exact figure
    ("1.2B params", 1_249_999_999, True),  # rounds to 1.2B
    ("1B params", 1_400_000_000, True),  # the precision written: rounds to 1B
    ("1B params", 1_600_000_000, False),
    ("3.5k params", 3_300, False),
])
def test_tolerance_is_five_percent_or_the_precision_written(text, built, kept):
    assert holds(_claim(text), built) is kept


def test_claim_records_its_precision():
    assert _claim("62.3M params").unit == 100_000
    assert _claim("60 million parameters").unit == 1_000_000
    assert _claim("25,678,184 parameters").unit == 1
    assert isinstance(_claim("1.2B params"), Claim)


# -- where a claim is read as being about a model ------------------------------------------

# A tiny Keras model: 28*28*... Conv2D(8, 3) on (28, 28, 1) = 80, Flatten, Dense(10) from
# 26*26*8 = 5408 features = 54,090; total 54,170 (checked against Keras below).
KERAS_MODEL = """\
    layers.Conv2D(8, 3, input_shape=(28, 28, 1)),
    layers.Flatten(),
    layers.Dense(10),
"""
KERAS_TOTAL = 54_170


def _keras(before_model: str, after: str = "", model_comment: str = "") -> str:
    return ("from keras import Sequential, layers\n\n" + before_model +
            f"model = Sequential([{model_comment}\n" + KERAS_MODEL + "])\n" + after)


def _found(source: str, tmp_path=None) -> list:
    return [d for d in check_source(source, "model.py") if d.code.code == "SHP209"]


def test_model_statement_comment():
    [d] = _found(_keras("", model_comment="  # 1.2M params"))
    assert d.line == 3 and d.data == {"params_claimed": 1_200_000, "params_built": KERAS_TOTAL,
                                      "claim": "1.2M params", "model": "model"}
    assert "comment claims 1.2M params; the model as written builds 54,170" in d.message


def test_comment_block_above_and_bare_form_just_above():
    [d] = _found(_keras("# A small CNN for MNIST.\n# ~1.2M parameters\n"))
    assert d.line == 4 and d.data["params_claimed"] == 1_200_000
    [d] = _found(_keras("# 1.2M\n"))
    assert d.line == 3
    assert _found(_keras("# 1.2M\n# A small CNN\n")) == []  # bare, but not just above


def test_a_claim_that_holds_is_quiet():
    assert _found(_keras("# 54k params\n")) == []
    assert _found(_keras("# Total params: 54,170\n")) == []
    assert _found(_keras("", model_comment="  # 54.2k")) == []


def test_a_layer_line_comment_is_the_layer_s():
    source = _keras("").replace("layers.Dense(10),", "layers.Dense(10),  # 1.2M params")
    assert _found(source) == []


def test_builder_function_docstring_and_body():
    body = KERAS_MODEL.replace("    ", "        ")
    source = ("from keras import Sequential, layers\n\n\n"
              "def build():\n"
              '    """A small CNN with 1.2M parameters."""\n'
              "    # the model has 1.1M params in total\n"
              "    # conv stack: 12k params\n"
              f"    return Sequential([\n{body}    ])\n\n\nmodel = build()\n")
    found = _found(source)
    assert [(d.line, d.data["params_claimed"]) for d in found] == [(5, 1_200_000),
                                                                   (6, 1_100_000)]
    two_models = source.replace("model = build()", "model = build()\nother = Sequential()")
    assert [d.line for d in _found(two_models)] == [5, 6]  # still one model from build()
    twice = source.replace("    # the model has",
                           "    extra = Sequential([layers.Dense(4, input_shape=(3,))])\n"
                           "    # the model has")
    # build() makes two models: its docstring could be about either; the comment block right
    # above the return statement is still about the model that statement makes.
    assert [d.line for d in _found(twice)] == [7]


def test_comment_above_the_builder_function():
    body = KERAS_MODEL.replace("    ", "        ")
    source = ("from keras import Sequential, layers\n\n\n"
              "# ~1.2M params\n"
              "def build():\n"
              f"    return Sequential([\n{body}    ])\n\n\nmodel = build()\n")
    [d] = _found(source)
    assert (d.line, d.data["params_claimed"]) == (4, 1_200_000)
    assert _found(source.replace("~1.2M params", "~54k params")) == []


def test_module_docstring_only_for_a_file_of_one_model():
    source = '"""MNIST CNN, 1.2M parameters."""\n' + _keras("")
    [d] = _found(source)
    assert d.line == 1 and d.column == 14 and d.message.startswith("module docstring claims")
    two = source + "other = Sequential([layers.Dense(4, input_shape=(3,))])\n"
    assert _found(two) == []


def test_unknown_count_is_never_judged():
    source = ("from keras import Sequential, layers\n\n"
              "model = Sequential([  # 1.2M params\n"
              "    layers.Dense(10),\n])\n")  # no input shape: the count is unknown
    assert _found(source) == []


def test_trainable_claims_use_the_trainable_count():
    # BatchNormalization(8) adds 16 trainable and 16 non-trainable: 54,186 and 16.
    model = KERAS_MODEL.replace("layers.Flatten(),",
                                "layers.BatchNormalization(),\n    layers.Flatten(),")
    base = "from keras import Sequential, layers\n\n{}model = Sequential([\n" + model + "])\n"
    assert _found(base.format("# Trainable params: 54,186\n")) == []
    [d] = _found(base.format("# Trainable params: 60,000\n"))
    assert "builds 54,186 trainable parameters" in d.message


def test_trainable_claims_are_not_judged_where_the_file_freezes_layers():
    model = KERAS_MODEL.replace("layers.Flatten(),",
                                "layers.BatchNormalization(),\n    layers.Flatten(),")
    source = ("from keras import Sequential, layers\n\n# Trainable params: 60,000\n"
              "model = Sequential([\n" + model + "])\nmodel.layers[0].trainable = False\n")
    assert _found(source) == []  # shapelint does not model freezing: trainable is not known
    assert len(_found(source.replace("Trainable params", "Total params"))) == 1


def test_total_claim_that_only_the_trainable_count_matches():
    layer = "    layers.BatchNormalization(),\n" * 1
    model = ("from keras import Sequential, layers\n\n# 1,000 params\nmodel = Sequential([\n"
             "    layers.Dense(960, input_shape=(1,)),\n" + layer + "])\n")
    # Dense(960) on 1 feature: 1,920; BatchNormalization(960): 1,920 trainable, 1,920 moving
    # statistics: total 5,760, trainable 3,840. A claim of 3,700 matches only the trainable.
    source = model.replace("# 1,000 params", "# 3,700 params")
    [d] = _found(source)
    assert d.data["params_built"] == 5_760 and d.data["trainable_built"] == 3_840
    assert "its 3,840 trainable parameters would match" in d.message


TORCH_NET = '''\
import torch.nn as nn


class Net(nn.Module):{class_comment}
    """{doc}"""

    def __init__(self{init_args}):
        super().__init__()
        # the whole network: {body_claim}
        self.fc1 = nn.Linear(784, 128)  # 100,480 params
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(self.fc1(x))
'''
TORCH_TOTAL = 101_770  # 100,480 + 1,290 (checked against torch below)


def _torch(doc="An MLP.", init_args="", body_claim="nothing", class_comment="", after=""):
    return TORCH_NET.format(doc=doc, init_args=init_args, body_claim=body_claim,
                            class_comment=class_comment) + after


def test_torch_class_docstring_and_body_comment():
    [d] = _found(_torch(doc="An MLP with 1.2M parameters."))
    assert (d.line, d.data["params_built"]) == (5, TORCH_TOTAL)
    [d] = _found(_torch(body_claim="110k params"))
    assert d.line == 9
    assert _found(_torch(doc="An MLP with 101.8k parameters.")) == []
    assert _found(_torch()) == []  # the per-layer "100,480 params" is the layer's


def test_torch_model_line_and_class_line():
    [d] = _found(_torch(after="\n\nmodel = Net()  # 1.2M params\n"))
    assert d.line == 17
    [d] = _found(_torch(class_comment="  # ~1.2M"))
    assert d.line == 4


def test_torch_class_needing_arguments_is_not_described_by_its_docstring():
    source = _torch(doc="The default has 1.2M parameters.", init_args=", width",
                    after="\n\nmodel = Net(128)\n")
    assert _found(source) == []


def test_torch_class_made_twice_is_ambiguous():
    source = _torch(doc="1.2M parameters.", after="\n\na = Net()\nb = Net()\n")
    assert _found(source) == []


# -- the fixtures, against the real frameworks ---------------------------------------------

def _claims_in(path):
    return [d for d in analyse(path.read_text(), str(path)).diagnostics()
            if d.code.code == "SHP209"]


def test_keras_alexnet_claim_is_false_in_keras_and_its_twin_true():
    buggy = ROOT / "fixtures" / "keras" / "alexnet_parameter_claim.py"
    fixed = ROOT / "fixtures" / "keras" / "alexnet_parameter_claim_fixed.py"
    real_buggy = real_keras_models(buggy)["model"].count_params()
    real_fixed = real_keras_models(fixed)["model"].count_params()
    assert (real_buggy, real_fixed) == (25_678_184, 62_378_344)
    assert abs(real_buggy - 60_000_000) > 0.05 * 60_000_000
    assert abs(real_fixed - 60_000_000) <= 0.05 * 60_000_000
    [d] = _claims_in(buggy)
    assert d.data["params_built"] == real_buggy and d.data["params_claimed"] == 60_000_000
    assert "60 million parameters" in d.message and "25,678,184" in d.message
    assert "57% fewer" in d.message and "SHP201" in d.message
    assert _claims_in(fixed) == []


def _torch_count(path, name="AlexNet"):
    torch = pytest.importorskip("torch")
    with torch.device("meta"):
        model = runpy.run_path(str(path))[name]()
    return sum(p.numel() for p in model.parameters())


def test_torch_alexnet_claim_is_false_in_torch_and_its_twin_true():
    buggy = ROOT / "fixtures" / "torch" / "alexnet_parameter_claim.py"
    fixed = ROOT / "fixtures" / "torch" / "alexnet_parameter_claim_fixed.py"
    real_buggy, real_fixed = _torch_count(buggy), _torch_count(fixed)
    assert (real_buggy, real_fixed) == (201_838_952, 62_378_344)
    assert abs(real_buggy - 60_000_000) > 0.05 * 60_000_000
    assert abs(real_fixed - 60_000_000) <= 0.05 * 60_000_000
    [d] = _claims_in(buggy)
    assert d.data == {"params_claimed": 60_000_000, "params_built": real_buggy,
                      "claim": "~60M parameters", "model": "AlexNet"}
    assert _claims_in(fixed) == []


def test_the_small_models_counts_are_the_frameworks(tmp_path):
    """The totals the site tests above rely on, from Keras and torch themselves."""
    path = tmp_path / "k.py"
    path.write_text(_keras(""))
    assert real_keras_models(path)["model"].count_params() == KERAS_TOTAL
    bn = tmp_path / "bn.py"
    bn.write_text("from keras import Sequential, layers\n\nmodel = Sequential([\n"
                  "    layers.Dense(960, input_shape=(1,)),\n"
                  "    layers.BatchNormalization(),\n])\n")
    model = real_keras_models(bn)["model"]
    trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
    assert (model.count_params(), trainable) == (5_760, 3_840)
    bn2 = tmp_path / "bn2.py"
    bn2.write_text(textwrap.dedent("""\
        from keras import Sequential, layers
        model = Sequential([
            layers.Conv2D(8, 3, input_shape=(28, 28, 1)),
            layers.BatchNormalization(),
            layers.Flatten(),
            layers.Dense(10),
        ])
        """))
    model = real_keras_models(bn2)["model"]
    assert sum(int(w.numpy().size) for w in model.trainable_weights) == 54_186
    net = tmp_path / "t.py"
    net.write_text(_torch())
    assert _torch_count(net, "Net") == TORCH_TOTAL


def test_rule_page_example_counts_are_keras(tmp_path):
    """The SHP209 page says the example builds 54,410 parameters, not about 1.2M."""
    from shapelint.rules.docs import DOCS
    path = tmp_path / "example.py"
    path.write_text(DOCS["SHP209"].use_instead)
    assert real_keras_models(path)["model"].count_params() == 54_410
    [d] = [d for d in check_source(DOCS["SHP209"].example, "example.py")
           if d.code.code == "SHP209"]
    assert d.data == {"params_claimed": 1_200_000, "params_built": 54_410,
                      "claim": "about 1.2M parameters", "model": "model"}


def test_a_text_that_also_states_the_count_built_knows_the_difference():
    """examples/alexnet.py: "The paper says about 60 million parameters; this model builds
    25,678,184." is an explanation, not a wrong claim."""
    source = (ROOT / "examples" / "alexnet.py").read_text()
    assert '60 million parameters' in source and "25,678,184" in source
    assert _found(source) == []
    assert len(_found(source.replace("this model builds 25,678,184", "see below"))) == 1


@pytest.mark.parametrize("text", [c[0] for c in CLAIMS] + ["1.2B", "~60M"])
def test_the_cheap_gate_lets_every_claim_through(text):
    from shapelint.rules.claims import might_claim
    as_comments = "x = 1\n" + "".join(f"# {line}\n" for line in text.splitlines())
    as_docstring = f'def f():\n    """{text}"""\n'
    assert might_claim(as_docstring) or text in ("1.2B", "~60M")  # bare: comments only
    if "\n" not in text:  # a claim across comment lines is read, the gate may miss it
        assert might_claim(as_comments)
    assert not might_claim("import torch\nx = torch.zeros(1000)  # a tensor\n")


def test_pasted_summary_fixture_is_stale_in_keras():
    """The summary pasted in the docstring is Keras's own for Dense(128); the code builds
    Dense(64), whose real count the finding names; the twin's summary is the real one."""
    buggy = ROOT / "fixtures" / "keras" / "claim_in_pasted_summary.py"
    fixed = ROOT / "fixtures" / "keras" / "claim_in_pasted_summary_fixed.py"
    real = real_keras_models(buggy)["model"].count_params()
    assert real == 347_146 == real_keras_models(fixed)["model"].count_params()
    [d] = _claims_in(buggy)
    assert (d.line, d.data["params_claimed"], d.data["params_built"]) == (10, 693_962, real)
    assert _claims_in(fixed) == []


def test_pasted_summary_came_from_dense_128(tmp_path):
    source = (ROOT / "fixtures" / "keras" / "claim_in_pasted_summary.py").read_text()
    path = tmp_path / "earlier.py"
    path.write_text(source.replace("layers.Dense(64,", "layers.Dense(128,"))
    assert real_keras_models(path)["model"].count_params() == 693_962


def test_bare_count_fixture_is_stale_in_torch(tmp_path):
    buggy = ROOT / "fixtures" / "torch" / "bare_count_above_model.py"
    fixed = ROOT / "fixtures" / "torch" / "bare_count_above_model_fixed.py"
    real = _torch_count(buggy, "MLP")
    assert real == 669_706 == _torch_count(fixed, "MLP")
    wide = tmp_path / "wide.py"  # the model the stale comment was written for
    wide.write_text(buggy.read_text().replace("hidden=512", "hidden=1024"))
    assert _torch_count(wide, "MLP") == 1_863_690  # rounds to 1.9M
    [d] = _claims_in(buggy)
    assert (d.line, d.data["params_claimed"], d.data["params_built"]) == (6, 1_900_000, real)
    assert _claims_in(fixed) == []
    assert _claims_in(wide) == []


@pytest.mark.parametrize("newline,feed", [("\n", ""), ("\r\n", ""), ("\n", "\x0c\n")])
def test_lines_are_counted_as_python_counts_them(newline, feed):
    source = _keras(feed + "# 1.2M params\n").replace("\n", newline)
    [d] = _found(source)
    assert d.line == 3 + feed.count("\n")


@pytest.mark.parametrize("claim,fires", [("about 61.1M parameters", False),
                                         ("61,100,840 parameters", False),
                                         ("about 50M parameters", True)])
def test_a_claim_in_torchvision_alexnet(claim, fires, models_dir):
    """torchvision's own AlexNet (read as text) with a claim in its class docstring, against
    the count torch builds (tests/data/torchvision_truth.json, recorded from torch)."""
    import json
    real = json.loads((ROOT / "tests" / "data" / "torchvision_truth.json").read_text())[
        "alexnet.py::AlexNet()"]["params"]
    source = (models_dir / "alexnet.py").read_text()
    source = source.replace("class AlexNet(nn.Module):\n",
                            f'class AlexNet(nn.Module):\n    """AlexNet, {claim}."""\n\n', 1)
    found = _found(source)
    assert len(found) == fires
    if fires:
        assert found[0].data["params_built"] == real == 61_100_840


NETS = """\
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(x)
"""


@pytest.mark.parametrize("model_file", [
    # beside a module-level statement that builds an imported class
    "import torch\nfrom nets import Net\n\nmodel = Net()  # 1.2M params\n",
    # in the builder function that statement runs
    "import torch\nfrom nets import Net\n\n\ndef build():\n    return Net()  # 1.2M params\n\n\n"
    "def unrelated():\n    return 3\n\n\nmodel = build()\n",
])
def test_a_claim_about_a_model_of_an_imported_class(tmp_path, model_file):
    """Only the module-level statements a claim can speak of are read for claims (those it
    sits beside or above, or whose functions hold it); these two are."""
    torch = pytest.importorskip("torch")
    built = sum(p.numel() for p in torch.nn.Linear(4, 3).parameters())
    (tmp_path / "nets.py").write_text(NETS)
    path = tmp_path / "model.py"
    path.write_text(model_file)
    [d] = [d for d in check_source(model_file, str(path)) if d.code.code == "SHP209"]
    assert d.line == model_file[:model_file.index("# 1.2M")].count("\n") + 1
    assert d.data["params_built"] == built == 15


def test_a_claim_shaped_comment_far_from_a_statement_does_not_read_it(libcst_parses):
    """torch's cpp_gemm_template.py: '# WOQ INT4 weights are reordered...' passes the cheap
    gate, and used to have every module-level `name = call(...)` read (100 KB of imports)."""
    source = ("import logging\nimport torch\n\nlog = logging.getLogger(__name__)\n" +
              "\n" * 10 + "# INT4 weights are reordered here\nX = 1\n")
    assert check_source(source, "kernels.py") == []
    assert libcst_parses == []


def test_a_big_file_is_not_tokenized_for_claims_far_from_its_models(monkeypatch):
    """torch's distributed_test.py: one class of 10,000 lines whose test comments say 'check
    two model parameters over 5 iterations'. Claims are read only around a model (its
    function, its class, the comment block above), so none of those comments can be one; the
    file is not tokenized (0.4 s of its check). A claim inside the model's function still is."""
    torch = pytest.importorskip("torch")
    from shapelint.rules import claims
    calls = []
    original = claims.tokenize.generate_tokens

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)
    monkeypatch.setattr(claims.tokenize, "generate_tokens", counted)
    far = ("import torch.nn as nn\n\n\n"
           "def test_sync():\n    # check two model parameters over 5 iterations\n" +
           "    x = 1\n" * 8 + "    return x\n\n\n"
           "def build():\n    model = nn.Sequential(nn.Linear(4, 3))\n    return model\n\n\n"
           "model = build()\n")
    assert [d for d in check_source(far, "tests.py") if d.code.code == "SHP209"] == []
    assert calls == []
    near = far.replace("model = nn.Sequential", "# 1.2M params\n    model = nn.Sequential")
    [d] = [d for d in check_source(near, "tests.py") if d.code.code == "SHP209"]
    built = sum(p.numel() for p in torch.nn.Linear(4, 3).parameters())
    assert d.data["params_built"] == built == 15
    assert calls
