"""summary --format dot|mermaid: the graph with shapes on edges and params on nodes."""
from __future__ import annotations

import json
import pathlib
import re
import shutil
import subprocess

import pytest

from shapelint.adapters.cli import main

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEED = str(ROOT / "examples" / "alexnet.py")
RESIDUAL = str(ROOT / "fixtures" / "torch" / "residual_blocks.py")
FUNCTIONAL = ("import keras\nfrom keras import layers\n\n"
              "inputs = keras.Input(shape=(32,))\n"
              "a = layers.Dense(8, name=\"a\")(inputs)\n"
              "b = layers.Dense(8, name=\"b\")(inputs)\n"
              "outputs = layers.Add()([a, b])\n"
              "model = keras.Model(inputs, outputs)\n")


def summary(capsys, fmt, *targets):
    assert main(["summary", *map(str, targets), "--format", fmt]) == 0
    return capsys.readouterr().out


def params_in(text: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"params: ([\d,]+)", text)]


def test_dot_of_the_seed_carries_every_count_and_shape(capsys):
    text = summary(capsys, "dot", SEED)
    [model] = json.loads(summary(capsys, "json", SEED))["models"]
    assert text.startswith("digraph shapelint {\n") and text.endswith("}\n")
    assert params_in(text) == [layer["params"] for layer in model["layers"]]
    assert "25,678,184 params" in text
    edges = re.findall(r'(m0_n\d+) -> (m0_n\d+) \[label="([^"]+)"\]', text)
    assert len(edges) == 10  # a chain: input and ten layers
    assert edges[0][2] == "(None, 227, 227, 3)"
    assert edges[7] == ("m0_n7", "m0_n8", "(None, 13, 13, 256)")  # into the first Dense


def test_functional_branches_are_edges(capsys, tmp_path):
    path = tmp_path / "branches.py"
    path.write_text(FUNCTIONAL)
    text = summary(capsys, "dot", path)
    edges = re.findall(r'(m0_n\d+) -> (m0_n\d+) \[label="([^"]+)"\]', text)
    assert sorted(edges) == [("m0_n0", "m0_n1", "(None, 32)"), ("m0_n0", "m0_n2", "(None, 32)"),
                             ("m0_n1", "m0_n3", "(None, 8)"), ("m0_n2", "m0_n3", "(None, 8)")]
    assert params_in(text) == [264, 264, 0]  # Dense(8) twice, then Add (no weights in Keras)
    assert 'add (Add)\\nparams: 0"' in text
    mermaid = summary(capsys, "mermaid", path)
    assert mermaid.startswith("flowchart TD\n")
    assert 'm0_n0 -->|"(None, 32)"| m0_n1' in mermaid and mermaid.count("-->") == 4


def test_torch_draws_calls_in_order_and_says_so(capsys):
    text = summary(capsys, "mermaid", RESIDUAL)
    [model] = json.loads(summary(capsys, "json", RESIDUAL))["models"]
    assert "-.->|then|" in text and "-->|" not in text  # order only, never a data path
    assert "conv1 (Conv2d)<br/>in: (B, 3, 64, 64)<br/>out: (B, 16, 32, 32)" in text
    assert "shared (counted at its first call)" in text  # a ReLU module called twice
    assert sum(params_in(text)) == model["total_params"]


def test_several_models_are_clusters(capsys):
    text = summary(capsys, "dot", SEED, ROOT / "examples" / "alexnet_fixed.py")
    assert "subgraph cluster_0" in text and "subgraph cluster_1" in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("target", [SEED, RESIDUAL])
def test_graphviz_renders_it(capsys, tmp_path, target):
    dot_text = summary(capsys, "dot", target)
    result = subprocess.run(["dot", "-Tsvg"], input=dot_text, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.lstrip().startswith("<?xml") and "<svg" in result.stdout
    assert "conv2d (Conv2D)" in result.stdout or "conv1 (Conv2d)" in result.stdout
