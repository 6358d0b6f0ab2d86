"""torchvision 0.28.0's classifiers, read as text (never imported): every total shapelint prints
equals the real model's `sum(p.numel() for p in m.parameters())`, recorded in
tests/data/torchvision_truth.json by tests/torchvision_truth.py."""
from __future__ import annotations

import json
import pathlib

import pytest

from shapelint.pipeline.analysis import analyse, evaluate_entry
from shapelint.adapters.cli import parse_shape

ROOT = pathlib.Path(__file__).resolve().parent.parent
TRUTH = json.loads((ROOT / "tests" / "data" / "torchvision_truth.json").read_text())
# Entries shapelint cannot yet read to the end; each must print "unknown", never a number.
KNOWN_GAPS = {"regnet.py", "maxvit.py"}  # regnet computes its widths with torch ops


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


@pytest.mark.parametrize("key", CLASSIFIERS)
def test_flops_equal_the_flop_counter_or_are_unknown(models_dir, key):
    """FLOPs at 224 (299 for Inception3) against FlopCounterMode's total on the meta device,
    recorded beside each count: equal, or unknown with a reason, never another number."""
    from shapelint.cost import model_cost
    size = 299 if key.startswith("inception") else 224
    cost = model_cost(summarize(models_dir, key, parse_shape(f"1,3,{size},{size}")))
    assert cost.flops.value in (None, TRUTH[key]["flops"]), cost.flops.reason


def test_most_flops_are_known(models_dir):
    """Not hollow: the comparison above is made for most classifiers."""
    from shapelint.cost import model_cost
    known = [key for key in CLASSIFIERS if model_cost(summarize(
        models_dir, key, parse_shape("1,3,299,299" if key.startswith("inception") else
                                     "1,3,224,224"))).flops.known]
    print(f"FLOPs known for {len(known)} of {len(CLASSIFIERS)} classifiers")
    assert len(known) >= 55, known
