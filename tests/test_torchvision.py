"""torchvision 0.28.0's classifiers, read as text (never imported): every total shapelint prints
equals the real model's `sum(p.numel() for p in m.parameters())`, recorded in
tests/data/torchvision_truth.json by tests/torchvision_truth.py."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import zipfile

import pytest

from shapelint.analysis import analyse, evaluate_entry
from shapelint.cli import parse_shape

ROOT = pathlib.Path(__file__).resolve().parent.parent
TRUTH = json.loads((ROOT / "tests" / "data" / "torchvision_truth.json").read_text())
CACHE = ROOT / ".cache" / "torchvision-0.28.0"
# Entries shapelint cannot yet read to the end; each must print "unknown", never a number.
KNOWN_GAPS = {"regnet.py", "maxvit.py"}  # regnet computes its widths with torch ops


@pytest.fixture(scope="session")
def models_dir() -> pathlib.Path:
    """The torchvision sources: $SHAPELINT_TORCHVISION, or the wheel downloaded from PyPI."""
    given = os.environ.get("SHAPELINT_TORCHVISION")
    if given:
        return pathlib.Path(given) / "torchvision" / "models"
    if not (CACHE / "torchvision" / "models").is_dir():
        CACHE.mkdir(parents=True, exist_ok=True)
        download = subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(CACHE),
             "torchvision==0.28.0"], capture_output=True, text=True)
        wheels = list(CACHE.glob("torchvision-0.28.0-*.whl"))
        if download.returncode or not wheels:
            pytest.skip(f"torchvision 0.28.0 could not be downloaded: {download.stderr[-200:]}")
        with zipfile.ZipFile(wheels[0]) as wheel:
            wheel.extractall(CACHE, [n for n in wheel.namelist() if n.endswith(".py")])
    return CACHE / "torchvision" / "models"


_ANALYSES: dict = {}


def summarize(models_dir, key, input_shape=None):
    """The graph of one entry; a file is read once and its entries evaluated in its scope."""
    file, entry = key.split("::", 1)
    path = models_dir / file
    if path not in _ANALYSES:
        _ANALYSES[path] = analyse(path.read_text(encoding="utf-8"), str(path), discover=False)
    return evaluate_entry(_ANALYSES[path], entry).graph(entry, input_shape)


@pytest.mark.parametrize("key", sorted(TRUTH))
def test_total_is_exact_or_unknown(models_dir, key):
    graph = summarize(models_dir, key)
    if key.split("::")[0] in KNOWN_GAPS:
        assert graph.total in (None, TRUTH[key]["params"])
    else:
        assert graph.total == TRUTH[key]["params"], graph.reasons()


CLASSIFIERS = [k for k in sorted(TRUTH) if k.split("::")[0] not in KNOWN_GAPS]


@pytest.mark.parametrize("key", CLASSIFIERS)
def test_forward_gives_the_class_scores(models_dir, key):
    size = 299 if key.startswith("inception") else 224
    graph = summarize(models_dir, key, parse_shape(f"1,3,{size},{size}"))
    assert graph.outputs[0].output_shape.to_json() == [1, 1000]
