"""Real Keras code read statically: functional graphs with merges and shared layers, models
nested as layers, subclassed models. Every total and output shape is checked against Keras."""
from __future__ import annotations

import textwrap

import pytest

from conftest import real_keras_models
from shapelint.analysis import analyse

SNIPPETS = {
    "two_inputs_three_outputs_merges_and_a_shared_layer": """
        import keras
        from keras import layers

        a = keras.Input((32,), name="a")
        b = keras.Input((16,), name="b")
        shared = layers.Dense(8)
        x = shared(layers.Dense(16)(a))
        y = shared(b)
        m = layers.add([x, y])
        c = layers.concatenate([x, y, m], axis=-1)
        c2 = layers.Concatenate()([layers.Reshape((4, 2))(x), layers.Reshape((4, 2))(y)])
        d = layers.Dot(axes=1)([x, y])
        s = layers.subtract([layers.multiply([x, y]), layers.maximum([x, y])])
        s = layers.average([s, layers.minimum([x, y]), layers.Multiply()([x, y])])
        out1 = layers.Dense(3, name="o1")(c)
        out2 = layers.Dense(2, name="o2")(layers.Flatten()(c2))
        model = keras.Model([a, b], [out1, out2, d, s])
        """,
    "models_nested_as_layers": """
        import keras
        from keras import layers

        a = keras.Input((32,))
        inner = keras.Sequential([layers.Dense(5), layers.Dense(4)])
        i2 = keras.Input((7,))
        z = inner(i2)
        z = inner(layers.Dense(7)(i2))
        outer = keras.Model(i2, z)
        seq = keras.Sequential([keras.Input((7,)), inner, layers.Dense(2)])
        fn = keras.Model(a, layers.Dense(6)(a))
        seq2 = keras.Sequential([keras.Input((32,)), fn, layers.Dense(1)])
        top = keras.Model(a, layers.Dense(2)(layers.concatenate([fn(a), seq2(a)])))
        """,
}


def _compare(path):
    real = real_keras_models(path)
    graphs = {g.entry: g for g in analyse(path.read_text(), str(path)).graphs()}
    assert real
    for name, model in real.items():
        graph = graphs[name]
        assert graph.exact, (name, graph.reasons())
        assert graph.total == model.count_params(), name
        assert graph.non_trainable == sum(int(w.numpy().size)
                                          for w in model.non_trainable_weights), name
        static = [o.output_shape.to_json() for o in graph.outputs]
        assert static == [list(t.shape) for t in model.outputs], name


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_static_totals_equal_keras(name, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(SNIPPETS[name]))
    _compare(path)
