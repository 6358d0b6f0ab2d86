"""[tool.shapelint] found by walking up, flake8's --shapelint-* options, CLI flags over both."""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from shapelint.adapters.cli import main
from shapelint.adapters.config import Config, config_for, from_table, parse_dims

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "alexnet.py"
DIGITS = ROOT / "fixtures" / "torch" / "linear_fits_some_input_sizes.py"
# Spatial axes are (3, 64) under channels_last: the second 3x3 conv has nothing left.
CHANNELS_FIRST = ("from keras import Sequential, layers\n\n"
                  "model = Sequential([\n"
                  "    layers.Input(shape=(3, 64, 64)),\n"
                  "    layers.Conv2D(8, 3),\n"
                  "    layers.Conv2D(8, 3),\n"
                  "])\n")


def project(tmp_path, toml: str, files: dict) -> pathlib.Path:
    (tmp_path / "pyproject.toml").write_text(toml)
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, pathlib.Path):
            shutil.copy(source, path)
        else:
            path.write_text(source)
    return tmp_path


def check(capsys, *argv):
    code = main(["check", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_settings_are_found_by_walking_up(tmp_path, capsys):
    project(tmp_path, '[tool.shapelint]\nignore = ["SHP201"]\n',
            {"pkg/nets/alexnet.py": SEED, "pkg/pyproject.toml": "[project]\nname = 'x'\n"})
    assert check(capsys, tmp_path / "pkg" / "nets" / "alexnet.py") == (0, "", "")
    assert config_for(str(tmp_path / "pkg" / "nets" / "alexnet.py")).root == str(tmp_path)


def test_cli_flags_override_the_file(tmp_path, capsys):
    project(tmp_path, '[tool.shapelint]\nselect = ["SHP1"]\n', {"alexnet.py": SEED})
    assert check(capsys, tmp_path / "alexnet.py")[0] == 0
    code, out, _ = check(capsys, "--select", "SHP2", tmp_path / "alexnet.py")
    assert code == 1 and ":13:5: SHP201" in out


def test_per_file_ignores(tmp_path, capsys):
    project(tmp_path, '[tool.shapelint.per-file-ignores]\n"legacy/*" = ["SHP2"]\n',
            {"legacy/alexnet.py": SEED, "new/alexnet.py": SEED})
    code, out, _ = check(capsys, tmp_path)
    assert code == 1 and out.count("SHP201") == 1 and "new/alexnet.py:13:5" in out


def test_unknown_keys_and_bad_values_warn_and_the_rest_applies(tmp_path, capsys):
    project(tmp_path, '[tool.shapelint]\ncolour = true\ndata-format = "NHWC"\n'
                      'budget = "lots"\nignore = ["SHP201"]\n', {"alexnet.py": SEED})
    code, out, err = check(capsys, tmp_path / "alexnet.py")
    assert code == 0 and out == ""
    assert "unknown key 'colour' in [tool.shapelint]" in err
    assert "data-format must be one of channels_last, channels_first" in err
    assert "budget must be a positive int" in err and "Traceback" not in err


def test_broken_toml_is_a_warning(tmp_path, capsys):
    project(tmp_path, "[tool.shapelint\nselect = [", {"alexnet.py": SEED})
    code, out, err = check(capsys, tmp_path / "alexnet.py")
    assert code == 1 and "SHP201" in out and "its [tool.shapelint] settings are ignored" in err


def test_input_shapes_per_model(tmp_path, capsys):
    project(tmp_path, '[tool.shapelint.input-shapes]\n"wrong/*::DigitNet" = "1,1,32,32"\n'
                      'DigitNet = [1, 1, 28, 28]\n',
            {"wrong/digits.py": DIGITS, "right/digits.py": DIGITS})
    code, out, _ = check(capsys, tmp_path)
    assert code == 1 and out.count("SHP101") == 1
    # on the Linear's constructor (issue 16), naming the call in forward
    assert "wrong/digits.py:12:20: SHP101" in out and "(1, 12544)" in out and "line 18" in out
    assert check(capsys, tmp_path / "right" / "digits.py")[0] == 0


def test_summary_reads_configured_input_shapes_and_data_format(tmp_path, capsys):
    import json
    project(tmp_path, '[tool.shapelint]\ndata_format = "channels_first"\n'
                      '[tool.shapelint.input-shapes]\nDigitNet = [1, 1, 28, 28]\n',
            {"digits.py": DIGITS, "convs.py": CHANNELS_FIRST})

    def summary(*argv):
        assert main(["summary", *map(str, argv), "--format", "json"]) == 0
        return json.loads(capsys.readouterr().out)["models"][0]
    assert summary(tmp_path / "digits.py")["input_shape"] == [1, 1, 28, 28]
    # --input-shape wins over the configured shape.
    given = summary(tmp_path / "digits.py", "--input-shape", "2,1,32,32")
    assert given["input_shape"] == [2, 1, 32, 32]
    # channels_first from the config: 64x64 maps, 8 filters, 3x3 twice -> (8, 60, 60).
    assert summary(tmp_path / "convs.py")["output_shape"] == [None, 8, 60, 60]


def test_data_format_default(tmp_path, capsys):
    project(tmp_path, "[tool.shapelint]\n", {"convs.py": CHANNELS_FIRST})
    code, out, _ = check(capsys, tmp_path / "convs.py")
    assert code == 1 and "SHP102" in out
    assert check(capsys, "--data-format", "channels_first", tmp_path / "convs.py")[0] == 0
    (tmp_path / "pyproject.toml").write_text('[tool.shapelint]\ndata_format = "channels_first"\n')
    config_for.__globals__["load"].cache_clear()
    config_for.__globals__["_table"].cache_clear()
    assert check(capsys, tmp_path / "convs.py")[0] == 0


def test_budget(tmp_path, capsys):
    project(tmp_path, "[tool.shapelint]\nbudget = 5\n", {"alexnet.py": SEED})
    code, out, _ = check(capsys, tmp_path / "alexnet.py")
    assert code == 1 and "SHP902 budget-exhausted" in out and "more than 5 analysis steps" in out
    code, out, _ = check(capsys, "--budget", "400000", tmp_path / "alexnet.py")
    assert "SHP201" in out and "SHP902" not in out


@pytest.mark.parametrize("argv, message", [
    (["--config", "nowhere.toml"], "--config nowhere.toml: no such file"),
    (["--budget", "0"], "--budget must be a positive number of steps"),
    (["--budget", "many"], "invalid int value"),
    (["--data-format", "NHWC"], "invalid choice"),
])
def test_bad_flags_are_one_line_and_exit_2(capsys, argv, message):
    code, out, err = check(capsys, *argv, SEED)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err


def test_config_is_frozen_and_parses_shapes():
    config = from_table({"select": "SHP1", "input-shapes": {"m": [None, 8, 8, 1]}}, "x", "/")
    assert config.select == ("SHP1",) and config.input_shapes == (("m", (None, 8, 8, 1)),)
    with pytest.raises(AttributeError):
        config.select = ()
    assert parse_dims("None,227,227,3") == (None, 227, 227, 3)
    assert parse_dims([1, "a"]) is None and parse_dims([3]) is None
    assert Config().limits().steps == 200_000


def flake8(cwd, *args):
    # this checkout's shapelint, whatever the relative PYTHONPATH the suite runs with
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "flake8", "--select", "SHP", *args],
                          capture_output=True, text=True, cwd=cwd, env=env)


def test_flake8_options_map_onto_the_config(tmp_path):
    project(tmp_path, "[tool.shapelint]\nbudget = 5\n", {"digits.py": DIGITS})
    result = flake8(tmp_path, "digits.py")
    assert "SHP902" in result.stdout  # the pyproject budget applies under flake8 too
    result = flake8(tmp_path, "--shapelint-budget", "400000",
                    "--shapelint-input-shapes", "DigitNet=1x1x32x32", "digits.py")
    assert result.returncode == 1 and "digits.py:12:20: SHP101" in result.stdout
    (tmp_path / "setup.cfg").write_text("[flake8]\nshapelint-budget = 400000\n"
                                        "shapelint-input-shapes = DigitNet=1x1x28x28\n")
    result = flake8(tmp_path, "digits.py")
    # clean: the budget is raised and the input is known (no SHP902, SHP302 or SHP303)
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


def test_flake8_bad_option_value_warns(tmp_path):
    project(tmp_path, "", {"alexnet.py": SEED})
    result = flake8(tmp_path, "--shapelint-input-shapes", "oops", "--shapelint-data-format",
                    "NHWC", "alexnet.py")
    assert result.returncode == 1 and "SHP201" in result.stdout
    assert "'oops' is not ENTRY=SHAPE" in result.stderr and "Traceback" not in result.stderr
