"""`summary` of a Keras Sequential written without an input shape: Keras 3 builds it at its
first fit / evaluate / predict from the data's shape, and the table counts that model
(frameworks/keras_built_by_data.py). Each count is compared with what Keras builds from the
same script; a first use that does not build it from an array leaves the count unknown."""
from __future__ import annotations

import json

import pytest

from shapelint.adapters.cli import main

SCRIPT = """import numpy as np
import keras
from keras import layers

x = np.zeros(DATA, dtype=DTYPE)
y = np.zeros((4, 1))
model = keras.Sequential([LAYERS])
model.compile(optimizer="adam", loss="mse")
model.METHOD(x, CALLED)
"""

CASES = [  # layers, the data's shape and dtype, the first data method
    ("layers.Dense(16, activation='relu'), layers.Dense(1)", (4, 100), "float32", "fit"),
    ("layers.Flatten(), layers.Dense(8), layers.Dense(1)", (4, 28, 28), "float32", "fit"),
    ("layers.Conv1D(8, 3), layers.GlobalMaxPooling1D(), layers.Dense(1)", (4, 20, 5),
     "float32", "fit"),
    ("layers.LSTM(6), layers.Dense(1)", (4, 7, 3), "float32", "predict"),
    ("layers.Embedding(50, 8), layers.GlobalAveragePooling1D(), layers.Dense(1)", (4, 12),
     "int32", "evaluate"),
]


def _script(stack, data, dtype, method):
    called = "y, epochs=1, verbose=0" if method == "fit" else \
        "y, verbose=0" if method == "evaluate" else "verbose=0"
    return SCRIPT.replace("LAYERS", stack).replace("DATA", repr(data)).replace(
        "DTYPE", repr(dtype)).replace("METHOD", method).replace("CALLED", called)


def _summary_total(tmp_path, capsys, text):
    path = tmp_path / "script.py"
    path.write_text(text)
    code = main(["summary", "--format", "json", str(path)])
    [model] = json.loads(capsys.readouterr().out)["models"]
    assert code == 0
    return model


@pytest.mark.parametrize("stack, data, dtype, method", CASES)
def test_a_sequential_built_by_its_first_data_counts_what_keras_builds(
        tmp_path, capsys, stack, data, dtype, method):
    keras = pytest.importorskip("keras")
    text = _script(stack, data, dtype, method)
    namespace = {}
    exec(text, namespace)  # noqa: S102 - our own script, four samples
    assert isinstance(namespace["model"], keras.Sequential)
    model = _summary_total(tmp_path, capsys, text)
    assert model["total_params"] == namespace["model"].count_params()
    assert model["input_shape"] == [None, *data[1:]]


def test_a_model_first_given_other_data_stays_unknown(tmp_path, capsys):
    """A list of arrays, or data of one axis: Keras's build is not read from them."""
    stack = "layers.Dense(16), layers.Dense(1)"
    text = _script(stack, (4, 100), "float32", "fit").replace("model.fit(x,", "model.fit([x],")
    assert _summary_total(tmp_path, capsys, text)["total_params"] is None
    text = _script(stack, (4,), "float32", "fit")
    assert _summary_total(tmp_path, capsys, text)["total_params"] is None
