"""rules/keras_branch_channels.py: a residual merge of a fork's own tensor with a branch that
changes its channels is placed on the one layer that changes them; both fixes the message
names build in Keras, and a shortcut with a layer of its own keeps the finding on the merge."""
from __future__ import annotations

import pytest

from shapelint.pipeline.analysis import analyse

BLOCK = ("import keras\nfrom keras import layers\n"
         "x = keras.Input(shape=(16, 16, 4))\n"
         "{shortcut}"
         "h = layers.Conv2D(4, 3, padding='same')(x)\n"
         "h = layers.Conv2D(12, 3, padding='same')(h)\n"
         "y = layers.Add()([s, h])\n"
         "model = keras.Model(x, y)\n")


@pytest.fixture
def keras_env():
    keras = pytest.importorskip("keras")
    keras.backend.clear_session(free_memory=False)
    return keras


def test_identity_shortcut_places_the_finding_on_the_widening_layer(keras_env):
    source = BLOCK.format(shortcut="s = x\n")
    [d] = analyse(source, "block.py").diagnostics()
    assert (d.code.code, d.line, d.data["seen_at_line"]) == ("SHP107", 6, 7)
    assert "give it 4 channels" in d.message and "1x1 convolution" in d.message
    with pytest.raises(ValueError):
        exec(source, {})
    exec(source.replace("Conv2D(12, 3", "Conv2D(4, 3"), {})  # the fix on this line
    exec(source.replace("s = x\n", "s = layers.Conv2D(12, 1)(x)\n"), {})  # the projection


def test_a_shortcut_with_a_layer_of_its_own_keeps_the_finding_on_the_merge(keras_env):
    source = BLOCK.format(shortcut="s = layers.Conv2D(6, 1)(x)\n")
    [d] = analyse(source, "block.py").diagnostics()
    assert (d.code.code, d.line) == ("SHP107", 7)
    with pytest.raises(ValueError):
        exec(source, {})
