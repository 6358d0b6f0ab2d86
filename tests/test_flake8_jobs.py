"""flake8 -j: the plugin runs in flake8's worker processes and finds exactly what it finds in one
process; its --shapelint-* options reach the workers, under fork and under spawn (the start
method of macOS and Windows, where each worker parses the options again)."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

# Findings these two files give depend on an option: the input shape, and the data format.
# (--shapelint-input-shapes names an entry in every file: the fixtures' `model`s must not match.)
NEEDS_INPUT_SHAPE = """\
import torch.nn as nn

net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
"""
NEEDS_DATA_FORMAT = """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((64, 64, 3)),
    layers.MaxPooling2D(2),
    layers.MaxPooling2D(2),
])
"""
OPTIONS = ["--shapelint-input-shapes", "net=1x1x32x32",
           "--shapelint-data-format", "channels_first"]
SPAWN = ("import multiprocessing, sys; multiprocessing.set_start_method('spawn'); "
         "from flake8.main.cli import main; sys.exit(main())")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """Every Keras and torch fixture (several dozen files, so flake8 does use its pool), plus
    the two option-dependent files."""
    where = tmp_path_factory.mktemp("project")
    for framework in ("keras", "torch"):
        target = where / framework
        target.mkdir()
        for path in sorted((ROOT / "fixtures" / framework).glob("*.py")):
            shutil.copy(path, target / path.name)
    (where / "torch" / "needs_input_shape.py").write_text(NEEDS_INPUT_SHAPE)
    (where / "keras" / "needs_data_format.py").write_text(NEEDS_DATA_FORMAT)
    return where


def flake8(project, jobs, *options, spawn=False, verbose=False):
    """flake8's SHP1xx, SHP2xx and SHP9xx lines (sorted) and its stderr, run in project with
    this worktree's sources first on the path."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(SRC)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    head = [sys.executable, "-c", SPAWN] if spawn else [sys.executable, "-m", "flake8"]
    command = head + ["--isolated", "--select", "SHP1,SHP2,SHP9", "-j", str(jobs), *options,
                      *(["-vv"] if verbose else []), "keras", "torch"]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode in (0, 1), result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return sorted(result.stdout.splitlines()), result.stderr


def codes(lines, name):
    return [line.split(": ", 1)[1].split()[0] for line in lines if f"/{name}:" in line]


def test_two_jobs_find_what_one_job_finds(project):
    serial, _ = flake8(project, 1)
    parallel, log = flake8(project, 2, verbose=True)
    assert parallel == serial
    # the plugin ran, with findings of every family the fixtures hold
    for code in ("SHP101", "SHP102", "SHP103", "SHP104", "SHP106", "SHP107", "SHP201"):
        assert any(f": {code} " in line for line in parallel), code
    assert not any("SHP901" in line for line in parallel)
    # and the files were checked in flake8's worker processes, not in the main one (their
    # log lines carry the worker's name; only forked workers inherit flake8's log handler)
    if multiprocessing.get_start_method() == "fork":
        assert "ForkPoolWorker" in log


@pytest.mark.parametrize("spawn", [False, True], ids=["fork", "spawn"])
def test_options_reach_the_workers(project, spawn):
    plain, _ = flake8(project, 2, spawn=spawn)
    assert codes(plain, "needs_input_shape.py") == []
    assert codes(plain, "needs_data_format.py") == []
    given, _ = flake8(project, 2, *OPTIONS, spawn=spawn)
    assert given == flake8(project, 1, *OPTIONS)[0]
    assert codes(given, "needs_input_shape.py") == ["SHP101"]
    assert codes(given, "needs_data_format.py") == ["SHP102"]


def test_the_option_dependent_findings_are_real(project):
    """What the two files do in the frameworks under those options: torch refuses a
    1x1x32x32 input (1024 features, not 784); Keras refuses the channels_first pooling
    (3 columns pooled twice), and builds it channels_last."""
    torch = pytest.importorskip("torch")
    keras = pytest.importorskip("keras")
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10))
    with pytest.raises(RuntimeError):
        model(torch.zeros(1, 1, 32, 32))
    pool = keras.layers.MaxPooling2D
    keras.Sequential([keras.Input((64, 64, 3)), pool(2), pool(2)])  # channels_last: builds
    with pytest.raises(ValueError):
        keras.Sequential([keras.Input((64, 64, 3)), pool(2, data_format="channels_first"),
                          pool(2, data_format="channels_first")])
