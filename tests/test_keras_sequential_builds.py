"""The names a Sequential spends when it builds itself (frameworks/keras_sequential_builds.py)
are the names Keras 3 spends: after each way of building one, the next keras.Input and
keras.Model are named as Keras names them, so a functional model's summary rows (and its own
name) are what `model.summary()` prints."""
from __future__ import annotations

import textwrap
import warnings

import pytest

from shapelint.pipeline.analysis import analyse

# Each snippet builds Sequentials one way, then `probe`, a functional model whose Input and
# own name come after whatever the snippet spent.
PROBE = "i = keras.Input((2,))\nprobe = keras.Model(i, layers.Dense(1)(i))\n"
WAYS = {
    "list_with_input_shape": "s = keras.Sequential([layers.Dense(3, input_shape=(4,)), "
                             "layers.Dense(2)])",
    "list_with_input_dim": "s = keras.Sequential([layers.Dense(3, input_dim=4)])",
    "add_three_times": "s = keras.Sequential()\ns.add(layers.Dense(3, input_shape=(4,)))\n"
                       "s.add(layers.Dense(2))\ns.add(layers.Dense(2))",
    "input_first": "s = keras.Sequential([keras.Input((4,)), layers.Dense(2)])",
    "no_input_never_built": "s = keras.Sequential([layers.Dense(3), layers.Dense(2)])",
    "built_by_a_call": "s = keras.Sequential([layers.Dense(3)])\ny = s(keras.Input((4,)))\n"
                       "z = s(keras.Input((4,)))",
    "build": "s = keras.Sequential([layers.Dense(3)])\ns.build((None, 4))",
    "functional_first": "a = keras.Input((4,))\nf = keras.Model(a, layers.Dense(3)(a))\n"
                        "s = keras.Sequential()\ns.add(f)\ns.add(layers.Dense(2))",
    "built_sequential_first": "t = keras.Sequential([layers.Dense(3, input_shape=(4,))])\n"
                              "s = keras.Sequential([t, layers.Dense(2)])",
}


def _source(way: str) -> str:
    return ("import keras\nfrom keras import layers\n" + textwrap.dedent(WAYS[way]) + "\n"
            + PROBE)


@pytest.mark.parametrize("way", sorted(WAYS))
def test_names_after_a_sequential_builds_are_keras_names(way):
    keras = pytest.importorskip("keras")
    pytest.importorskip("torch")
    source = _source(way)
    keras.backend.clear_session(free_memory=False)  # names as a fresh session gives them
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(source, way, "exec"), namespace)
    real = namespace["probe"]
    [graph] = [g for g in analyse(source, f"{way}.py").graphs() if g.entry == "probe"]
    assert graph.name == real.name
    assert sorted({n.name for n in graph.rows}) == sorted(layer.name for layer in real.layers)
