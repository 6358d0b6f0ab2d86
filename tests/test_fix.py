"""`shapelint fix`: the codemods, checked against shapelint itself and against real Keras/torch."""
from __future__ import annotations

import json
import pathlib
import runpy
import shutil

import pytest

from conftest import keras_as_tensorflow
from shapelint.adapters.cli import main
from shapelint.pipeline.fix import fix_source

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "alexnet.py"
FIXTURES = ROOT / "fixtures"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def summary_total(capsys, path) -> list:
    code, out, _ = run(capsys, "summary", path, "--format", "json")
    assert code == 0
    return [m["total_params"] for m in json.loads(out)["models"]]


def copy(tmp_path, source, name=None) -> pathlib.Path:
    target = tmp_path / (name or pathlib.Path(source).name)
    shutil.copy(source, target)
    return target


def test_fixing_the_seed_gives_the_flatten_only_repair(tmp_path, capsys):
    path = copy(tmp_path, SEED)
    code, out, err = run(capsys, "fix", path)
    assert code == 1 and err == ""
    assert f"{path}:13:5: SHP201 fixed: insert Flatten() before Dense(4096)" in out
    assert "Fixed 1 fault; 1 remaining." in out
    before, after = SEED.read_text().splitlines(), path.read_text().splitlines()
    assert after[:12] == before[:12] and after[13:] == before[12:]  # one line added, no other
    assert after[12] == "    tf.keras.layers.Flatten(),"
    # What remains is true: flattened at 13x13 (the paper's last pooling is missing too), the
    # model builds 3.4 times the docstring's "about 60 million parameters" (SHP209).
    code, out, err = run(capsys, "check", path)
    assert code == 1 and err == "" and out.count("\n") == 1
    assert f"{path}:1:63: SHP209" in out and "about 60 million parameters" in out
    assert "builds 201,838,952 parameters" in out
    assert summary_total(capsys, path) == [201_838_952]
    with keras_as_tensorflow() as keras:
        model = runpy.run_path(str(path))["model"]
        assert isinstance(model, keras.Model)
        assert model.count_params() == 201_838_952
        assert tuple(model.output_shape) == (None, 1000)


def test_diff_prints_and_writes_nothing(tmp_path, capsys):
    path = copy(tmp_path, SEED)
    code, out, err = run(capsys, "fix", "--diff", path)
    assert code == 1 and err == ""
    assert out.startswith(f"--- {path}\n+++ {path}\n")
    assert [line for line in out.splitlines() if line[:1] in "+-" and line[:3] not in
            ("+++", "---")] == ["+    tf.keras.layers.Flatten(),"]
    assert path.read_text() == SEED.read_text()
    fixed = ROOT / "examples" / "alexnet_fixed.py"
    assert run(capsys, "fix", "--diff", fixed) == (0, "", "")


def test_comments_and_formatting_survive(tmp_path, capsys):
    path = copy(tmp_path, FIXTURES / "keras" / "alexnet_missing_flatten.py")
    original = path.read_text()
    run(capsys, "fix", path)
    fixed = path.read_text()
    assert fixed.replace("    tf.keras.layers.Flatten(),\n", "", 1) == original
    assert fixed.count("# shape:") == original.count("# shape:")


def test_sequential_add_with_names_imported_extends_the_import(tmp_path, capsys):
    path = tmp_path / "named.py"
    path.write_text("from keras.models import Sequential\n"
                    "from keras.layers import Conv2D, Dense  # layers we use\n\n"
                    "model = Sequential()\n"
                    "model.add(Conv2D(8, 3, input_shape=(10, 10, 1)))\n"
                    "# the head\n"
                    "model.add(Dense(4))\n")
    assert run(capsys, "fix", path)[0] == 0
    assert path.read_text() == ("from keras.models import Sequential\n"
                                "from keras.layers import Conv2D, Dense, Flatten  # layers we use\n\n"
                                "model = Sequential()\n"
                                "model.add(Conv2D(8, 3, input_shape=(10, 10, 1)))\n"
                                "# the head\n"
                                "model.add(Flatten())\n"
                                "model.add(Dense(4))\n")
    [total] = summary_total(capsys, path)
    assert total == 80 + 8 * 8 * 8 * 4 + 4
    with keras_as_tensorflow():
        assert runpy.run_path(str(path))["model"].count_params() == total


def test_functional_model_wraps_the_input(tmp_path, capsys):
    path = tmp_path / "functional.py"
    path.write_text("import keras\nfrom keras import layers\n\n"
                    "inputs = keras.Input(shape=(28, 28, 1))\n"
                    "x = layers.Conv2D(32, 3)(inputs)\n"
                    "x = layers.Dense(64)(x)  # hidden\n"
                    "outputs = layers.Dense(10)(x)\n"
                    "model = keras.Model(inputs, outputs)\n")
    assert run(capsys, "fix", path)[0] == 0
    assert "x = layers.Dense(64)(layers.Flatten()(x))  # hidden\n" in path.read_text()
    [total] = summary_total(capsys, path)
    assert total == 320 + 26 * 26 * 32 * 64 + 64 + 650
    with keras_as_tensorflow():
        assert runpy.run_path(str(path))["model"].count_params() == total


def torch_model(path, class_name):
    torch = pytest.importorskip("torch")
    return torch, runpy.run_path(str(path))[class_name]()


def test_torch_missing_flatten_is_a_safe_fix_that_runs(tmp_path, capsys):
    path = copy(tmp_path, FIXTURES / "torch" / "linear_after_conv_without_flatten.py")
    code, out, _ = run(capsys, "fix", path)
    assert code == 0 and "SHP101 fixed" in out
    assert "        return self.fc(x.flatten(1))  # error: SHP101\n" in path.read_text()
    [total] = summary_total(capsys, path)
    torch, net = torch_model(path, "Net")
    assert net(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    assert sum(p.numel() for p in net.parameters()) == total == 320 + 216_330


def test_torch_flatten_inside_nn_sequential(tmp_path, capsys):
    path = tmp_path / "seq.py"
    path.write_text("import torch\nimport torch.nn as nn\n\n\n"
                    "class Net(nn.Module):  # shapelint: input=(B, 1, 28, 28)\n"
                    "    def __init__(self):\n        super().__init__()\n"
                    "        self.body = nn.Sequential(\n"
                    "            nn.Conv2d(1, 4, 3),  # conv\n"
                    "            nn.Linear(4 * 26 * 26, 10),\n        )\n\n"
                    "    def forward(self, x):\n        return self.body(x)\n")
    assert run(capsys, "fix", path)[0] == 0
    assert "nn.Conv2d(1, 4, 3),  # conv\n            nn.Flatten(),\n" in path.read_text()
    [total] = summary_total(capsys, path)
    torch, net = torch_model(path, "Net")
    assert net(torch.zeros(1, 1, 28, 28)).shape == (1, 10)
    assert sum(p.numel() for p in net.parameters()) == total


def test_unsafe_fixes_need_the_flag(tmp_path, capsys):
    path = copy(tmp_path, FIXTURES / "torch" / "linear_in_features_wrong.py")
    original = path.read_text()
    code, out, _ = run(capsys, "fix", path)
    assert code == 1 and path.read_text() == original
    assert "1 unsafe fix not applied" in out
    code, out, _ = run(capsys, "fix", "--unsafe-fixes", path)
    assert code == 0 and "SHP101 fixed: set in_features to 1568" in out
    assert "self.head = nn.Linear(1568, 10)  # params: 10_510" in path.read_text()
    [total] = summary_total(capsys, path)
    torch, net = torch_model(path, "Small")
    assert net(torch.zeros(3, 1, 28, 28)).shape == (3, 10)
    assert sum(p.numel() for p in net.parameters()) == total


def test_unsafe_flatten_and_resize_of_a_linear_that_runs(tmp_path, capsys):
    path = copy(tmp_path, FIXTURES / "torch" / "linear_on_feature_map_runs.py")
    assert run(capsys, "fix", path)[0] == 1
    assert run(capsys, "fix", "--unsafe-fixes", path)[0] == 0
    text = path.read_text()
    assert "nn.Linear(128, 10)" in text and "self.fc(x.flatten(1))" in text
    [total] = summary_total(capsys, path)
    torch, net = torch_model(path, "Head")
    assert net(torch.zeros(1, 3, 16, 16)).shape == (1, 10)
    assert sum(p.numel() for p in net.parameters()) == total == 608 + 1290


def test_torch_flatten_spelled_with_torch_when_imported():
    text = ("import torch\nfrom torch import nn\n\n\n"
            "class Net(nn.Module):  # shapelint: input=(B, 1, 28, 28)\n"
            "    def __init__(self):\n        super().__init__()\n"
            "        self.conv = nn.Conv2d(1, 2, 3)\n        self.fc = nn.Linear(2 * 26 * 26, 3)\n\n"
            "    def forward(self, x):\n        return self.fc(self.conv(x))\n")
    result = fix_source(text, "net.py")
    assert "return self.fc(torch.flatten(self.conv(x), 1))\n" in result.after


def test_line_endings_are_kept(tmp_path, capsys):
    path = tmp_path / "crlf.py"
    path.write_bytes(SEED.read_bytes().replace(b"\n", b"\r\n"))
    assert run(capsys, "fix", path)[0] == 1  # SHP209 remains (see the test above)
    data = path.read_bytes()
    assert b"    tf.keras.layers.Flatten(),\r\n" in data and data.count(b"\n") == data.count(b"\r\n")


def test_bad_input_writes_nothing(tmp_path, capsys):
    path = copy(tmp_path, SEED)
    code, out, err = run(capsys, "fix", path, tmp_path / "missing.py")
    assert code == 2 and out == "" and err.count("\n") == 1 and "missing.py" in err
    assert path.read_text() == SEED.read_text()


def test_nothing_to_fix(tmp_path, capsys):
    plain = tmp_path / "plain.py"
    plain.write_text("print('hello')\n")
    code, out, _ = run(capsys, "fix", plain, ROOT / "examples" / "alexnet_fixed.py")
    assert code == 0 and "Fixed 0 faults; 0 remaining." in out
