"""Labels against Keras heads that kept a time axis, and one-column broadcasts (rules/keras_heads
.py), judged against Keras 3 itself: each small program is analysed and then run (torch backend).
Where Keras raises, shapelint must say SHP110; where the loss silently compares shapes that
differ, SHP206; where Keras runs and compares equal shapes, nothing. Where the outcome depends
on the batch size (an MSE broadcast the batch axis takes part in), shapelint stays silent."""
from __future__ import annotations

import itertools
import pathlib

import pytest

from case_runtime import recorded_keras_losses
from shapelint.pipeline.analysis import analyse

PROGRAM = """import numpy as np
import keras
from keras import layers
X = np.random.rand(16, 10, 4).astype("float32")
y = np.random.randint(0, {classes}, size={y_shape}).astype("float32")
model = keras.Sequential([keras.Input((10, 4)), {body}, layers.Dense({units})])
model.compile(loss={loss!r}, optimizer="adam")
model.fit(X, y, epochs=1, verbose=0, batch_size=8)
"""
BODIES = {  # the layers before the head, and the time axis they leave (None: no time axis)
    "lstm_sequences": ("layers.LSTM(6, return_sequences=True)", 10),
    "conv_pool": ("layers.Conv1D(5, 3), layers.MaxPooling1D(2)", 4),
    "lstm_last": ("layers.LSTM(6)", None),
}
SHAPE_CODES = {"SHP110", "SHP111", "SHP206"}
LOSSES = ("binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
          "mse", "mae")


def _label_shapes(steps, units):
    shapes = [(16,), (16, 1), (16, units)]
    if steps:
        shapes += [(16, steps), (16, steps, units), (16, steps, 1)]
    else:  # one label row per input step against a model that kept only the last step
        shapes += [(16, 10, units), (16, 10, 1)]
    return sorted(set(shapes))


CASES = [(body, loss, units, y_shape)
         for body, loss, units in itertools.product(BODIES, LOSSES, (1, 3))
         for y_shape in _label_shapes(BODIES[body][1], units)]


def _runtime(source):
    """'raises', 'broadcasts' (ran, the loss compared shapes that differ) or 'ok'."""
    import keras
    calls = []
    keras.utils.set_random_seed(0)
    with recorded_keras_losses(keras, pathlib.Path("<program>"), calls):
        try:
            exec(compile(source, "<program>", "exec"), {"__name__": "__program__"})
        except (ValueError, RuntimeError, TypeError, IndexError):
            return "raises"
    differ = any(tuple(c.input.shape) != tuple(c.target.shape) for c in calls)
    return "broadcasts" if differ else "ok"


def _found(source):
    return {d.code.code for d in analyse(source, "<program>").diagnostics()
            if d.code.code.startswith(("SHP1", "SHP2"))}


@pytest.mark.parametrize("body,loss,units,y_shape", CASES,
                         ids=[f"{b}-{lo}-{u}-{'x'.join(map(str, y))}" for b, lo, u, y in CASES])
def test_verdict_matches_keras(body, loss, units, y_shape):
    source = PROGRAM.format(classes=max(units, 2), y_shape=y_shape, body=BODIES[body][0],
                            units=units, loss=loss)
    found, outcome = _found(source), _runtime(source)
    if outcome == "ok":  # (SHP205, a categorical loss on one unit, is about meaning: allowed)
        assert not found & SHAPE_CODES, f"{found} on a program Keras runs with equal shapes"
    if "SHP110" in found:
        assert outcome == "raises"
    if "SHP206" in found:
        assert outcome == "broadcasts"
    # what the rules promise to find: every certain raise and broadcast of a kept time axis
    # with per-sample labels, and the one-column broadcast at rank 2
    steps = BODIES[body][1]
    per_sample = len(y_shape) <= 2 and not (len(y_shape) == 2 and y_shape[1] == steps)
    if steps and per_sample and loss not in ("mse", "mae") and \
            not (loss.startswith("sparse") and units == 1):  # one class: SHP205's business
        assert "SHP110" in found and outcome == "raises"
    if steps and per_sample and loss in ("mse", "mae") and units == 1:
        assert "SHP206" in found and outcome == "broadcasts"
    if not steps and loss in ("mse", "mae") and {y_shape[-1], units} == {1, 3} and \
            len(y_shape) == 2:
        assert "SHP206" in found and outcome == "broadcasts"
    # one target per step against a head of 3 units per step: broadcast whatever the batch
    if steps and y_shape == (16, steps, 1) and units == 3 and loss in ("mse", "mae"):
        assert "SHP206" in found and outcome == "broadcasts"
    # per-step labels (N, 10, units) against the last step only, under a cross-entropy that
    # needs the output's shape (last_step_head)
    if not steps and y_shape == (16, 10, units) and units > 1 and \
            loss in ("binary_crossentropy", "categorical_crossentropy"):
        assert "SHP110" in found and outcome == "raises"


def test_message_places_the_fix_on_the_lstm():
    source = PROGRAM.format(classes=2, y_shape=(16, 1), units=1, loss="binary_crossentropy",
                            body=BODIES["lstm_sequences"][0])
    [finding] = [d for d in analyse(source, "<program>").diagnostics()
                 if d.code.code == "SHP110"]
    assert finding.line == 6 and finding.data["seen_at_line"] == 8
    assert "(None, 10, 1)" in finding.message and "return_sequences=False" in finding.message


def test_per_step_labels_for_the_last_step_name_the_recurrent_layer():
    source = PROGRAM.format(classes=3, y_shape=(16, 10, 3), units=3,
                            loss="categorical_crossentropy", body=BODIES["lstm_last"][0])
    [finding] = [d for d in analyse(source, "<program>").diagnostics()
                 if d.code.code == "SHP110"]
    assert finding.line == 6 and finding.data["seen_at_line"] == 8
    assert finding.data["steps"] == 10
    assert "set return_sequences=True on the LSTM at line 6" in finding.message
    assert "(None, 10, 3)" in finding.message


def test_one_column_per_step_broadcast_names_both_shapes():
    source = PROGRAM.format(classes=2, y_shape=(16, 10, 1), units=3, loss="mse",
                            body=BODIES["lstm_sequences"][0])
    [finding] = [d for d in analyse(source, "<program>").diagnostics()
                 if d.code.code == "SHP206"]
    assert finding.line == 6 and finding.data["seen_at_line"] == 8
    assert "one target column at each step over the 3 outputs" in finding.message
    assert "(None, 10, 1) against (None, 10, 3)" in finding.message


def test_one_column_broadcast_names_both_shapes():
    source = PROGRAM.format(classes=2, y_shape=(16, 1), units=3, loss="mse",
                            body=BODIES["lstm_last"][0])
    [finding] = [d for d in analyse(source, "<program>").diagnostics()
                 if d.code.code == "SHP206"]
    assert finding.line == 6 and finding.data["seen_at_line"] == 8
    assert "(None, 1) against (None, 3)" in finding.message
