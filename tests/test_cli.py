"""The command line: check and summary on the seed model, JSON contracts, exit codes, errors."""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

from shapelint.adapters.cli import main

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEED = str(ROOT / "examples" / "alexnet.py")
FIXED = str(ROOT / "examples" / "alexnet_fixed.py")
# The per-layer counts Keras 3 prints for the seed (tests/test_runtime.py rebuilds the same
# model from fixtures/keras/alexnet_missing_flatten.py and proves them).
SEED_PARAMS = [34_944, 0, 614_656, 0, 885_120, 1_327_488, 884_992, 1_052_672, 16_781_312,
               4_097_000]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_reports_the_missing_flatten_on_the_first_dense(capsys):
    code, out, err = run(capsys, "check", SEED)
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert len(lines) == 1  # the root cause only, not every later Dense
    assert lines[0].startswith(f"{SEED}:13:5: SHP201 dense-on-feature-map: Dense(4096)")
    for figure in ("(None, 13, 13, 256)", "1,052,672", "177,213,440", "201,838,952",
                   "25,678,184"):
        assert figure in lines[0]


def test_check_json_carries_the_figures(capsys):
    code, out, _ = run(capsys, "check", "--format", "json", SEED)
    assert code == 1
    [d] = json.loads(out)["diagnostics"]
    assert (d["path"], d["line"], d["col"], d["code"]) == (SEED, 13, 4, "SHP201")
    assert d["data"]["params_as_written"] == 1_052_672
    assert d["data"]["params_intended"] == 177_213_440
    assert d["data"]["total_as_written"] == 25_678_184
    assert d["data"]["total_intended"] == 201_838_952
    assert d["data"]["input_shape"] == [None, 13, 13, 256]


def test_fixed_model_is_clean(capsys):
    assert run(capsys, "check", FIXED) == (0, "", "")


def test_summary_json_matches_keras(capsys):
    code, out, _ = run(capsys, "summary", SEED, "--format", "json")
    assert code == 0
    [model] = json.loads(out)["models"]
    assert model["entry"] == "model" and model["framework"] == "keras"
    assert model["input_shape"] == [None, 227, 227, 3]
    assert model["output_shape"] == [None, 13, 13, 1000]
    assert [layer["params"] for layer in model["layers"]] == SEED_PARAMS
    assert model["total_params"] == 25_678_184 and model["exact"] is True
    assert model["layers"][0]["name"] == "conv2d" and model["layers"][0]["type"] == "Conv2D"


def test_summary_table_of_the_fixed_model(capsys):
    code, out, _ = run(capsys, "summary", FIXED)
    assert code == 0
    assert "flatten (Flatten)               (None, 9216)" in out
    assert "Total params: 62,378,344" in out


def test_summary_entry_is_echoed(capsys):
    code, out, _ = run(capsys, "summary", f"{SEED}::model", "--format", "json")
    assert code == 0 and json.loads(out)["models"][0]["entry"] == "model"


def test_input_shape_override(capsys):
    code, out, _ = run(capsys, "summary", FIXED, "--input-shape", "None,300,300,3",
                       "--format", "json")
    [model] = json.loads(out)["models"]
    flatten = next(layer for layer in model["layers"] if layer["type"] == "Flatten")
    assert flatten["output_shape"] == [None, 256 * 8 * 8]


@pytest.mark.parametrize("argv, message", [
    (["check", "missing.py"], "missing.py: no such file or directory"),
    (["summary", "missing.py"], "missing.py: no such file or directory"),
    (["summary", f"{ROOT / 'examples'}::model"], "::ENTRY names a model in one file"),
    (["summary", f"{SEED}::nothing_here"], "defines no 'nothing_here'"),
    (["summary", f"{SEED}::tf"], "is not a model"),
    (["summary", f"{SEED}::model(("], "is not a Python expression"),
    (["summary", SEED, "--input-shape", "1,a"], "is not a size"),
    (["check", "--select", "XYZ", SEED], "no shapelint code matches 'XYZ'"),
    (["check", "--format", "yaml", SEED], "invalid choice"),
    ([], "a command is required"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and err.startswith("shapelint: error:")


def test_summary_of_a_directory_is_the_summary_of_its_files(capsys):
    """As check reads a directory: its .py files and notebooks, each model once."""
    code, out, err = run(capsys, "summary", "--format", "json", str(ROOT / "examples"))
    totals = {pathlib.Path(m["path"]).name: m["total_params"] for m in json.loads(out)["models"]}
    assert code == 0 and err == ""
    assert totals == {"alexnet.ipynb": 25_678_184, "alexnet.py": 25_678_184,
                      "alexnet_fixed.py": 62_378_344}


def test_unreadable_file(tmp_path, capsys):
    path = tmp_path / "binary.py"
    path.write_bytes(b"\xff\xfe\x00junk")
    code, out, err = run(capsys, "check", str(path))
    assert code == 2 and "not UTF-8" in err and out == ""


def test_python_dash_m_and_the_console_script_agree():
    result = subprocess.run([sys.executable, "-m", "shapelint", "check", SEED],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "SHP201" in result.stdout


def test_select_and_ignore(capsys):
    assert run(capsys, "check", "--ignore", "SHP201", SEED)[0] == 0
    assert run(capsys, "check", "--select", "SHP1", SEED)[0] == 0
    assert run(capsys, "check", "--select", "SHP2", SEED)[0] == 1
