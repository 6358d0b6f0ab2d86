"""Grid cross-checks of catalogue/keras/preprocessing.py and augmentation.py against the real
layers of Keras 3 (torch backend): output shape, trainable and non-trainable counts, and the
arguments or inputs Keras refuses."""
from __future__ import annotations

import pytest

from conftest import real_keras_layer, static_keras_layer

C = {}  # case id -> (type, args, kwargs, input shape without batch)


def case(type_name, args=(), kwargs=None, shape=(8, 8, 3)):
    kwargs = kwargs or {}
    C[f"{type_name}{args}{sorted(kwargs.items())}{shape}"] = (type_name, args, kwargs, shape)


IMAGE_SHAPES = ((8, 8, 3), (5, 7, 3), (3, 6, 5), (6, 4))  # (6, 4): a rank-3 batched input

# -- preprocessing ---------------------------------------------------------------------------
for shape in IMAGE_SHAPES + ((4,), (2, 3, 4, 5)):
    case("Rescaling", (1 / 255,), {}, shape)
    case("Rescaling", (2.0,), {"offset": -1.0}, shape)
for shape in IMAGE_SHAPES:
    for kw in ({}, {"data_format": "channels_first"}, {"crop_to_aspect_ratio": True},
               {"pad_to_aspect_ratio": True, "interpolation": "nearest"}):
        case("Resizing", (4, 5), kw, shape)
        case("CenterCrop", (4, 5), {k: v for k, v in kw.items() if k == "data_format"}, shape)
    case("Resizing", (16, 2), {}, shape)
    case("CenterCrop", (12, 3), {}, shape)
case("CenterCrop", (2, 2), {}, (4,))  # rank 2: Keras refuses
case("CenterCrop", (2, 2), {}, (2, 3, 4, 5))  # rank 5: Keras refuses
for shape in ((4,), (4, 5), (3, 4, 5)):
    for axis in (-1, 1, None, -2, (1, 2)):
        case("Normalization", (), {"axis": axis}, shape)
    case("Normalization", (), {"mean": 0.5, "variance": 2.0}, shape)
case("Normalization", (), {"axis": (1, -1)}, (3, 4))
case("Normalization", (), {"axis": (-3, 3)}, (3, 4, 5))
case("Normalization", (), {"axis": 0}, (4, 5))  # the batch axis: no known size
case("Normalization", (), {"axis": 3}, (4, 5))  # out of range
case("Normalization", (), {"axis": 1}, (None, 5))  # a kept axis of size None
case("Normalization", (), {"mean": [1.0, 2.0], "variance": [1.0, 1.0]}, (4, 2))
case("Normalization", (), {"mean": [[1.0, 2.0]], "variance": [[1.0, 1.0]]}, (4, 2))
case("Normalization", (), {"mean": [1.0, 2.0], "variance": [1.0]}, (4, 2))
case("Normalization", (), {"mean": 1.0}, (4, 2))
for shape in ((4,), (1,), (4, 1), (3, 4), (2, 3, 4)):
    for kw in ({"num_bins": 4}, {"bin_boundaries": [0.0, 1.0, 2.0]}):
        for mode in ("int", "one_hot", "multi_hot", "count"):
            case("Discretization", (), {**kw, "output_mode": mode}, shape)
    for mode in ("one_hot", "multi_hot", "count", "binary"):
        case("CategoryEncoding", (), {"num_tokens": 6, "output_mode": mode}, shape)
case("Discretization", (), {}, (4,))
case("Discretization", (), {"num_bins": 3, "bin_boundaries": [1.0]}, (4,))
case("Discretization", (), {"num_bins": 3, "output_mode": "tf_idf"}, (4,))
case("CategoryEncoding", (), {}, (4,))
case("CategoryEncoding", (), {"num_tokens": 0}, (4,))
case("CategoryEncoding", (), {"num_tokens": 3, "output_mode": "int"}, (4,))
for shape in ((16000,), (1000,), (None,)):
    case("MelSpectrogram", (), {}, shape)
    case("MelSpectrogram", (), {"fft_length": 512, "sequence_stride": 128,
                                "num_mel_bins": 40}, shape)
case("MelSpectrogram", (), {"fft_length": 256, "sequence_length": 512}, (1000,))
for mode in ("log", "magnitude", "psd", "real", "imag", "angle", "stft"):
    case("STFTSpectrogram", (), {"mode": mode, "frame_length": 10, "window": None}, (50, 2))
for kw in ({"frame_step": 3}, {"fft_length": 32}, {"padding": "same"}, {"expand_dims": True},
           {"padding": "same", "frame_step": 4, "expand_dims": True},
           {"data_format": "channels_first"},
           {"data_format": "channels_first", "expand_dims": True}, {"frame_step": 11},
           {"fft_length": 8}, {"mode": "bad"}, {"padding": "causal"}):
    case("STFTSpectrogram", (), {"frame_length": 10, "window": None, **kw}, (50, 2))
case("STFTSpectrogram", (), {"frame_length": 10, "window": None}, (7, 2))  # under one frame
case("STFTSpectrogram", (), {"frame_length": 16, "window": None}, (None, 1))

# -- augmentation ----------------------------------------------------------------------------
FACTORS = {  # layer -> the factors of the grid (valid and refused ones alike)
    "RandomRotation": (0.2, (-0.2, 0.3), -0.5, 2.0, (0.5,), "x"),
    "RandomBrightness": (0.2, (-0.2, 0.3), -0.5, 1.5, (2.0, 3.0)),
    "RandomContrast": (0.2, (0.1, 0.3), -0.5, 1.5, (-3.0, -2.0)),
    "RandomSaturation": (0.5, (0.2, 0.6), 2.0),
    "RandomHue": (0.5, (0.2, 0.6), -0.1, 2.0),
    "RandomSharpness": (0.5, (0.2, 0.6), -0.1, 2.0),
    "RandomPosterization": (2, (1, 4), 0.5, (0.2, 0.4), 9),
    "RandomInvert": (0.5, (0.2, 0.6), 1.5),
    "RandomGaussianBlur": (0.5, 1.5),
    "RandomErasing": (0.5, (0.2, 0.6), 1.5),
    "RandomPerspective": (0.5, 1.5),
    "RandomElasticTransform": (0.5, 1.5),
    "RandomGrayscale": (0.5, 1.0, 0.0, 1.5, -0.1),
    "CutMix": (0.5, 1.5),
    "RandAugment": (0.5, (0.1, 0.9), 1.5),
    "AugMix": (0.5, 1.5),
    "RandomColorDegeneration": (0.5, 1.5),
}
for name, factors in FACTORS.items():
    for factor in factors:
        case(name, (), {"factor": factor}, (8, 8, 3))
for name in ("RandomRotation", "RandomBrightness", "RandomContrast", "RandomHue",
             "RandAugment", "CutMix", "RandomGrayscale", "RandomInvert"):
    for shape in IMAGE_SHAPES:
        case(name, (), {"factor": 0.2}, shape)
for shape in IMAGE_SHAPES + ((4,),):
    for kw in ({}, {"mode": "horizontal"}, {"mode": "vertical", "data_format": "channels_first"}):
        case("RandomFlip", (), kw, shape)
    for name in ("AutoContrast", "Equalization", "ContrastLimitedAdaptiveHistogramEqualization",
                 "Solarization", "MixUp", "RandomShear", "RandomColorJitter"):
        case(name, (), {}, shape)
    case("MaxNumBoundingBoxes", (5,), {}, shape)
# value_range: the colour layers refuse anything but two items; the others never read it here
for name in ("RandomBrightness", "RandomSaturation", "RandomSharpness", "RandomPosterization",
             "RandomColorDegeneration", "RandAugment", "AugMix", "RandomContrast", "RandomHue",
             "RandomInvert"):
    for value_range in (0, (0,), (0, 1, 2), [0, 1]):
        case(name, (), {"factor": 1 if name == "RandomPosterization" else 0.5,
                        "value_range": value_range}, (8, 8, 3))
for name in ("AutoContrast", "Solarization"):
    for value_range in (0, (0, 1, 2), (0, 1)):
        case(name, (), {"value_range": value_range}, (8, 8, 3))
for kw in ({"addition_factor": -1}, {"addition_factor": 0.5}, {"threshold_factor": (0.2, 0.4)},
           {"threshold_factor": (0.2,)}, {"threshold_factor": 1.5}, {"addition_factor": (0, 2)}):
    case("Solarization", (), kw, (8, 8, 3))
for kw in ({"x_factor": 0.3}, {"y_factor": (0.1, 0.2)}):
    case("RandomShear", (), kw, (8, 8, 3))
for kw in ({"brightness_factor": 0.2}, {"contrast_factor": (0.1, 0.4)},
           {"saturation_factor": 0.5, "hue_factor": 0.2}, {"contrast_factor": 1.5},
           {"hue_factor": -0.5}):
    case("RandomColorJitter", (), kw, (8, 8, 3))
for hf, wf in ((0.2, None), (0.2, 0.3), ((-0.2, 0.3), (0.1, 0.2)), (-1.0, None), (1.0, 0.5),
               (1.5, None), (0.2, (0.1,)), ("x", None)):
    case("RandomZoom", (hf, wf), {}, (8, 8, 3))
    if wf is not None:
        case("RandomTranslation", (hf, wf), {}, (8, 8, 3))
case("RandomTranslation", (-1.0, 1.0), {}, (8, 8, 3))
case("RandomTranslation", (0.1, 1.1), {}, (8, 8, 3))
for shape in IMAGE_SHAPES + ((2, 9, 9, 3),):
    case("RandomCrop", (4, 5), {}, shape)
    case("RandomCrop", (4, 5), {"data_format": "channels_first"}, shape)
    case("RandomCrop", (12, 3), {}, shape)
case("RandomColorDegeneration", (0.5,), {}, (8, 8, 4))  # needs 3 channels
case("RandomColorDegeneration", (0.5,), {"data_format": "channels_first"}, (3, 8, 8))
case("RandomColorDegeneration", (0.5,), {}, (3,))  # rank 2: refused


def _as_keras(shape):
    """Keras holds a size it does not know as None; shapelint may name it symbolically."""
    return None if shape is None else [d if isinstance(d, int) else None for d in shape]


@pytest.mark.parametrize("key", sorted(C))
def test_entry_matches_keras(key):
    type_name, args, kwargs, shape = C[key]
    real = real_keras_layer(type_name, args, kwargs, shape)
    static = static_keras_layer(type_name, args, kwargs, shape)
    if real[3] is not None:  # Keras refuses: shapelint must report a fault too
        assert static[3] is not None, (real, static)
        return
    assert static[3] is None, (real, static)
    assert (_as_keras(static[0]),) + static[1:3] == tuple(real[:3])


def test_normalization_naming_an_axis_twice_fails_in_keras_too():
    keras = pytest.importorskip("keras")
    with pytest.raises(RuntimeError):
        keras.layers.Normalization(axis=(1, -1))(keras.Input((4,)))
    assert static_keras_layer("Normalization", (), {"axis": (1, -1)}, (4,))[3] == "SHP105"
