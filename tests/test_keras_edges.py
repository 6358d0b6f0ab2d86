"""The model-edge fixtures (fixtures/keras/edges) run for real under Keras 3 (torch backend):
a fixture marked with an SHP1xx code raises at the marked line (fit with the wrong data, labels
or loss), its fixed twin runs; SHP204 / SHP205 fixtures run but compute a constant or the wrong
quantity, which the tests show. test_fixtures.py checks the same markers statically.

Downloading is not possible here: keras.datasets.*.load_data() is replaced by arrays of the
documented per-sample shapes and dtypes (our table, itself checked against the keras sources in
test_arrays.py) with few samples, labels cycling through every class."""
from __future__ import annotations

import os
import pathlib
import runpy

import pytest

from conftest import keras_as_tensorflow
from markers import read_markers
from shapelint.pipeline.analysis import analyse
from shapelint.frameworks.datasets import DATASETS
from totals_truth import assert_layers_keras_holds, assert_printed_totals, counts

np = pytest.importorskip("numpy")
ROOT = pathlib.Path(__file__).resolve().parent.parent
EDGES = sorted((ROOT / "fixtures" / "keras" / "edges").glob("*.py"))
RUNTIME_ERRORS = (ValueError, RuntimeError, IndexError)
SAMPLES = 64


def fake_load_data(name):
    _, x_dims, x_dtype, y_dims, y_dtype, classes = DATASETS[name]

    def load_data(*args, **kwargs):
        def part(n):
            x = np.zeros((n,) + x_dims, dtype=x_dtype or "float32")
            y = (np.arange(n) % (classes or 2)).reshape((n,) + y_dims).astype(
                y_dtype or "int64")
            return x, y
        return part(SAMPLES), part(SAMPLES // 4)
    return load_data


@pytest.fixture
def keras_env(monkeypatch):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    for name in DATASETS:
        if name in ("imdb", "reuters"):
            continue
        monkeypatch.setattr(getattr(keras.datasets, name), "load_data", fake_load_data(name))
    with keras_as_tensorflow():
        yield keras


def run_fixture(path):
    return runpy.run_path(str(path), run_name="fixture")


def raising_line(error, path) -> int | None:
    """The last line of the fixture file on the exception's traceback."""
    found, tb = None, error.__traceback__
    while tb is not None:
        if os.path.abspath(tb.tb_frame.f_code.co_filename) == os.path.abspath(path):
            found = tb.tb_lineno
        tb = tb.tb_next
    return found


def _codes(path):
    return {(line, code) for line, m in read_markers(path).items() for code in m.codes}


@pytest.mark.parametrize("path", EDGES, ids=lambda p: p.name)
def test_edge_fixture_runs_or_raises_where_marked(path, keras_env):
    errors = sorted(line for line, code in _codes(path) if code.startswith("SHP1"))
    if errors:
        # a finding placed on its fix line raises at the call its `# seen:` marker names
        seen = sorted(line for line, m in read_markers(path).items()
                      if any(c.startswith("SHP1") for c in m.seen))
        with pytest.raises(RUNTIME_ERRORS) as raised:
            run_fixture(path)
        assert raising_line(raised.value, path) in {errors[0]} | set(seen[:1])
    else:
        namespace = run_fixture(path)
        assert isinstance(namespace.get("model"), keras_env.Model)
        # on this run, not a second one (test_totals.py leaves these fixtures to this file)
        assert_printed_totals(path, counts(namespace))
        assert_layers_keras_holds(path, namespace)


def test_every_buggy_edge_fixture_has_a_clean_twin():
    buggy = [p for p in EDGES if not p.stem.endswith("_fixed")]
    for path in buggy:
        twin = path.with_name(path.stem + "_fixed.py")
        assert twin.exists(), twin
        assert _codes(path) and not {c for _, c in _codes(twin) if not c.startswith("SHP3")}
        found = [d for d in analyse(twin.read_text(), str(twin)).diagnostics()
                 if d.code.default]
        assert found == [], found


def _named(stem):
    return ROOT / "fixtures" / "keras" / "edges" / f"{stem}.py"


@pytest.mark.parametrize("stem", ["softmax_over_one_unit", "softmax_layer_after_one_unit"])
def test_softmax_over_one_unit_is_constant(stem, keras_env):
    model = run_fixture(_named(stem))["model"]
    x = np.random.default_rng(0).normal(size=(16,) + tuple(model.input_shape[1:]))
    assert np.all(model.predict(x, verbose=0) == 1.0)
    fixed = run_fixture(_named(stem + "_fixed"))["model"]
    assert not np.all(fixed.predict(x, verbose=0) == 1.0)


def test_categorical_loss_on_one_unit_is_always_zero(keras_env):
    namespace = run_fixture(_named("loss_categorical_on_one_unit"))
    model, x, y = namespace["model"], namespace["x"], namespace["y"]
    loss = model.evaluate(x, y, verbose=0)
    assert loss < 1e-6  # the single output is normalised to 1: nothing to learn (0 + epsilon)
    fixed = run_fixture(_named("loss_categorical_on_one_unit_fixed"))["model"]
    assert fixed.evaluate(x, y, verbose=0) > 0.0


def test_binary_loss_on_softmax_is_not_the_categorical_loss(keras_env):
    """It runs; what it minimises is the mean of per-class yes/no losses, not the
    cross-entropy of the 5-class distribution."""
    keras = keras_env
    namespace = run_fixture(_named("loss_binary_on_multiclass_softmax"))
    model, x, y = namespace["model"], namespace["x"], namespace["y"]
    p = model.predict(x, verbose=0)
    binary = float(keras.ops.mean(keras.losses.binary_crossentropy(y, p)))
    categorical = float(keras.ops.mean(keras.losses.categorical_crossentropy(y, p)))
    assert model.evaluate(x, y, verbose=0)[0] == pytest.approx(binary, rel=1e-5)
    assert abs(binary - categorical) > 0.1


def test_one_target_per_step_is_broadcast_over_a_wide_head(keras_env):
    """It runs: Keras 3's MAE compares (N, 40, 1) targets with (N, 40, 4) outputs by
    broadcasting, so the loss is that of every output against the one target."""
    namespace = run_fixture(_named("labels_one_value_per_step_wide_head"))
    model, x, y = namespace["model"], namespace["windows"], namespace["readings"]
    p = model.predict(x, verbose=0)
    assert p.shape == (96, 40, 4) and y.shape == (96, 40, 1)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(float(np.abs(y - p).mean()),
                                                            rel=1e-4)


def test_data_rank_off_by_a_trailing_one_is_accepted(keras_env):
    """Keras 3 adds or drops a trailing axis of size 1 (Functional._adjust_input_rank): no
    SHP109 there, and Keras indeed runs it."""
    keras = keras_env
    source = ("import numpy as np\nimport keras\nfrom keras import layers\n"
              "model = keras.Sequential([keras.Input((6, 6, 1)), layers.Conv2D(2, 3),"
              " layers.Flatten(), layers.Dense(2, activation='softmax')])\n"
              "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
              "x = np.zeros((8, 6, 6))\ny = np.zeros((8,), dtype='int64')\n"
              "model.fit(x, y, epochs=1, verbose=0)\n")
    assert analyse(source, "ok.py").diagnostics() == []
    namespace = {}
    exec(source, namespace)
    assert isinstance(namespace["model"], keras.Model)


def _whole_table(layer: str) -> str:
    """Rows of 9 features, 40 of them, fit to a model whose input_shape is the whole table."""
    return ("import numpy as np\nimport keras\nfrom keras import layers\n"
            "x = np.zeros((40, 9), dtype='float32')\n"
            "y = np.zeros((40,), dtype='int64')\n"
            f"model = keras.Sequential([{layer.format(shape='(40, 9)')},"
            " layers.Dense(3, activation='softmax')])\n"
            "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
            "model.fit(x, y, epochs=1, verbose=0)\n")


@pytest.mark.parametrize("layer, advice", [
    ("layers.Dense(4, input_shape={shape})", True),
    ("layers.LSTM(4, input_shape={shape})", False),
])
def test_input_shape_of_one_sample_is_advised_only_where_the_model_takes_it(layer, advice,
                                                                            keras_env):
    """input_shape=(rows, features), the whole table: input_shape=X.shape[1:] is the advice
    where the model takes samples of that shape (a Dense does; Keras fits it), and not for an
    LSTM, which takes (steps, features) samples and rejects rows of 9 features (Keras raises).
    The data's whole shape as input_shape is SHP108, on that line."""
    source = _whole_table(layer)
    [d] = analyse(source, "table.py").diagnostics()
    assert d.code.code == "SHP108" and d.line == 6
    assert ("use input_shape=X.shape[1:] = (9,)" in d.message) is advice
    assert ("is not what its layers take either" in d.message) is not advice
    with pytest.raises(ValueError):
        exec(source, {})
    advised = source.replace("input_shape=(40, 9)", "input_shape=(9,)")
    if advice:
        exec(advised, {})
    else:
        with pytest.raises(ValueError):
            exec(advised, {})


def test_one_image_without_its_batch_axis_is_advised_the_batch_axis(keras_env):
    """One (12, 20, 3) image given to predict() of a model for (None, None, None, 3) images
    (qubvel/segmentation_models#499's shapes, smaller): the advice is the batch axis, which
    Keras runs; input_shape=X.shape[1:] = (20, 3) is not advised, as the Conv2D then gets rank-3
    input and Keras raises."""
    source = ("import numpy as np\nimport keras\nfrom keras import layers\n"
              "inputs = keras.Input(shape=(None, None, 3))\n"
              "model = keras.Model(inputs, layers.Conv2D(2, 3, padding='same')(inputs))\n"
              "image = np.zeros((12, 20, 3), dtype='float32')\n"
              "model.predict(image, verbose=0)\n")
    [d] = analyse(source, "one_image.py").diagnostics()
    assert d.code.code == "SHP109" and d.line == 4
    assert "np.expand_dims(X, 0)" in d.message and "input_shape=X.shape[1:]" not in d.message
    with pytest.raises(ValueError):
        exec(source, {})
    exec(source.replace("predict(image,", "predict(np.expand_dims(image, 0),"), {})
    with pytest.raises(ValueError):
        exec(source.replace("shape=(None, None, 3)", "shape=(20, 3)"), {})


def test_binary_crossentropy_on_one_label_per_sample_against_two_units(keras_env):
    """binary_crossentropy wants labels of the output's shape: (N,) class ids against a
    Dense(2) output raise in Keras (EEG-Inception#2's shapes, smaller). SHP110 on the Dense,
    whose fix, Dense(1, sigmoid), Keras runs, as it runs the labels one-hot encoded."""
    source = ("import numpy as np\nimport keras\nfrom keras import layers\n"
              "x = np.zeros((16, 5), dtype='float32')\n"
              "y = np.random.randint(0, 2, 16)\n"
              "model = keras.Sequential([keras.Input((5,)), layers.Dense(2, "
              "activation='softmax')])\n"
              "model.compile(optimizer='adam', loss='binary_crossentropy')\n"
              "model.fit(x, y, epochs=1, verbose=0)\n")
    [d] = analyse(source, "binary_ids.py").diagnostics()
    assert d.code.code == "SHP110" and d.line == 6 and "Dense(1, activation='sigmoid')" in d.message
    with pytest.raises(ValueError):
        exec(source, {})
    for fixed in (source.replace("Dense(2, activation='softmax')",
                                 "Dense(1, activation='sigmoid')"),
                  source.replace("fit(x, y,", "fit(x, keras.utils.to_categorical(y, 2),")):
        assert analyse(fixed, "binary_ids_fixed.py").diagnostics() == []
        exec(fixed, {})


QUIET = [
    # labels or loss not certain: nothing is said
    "y = load_labels()\nmodel.fit(x, y)",
    "model.compile(optimizer='adam', loss=my_loss)\nmodel.fit(x, np.zeros((8,)))",
    "if flag:\n    model.compile(optimizer='adam', loss='mse')\nmodel.fit(x, np.zeros((8, 7)))",
    "model.fit(dataset, epochs=3)",
    "model.fit(np.zeros((8, n)), np.zeros((8,)))",
    # correct programs
    "model.fit(x, np.random.randint(0, 3, size=(8,)))",
    "model.fit(x, np.random.randint(0, 3, size=(8, 1)), validation_split=0.2)",
    "model.predict(x)",
    "model.evaluate(x, np.zeros((8,), dtype='int64'))",
]


@pytest.mark.parametrize("tail", QUIET)
def test_uncertain_or_correct_edges_say_nothing(tail):
    source = ("import numpy as np\nimport keras\nfrom keras import layers\n"
              "n = int(input())\nflag = n > 3\n"
              "model = keras.Sequential([keras.Input((4,)), layers.Dense(3, "
              "activation='softmax')])\n"
              "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
              "x = np.zeros((8, 4))\n" + tail + "\n")
    assert analyse(source, "quiet.py").diagnostics() == []


# -- variations: each source is checked statically and run for real ---------------------------

MODEL = ("import numpy as np\nimport keras\nfrom keras import layers\n"
         "model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation='softmax')])\n")
FUNCTIONAL = ("import numpy as np\nimport keras\nfrom keras import layers\n"
              "inp = keras.Input((4,))\n"
              "model = keras.Model(inp, layers.Dense(3, activation='softmax')(inp))\n")
SUBCLASS = ("import numpy as np\nimport keras\nfrom keras import layers\n"
            "class Net(keras.Model):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.out = layers.Dense(3, activation='softmax')\n"
            "    def call(self, x):\n"
            "        return self.out(x)\n"
            "model = Net()\n")
# declared inputs [a, b]; the graph meets b first (topological order differs from declared)
TWO_INPUTS = ("import numpy as np\nimport keras\nfrom keras import layers\n"
              "a = keras.Input((8,), name='a')\nb = keras.Input((4,), name='b')\n"
              "h = layers.Concatenate()([layers.Dense(3)(b), a])\n"
              "model = keras.Model([a, b], layers.Dense(3, activation='softmax')(h))\n")
IDS = "np.random.randint(0, 3, size=(12,))"
ONEHOT = f"keras.utils.to_categorical({IDS}, 3)"
VARIATIONS = [
    (MODEL, "'sparse_categorical_crossentropy'", f"model.fit(np.zeros((12, 4)), {ONEHOT})",
     "SHP111"),
    (MODEL, "keras.losses.sparse_categorical_crossentropy",
     f"model.train_on_batch(np.zeros((12, 4)), {ONEHOT})", "SHP111"),
    (MODEL, "keras.losses.SparseCategoricalCrossentropy(from_logits=False)",
     f"model.evaluate(x=np.zeros((12, 4)), y={ONEHOT})", "SHP111"),
    (MODEL, "keras.losses.CategoricalCrossentropy()",
     f"model.test_on_batch(np.zeros((12, 4)), {IDS})", "SHP111"),
    (MODEL, "'categorical_crossentropy'", f"model.fit(np.zeros((12, 4)), {ONEHOT})", None),
    (MODEL, "'mse'", "model.fit(np.zeros((12, 4)), np.zeros((12, 5)))", "SHP110"),
    (MODEL, "'MAE'", "model.fit(np.zeros((12, 4)), np.zeros((12, 3)))", None),
    (MODEL, "'bce'", "model.fit(np.zeros((12, 4)), np.zeros((12, 2)))", ("SHP110", "SHP205")),
    (MODEL, "'mse'", "model.predict(np.zeros((12, 5)))", "SHP109"),
    (MODEL, "'mse'", "model.predict_on_batch(np.zeros((12, 4, 1)))", None),
    (MODEL, "'mse'", "model.predict(np.zeros((12, 2, 4)))", "SHP109"),
    (MODEL, "'categorical_crossentropy'",
     f"model.fit(np.zeros((12, 4)), {ONEHOT}, validation_data=(np.zeros((3, 6)), "
     "np.zeros((3, 3))))", "SHP109"),
    (MODEL, "'sparse_categorical_crossentropy'", "model.fit(np.zeros((12, 4)), "
     "np.random.randint(0, 3, size=(10,)))", "SHP110"),
    (MODEL, "'sparse_categorical_crossentropy'", "model.evaluate(np.zeros((12, 4)), "
     "np.random.randint(0, 3, size=(12,)))", None),
    (FUNCTIONAL, "'sparse_categorical_crossentropy'", f"model.fit(np.zeros((12, 4)), {ONEHOT})",
     "SHP111"),
    (FUNCTIONAL, "'sparse_categorical_crossentropy'", "model.fit(np.zeros((12, 7)), "
     f"{IDS})", "SHP109"),
    (FUNCTIONAL, "'sparse_categorical_crossentropy'", f"model.fit(np.zeros((12, 4)), {IDS})",
     None),
    (TWO_INPUTS, "'sparse_categorical_crossentropy'",
     f"model.fit([np.zeros((12, 8)), np.zeros((12, 4))], {IDS})", None),
    (TWO_INPUTS, "'sparse_categorical_crossentropy'",
     f"model.fit({{'b': np.zeros((12, 4)), 'a': np.zeros((12, 8))}}, {IDS})", None),
    (TWO_INPUTS, "'sparse_categorical_crossentropy'",
     f"model.fit([np.zeros((12, 4)), np.zeros((12, 8))], {IDS})", "SHP109"),
    (TWO_INPUTS, "'sparse_categorical_crossentropy'",
     f"model.fit([np.zeros((12, 8)), np.zeros((12, 4))], {ONEHOT})", "SHP111"),
    (SUBCLASS, "'sparse_categorical_crossentropy'", f"model.fit(np.zeros((12, 4)), {ONEHOT})",
     "SHP111"),
    (SUBCLASS, "'sparse_categorical_crossentropy'", f"model.fit(np.zeros((12, 9)), {IDS})",
     None),
]


@pytest.mark.parametrize("model, loss, call, code", VARIATIONS)
def test_variations_static_and_real(model, loss, call, code, keras_env, tmp_path):
    source = (model + f"model.compile(optimizer='adam', loss={loss})\n" + call + "\n")
    codes = set(code) if isinstance(code, tuple) else {code} if code else set()
    found = {d.code.code for d in analyse(source, "v.py").diagnostics() if d.code.default}
    assert found == codes
    path = tmp_path / "v.py"
    path.write_text(source)
    if any(c.startswith("SHP1") for c in codes):
        with pytest.raises(RUNTIME_ERRORS):
            run_fixture(path)
    else:
        run_fixture(path)


def test_scalar_samples_are_placed_on_the_first_dense():
    """One value per sample into a model without an input shape: SHP103 on the first Dense
    (input_shape=(1,) there), seen at fit, the data line named (rules/keras_places.py)."""
    path = _named("data_scalar_samples_into_unbuilt_model")
    [d] = [d for d in analyse(path.read_text(), str(path)).diagnostics() if d.code.default]
    assert (d.code.code, d.line, d.data["seen_at_line"], d.data["data_at_line"]) == \
        ("SHP103", 12, 17, 8)
    assert "input_shape=(1,)" in d.message and "X[:, None]" in d.message


def test_scalar_samples_into_a_first_lstm_stay_at_the_call():
    """input_shape=(1,) would not fix an LSTM (it needs steps and features): the data's
    finding stays at the call, as before."""
    source = ("import numpy as np\nimport keras\nfrom keras import layers\n"
              "x = np.random.rand(64).astype('float32')\n"
              "model = keras.Sequential([layers.LSTM(4), layers.Dense(1)])\n"
              "model.compile(optimizer='adam', loss='mse')\n"
              "model.fit(x, x, epochs=1)\n")
    assert [(d.code.code, d.line) for d in analyse(source, "lstm.py").diagnostics()
            if d.code.default] == [("SHP109", 7)]
