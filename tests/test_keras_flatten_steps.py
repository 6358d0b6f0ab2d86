"""Issue 16: a Flatten given more axes than the recurrent or convolution layer after it reads,
its output reaching that layer unchanged, is where the fix goes: a Reshape keeping the layer's
axes in its place (rules/keras_flatten_steps.py). The pair
fixtures/fix_origins/keras/spectrogram_flattened_before_gru.py is checked against Keras in
test_fix_pairs.py; here the message, the Reshape it suggests (built by real Keras), and the
Flatten that stays unnamed."""
from __future__ import annotations

import pathlib
import re

import pytest

from fix_pairs import findings

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAIR = ROOT / "fixtures" / "fix_origins" / "keras" / "spectrogram_flattened_before_gru.py"
SOURCE = PAIR.read_text(encoding="utf-8")


def test_on_the_flatten_naming_the_layer_and_the_reshape():
    [d] = findings(PAIR)
    assert (d.code.code, int(d.line), d.data["seen_at_line"]) == ("SHP103", 13, 15)
    assert "makes it rank 2 from (None, 40, 8, 8)" in d.message
    assert "replace it with a Reshape((40, 64)) keeping 2 axes after the batch" in d.message


def test_the_suggested_reshape_builds_in_keras(tmp_path):
    """The target in the message, written in place of the Flatten, is what Keras builds and
    trains (the GRU then reads 40 steps of 64 features)."""
    pytest.importorskip("keras")
    from case_runtime import run_case
    [d] = findings(PAIR)
    target = re.search(r"Reshape\((\(.*?\))\)", d.message).group(1)
    fixed = SOURCE.replace("layers.Flatten()(x)", f"layers.Reshape({target})(x)")
    path = tmp_path / "suggested.py"
    path.write_text(fixed)
    assert run_case(path).error is None


def test_a_dense_between_keeps_the_finding_on_the_layer():
    """A Dense after the Flatten makes features of its own: the Flatten is not the one line to
    change (the Reshape goes before the GRU), so the finding stays where Keras raises."""
    source = SOURCE.replace("x = layers.Dropout(0.2)(x)", "x = layers.Dense(64)(x)")
    [d] = findings(source)
    assert int(d.line) == 15 and "seen_at_line" not in d.data


def test_a_flatten_given_unknown_sizes_names_no_target():
    source = SOURCE.replace("shape=(40, 16, 1)", "shape=(None, 16, 1)")
    [d] = findings(source)
    assert int(d.line) == 13
    assert "replace it with a Reshape keeping 2 axes after the batch" in d.message
