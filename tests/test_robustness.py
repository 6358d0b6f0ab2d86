"""No input breaks the lint run: hostile files end in bounded time with at most one SHP9xx note,
and the analysis never executes the code it reads."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

HOSTILE = {
    "deep_recursion": "import torch\ndef f(n):\n    return f(n + 1)\nf(0)\n",
    "mutual_recursion": "import torch\ndef a(n):\n    return b(n)\ndef b(n):\n    return a(n)\n"
                        "x = a(1)\n",
    "huge_loop": "import torch\nx = 0\nfor i in range(10**9):\n    x += i\n",
    "while_true": "import torch\nwhile True:\n    pass\n",
    "huge_literals": "import torch\nx = [0] * 10**12\ny = 'a' * 10**10\nz = 10**10**10\n",
    "nested_parentheses": "import torch\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
    "long_operator_chain": "import torch\nx = " + "+".join(["1"] * 100_000) + "\n",
    "deep_blocks": "import torch\n" + "".join("    " * i + "if True:\n" for i in range(90))
                   + "    " * 90 + "pass\n",
    "self_import": "import torch\nfrom model import *\nimport model\n",
    "module_builds_itself": "import torch.nn as nn\nclass A(nn.Module):\n    def __init__(self):\n"
                            "        super().__init__()\n        self.a = A()\n",
    "forward_calls_itself": "import torch.nn as nn\nclass A(nn.Module):\n"
                            "    def forward(self, x):\n        return self(x)\n",
    "infinite_generator": "import torch\ndef g():\n    while True:\n        yield 1\n"
                          "x = list(g())\n",
    "comprehension_bomb": "import keras\nx = [[i * j for i in range(10**5)] for j in range(10**5)]\n",
    "fifty_thousand_lines": "import torch\n" + "x = 1\n" * 50_000,
    "binary_junk": "import torch\n\x00\x01\x02\xff garbage",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_ends_quietly(name, tmp_path):
    path = tmp_path / "model.py"
    path.write_text(HOSTILE[name], encoding="utf-8", errors="surrogateescape")
    result = subprocess.run([sys.executable, "-m", "shapelint", "check", "--format", "json",
                             str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    found = json.loads(result.stdout)["diagnostics"]
    assert sum(d["code"].startswith("SHP9") for d in found) <= 1
    assert all(d["code"] in ("SHP901", "SHP902") for d in found), found


READ_IN_FULL = """
import json, sys
from shapelint.pipeline.analysis import analyse
path = sys.argv[1]
text = open(path, encoding="utf-8", errors="surrogateescape").read()
print(json.dumps([d.code.code for d in analyse(text, path, whole_file=True).diagnostics()]))
"""


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_read_in_full_ends_quietly(name, tmp_path):
    """`check` reads only model statements, so most of these never reach the interpreter
    there; read in full (as `summary` reads), every statement runs, within the budget."""
    path = tmp_path / "model.py"
    path.write_text(HOSTILE[name], encoding="utf-8", errors="surrogateescape")
    result = subprocess.run([sys.executable, "-c", READ_IN_FULL, str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    found = json.loads(result.stdout)
    assert sum(code.startswith("SHP9") for code in found) <= 1, found


def test_a_forward_that_is_not_a_def_is_read_without_error():
    """torch/jit/_script.py: `forward = _CachedForward()` (found by the corpus test)."""
    from shapelint.pipeline.analysis import analyse
    source = ("import torch.nn as nn\n\nclass Cached:\n    pass\n\n"
              "class Scripted(nn.Module):\n    forward = Cached()\n\n"
              "model = nn.Sequential(nn.Linear(3, 4), nn.Linear(5, 2))\n")
    found = analyse(source, "scripted.py").diagnostics()
    assert not [d for d in found if d.code.code.startswith("SHP9")], found
    assert [d.line for d in found if d.code.code == "SHP101"] == [9]


def test_the_analysis_never_runs_the_code(tmp_path):
    """A model file whose module body would write a file and open a socket is linted (its
    missing Flatten found) without doing either."""
    marker = tmp_path / "written"
    path = tmp_path / "model.py"
    path.write_text(
        "import socket\n"
        "from keras import Sequential, layers\n\n"
        f"open({str(marker)!r}, 'w').write('ran')\n"
        "socket.create_connection(('127.0.0.1', 9))\n"
        f"__import__('os').system('touch {marker}')\n"
        "model = Sequential([layers.Conv2D(4, 3, input_shape=(8, 8, 1)), layers.Dense(2)])\n")
    result = subprocess.run([sys.executable, "-m", "shapelint", "check", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert "SHP201" in result.stdout
    assert not marker.exists()


TWO_MODELS = ("from keras import Sequential, layers\n"
              "first = Sequential([layers.Input(shape=(4, 4, 2)), layers.Dense(3)])\n"
              "def build():\n"
              "    return Sequential([layers.Input(shape=(5,)), layers.Dense(2)])\n")


def test_an_internal_error_while_discovering_is_one_quiet_note(monkeypatch):
    import shapelint.pipeline.analysis as analysis

    def broken(*args):
        raise IndexError("a bug in shapelint")
    monkeypatch.setattr(analysis, "_discover_one", broken)
    found = analysis.analyse(TWO_MODELS, "two.py").diagnostics()
    # The module-level model is still checked; the failure is one SHP901 on line 1.
    assert [(d.code.code, d.line) for d in found] == [("SHP901", 1), ("SHP201", 2)]
    assert "IndexError: a bug in shapelint" in found[0].message


def test_an_internal_error_in_one_models_checks_spares_the_others(monkeypatch):
    import shapelint.pipeline.analysis as analysis
    real = analysis.check_graph

    def broken_for_build(graph):
        if graph.entry == "build":
            raise KeyError("boom")
        return real(graph)
    monkeypatch.setattr(analysis, "check_graph", broken_for_build)
    found = analysis.analyse(TWO_MODELS, "two.py").diagnostics()
    assert [(d.code.code, d.line) for d in found] == [("SHP901", 1), ("SHP201", 2)]
    assert "model 'build' was skipped" in found[0].message


# ageron/handson-ml2's bag-of-words layer (and tensorflow/docs' time-series windows): a
# tensor of unknown shape made inside call() and sliced, `tf.reduce_sum(one_hot, axis=1)[:, 1:]`
BAG_OF_WORDS = """import keras
import tensorflow as tf


class BagOfWords(keras.layers.Layer):
    def __init__(self, n_tokens, **kwargs):
        super().__init__(**kwargs)
        self.n_tokens = n_tokens

    def call(self, inputs):
        one_hot = tf.one_hot(inputs, self.n_tokens)
        return tf.reduce_sum(one_hot, axis=1)[:, 1:]


model = keras.Sequential([keras.Input(shape=(5,), dtype="int32"), BagOfWords(4),
                          keras.layers.Dense(2)])
"""


def test_slicing_an_operation_of_unknown_shape_is_unknown_not_an_internal_error():
    import shapelint.pipeline.analysis as analysis
    found = analysis.analyse(BAG_OF_WORDS, "bag.py")
    assert found.diagnostics() == [] and found.notes == []
    assert [entry for entry, _ in found.models] == ["model"]
