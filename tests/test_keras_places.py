"""Where a Keras rank fault is placed (rules/keras_places.py, issue 16): on the statement that
set the rank the layer rejects, the rejecting layer kept as data["seen_at_line"]. The fixtures
in fixtures/keras/places are proven by test_runtime.py and test_fixtures.py; these cases check
what a fixture's markers cannot say: a subclass's application lines, and the data provenance
behind `input_shape=x.shape[1:]`."""
from __future__ import annotations

import os
import runpy
import textwrap

import pytest

from shapelint.frameworks.arrays import ArrayShape
from shapelint.frameworks.keras_edges import one_hot_planned
from shapelint.pipeline.analysis import analyse

SUBCLASS = textwrap.dedent('''\
    import keras
    from keras import layers


    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.conv1 = layers.Conv2D(8, 3)
            self.flat = layers.Flatten()
            self.conv2 = layers.Conv2D(8, 3)

        def call(self, x):
            x = self.conv1(x)
            x = self.flat(x)
            return self.conv2(x)


    model = Net()
    model(keras.Input((28, 28, 1)))
    ''')


def _findings(source, path):
    return [d for d in analyse(source, str(path)).diagnostics() if d.code.code == "SHP103"]


def test_misplaced_flatten_in_call_is_reported_where_it_is_applied(tmp_path):
    """The Flatten built in __init__ (line 9) is applied in call() (line 14) before conv2
    (line 15): the application is what moves, so the finding sits on line 14."""
    path = tmp_path / "net.py"
    path.write_text(SUBCLASS)
    [found] = _findings(SUBCLASS, path)
    assert (found.line, found.data["seen_at_line"]) == (14, 15)
    assert "(None, 5408)" in found.message  # 26 * 26 * 8 values after Flatten


def test_misplaced_flatten_in_call_fails_in_keras(tmp_path):
    pytest.importorskip("keras")
    os.environ.setdefault("KERAS_BACKEND", "torch")
    path = tmp_path / "net.py"
    path.write_text(SUBCLASS)
    with pytest.raises(ValueError, match="layer 'conv2d(_[0-9]+)?' is incompatible.*found ndim=2"):
        runpy.run_path(str(path))


def test_input_shape_from_data_points_at_the_data_line(tmp_path):
    """input_shape=X.shape[1:] of 2-D rows into an LSTM: the line that built X is the one to
    change; np.asarray and astype on another line write no shape and keep it."""
    source = textwrap.dedent('''\
        import numpy as np
        from keras import Sequential, layers

        X = np.random.rand(40, 12)
        X = np.asarray(X).astype("float32")
        model = Sequential([layers.LSTM(4, input_shape=X.shape[1:]), layers.Dense(1)])
        ''')
    [found] = _findings(source, tmp_path / "rows.py")
    assert (found.line, found.data["seen_at_line"]) == (4, 6)


def test_input_shape_written_on_the_layer_stays_there(tmp_path):
    source = textwrap.dedent('''\
        from keras import Sequential, layers

        model = Sequential([layers.LSTM(4, input_shape=(12,)), layers.Dense(1)])
        ''')
    [found] = _findings(source, tmp_path / "literal.py")
    assert found.line == 3 and "seen_at_line" not in found.data


def test_array_shape_slices_keep_their_place():
    shape = ArrayShape((40, 12, 3), ("a.py", 4, 0))
    assert shape == (40, 12, 3) and shape[1:] == (12, 3)
    assert shape[1:].built_at == ("a.py", 4, 0)
    assert shape[0] == 40 and not hasattr(shape[0], "built_at")
    assert getattr(shape[1:] + (1,), "built_at", None) is None  # a new shape, written here


def test_one_hot_planned_reads_imports_and_calls():
    assert one_hot_planned(["from keras.utils import to_categorical", "y = load()"])
    assert one_hot_planned(["from keras.utils import np_utils"])
    assert not one_hot_planned(["from keras.utils import to_categorical",
                                "y = to_categorical(y, 10)"])
    assert not one_hot_planned(["y = load()  # to_categorical later"])


FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras")


def _fixture_findings(relative, code):
    path = os.path.join(FIXTURES, relative)
    with open(path, encoding="utf-8") as f:
        source = f.read()
    return [d for d in analyse(source, path).diagnostics() if d.code.code == code]


def test_dense_layers_pass_the_input_rank_on_to_the_rnn():
    """A Dense keeps the rank it is given: Input((8,)) -> Dense -> Dense -> GRU is fixed at the
    Input (line 7), not between the Dense and the GRU (line 10)."""
    [found] = _fixture_findings("places/dense_chain_keeps_input_rank_gru.py", "SHP103")
    assert (found.line, found.data["seen_at_line"]) == (7, 10)
    assert "the Dense layers up to line 9 keep the rank they are given" in found.message


def test_reshape_size_is_traced_to_the_valid_convolution():
    """Making the 'valid' Conv2D 'same' (and nothing else) builds the model: the finding sits
    on the Conv2D (line 8), the Reshape (line 10) kept as where it shows."""
    [found] = _fixture_findings("places/valid_conv2d_before_reshape_into_patches.py", "SHP104")
    assert (found.line, found.data["seen_at_line"]) == (8, 10)
    assert "Reshape((64, 8)) at line 10 holds 512 values per sample but receives " \
        "(None, 7, 7, 8), 392 values" in found.message
    assert "padding='same' keeps (None, 32, 32, 8)" in found.message
    assert found.data["same_padding_output"] == (None, 32, 32, 8)


@pytest.mark.parametrize("body", [
    # no convolution upstream: the target itself is what is wrong
    "layers.Dense(60),\n    layers.Reshape((7, 9)),",
    # two valid convolutions, either of which 'same' would fix: not one line to blame
    "layers.Conv1D(4, 3),\n    layers.Conv1D(4, 3),\n    layers.Reshape((18, 4)),",
])
def test_reshape_size_stays_on_the_reshape_without_one_culprit(tmp_path, body):
    source = ("from keras import Sequential, layers\n\nmodel = Sequential([\n"
              "    layers.Input((20, 3)),\n    " + body + "\n])\n")
    path = tmp_path / "r.py"
    [found] = [d for d in analyse(source, str(path)).diagnostics() if d.code.code == "SHP104"]
    reshape_line = next(i for i, t in enumerate(source.splitlines(), 1) if "Reshape" in t)
    assert found.line == reshape_line and "seen_at_line" not in found.data


def test_missing_flatten_goes_after_the_layer_that_made_the_axis():
    """Two Dense layers after a Concatenate of embeddings act per token: the Flatten belongs
    right after the Concatenate (line 13), before the first Dense (line 14)."""
    [found] = _fixture_findings("edges/labels_flatten_after_concatenate.py", "SHP110")
    assert (found.line, found.data["seen_at_line"]) == (13, 22)
    assert "add Flatten() or GlobalAveragePooling1D() after the Concatenate at line 13 " \
        "(before the Dense at line 14)" in found.message
