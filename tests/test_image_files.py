"""keras.utils.load_img / img_to_array (frameworks/image_files.py): the shapes shapelint gives
them against the real functions, the calls it leaves unknown, and where an image of another
color_mode than the model's is reported (rules/keras_places.py image_mode; the fixture pairs
are fixtures/fix_origins/keras/grayscale_photo_for_rgb_classifier.py and
loaded_photo_without_batch_axis.py)."""
from __future__ import annotations

import pathlib

import pytest

from fix_pairs import findings
from shapelint.domain.dims import Unknown
from shapelint.frameworks.image_files import img_to_array, load_img

ROOT = pathlib.Path(__file__).resolve().parent.parent
GRAY = ROOT / "fixtures" / "fix_origins" / "keras" / "grayscale_photo_for_rgb_classifier.py"


@pytest.mark.parametrize("mode", ["rgb", "grayscale", "rgba"])
@pytest.mark.parametrize("data_format", [None, "channels_first"])
def test_shapes_match_keras(tmp_path, mode, data_format):
    keras = pytest.importorskip("keras")
    from PIL import Image
    path = tmp_path / "p.png"
    Image.new("RGB", (30, 20)).save(path)
    real = keras.utils.img_to_array(keras.utils.load_img(path, color_mode=mode,
                                                         target_size=(12, 16)), data_format)
    ours = img_to_array((load_img((), {"color_mode": mode, "target_size": (12, 16)}),),
                        {"data_format": data_format})
    assert tuple(ours.dims) == real.shape and ours.dtype == str(real.dtype)
    import numpy as np
    pil = np.asarray(keras.utils.load_img(path, color_mode=mode, target_size=(12, 16)))
    assert tuple(load_img((), {"color_mode": mode, "target_size": (12, 16)}).pil_array().dims) \
        == pil.shape


def test_the_file_size_is_unknown_without_target_size():
    dims = load_img((), {"color_mode": "grayscale"}).array().dims
    assert isinstance(dims[0], Unknown) and isinstance(dims[1], Unknown) and dims[2] == 1


@pytest.mark.parametrize("args, kwargs", [
    (("p.png", "grayscale"), {}),  # Keras 3 color_mode, tf.keras 2 grayscale=
    ((), {"grayscale": True}),
    ((), {"color_mode": "cmyk"}),
    ((), {"target_size": 64}),
])
def test_calls_read_differently_or_failing_are_unknown(args, kwargs):
    assert isinstance(load_img(args, kwargs), Unknown)


def test_image_mode_without_training_data_stays_on_the_model():
    """Nothing says the model's three channels are right: either side is a fix."""
    source = GRAY.read_text(encoding="utf-8").replace(
        "model.fit(crops, kinds, batch_size=8, epochs=1)", "")
    [d] = findings(source)
    assert int(d.line) == 16 and "(from load_img(color_mode='grayscale') at line 26)" in \
        d.message


def test_image_mode_against_other_training_data_stays_on_the_model():
    source = GRAY.read_text(encoding="utf-8").replace("(16, 48, 48, 3)", "(16, 48, 48, 1)")
    assert all(int(d.line) != 26 for d in findings(source))


def test_a_photo_of_a_size_the_file_does_not_show_is_still_one_sample():
    """Without target_size the photo's height and width are unknown, but it is one image: the
    batch axis it lacks is added at the predict call."""
    path = ROOT / "fixtures" / "fix_origins" / "keras" / "loaded_photo_without_batch_axis.py"
    source = path.read_text(encoding="utf-8").replace(", target_size=(96, 96)", "")
    [d] = findings(source)
    assert int(d.line) == 20 and "one sample of shape (None, None, 3)" in d.message
