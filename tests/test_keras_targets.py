"""Label faults that are not a count of columns (rules/keras_targets.py): a map output of
another spatial size than its targets, and a reconstruction compiled with a class-id loss.
The fixtures (fixtures/keras/edges/labels_decoder_map_size_differs,
labels_reconstruction_with_sparse_loss) raise in Keras where marked (test_keras_edges.py);
here, the exact wording, and the sizes it states checked against Keras."""
from __future__ import annotations

import pathlib

import pytest

from shapelint.pipeline.analysis import analyse

EDGES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "keras" / "edges"


def finding(stem: str):
    path = EDGES / f"{stem}.py"
    [d] = [d for d in analyse(path.read_text(encoding="utf-8"), str(path)).diagnostics()
           if d.code.code.startswith("SHP1")]
    return d


def test_a_map_output_is_worded_as_maps_with_the_way_its_size_goes():
    d = finding("labels_decoder_map_size_differs")
    assert (d.code.code, d.line, d.data["seen_at_line"]) == ("SHP110", 19, 22)
    assert "Dense(" not in d.message and "columns" not in d.message
    assert ("the output's maps are 24x24 where the targets' are 20x20, so "
            "'binary_crossentropy' cannot compare them and Keras raises; along the model the "
            "map goes 20x20 -> 10x10 (MaxPooling2D, line 11) -> 5x5 (MaxPooling2D, line 13) "
            "-> 3x3 (MaxPooling2D, line 14, padding='same' rounds 5 up to 3) -> 6x6 "
            "(UpSampling2D, line 15) -> 12x12 (UpSampling2D, line 17) -> 24x24 (UpSampling2D, "
            "line 18); make the model output 20x20 (a convolution without padding='same', or "
            "a Cropping layer), or give targets of 24x24") in d.message


def test_the_map_sizes_are_keras_own():
    """Each layer's output map as Keras builds it: the sizes the message lists."""
    pytest.importorskip("keras")
    source = (EDGES / "labels_decoder_map_size_differs.py").read_text(encoding="utf-8")
    model_part = source.split("model.compile")[0]
    scope: dict = {}
    exec(compile(model_part, "buggy", "exec"), scope)  # noqa: S102 - our own fixture
    sizes = [tuple(layer.output.shape[1:3]) for layer in scope["model"].layers]
    assert sizes == [(20, 20), (20, 20), (10, 10), (10, 10), (5, 5), (3, 3), (6, 6), (6, 6),
                     (12, 12), (24, 24), (24, 24)]


def test_a_reconstruction_under_a_class_id_loss_asks_for_a_per_element_loss():
    d = finding("labels_reconstruction_with_sparse_loss")
    assert (d.code.code, d.line, d.data["seen_at_line"]) == ("SHP110", 12, 13)
    assert "one-hot" not in d.message and "argmax" not in d.message
    assert d.message.endswith(
        "the target is the model's own input, a reconstruction of the output's shape, but "
        "'sparse_categorical_crossentropy' reads a target as integer class ids of shape "
        "(N, 12), one per row of scores, and Keras raises ValueError; a reconstruction needs "
        "a per-element loss on this line: loss='mse', or 'binary_crossentropy' for values in "
        "[0, 1]")


def test_the_class_id_shape_is_keras_own():
    """sparse_categorical_crossentropy on a (N, 12, 8) output takes ids of shape (N, 12)."""
    keras = pytest.importorskip("keras")
    import numpy as np
    loss = keras.losses.sparse_categorical_crossentropy
    out = np.full((2, 12, 8), 1 / 8, dtype="float32")
    assert tuple(loss(np.zeros((2, 12), "int64"), out).shape) == (2, 12)
    with pytest.raises(ValueError):
        loss(np.zeros((2, 12, 8), "float32"), out)


def test_labels_of_the_output_shape_that_are_not_the_input_keep_the_one_hot_reading(tmp_path):
    """Only the input itself is known to be a reconstruction: other labels of the output's
    shape under a class-id loss read as one-hot, as before."""
    source = (EDGES / "labels_reconstruction_with_sparse_loss.py").read_text(encoding="utf-8")
    source = source.replace("model.fit(frames, frames", "model.fit(frames, other").replace(
        "frames = np.random", "other = np.random.rand(64, 12, 8)\nframes = np.random")
    path = tmp_path / "other.py"
    path.write_text(source)
    [d] = [d for d in analyse(source, str(path)).diagnostics() if d.code.code.startswith("SHP1")]
    assert d.code.code == "SHP111" and "one-hot" in d.message
