"""Issue 16: a torch finding sits on the line its fix changes and names the line where the
mismatch shows (data["seen_at_line"]; SARIF relatedLocations; the editor's related
information); where either side is an honest fix it stays on the call. Each snippet's fault is
the one tests/test_runtime_cases.py proves on the public cases; here only positions are read."""
from __future__ import annotations

import json

import pytest

from shapelint.adapters.reporters import sarif
from shapelint.pipeline.analysis import analyse
from shapelint.pipeline.fix import fix_source, plan

HEAD = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"


def found(body: str, code: str):
    text = HEAD + body
    return [d for d in analyse(text, "m.py").diagnostics() if d.code.code == code]


def line_of(body: str, fragment: str) -> int:
    lines = (HEAD + body).splitlines()
    [n] = [i + 1 for i, t in enumerate(lines) if fragment in t]
    return n


def one(body: str, code: str):
    [d] = found(body, code)
    return d, int(d.line), d.data.get("seen_at_line")


SEQUENTIAL_SOFTMAX = """
model = nn.Sequential(nn.Linear(20, 5),
                      nn.Softmax(dim=1))
x = torch.randn(8, 20)
y = torch.randint(0, 5, (8,))
loss = nn.CrossEntropyLoss()(model(x), y)
"""
FORWARD_SOFTMAX = """
class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(20, 5)
        self.prob = nn.Softmax(dim=1)

    def forward(self, x):
        return self.prob(self.fc(x))


head = Head()
loss = F.cross_entropy(head(torch.randn(8, 20)), torch.randint(0, 5, (8,)))
"""
METHOD_SOFTMAX = """
lin = nn.Linear(20, 5)
out = lin(torch.randn(8, 20))
probs = out.softmax(dim=1)
loss = nn.NLLLoss()(probs, torch.randint(0, 5, (8,)))
"""


@pytest.mark.parametrize("body, softmax, call", [
    (SEQUENTIAL_SOFTMAX, "nn.Softmax(dim=1)", "CrossEntropyLoss()(model(x), y)"),
    (FORWARD_SOFTMAX, "return self.prob(", "loss = F.cross_entropy"),
    (METHOD_SOFTMAX, "probs = out.softmax", "loss = nn.NLLLoss()")])
def test_softmax_before_cross_entropy_sits_on_the_softmax(body, softmax, call):
    d, line, seen = one(body, "SHP207")
    assert line == line_of(body, softmax)
    assert seen == line_of(body, call)
    assert f"at line {seen}" in d.message


BCE = """
model = nn.Linear(20, 1)
x = torch.randn(16, 20)
y = torch.rand(16, 1)
criterion = nn.BCELoss()
loss = criterion(model(x), y)
"""


def test_bce_on_logits_sits_on_the_constructor():
    d, line, seen = one(BCE, "SHP208")
    assert (line, seen) == (line_of(BCE, "criterion = nn.BCELoss()"), line_of(BCE, "loss ="))
    assert "BCEWithLogitsLoss" in d.message


def test_functional_bce_has_no_constructor_and_stays_on_the_call():
    body = BCE.replace("loss = criterion(model(x), y)",
                       "loss = F.binary_cross_entropy(model(x), y)")
    d, line, seen = one(body, "SHP208")
    assert line == line_of(body, "loss = F.binary") and seen is None


TARGET = """
model = nn.Linear(13, 1)
x = torch.randn(16, 13)
y = {target}
loss = nn.{loss}()(model(x){squeeze}, y)
"""


@pytest.mark.parametrize("loss, code", [("MSELoss", "SHP206"), ("BCEWithLogitsLoss", "SHP110")])
def test_a_target_built_from_its_sizes_is_the_side_to_change(loss, code):
    body = TARGET.format(target="torch.rand(16)", loss=loss, squeeze="")
    d, line, seen = one(body, code)
    assert (line, seen) == (line_of(body, "y = torch.rand(16)"), line_of(body, "loss ="))
    assert "target's shape (16,)" in d.message


def test_the_side_a_reshape_wrote_goes_before_a_built_one():
    body = ("\nmodel = nn.Linear(13, 1)\nx = torch.randn(16, 13)\nout = model(x).view(-1)\n"
            "y = torch.rand(16, 1) * 4\nloss = nn.MSELoss()(out, y)\n")
    d, line, seen = one(body, "SHP206")
    assert (line, seen) == (line_of(body, "out = model(x).view(-1)"), line_of(body, "loss ="))
    assert "input's shape (16,) is written on this line (by a reshape)" in d.message


@pytest.mark.parametrize("body", [
    # both sides built from their sizes: either is an honest fix
    "\nloss = nn.MSELoss()(torch.randn(16, 1), torch.randn(16))\n",
    "\na = torch.randn(16, 1)\nb = torch.randn(16)\nloss = nn.MSELoss()(a, b)\n",
    # a target a reshape wrote, against a model's output: either side may change
    "\nmodel = nn.Linear(13, 4)\ny = torch.randn(48).view(16, 3)\n"
    "loss = nn.L1Loss()(model(torch.randn(16, 13)), y)\n"])
def test_otherwise_the_finding_stays_on_the_loss_call(body):
    d = (found(body, "SHP206") + found(body, "SHP110"))[0]
    assert int(d.line) == line_of(body, "loss =") and "seen_at_line" not in d.data


def test_a_target_built_with_another_width_is_the_side_to_change():
    """Not only a trailing 1: a target built from its sizes that differs from the model's
    output in one axis (frameworks/torch_target_places.py) is where the fix goes."""
    body = ("\nmodel = nn.Linear(13, 4)\ny = torch.randn(16, 3)\n"
            "loss = nn.L1Loss()(model(torch.randn(16, 13)), y)\n")
    d, line, seen = one(body, "SHP110")
    assert (line, seen) == (line_of(body, "y = torch.randn(16, 3)"), line_of(body, "loss ="))
    assert "they differ in dim 1 (3 against 4)" in d.message


def test_an_output_width_against_a_target_not_built_goes_to_the_head():
    """The target is not written from sizes: either side is honest, the model's line is kept
    (the head's constructor, or the module constant passed to it) and both sizes named."""
    body = ("\nmodel = nn.Linear(13, 4)\ny = F.one_hot(torch.randint(0, 3, (16,)), 3).float()\n"
            "loss = nn.L1Loss()(model(torch.randn(16, 13)), y)\n")
    d, line, seen = one(body, "SHP110")
    assert (line, seen) == (line_of(body, "model = nn.Linear(13, 4)"), line_of(body, "loss ="))
    assert "the target has 3 in dim 1, the model's output 4" in d.message
    constant = "\nWIDTH = 4\nmodel = nn.Linear(13, WIDTH)\n" + body.split("\n", 2)[2]
    d, line, seen = one(constant, "SHP110")
    assert (line, seen) == (line_of(constant, "WIDTH = 4"), line_of(constant, "loss ="))


LINEAR = """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(30, 2)

    def forward(self, x):
        return self.fc(x)


net = Net()
out = net(torch.randn(4, 20))
"""


def test_a_layer_rejecting_its_input_sits_on_its_constructor():
    d, line, seen = one(LINEAR, "SHP101")
    assert (line, seen) == (line_of(LINEAR, "nn.Linear(30, 2)"), line_of(LINEAR, "return self"))
    assert f"applied, line {seen}" in d.message
    lstm = LINEAR.replace("nn.Linear(30, 2)", "nn.LSTM(input_size=3, hidden_size=8)") \
        .replace("torch.randn(4, 20)", "torch.randn(8, 20, 5)")
    d, line, seen = one(lstm, "SHP106")
    assert (line, seen) == (line_of(lstm, "nn.LSTM("), line_of(lstm, "return self"))
    # the script built the tensor the model is called on: that line is named too
    built = line_of(lstm, "torch.randn(8, 20, 5)")
    assert d.data["data_at_line"] == built and f"built at line {built}" in d.message
    result = json.loads(sarif.render([d]))["runs"][0]["results"][0]
    assert [r["physicalLocation"]["region"]["startLine"] for r in result["relatedLocations"]] \
        == [seen, built]


def test_a_missing_flatten_is_fixed_at_the_call_and_stays_there():
    body = LINEAR.replace("nn.Linear(30, 2)", "nn.Linear(3 * 4 * 4, 2)") \
        .replace("torch.randn(4, 20)", "torch.randn(4, 3, 4, 4)")
    d, line, seen = one(body, "SHP101")
    assert line == line_of(body, "return self") and seen is None and d.data["missing_flatten"]


def test_the_fix_subcommand_and_the_editor_follow_the_moved_finding():
    from shapelint.adapters.editor import actions, snapshot
    text = HEAD + LINEAR
    [fix] = plan(text, "m.py")
    d, line, seen = one(LINEAR, "SHP101")
    assert (fix.line, fix.call[0]) == (line, seen)  # the editor ties the action to the finding
    assert "nn.Linear(20, 2)" in fix_source(text, "m.py", unsafe=True).after
    shot = snapshot(text, "m.py")
    [finding] = [f for f in shot.findings if f.diagnostic.code.code == "SHP101"]
    # where it shows, then where the script built the input (the other honest fix)
    built = line_of(LINEAR, "torch.randn(4, 20)")
    assert [r.start[0] + 1 for r in finding.related] == [seen, built]
    assert [r.message for r in finding.related] == [
        "where the mismatch shows", "where the data is made"]
    [action] = actions(shot)
    assert (action.line, action.col) == (finding.diagnostic.line, finding.diagnostic.column)


def test_sarif_and_json_carry_the_other_place():
    d, line, seen = one(BCE, "SHP208")
    result = json.loads(sarif.render([d]))["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == line
    [related] = result["relatedLocations"]
    assert related["physicalLocation"]["region"]["startLine"] == seen
    assert result["properties"]["data"]["seen_at_line"] == seen


@pytest.mark.parametrize("case", ["keras/flat_784_into_conv2d", "torch/gcn_softmax_cross_entropy",
                                  "torch/domain_discriminator_bce_128"])
def test_json_prints_the_other_place_of_a_placed_public_case(case):
    """The other place is a plain int in JSON (the interpreter's positions are lazy)."""
    import pathlib
    from shapelint.adapters.reporters import json_report
    path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "cases" / f"{case}.py"
    found_ = [d for d in analyse(path.read_text(), str(path)).diagnostics()
              if "seen_at_line" in d.data]
    [printed] = json.loads(json_report.diagnostics(found_))["diagnostics"]
    assert printed["data"]["seen_at_line"] > printed["line"] > 1
