"""Issue 16: the input size a Keras model's merges do not fit is placed where it is written
(rules/keras_input_sizes.py) for a model written channels first too (every image layer given
data_format="channels_first": rules/keras_channel_layout.py), and for a block whose merges fit
a bounded run of sizes near the script's own (a pooled branch padded back by a fixed amount),
not only for sizes that repeat (a U-Net's multiples of 2**depth). The pairs
unet_channels_first_input_not_multiple_of_4 and inception_block_fixed_padding_for_48px_crops
in fixtures/fix_origins/keras/ are run by Keras in test_fix_pairs.py; here the messages, and
the sizes they name checked against Keras one by one."""
from __future__ import annotations

import pathlib

import pytest

from fix_pairs import findings

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "fix_origins" / "keras"
UNET_CF = FIXTURES / "unet_channels_first_input_not_multiple_of_4.py"
BLOCK = FIXTURES / "inception_block_fixed_padding_for_48px_crops.py"


def test_channels_first_unet_names_its_spatial_axes():
    [d] = findings(UNET_CF)
    assert (int(d.line), d.data["seen_at_line"]) == (10, 17)
    assert "The model's input is (90, 90) (spatial sizes, channels first)" in d.message
    assert "axis 2 is 90, make it a multiple of 4 (88 or 92)" in d.message
    assert "axis 3 is 90, make it a multiple of 4 (88 or 92)" in d.message
    assert d.data["fitted_input"] == [88, 88]


def test_one_layer_left_channels_last_is_no_one_layout():
    """An UpSampling2D without data_format reads the channels last among channels-first
    layers: no spatial axes to name, the finding stays on the merge."""
    source = UNET_CF.read_text(encoding="utf-8").replace(
        "u1 = layers.UpSampling2D(2, data_format=CF)(c4)", "u1 = layers.UpSampling2D(2)(c4)")
    assert all("seen_at_line" not in d.data for d in findings(source))


def test_a_bounded_run_of_sizes_is_named_as_a_range():
    [d] = findings(BLOCK)
    assert (int(d.line), d.data["seen_at_line"]) == (11, 18)
    assert "axis 1 is 40, make it a size from 47 to 54, the sizes that fit" in d.message
    assert d.data["fitting_sizes"]["H"] == {"sizes": list(range(47, 55))}


def test_sizes_far_from_the_scripts_stay_on_the_merge():
    """Crops of 200 pixels: the sizes that fit, 47..54, are no resize of them (more than a
    factor of two away); the input size is not named as the fix."""
    source = BLOCK.read_text(encoding="utf-8").replace("shape=(40, 40, 3)", "shape=(200, 200, 3)")
    [d] = findings(source)
    assert int(d.line) == 18 and "47 to 54" not in d.message


@pytest.mark.parametrize("side", [46, 47, 54, 55])
def test_the_named_range_is_what_keras_builds(side):
    """Keras builds the block at 47 and 54 pixels and refuses it at 46 and 55."""
    pytest.importorskip("keras")
    import keras
    from keras import layers
    face = layers.Input(shape=(side, side, 3))
    x = layers.Conv2D(16, 3, strides=2, padding="same")(face)
    x = layers.MaxPooling2D(2)(x)
    wide = layers.Conv2D(8, 1)(x)
    pooled = layers.Conv2D(8, 1)(layers.MaxPooling2D(pool_size=3, strides=2)(x))
    pooled = layers.ZeroPadding2D(padding=((3, 4), (3, 4)))(pooled)
    if 47 <= side <= 54:
        assert keras.Model(face, layers.concatenate([wide, pooled])).count_params() > 0
    else:
        with pytest.raises(ValueError, match="matching shapes"):
            layers.concatenate([wide, pooled])
