"""Issue 16: a finding kept on the model's side names the line that made the data it
contradicts (rules/data_places.py): data["data_at_line"] / "data_at_col", SARIF's second
relatedLocation. Each fixture in fixtures/fix_origins/keras/ is our own (not a public report):
`# error:` marks where the finding sits (the model's side: the Input, the compile line),
`# seen:` where Keras raises; the fixed twin fixes the other honest side, the data, and the
line it changes is the one the finding must name. Real Keras raises at the seen line and runs
the twin."""
from __future__ import annotations

import json

import pytest

from fix_pairs import FIX_ORIGINS, either_side_pairs, findings, lines_to_change, marks, twin
from shapelint.adapters.reporters import sarif

# the pairs where either side is an honest fix; the others, fixed on one side only, are
# tests/test_keras_fix_origins.py's
BUGGY = either_side_pairs("keras")


def test_every_fixture_has_a_twin():
    assert len(BUGGY) >= 2
    for path in BUGGY:
        assert twin(path).exists(), path


@pytest.mark.parametrize("path", BUGGY, ids=lambda p: p.stem)
def test_finding_on_the_model_side_names_the_data_line_the_twin_changes(path):
    errors, seen = marks(path)
    reported = findings(path)
    assert {(int(d.line), d.code.code) for d in reported} == errors, reported
    [d] = reported
    assert d.data["seen_at_line"] == seen[d.code.code]
    assert {d.data["data_at_line"]} == lines_to_change(path, twin(path))
    result = json.loads(sarif.render([d]))["runs"][0]["results"][0]
    assert [(r["physicalLocation"]["region"]["startLine"], r["message"]["text"])
            for r in result["relatedLocations"]] == [
        (d.data["seen_at_line"], "where the mismatch shows"),
        (d.data["data_at_line"], "where the data is made")]


@pytest.mark.parametrize("path", BUGGY, ids=lambda p: p.stem)
def test_no_finding_on_the_fixed_twin(path):
    assert findings(twin(path)) == []


@pytest.mark.parametrize("path", BUGGY, ids=lambda p: p.stem)
def test_real_keras_raises_where_it_shows_and_runs_the_twin(path):
    pytest.importorskip("keras")
    from case_runtime import run_case
    errors, seen = marks(path)
    [(line, code)] = errors
    run = run_case(path)
    assert isinstance(run.error, ValueError), repr(run.error)
    assert run.error_line == seen[code], f"{run.error_line}: {run.error}"
    assert run_case(twin(path)).error is None


def test_messages_say_both_sides():
    """The data's shape as the analysis knows it (checked against numpy in the runtime test:
    Keras reports the same (3, 40) windows and (N, 1) labels), and both places to change."""
    text = {p.stem: " ".join(d.message for d in findings(p)) for p in BUGGY}
    assert text["sensor_windows_reshaped_channels_first"].endswith(
        "That data is made with shape (64, 3, 40) at line 8: change either the model's input "
        "on this line or the data there")
    assert text["integer_labels_for_one_hot_loss"].endswith(
        "Those labels are made with shape (96, 1) at line 8, the other side to change")


def test_a_finding_on_the_call_names_the_data_line(tmp_path):
    """Data fed without a model line in the file to hold the finding (a model with no input
    shape, built by the data): the finding stays on fit(), where Keras raises, and names the
    statement that made the data, the other place its fix goes (rules/keras_data_made.py)."""
    source = ("import numpy as np\nfrom keras import layers, Sequential\n"
              "x = np.zeros((32, 28, 28), dtype='float32')\n"
              "model = Sequential([layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(1)])\n"
              "model.compile(loss='mse')\nmodel.fit(x, np.zeros((32, 1)))\n")
    path = tmp_path / "deferred.py"
    path.write_text(source)
    [d] = findings(path)
    assert (d.line, d.code.code, d.data["data_at_line"]) == (6, "SHP109", 3), d.message


def test_a_scalar_keeps_the_arrays_place():
    """x / 255 changes the values, not the shape: the place that made x stays (an op on two
    arrays, whose result may take either's shape, keeps none)."""
    from shapelint.frameworks.arrays import ArrayValue, array_of
    import operator
    x = array_of((4, 3), "uint8")
    x.built_at = ("a.py", 2, 4)
    scaled = x.shapelint_binary(None, operator.truediv, x, 255)
    assert isinstance(scaled, ArrayValue) and scaled.built_at == ("a.py", 2, 4)
    assert x.shapelint_binary(None, operator.add, x, x).built_at is None


# -- data a helper makes, named where the helper is called (frameworks/array_callers.py) --------

SCAN = FIX_ORIGINS / "keras" / "scan_read_gray_by_flag_then_reshaped.py"


def _data_at(source) -> int:
    """The data's place: named beside the finding, or the finding's own line when the data
    for predict() was chosen there (rules/keras_chosen_reads.py)."""
    [d] = findings(source)
    return d.data.get("data_at_line", int(d.line))


def test_sizes_a_helper_writes_itself_stay_in_the_helper():
    """Sizes written in the helper's own statement, not chosen by a parameter: the helper's
    line is where they are made."""
    source = SCAN.read_text(encoding="utf-8").replace(
        "np.ones((96, 96) if as_gray else (96, 96, 3), dtype=\"uint8\")",
        "np.ones((96, 96), dtype=\"uint8\")")
    assert _data_at(source) == 11


def test_a_call_passing_nothing_is_not_the_place():
    """main() passes nothing: the call inside it that passes the flag is the data's place."""
    source = SCAN.read_text(encoding="utf-8").replace(
        'scan = load_scan("scan_3.png", as_gray=True)',
        'def main():\n    return load_scan("scan_3.png", as_gray=True)\n\n\nscan = main()')
    assert _data_at(source) == 20


def test_axes_of_1_that_are_the_fault_are_placed_where_they_are_added():
    """A gray model given the gray scan reshaped channels-first, (1, 1, 96, 96): the sizes
    other than 1 are the model's, so where the axis of 1 goes is the fault and the reshape's
    own line is the data's place, not the call of the helper (line 19). The channel axis put
    first against the model's channels-last layers is the data's fault alone, so the finding
    itself sits there (rules/keras_data_layout.py)."""
    source = SCAN.read_text(encoding="utf-8").replace(
        "keras.Input(shape=(96, 96, 3))", "keras.Input(shape=(96, 96, 1))").replace(
        "scan.reshape(1, 96, 96, -1)", "scan.reshape(1, 1, 96, 96)")
    [d] = findings(source)
    assert int(d.line) == 20 and "images channels first" in d.message
