"""Real Keras code read statically: functional graphs with merges and shared layers, models
nested as layers, subclassed models. Every total and output shape is checked against Keras."""
from __future__ import annotations

import textwrap

import pytest

from conftest import real_keras_models
from shapelint.pipeline.analysis import analyse

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
    "subclassed_layers_and_models": """
        import keras
        from keras import layers


        class Scale(layers.Layer):
            def __init__(self, init=1.0, **kwargs):
                super().__init__(**kwargs)
                self.init = init

            def build(self, input_shape):
                self.gamma = self.add_weight(shape=(input_shape[-1],), trainable=True)
                self.count = self.add_weight(shape=(), trainable=False)

            def call(self, x):
                return x * self.gamma


        class Block(layers.Layer):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.d1 = layers.Dense(units, activation="relu")
                self.d2 = layers.Dense(units)
                self.scale = Scale()
                self.unused = layers.Dense(99)

            def call(self, inputs):
                x = self.d1(inputs)
                return self.scale(self.d2(x)) + x


        class Net(keras.Model):
            def __init__(self, classes=10):
                super().__init__(name="net")
                self.blocks = [Block(32), Block(32)]
                self.head = layers.Dense(classes, activation="softmax")

            def call(self, inputs, training=False):
                x = inputs
                for block in self.blocks:
                    x = block(x)
                return self.head(x)


        class Wrapped(keras.Model):
            def __init__(self, **kwargs):
                inputs = keras.Input((12,))
                outputs = layers.Dense(3)(Block(4)(inputs))
                super().__init__(inputs, outputs, **kwargs)


        net = Net(5)
        inp = keras.Input((16,))
        out = net(inp)
        f = keras.Model(inp, Block(8)(layers.Dense(4)(inp)))
        seq = keras.Sequential([keras.Input((6,)), Block(3), Scale(), layers.Dense(2)])
        wrapped = Wrapped()
        outer = keras.Model(inp, layers.add([net(inp), layers.Dense(5)(f(inp))]))
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
        outputs = getattr(model, "outputs", None)  # a subclassed model has none
        if outputs is not None:
            static = [o.output_shape.to_json() for o in graph.outputs]
            assert static == [list(t.shape) for t in outputs], name


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_static_totals_equal_keras(name, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(SNIPPETS[name]))
    _compare(path)


def test_build_without_a_build_method_is_unknown(tmp_path):
    """Keras 3 marks such a model built without weights (count_params() is 0, with a
    warning); shapelint says unknown rather than count the sublayers."""
    path = tmp_path / "m.py"
    path.write_text(textwrap.dedent("""
        import keras
        from keras import layers

        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.head = layers.Dense(3)

            def call(self, x):
                return self.head(x)

        model = Net()
        model.build((None, 20))
        """))
    [graph] = analyse(path.read_text(), str(path)).graphs()
    assert graph.total is None and "build()" in graph.reasons()[0]


FIXTURES = __import__("pathlib").Path(__file__).resolve().parent.parent / "fixtures" / "keras"


@pytest.mark.parametrize("name", ["functional_shared_and_nested",
                                  "dense_on_sequence_before_softmax",
                                  "functional_and_subclassed_dense_on_feature_map",
                                  "seq2seq_initial_state", "user_layer_with_state_argument",
                                  "subclass_holds_student_and_teacher",
                                  "gan_combined_of_two_sequentials"])
def test_fixture_models_equal_keras(name):
    _compare(FIXTURES / f"{name}.py")


@pytest.mark.parametrize("name", ["merge_shape_mismatch", "input_shape_includes_batch",
                                  "conv2d_without_channel_axis"])
def test_fixtures_marked_shp1xx_fail_in_keras(name):
    with pytest.raises(ValueError):
        real_keras_models(FIXTURES / f"{name}.py")


HELD = """
    import keras
    import numpy as np
    from keras import layers


    class Scale(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.gamma = self.add_weight(shape=(8,), trainable=True)  # exists from __init__

        def call(self, x):
            return x * self.gamma


    class Held(keras.Model):
        def __init__(self):
            super().__init__()
            self.body = layers.Dense(8)
            self.shared = layers.Dense(8)
            self.again = [self.shared, {"body": self.body}]  # held twice, counted once
            self.scale = Scale()
            self.idle = layers.Dense(99)  # never called, never read: Keras never builds it
            self.lazy = keras.Sequential([layers.Dense(3)])  # no input: never built
            self.side = keras.Sequential([keras.Input((4,)), layers.Dense(6)])  # built
            {aux}

        def call(self, x):
            return self.scale(self.shared(self.shared(self.body(x))))

        def auxiliary(self, x):
            return {reader}(x)


    model = Held()
    model(np.zeros((2, 4), "float32"))
    """


def _held(tmp_path, aux, reader):
    path = tmp_path / "held.py"
    path.write_text(textwrap.dedent(HELD).replace("{aux}", aux).replace("{reader}", reader))
    return path


def test_a_model_counts_every_layer_it_holds_once(tmp_path):
    """Issue 14: count_params() counts every tracked, built weight (a held model call() does
    not run included), each once; an unbuilt held layer holds none."""
    _compare(_held(tmp_path, "", "self.side"))


def test_a_held_layer_that_an_unrun_method_reads_is_unknown(tmp_path):
    """Whether Keras builds it depends on whether that method runs: Keras's count changes
    when it does, so the only honest static answer is unknown, never the smaller number."""
    path = _held(tmp_path, "self.aux = layers.Dense(5)", "self.aux")
    [graph] = [g for g in analyse(path.read_text(), str(path)).graphs() if g.entry == "model"]
    assert graph.total is None
    assert any("self.aux" in reason for reason in graph.reasons())
    np = pytest.importorskip("numpy")
    model = real_keras_models(path)["model"]
    before = model.count_params()
    model.auxiliary(np.zeros((2, 8), "float32"))
    assert model.count_params() == before + 8 * 5 + 5


FREEZING = '''\
import keras
from keras import layers

generator = keras.Sequential([keras.Input((16,)), layers.Dense(32), layers.Dense(64)])
critic = keras.Sequential([keras.Input((64,)), layers.Dense(8), layers.Dense(1)])
critic.trainable = False
noise = keras.Input(shape=(16,))
combined = keras.Model(noise, critic(generator(noise)))
head = keras.Sequential([keras.Input((16,)), layers.Dense(32), layers.Dense(4)])
head.layers[0].trainable = False
'''


def test_a_frozen_layer_or_model_leaves_the_split_unknown_and_the_total_exact(tmp_path):
    """`.trainable = False` moves weights to Keras's non-trainable count (its summary prints
    it so); shapelint does not follow which weights that leaves training, so the split of
    every model holding a frozen layer is unknown, with the reason, and the total is Keras's."""
    keras = pytest.importorskip("keras")
    import runpy
    path = tmp_path / "frozen.py"
    path.write_text(FREEZING)
    built = runpy.run_path(str(path))
    graphs = {g.entry: g for g in analyse(FREEZING, str(path)).graphs()}
    for name in ("generator", "critic", "combined", "head"):
        model, graph = built[name], graphs[name]
        assert isinstance(model, keras.Model)
        assert graph.total == model.count_params(), name
        frozen = sum(int(w.numpy().size) for w in model.non_trainable_weights)
        if name == "generator":  # nothing of it is frozen: its split is Keras's
            assert (graph.trainable, graph.non_trainable) == (model.count_params(), frozen)
            continue
        assert frozen > 0 and graph.trainable is None and graph.non_trainable is None, name
        assert any(".trainable is assigned" in r for r in graph.reasons()), name


NUMBER_SHAPES = {  # Keras 3 raises "Cannot convert '784' to a shape" at the marked line
    "input_keyword": "inputs = keras.Input(shape=784)  # here\n"
                     "model = keras.Model(inputs, layers.Dense(10)(inputs))\n",
    "input_positional": "inputs = keras.Input(784)  # here\n"
                        "model = keras.Model(inputs, layers.Dense(10)(inputs))\n",
    "input_from_data": "x = np.zeros((60, 784), 'float32')\n"
                       "inputs = keras.Input(shape=x.shape[1])  # here\n"
                       "model = keras.Model(inputs, layers.Dense(10)(inputs))\n",
    "input_layer": "model = keras.Sequential([\n"
                   "    layers.InputLayer(input_shape=784),  # here\n"
                   "    layers.Dense(10)])\n",
    "sequential_first_layer": "model = keras.Sequential([\n"
                              "    layers.Dense(64, input_shape=784),  # here\n"
                              "    layers.Dense(10)])\n",
}


@pytest.mark.parametrize("form", sorted(NUMBER_SHAPES))
def test_a_shape_written_as_a_number_is_shp105_and_builds_no_model(form, tmp_path):
    """A bare number where Keras 3 wants a shape tuple: the model never exists, so no count."""
    source = "import keras\nimport numpy as np\nfrom keras import layers\n" + NUMBER_SHAPES[form]
    path = tmp_path / "number_shape.py"
    path.write_text(source)
    with pytest.raises(ValueError, match="Cannot convert '784' to a shape"):
        real_keras_models(path)
    analysis = analyse(source, str(path))
    line = 1 + next(i for i, text in enumerate(source.splitlines()) if "# here" in text)
    [diagnostic] = analysis.diagnostics()
    assert (diagnostic.code.code, diagnostic.line) == ("SHP105", line)
    assert "shape=(784,)" in diagnostic.message
    assert [graph.total for graph in analysis.graphs()] == [None]


def test_a_number_given_as_input_dim_still_builds(tmp_path):
    path = tmp_path / "input_dim.py"
    path.write_text("import keras\nfrom keras import layers\n"
                    "model = keras.Sequential([layers.Dense(64, input_dim=784), layers.Dense(10)])\n")
    [graph] = analyse(path.read_text(), str(path)).graphs()
    [model] = real_keras_models(path).values()
    assert graph.total == model.count_params() == 784 * 64 + 64 + 64 * 10 + 10
