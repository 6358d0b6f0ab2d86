"""Keras 3 image augmentation layers (keras/src/layers/preprocessing/image_preprocessing/).

None has weights. All but RandomCrop return their input's shape (compute_output_shape is the
identity; at inference they pass images through). What they check is their factor: a number or a
pair in the class's _FACTOR_BOUNDS, as BaseImagePreprocessingLayer._set_factor does. Entries are
cross-checked against real Keras in tests/test_keras_catalogue_prep.py.
"""
from __future__ import annotations

from ...domain.codes import SHP105
from ...domain.dims import NotKnown, is_known
from ...domain.shapes import Shape
from .. import LayerFault, Rule, layer, size
from ._common import _data_format


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _factor(type_name, value, bounds=(-1, 1), what="factor") -> None:
    """_set_factor: a number within bounds, or two numbers not wholly outside them."""
    lo, hi = bounds
    bad = LayerFault(SHP105, f"{type_name}: {what} must be a number or a pair of numbers in "
                     f"[{lo}, {hi}], got {value!r}; Keras raises ValueError")
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise bad
        if not all(_number(v) for v in value):
            raise NotKnown(f"{what} is not known")
        if value[0] > hi or value[1] < lo:
            raise bad
    elif _number(value):
        if not lo <= value <= hi:
            raise bad
    elif isinstance(value, str) or value is None:
        raise bad
    else:
        raise NotKnown(f"{what} is not known")


def _unit_factor(type_name, what, value) -> None:
    """Solarization's _set_factor: a number or a pair of numbers, each within [0, 1]."""
    bad = LayerFault(SHP105, f"{type_name}: {what} must be a number or a pair of numbers in "
                     f"[0, 1], got {value!r}; Keras raises ValueError")
    items = value if isinstance(value, (tuple, list)) else (value,)
    if isinstance(value, (tuple, list)) and len(value) != 2:
        raise bad
    for item in items:
        if isinstance(item, str) or item is None:
            raise bad
        if not isinstance(item, (int, float)):
            raise NotKnown(f"{what} is not known")
        if not 0 <= item <= 1:
            raise bad


def _value_range(type_name, value) -> None:
    """_set_value_range of the colour layers: a list or tuple of exactly two items."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return
    if isinstance(value, (tuple, list, str, int, float)) or value is None:
        raise LayerFault(SHP105, f"{type_name}: value_range must be a list of two numbers, got "
                         f"{value!r}; Keras raises ValueError")
    raise NotKnown("value_range is not known")


def _identity() -> Rule:
    return Rule(output=lambda x: x, tags=frozenset({"augmentation"}))


def _checked(type_name, factor, bounds, data_format=None) -> Rule:
    _factor(type_name, factor, bounds)
    _data_format(data_format)
    return _identity()


# -- geometric --------------------------------------------------------------------------------

@layer("keras", "RandomFlip")
def random_flip(mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
    _data_format(data_format)
    return _identity()


@layer("keras", "RandomRotation")
def random_rotation(factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                    fill_value=0.0, data_format=None, **kwargs):
    return _checked("RandomRotation", factor, (-1, 1), data_format)


def _zoom_factor(type_name, value, what, low_open: bool) -> None:
    """RandomZoom/RandomTranslation._set_factor: each number in (-1, 1] (zoom) or [-1, 1]."""
    values = value if isinstance(value, (tuple, list)) else (value,)
    if isinstance(value, (tuple, list)) and len(value) != 2 or isinstance(value, str) \
            or value is None:
        raise LayerFault(SHP105, f"{type_name}: {what} must be a number or a pair, got "
                         f"{value!r}")
    for v in values:
        if not _number(v):
            raise NotKnown(f"{what} is not known")
        if v > 1 or v < -1 or (low_open and v == -1):
            raise LayerFault(SHP105, f"{type_name}: {what} must lie in "
                             f"{'(-1' if low_open else '[-1'}, 1], got {value!r}")


@layer("keras", "RandomZoom")
def random_zoom(height_factor, width_factor=None, fill_mode="reflect",
                interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                **kwargs):
    _zoom_factor("RandomZoom", height_factor, "height_factor", True)
    if width_factor is not None:
        _zoom_factor("RandomZoom", width_factor, "width_factor", True)
    _data_format(data_format)
    return _identity()


@layer("keras", "RandomTranslation")
def random_translation(height_factor, width_factor, fill_mode="reflect",
                       interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                       **kwargs):
    _zoom_factor("RandomTranslation", height_factor, "height_factor", False)
    _zoom_factor("RandomTranslation", width_factor, "width_factor", False)
    _data_format(data_format)
    return _identity()


@layer("keras", "RandomShear")
def random_shear(x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect",
                 fill_value=0.0, data_format=None, seed=None, **kwargs):
    _data_format(data_format)
    return _identity()


@layer("keras", "RandomPerspective")
def random_perspective(factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0,
                       seed=None, data_format=None, **kwargs):
    return _checked("RandomPerspective", factor, (0, 1), data_format)


@layer("keras", "RandomElasticTransform")
def random_elastic_transform(factor=1.0, scale=1.0, interpolation="bilinear",
                             fill_mode="reflect", fill_value=0.0, value_range=(0, 255),
                             seed=None, data_format=None, **kwargs):
    return _checked("RandomElasticTransform", factor, (0, 1), data_format)


@layer("keras", "RandomCrop")
def random_crop(height, width, seed=None, data_format=None, name=None, **kwargs):
    """Sets axes -3, -2 (channels_last) or -2, -1 (channels_first) to (height, width), for
    any rank of at least 3; a smaller image is resized up, never refused."""
    h, w = size(height, "height"), size(width, "width")
    fmt = _data_format(data_format)
    axes = (-3, -2) if fmt == "channels_last" else (-2, -1)

    def output(x):
        return Shape(x[:]).replace(x.rank + axes[0], h).replace(x.rank + axes[1], w)
    return Rule(output=output, min_ndim=3, tags=frozenset({"spatial", "augmentation"}))


# -- colour ------------------------------------------------------------------------------------

@layer("keras", "RandomBrightness")
def random_brightness(factor, value_range=(0, 255), seed=None, **kwargs):
    _value_range("RandomBrightness", value_range)
    return _checked("RandomBrightness", factor, (-1, 1))


@layer("keras", "RandomContrast")
def random_contrast(factor, value_range=(0, 255), seed=None, **kwargs):
    return _checked("RandomContrast", factor, (0, 1))


@layer("keras", "RandomSaturation")
def random_saturation(factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
    _value_range("RandomSaturation", value_range)
    return _checked("RandomSaturation", factor, (-1, 1), data_format)


@layer("keras", "RandomHue")
def random_hue(factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
    return _checked("RandomHue", factor, (0, 1), data_format)


@layer("keras", "RandomSharpness")
def random_sharpness(factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
    _value_range("RandomSharpness", value_range)
    return _checked("RandomSharpness", factor, (0, 1), data_format)


@layer("keras", "RandomPosterization")
def random_posterization(factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
    """factor is a number of bits, 1..8."""
    _value_range("RandomPosterization", value_range)
    return _checked("RandomPosterization", factor, (1, 8), data_format)


@layer("keras", "RandomInvert")
def random_invert(factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
    return _checked("RandomInvert", factor, (0, 1), data_format)


@layer("keras", "RandomGaussianBlur")
def random_gaussian_blur(factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255),
                         data_format=None, seed=None, **kwargs):
    return _checked("RandomGaussianBlur", factor, (0, 1), data_format)


@layer("keras", "RandomErasing")
def random_erasing(factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255),
                   seed=None, data_format=None, **kwargs):
    return _checked("RandomErasing", factor, (0, 1), data_format)


@layer("keras", "RandomGrayscale")
def random_grayscale(factor=0.5, data_format=None, seed=None, **kwargs):
    """Keeps the channel count (three equal channels); factor is one number in [0, 1]."""
    if _number(factor) and not 0 <= factor <= 1:
        raise LayerFault(SHP105, f"RandomGrayscale: factor must be between 0 and 1, got "
                         f"{factor!r}")
    if not _number(factor):
        raise NotKnown("factor is not a number")
    _data_format(data_format)
    return _identity()


@layer("keras", "RandomColorDegeneration")
def random_color_degeneration(factor, value_range=(0, 255), data_format=None, seed=None,
                              **kwargs):
    """compute_output_shape refuses ranks other than 3 and 4 and a channel axis other than 3."""
    _factor("RandomColorDegeneration", factor, (-1, 1))
    _value_range("RandomColorDegeneration", value_range)
    fmt = _data_format(data_format)

    def output(x):
        if x.rank not in (3, 4):
            raise LayerFault(SHP105, f"RandomColorDegeneration takes images of rank 3 or 4, "
                             f"got {x}", input_shape=x.to_json())
        c = x[-1 if fmt == "channels_last" else -3]
        if is_known(c) and c != 3:
            raise LayerFault(SHP105, f"RandomColorDegeneration needs 3 channels, got {c} in "
                             f"{x}", input_shape=x.to_json())
        return x
    return Rule(output=output, tags=frozenset({"augmentation"}))


@layer("keras", "RandomColorJitter")
def random_color_jitter(value_range=(0, 255), brightness_factor=None, contrast_factor=None,
                        saturation_factor=None, hue_factor=None, seed=None, data_format=None,
                        **kwargs):
    for value, bounds in ((brightness_factor, (-1, 1)), (contrast_factor, (0, 1)),
                          (saturation_factor, (-1, 1)), (hue_factor, (0, 1))):
        if value is not None:
            _factor("RandomColorJitter", value, bounds)
    _data_format(data_format)
    return _identity()


@layer("keras", "Solarization")
def solarization(addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None,
                 **kwargs):
    for name, value in (("addition_factor", addition_factor),
                        ("threshold_factor", threshold_factor)):
        _unit_factor("Solarization", name, value)
    _value_range("Solarization", value_range)
    return _identity()


@layer("keras", "AutoContrast")
def auto_contrast(value_range=(0, 255), **kwargs):
    _value_range("AutoContrast", value_range)
    return _identity()


@layer("keras", "Equalization")
def equalization(value_range=(0, 255), bins=256, data_format=None, **kwargs):
    _data_format(data_format)
    return _identity()


@layer("keras", "ContrastLimitedAdaptiveHistogramEqualization")
def clahe(value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8), data_format=None,
          **kwargs):
    _data_format(data_format)
    return _identity()


# -- mixing and policies -----------------------------------------------------------------------

@layer("keras", "CutMix")
def cut_mix(factor=1.0, seed=None, data_format=None, **kwargs):
    return _checked("CutMix", factor, (0, 1), data_format)


@layer("keras", "MixUp")
def mix_up(alpha=0.2, data_format=None, seed=None, **kwargs):
    _data_format(data_format)
    return _identity()


@layer("keras", "RandAugment")
def rand_augment(value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear",
                 seed=None, data_format=None, **kwargs):
    _value_range("RandAugment", value_range)
    return _checked("RandAugment", factor, (0, 1), data_format)


@layer("keras", "AugMix")
def aug_mix(value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3, alpha=1.0,
            all_ops=True, interpolation="bilinear", seed=None, data_format=None, **kwargs):
    _value_range("AugMix", value_range)
    return _checked("AugMix", factor, (0, 1), data_format)


@layer("keras", "MaxNumBoundingBoxes")
def max_num_bounding_boxes(max_number, fill_value=-1, **kwargs):
    """Images pass through; only a bounding-box dict's boxes and labels are padded."""
    if is_known(max_number) and max_number < 0:
        raise NotKnown("a negative max_number")
    return _identity()
