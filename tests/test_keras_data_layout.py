"""Issue 16: images whose channel axis is not where the model's own image layers read it are
reported where the data is made (rules/keras_data_layout.py): the model's input is written in
its layers' layout, so declaring the data's layout there breaks the model instead. The pair
fixtures/fix_origins/keras/tiles_saved_channels_first_for_conv2d.py is run by Keras in
test_fix_pairs.py; here the messages, a channels-first model given images without their
channel axis (proven with Keras), and the layouts that stay on the model's side."""
from __future__ import annotations

import pathlib

import pytest

from fix_pairs import findings

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAIR = ROOT / "fixtures" / "fix_origins" / "keras" / "tiles_saved_channels_first_for_conv2d.py"
SOURCE = PAIR.read_text(encoding="utf-8")

SCANS = '''import numpy as np
from keras import layers
from keras.models import Sequential

CF = "channels_first"
scans = np.random.rand(12, 40, 40).astype("float32")
grades = np.random.randint(0, 3, size=(12,))

model = Sequential([
    layers.Input(shape=(1, 40, 40)),
    layers.Conv2D(8, 3, activation="relu", data_format=CF),
    layers.MaxPooling2D(2, data_format=CF),
    layers.Flatten(),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(scans, grades, epochs=1, batch_size=4)
'''


def test_channels_first_tiles_on_the_data_line():
    [d] = findings(PAIR)
    assert (int(d.line), d.data["seen_at_line"], d.data["model_at_line"]) == (7, 19, 11)
    assert "is (16, 3, 32, 32), images channels first" in d.message
    assert "np.moveaxis(x, 1, -1) (x.transpose(0, 2, 3, 1))" in d.message
    assert "input_shape=(3, 32, 32) would have the convolutions read the 3 channels" in d.message


def test_the_model_side_written_channels_first_fails_in_keras():
    """What the message declines to advise: the tiles' layout as the input shape, under the
    model's channels-last convolutions, does not build."""
    pytest.importorskip("keras")
    from keras import layers
    x = layers.Input(shape=(3, 32, 32))
    with pytest.raises(ValueError):
        layers.Conv2D(32, 5)(layers.MaxPooling2D(2)(layers.Conv2D(16, 5)(x)))


def test_channels_first_model_given_images_without_their_axis():
    [d] = findings(SCANS, "scans.py")
    assert (int(d.line), d.data["seen_at_line"], d.data["model_at_line"]) == (6, 17, 10)
    assert "x[:, None] (np.expand_dims(x, 1))" in d.message


def test_keras_refuses_the_scans_and_takes_them_with_their_axis(tmp_path):
    pytest.importorskip("keras")
    from case_runtime import run_case
    bad, good = tmp_path / "scans.py", tmp_path / "scans_fixed.py"
    bad.write_text(SCANS)
    good.write_text(SCANS.replace('astype("float32")\n', 'astype("float32")[:, None]\n', 1))
    run = run_case(bad)
    assert isinstance(run.error, ValueError) and run.error_line == 17, repr(run.error)
    assert run_case(good).error is None


def test_a_model_whose_layers_read_channels_first_keeps_channels_last_data_on_its_side():
    """Channels-last tiles for a model written channels first: the model says what it reads,
    the data is a layout too; either side may be meant, the finding stays on the model."""
    source = SOURCE.replace("(16, 3, 32, 32)", "(16, 32, 32, 3)").replace(
        "shape=(32, 32, 3)", "shape=(3, 32, 32)").replace(
        'activation="relu")', 'activation="relu", data_format="channels_first")').replace(
        "MaxPooling2D(2)", 'MaxPooling2D(2, data_format="channels_first")').replace(
        "GlobalAveragePooling2D()", 'GlobalAveragePooling2D(data_format="channels_first")')
    reported = findings(source)
    assert reported and all("model_at_line" not in d.data for d in reported)
