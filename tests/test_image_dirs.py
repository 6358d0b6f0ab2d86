"""Image folders as label sources (frameworks/image_dirs.py): the batches flow_from_directory and
image_dataset_from_directory yield, and the label findings they lead to.

The shapes were read from keras/src/legacy/preprocessing/image.py and keras/src/utils/
image_dataset_utils.py and checked by running flow_from_directory on a folder of 3 classes (Keras
3, torch backend, with pillow): default (4, 256, 256, 3) float32 images and (4, 3) labels;
class_mode "binary" and "sparse" (4,) float32 ids (0, 1, 2 with three folders); "input" the
images; None images only; color_mode "grayscale", target_size (32, 48) gives (4, 32, 48, 1);
classes=["a", "b"] gives (4, 2) labels; class_mode "binary" into Dense(3, softmax) with
categorical_crossentropy raises ValueError ("target and output must have the same shape").
test_flow_from_directory_matches_keras repeats that check where pillow is installed.
image_dataset_from_directory needs TensorFlow to run, which this project never installs: its
shapes are those its docstring and labels_to_dataset state."""
from __future__ import annotations

import pytest

from shapelint.pipeline.analysis import analyse

FLOW = """from tensorflow.keras.preprocessing.image import ImageDataGenerator
from keras import Sequential, layers
gen = ImageDataGenerator(rescale=1. / 255).flow_from_directory(
    "data/train", target_size=(16, 16), batch_size=4, {args})
model = Sequential([layers.Input((16, 16, 3)), layers.Flatten(),
                    layers.Dense({units}, activation="softmax")])
model.compile(loss={loss!r}, optimizer="adam")
model.fit(gen, epochs=1)
"""
DATASET = """import keras
from keras import Sequential, layers
ds = keras.utils.image_dataset_from_directory("flowers", image_size=(16, 16), {args})
model = Sequential([layers.Input((16, 16, 3)), layers.Flatten(), layers.Dense({units})])
model.compile(loss={loss!r}, optimizer="adam")
model.fit(ds, epochs=1)
"""


def _codes(source):
    return sorted(d.code.code for d in analyse(source, "<program>").diagnostics()
                  if d.code.code.startswith(("SHP1", "SHP2")))


@pytest.mark.parametrize("template,args,units,loss,expected", [
    (FLOW, 'class_mode="binary"', 3, "categorical_crossentropy", ["SHP111"]),
    (FLOW, 'class_mode="sparse"', 3, "categorical_crossentropy", ["SHP111"]),
    (FLOW, 'class_mode="sparse"', 3, "sparse_categorical_crossentropy", []),
    (FLOW, 'class_mode="categorical"', 3, "categorical_crossentropy", []),  # folders unknown
    (FLOW, 'class_mode="categorical"', 3, "sparse_categorical_crossentropy", []),
    (FLOW, 'classes=["a", "b"]', 3, "categorical_crossentropy", ["SHP110"]),
    (FLOW, 'classes=["a", "b", "c"]', 3, "categorical_crossentropy", []),
    (FLOW, 'classes=["a", "b", "c"]', 3, "sparse_categorical_crossentropy", ["SHP111"]),
    (DATASET, 'batch_size=8', 5, "categorical_crossentropy", ["SHP111"]),  # label_mode="int"
    (DATASET, 'batch_size=8', 5, "sparse_categorical_crossentropy", []),
    (DATASET, 'label_mode="categorical"', 5, "categorical_crossentropy", []),
    (DATASET, 'label_mode="categorical", class_names=list("abc")', 5,
     "categorical_crossentropy", ["SHP110"]),
    (DATASET, 'label_mode="binary"', 3, "categorical_crossentropy", ["SHP111"]),
    (DATASET, 'label_mode="binary"', 1, "binary_crossentropy", []),
    (DATASET, 'batch_size=None', 5, "categorical_crossentropy", []),  # single images
])
def test_label_findings(template, args, units, loss, expected):
    assert _codes(template.format(args=args, units=units, loss=loss)) == expected


def test_binary_mode_message_names_the_source_and_its_fix():
    source = FLOW.format(args='class_mode="binary"', units=3, loss="categorical_crossentropy")
    [finding] = analyse(source, "<program>").diagnostics()
    assert "from flow_from_directory(class_mode='binary') at line 3" in finding.message
    assert "class_mode='categorical' in flow_from_directory" in finding.message
    assert finding.line == 7 and finding.data["seen_at_line"] == 8


def test_image_size_reaches_the_model():
    source = DATASET.format(args="batch_size=8", units=5, loss="sparse_categorical_crossentropy")
    wrong = source.replace("layers.Input((16, 16, 3))", "layers.Input((32, 32, 3))")
    assert _codes(wrong) == ["SHP109"]


def test_flow_from_directory_matches_keras(tmp_path):
    image = pytest.importorskip("PIL.Image")
    import numpy as np
    from keras.src.legacy.preprocessing.image import ImageDataGenerator
    for name in "abc":
        (tmp_path / name).mkdir()
        for i in range(2):
            image.fromarray(np.zeros((8, 8, 3), "uint8")).save(tmp_path / name / f"{i}.png")
    for mode, y_shape in (("categorical", (4, 3)), ("binary", (4,)), ("sparse", (4,))):
        x, y = ImageDataGenerator().flow_from_directory(
            str(tmp_path), target_size=(16, 16), batch_size=4, class_mode=mode)[0]
        assert x.shape == (4, 16, 16, 3) and y.shape == y_shape
