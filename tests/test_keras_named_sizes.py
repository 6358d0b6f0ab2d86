"""Issue 16: data sized by a number written by hand where the file names the size the model
reads (rules/keras_named_sizes.py) is reported where the data is made. The pair
fixtures/fix_origins/keras/station_readings_drawn_with_literal_width.py is run by Keras in
test_fix_pairs.py; here the message, the same fault inside a class (self.<attr>), proven with
Keras, and the files that do not say which side they meant."""
from __future__ import annotations

import pathlib

import pytest

from fix_pairs import findings

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAIR = ROOT / "fixtures" / "fix_origins" / "keras" / "station_readings_drawn_with_literal_width.py"
SOURCE = PAIR.read_text(encoding="utf-8")

AGENT = '''import numpy as np
import keras
from keras import layers


class Agent:
    def __init__(self):
        self.state_size = 6
        self.model = self.build()

    def build(self):
        model = keras.Sequential([keras.Input(shape=(self.state_size,)), layers.Dense(4)])
        model.compile(optimizer="adam", loss="mse")
        return model

    def act(self, n):
        states = np.random.normal(0, 1, (n, 5))
        return self.model.predict(states)


agent = Agent()
agent.act(3)
'''


def test_on_the_data_line_naming_the_model_input():
    [d] = findings(PAIR)
    assert (int(d.line), d.data["seen_at_line"], d.data["model_at_line"]) == (15, 17, 10)
    assert "N_SENSORS = 8 for the 7 written at axis 1; size the data with that name" in d.message
    assert "data_at_line" not in d.data and "either" not in d.message


def test_an_attribute_of_the_class_that_makes_the_data():
    [d] = findings(AGENT, "agent.py")
    assert (int(d.line), d.data["seen_at_line"], d.data["model_at_line"]) == (17, 18, 12)
    assert "self.state_size = 6 for the 5 written at axis 1" in d.message


def test_keras_refuses_the_literal_and_takes_the_name(tmp_path):
    pytest.importorskip("keras")
    from case_runtime import run_case
    bad, good = tmp_path / "agent.py", tmp_path / "agent_fixed.py"
    bad.write_text(AGENT)
    good.write_text(AGENT.replace("(n, 5)", "(n, self.state_size)"))
    run = run_case(bad)
    assert isinstance(run.error, ValueError) and run.error_line == 18, repr(run.error)
    assert run_case(good).error is None


@pytest.mark.parametrize("change", [
    ("N_SENSORS = 8\n", "N_SENSORS = 8\nN_SENSORS = 8\n"),  # bound twice: no one name
    ("np.random.rand(100, 7)", "np.random.rand(100, 7 * 1)"),  # not a number written
    ("shape=(N_SENSORS,)", "shape=(8,)"),  # the model writes a number too
])
def test_files_that_do_not_say_which_side_keep_the_finding_on_the_model(change):
    [d] = findings(SOURCE.replace(*change))
    assert int(d.line) != 15 and "model_at_line" not in d.data


def test_an_attribute_is_not_in_scope_outside_its_class():
    """Data made at module level cannot read self.state_size: the finding stays on the
    model's side."""
    source = AGENT.replace("agent.act(3)", "agent.model.predict(np.random.normal(0, 1, (3, 5)))")
    [d] = findings(source, "agent.py")
    assert int(d.line) != 22 and "model_at_line" not in d.data
