"""Where Keras models come from (issue 16): models kept as attributes of plain classes and built
in their methods, models returned by methods, layer objects handed where a tensor goes, and a
built layer called again on an input its weights do not fit. Each program is run for real
under Keras 3 (torch backend) beside its static findings: a finding's program raises
ValueError at the line the finding names (its own, or `seen_at_line`), the clean twin runs."""
from __future__ import annotations

import textwrap
import traceback

import pytest

from shapelint.pipeline.analysis import analyse

keras = pytest.importorskip("keras")
np = pytest.importorskip("numpy")
PATH = "models_in_classes.py"


def findings(source: str) -> list:
    analysis = analyse(source, PATH)
    return [d for d in analysis.diagnostics() if d.code.code.startswith(("SHP1", "SHP2"))]


def run(source: str):
    """(the exception, the program's line it came from), or (None, None) when it runs."""
    try:
        exec(compile(source, PATH, "exec"), {"__name__": "__main__"})
    except Exception as error:  # noqa: BLE001 - what Keras raises is the point
        lines = [f.lineno for f in traceback.extract_tb(error.__traceback__)
                 if f.filename == PATH]
        return error, lines[-1] if lines else None
    return None, None


def line_of(source: str, text: str) -> int:
    return next(i for i, line in enumerate(source.splitlines(), 1) if text in line)


def prove(source: str, code: str, at: str, seen: str | None = None):
    """The one finding is `code` on the line holding `at`; Keras raises ValueError on the
    line holding `seen` (or `at`)."""
    found = findings(source)
    assert [(d.code.code, d.line) for d in found] == [(code, line_of(source, at))], found
    error, line = run(source)
    assert isinstance(error, ValueError), repr(error)
    assert line == line_of(source, seen or at), (line, error)
    if seen is not None:
        assert found[0].data["seen_at_line"] == line_of(source, seen)
    return found[0]


def clean(source: str) -> None:
    assert findings(source) == []
    error, _ = run(source)
    assert error is None, repr(error)


TRAINER = textwrap.dedent("""\
    import numpy as np
    from keras.models import Sequential
    from keras.layers import Dense
    class Trainer:
        def __init__(self):
            self.model = Sequential()
        def build(self):
            self.model.add(Dense(64, activation="relu", input_shape=(20,)))
            self.model.add(Dense(UNITS, activation="softmax"))
            self.model.compile(loss="categorical_crossentropy", optimizer="adam")
        def train(self):
            X = np.zeros((8, 20)); y = np.zeros((8, 5))
            self.model.fit(X, y, epochs=1, verbose=0)
    t = Trainer(); t.build(); t.train()
    """)

FROM_INIT = textwrap.dedent("""\
    import numpy as np
    from keras.models import Sequential
    from keras.layers import Dense


    class Agent:
        def __init__(self, X, y):
            self.model = self._build_model()
            self.train(X, y)

        def _build_model(self):
            model = Sequential()
            model.add(Dense(24, input_dim=WIDTH, activation="relu"))
            model.add(Dense(2))
            model.compile(loss="mse", optimizer="adam")
            return model

        def train(self, X, y):
            self.model.fit(X, y, epochs=1, verbose=0)


    def main():
        Agent(np.zeros((8, 6)), np.zeros((8, 2)))


    if __name__ == "__main__":
        main()
    """)

RETURNED = textwrap.dedent("""\
    import numpy as np
    from keras.models import Sequential
    from keras.layers import Dense
    class Net:
        def build_model(self):
            model = Sequential()
            model.add(Dense(16, activation="relu", input_dim=10))
            model.add(Dense(UNITS, activation="softmax"))
            model.compile(loss="categorical_crossentropy", optimizer="adam")
            return model
    X = np.zeros((8, 10)); y = np.zeros((8, 4))
    obj = Net()
    model = obj.build_model()
    model.fit(X, y, epochs=1, verbose=0)
    """)


def test_model_kept_on_self_and_trained_in_another_method():
    """The brief's probe: nothing was reported, the class being no model and its users no
    seed of the reading (interpreter/slicing.py); now SHP110 sits on the Dense line."""
    found = prove(TRAINER.replace("UNITS", "3"), "SHP110", "Dense(3", "self.model.fit")
    assert found.data["label_shape"] == [8, 5] and found.data["output_shape"] == [None, 3]
    clean(TRAINER.replace("UNITS", "5"))


def test_model_built_and_trained_from_init_inside_main():
    found = prove(FROM_INIT.replace("WIDTH", "4"), "SHP109", "input_dim=", "self.model.fit")
    assert found.data["data_shape"] == [8, 6] and found.data["model_input"] == [None, 4]
    clean(FROM_INIT.replace("WIDTH", "6"))


def test_model_returned_by_a_method():
    prove(RETURNED.replace("UNITS", "3"), "SHP110", "Dense(3", "model.fit")
    clean(RETURNED.replace("UNITS", "4"))


def test_a_builder_class_nobody_uses_is_not_read():
    """Not a seed by itself: a class whose methods build a model runs only when used."""
    source = RETURNED.replace("UNITS", "3").split("X = np.zeros")[0]
    index_text = analyse(source, PATH)
    assert index_text.models == []


# -- a layer object where a tensor goes -------------------------------------------------------

NOT_CALLED = textwrap.dedent("""\
    import keras
    from keras import layers
    inp = keras.Input((16,))
    t = layers.Dense(4)(inp)
    x = layers.Dense(10)
    USE
    """)


@pytest.mark.parametrize("use", [
    "out = layers.Dense(1)(x)",
    "model = keras.Model(inp, x)",
    "model = keras.Model(inputs=inp, outputs=[t, x])",
    "merged = layers.Concatenate()([t, x])",
    "out = layers.Dense(1)(inputs=x)",
])
def test_layer_never_called_is_reported_where_it_is_made(use):
    source = NOT_CALLED.replace("USE", use)
    found = prove(source, "SHP105", "x = layers.Dense(10)", use)
    assert found.data["type"] == "Dense"


def test_layer_called_then_used_as_tensor_is_reported_where_it_is_handed():
    """Once called, the layer line is right: the fix is at the use (the tensor was meant)."""
    source = NOT_CALLED.replace("x = layers.Dense(10)", "x = layers.Dense(10)\ny = x(t)")
    source = source.replace("USE", "model = keras.Model(inp, x)")
    prove(source, "SHP105", "model = keras.Model(inp, x)")


def test_layers_called_on_tensors_are_clean():
    clean(NOT_CALLED.replace("x = layers.Dense(10)", "x = layers.Dense(10)(t)").replace(
        "USE", "model = keras.Model(inputs=inp, outputs=[t, layers.Dense(1)(x)])"))


# -- a built layer called again ---------------------------------------------------------------

REUSE = textwrap.dedent("""\
    import keras
    from keras import layers
    layer = LAYER
    first = layer(keras.Input(FIRST))
    again = layer(keras.Input(SECOND))
    """)


@pytest.mark.parametrize("layer, first, second, code", [
    ("layers.Dense(3)", "(4,)", "(1,)", "SHP101"),
    ("layers.Dense(3)", "(128,)", "(32,)", "SHP101"),
    ("layers.Conv2D(4, 3)", "(8, 8, 3)", "(8, 8, 1)", "SHP106"),
    ("layers.BatchNormalization()", "(1,)", "(5,)", "SHP106"),
])
def test_built_layer_called_on_an_input_its_weights_do_not_fit(layer, first, second, code):
    source = REUSE.replace("LAYER", layer).replace("FIRST", first).replace("SECOND", second)
    prove(source, code, "again = layer(")


@pytest.mark.parametrize("layer, first, second", [
    ("layers.Dense(3)", "(4,)", "(2, 4)"),  # same width, another rank: Keras takes it
    ("layers.LSTM(4)", "(5, 8)", "(5, 1)"),  # no InputSpec on the features: wired fine
    ("layers.LayerNormalization()", "(1,)", "(5,)"),  # gamma of 1 broadcasts
    ("layers.Embedding(10, 3)", "(5,)", "(7,)"),
])
def test_reuse_keras_accepts_is_clean(layer, first, second):
    clean(REUSE.replace("LAYER", layer).replace("FIRST", first).replace("SECOND", second))


# -- model.layers -----------------------------------------------------------------------------

def test_layers_of_a_chain_and_of_a_sequential_index_as_in_keras():
    source = textwrap.dedent("""\
        import keras
        from keras import layers
        inp = keras.Input((6,))
        out = layers.Dense(3)(layers.Dense(5)(inp))
        model = keras.Model(inp, out)
        seq = keras.Sequential([keras.Input((4,)), layers.Dense(7), layers.Dense(2)])
        a = model.layers[-2](keras.Input((6,)))
        b = seq.layers[0](keras.Input((4,)))
        c = seq.layers[1](keras.Input((7,)))
        """)
    namespace: dict = {}
    exec(compile(source, PATH, "exec"), namespace)
    assert len(namespace["model"].layers) == 3 and len(namespace["seq"].layers) == 2
    assert tuple(namespace["a"].shape) == (None, 5) and tuple(namespace["b"].shape) == (None, 7)
    analysis = analyse(source, PATH, whole_file=True)
    values = analysis.module.scope.vars
    assert values["a"].shape.dims[1:] == (5,) and values["b"].shape.dims[1:] == (7,)
    assert tuple(namespace["c"].shape) == (None, 2) and values["c"].shape.dims[1:] == (2,)


def test_numpy_shape_and_append_as_numpy_gives_them():
    source = textwrap.dedent("""\
        import numpy as np
        from keras import Sequential, layers
        X = np.zeros((12, 28, 28, 1))
        s = np.shape(X)
        state = np.append(np.zeros(360), [0.0, 1.5])
        both = np.append(np.zeros((2, 3)), np.ones(4))
        model = Sequential([layers.Dense(2, input_shape=s[1:])])
        """)
    namespace: dict = {}
    exec(compile(source, PATH, "exec"), namespace)
    values = analyse(source, PATH, whole_file=True).module.scope.vars
    assert values["s"] == namespace["s"]
    assert values["state"].dims == namespace["state"].shape
    assert values["both"].dims == namespace["both"].shape
