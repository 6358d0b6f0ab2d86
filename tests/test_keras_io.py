"""Keras models with several inputs or outputs, and layer arguments written on another line
(rules/keras_io.py). The fixture pairs (fixtures/fix_origins/keras/) prove each finding with
real Keras (tests/test_keras_fix_origins.py, tests/test_data_places.py); here, static only: the
variants Keras 3 accepts, or that the file does not make certain, stay silent, and findings
whose fix is not one written place stay where they were."""
from __future__ import annotations

import pathlib

from fix_pairs import findings

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "fix_origins" / "keras"


def _text(name: str) -> str:
    return (FIXTURES / f"{name}.py").read_text(encoding="utf-8")


def _found(source: str) -> list:
    return [(int(d.line), d.code.code) for d in findings(source)]


TWO_IN = _text("two_input_predict_single_array")
DICT_IN = _text("two_input_fit_dict_missing_name")
TWO_OUT = _text("two_output_fit_three_label_arrays")


def test_inputs_keras_accepts_stay_silent():
    # a tuple of two arrays, and the arrays as a list in evaluate
    assert _found(TWO_IN.replace("model.predict(photos)", "model.predict((photos, listing))")) \
        == []
    assert _found(TWO_IN.replace("estimates = model.predict(photos)",
                                 "model.evaluate([photos, listing], listing[:, :1])")) == []
    # a dict with one key more than the inputs' names runs (Keras ignores it)
    assert _found(DICT_IN.replace('"answers": answers}', '"answer": answers, "x": answers}')) \
        == []


def test_dict_of_data_needs_names_written_on_the_inputs():
    """Unnamed Inputs get names Keras makes up (input_layer_1, ...): nothing to compare."""
    source = DICT_IN.replace(', name="question")', ")").replace(', name="answer")', ")")
    assert _found(source) == []


def test_model_given_a_dict_of_inputs_or_outputs_is_not_judged():
    """Model(inputs={...}) takes a list too (Keras flattens the dict): not ours to judge."""
    source = TWO_IN.replace("Model([image_in, table_in], price)",
                            "Model({'image': image_in, 'table': table_in}, price)")
    assert _found(source) == []
    source = TWO_OUT.replace("Model(image, [age_out, gender_out])",
                             "Model(image, {'age': age_out, 'gender': gender_out})")
    assert _found(source) == []


def test_several_inputs_in_validation_data_and_evaluate():
    source = TWO_IN.replace("estimates = model.predict(photos)",
                            "model.fit([photos, listing], listing[:, :1], validation_data=("
                            "[photos, listing, listing], listing[:, :1]))")
    [d] = findings(source)
    assert (int(d.line), d.code.code) == (18, "SHP109")
    assert "validation_data[0]" in d.message and "a list of 3 arrays" in d.message


def test_labels_keras_accepts_stay_silent():
    assert _found(TWO_OUT.replace("[age, bracket, gender]", "(age, gender)")) == []
    # never compiled: Keras stops at that, not at the labels
    assert _found(TWO_OUT.replace('model.compile(optimizer="adam", loss=["mse", '
                                  '"binary_crossentropy"])\n', "")) == []
    # sample counts that differ: Keras's cardinality check comes first
    assert _found(TWO_OUT.replace("bracket = np.random.randint(0, 5, (24, 1))",
                                  "bracket = np.random.randint(0, 5, (20, 1))")) == []


def test_one_label_array_for_two_one_unit_outputs_names_the_split():
    source = TWO_OUT.replace("[age, bracket, gender]", "np.hstack([age, gender])")
    if not _found(source):  # np.hstack's shape unknown to the analysis: use a literal
        source = TWO_OUT.replace("[age, bracket, gender]", "np.zeros((24, 2))")
    [d] = findings(source)
    assert d.code.code == "SHP110" and "[y[:, 0], y[:, 1]]" in d.message


# -- a builder's argument sets the width --------------------------------------------------------

BUILDER = _text("builder_units_from_call_argument")


def test_builder_width_names_the_call_and_the_dense():
    [d] = findings(BUILDER)
    assert (int(d.line), d.data["seen_at_line"], d.data["layer_at_line"]) == (22, 23, 17)
    assert "give text_classifier() n_classes=5 on this line" in d.message


def test_builder_called_twice_keeps_the_finding_on_the_dense():
    source = BUILDER + "small = text_classifier(n_classes=6, vocab=400)\n"
    assert (17, "SHP110") in _found(source)


def test_builder_given_a_computed_width_keeps_the_finding_on_the_dense():
    source = BUILDER.replace("text_classifier(n_classes=6)", "text_classifier(n_classes=3 * 2)")
    assert _found(source) == [(17, "SHP110")]


# -- a Reshape target written on its own line -----------------------------------------------------

RESHAPE = _text("reshape_target_assigned_above")


def test_reshape_target_bound_twice_stays_on_the_reshape():
    source = RESHAPE.replace("steps = (64, 32 * 8)  # error: SHP104",
                             "steps = (64, 32 * 8)  # error: SHP104\nsteps = (64, 256)")
    assert _found(source) == [(10, "SHP104")]


def test_reshape_target_from_a_parameter_stays_on_the_reshape():
    source = ("from keras import layers\nfrom keras.models import Model\n\n\n"
              "def build(steps):\n    inputs = layers.Input(shape=(64, 32, 1))\n"
              "    x = layers.Conv2D(16, 3, padding='same')(inputs)\n"
              "    x = layers.Reshape(steps)(x)\n    return Model(inputs, x)\n\n\n"
              "model = build((64, 256))\n")
    assert _found(source) == [(8, "SHP104")]


# -- each label array against its own output ----------------------------------------------------

TOPICS = _text("two_output_topic_labels_other_class_count")
DICT_LOSS = ('loss={"sentiment": "categorical_crossentropy",\n'
             '                                      "topic": "categorical_crossentropy"}')


def test_each_output_takes_its_own_loss():
    for loss in ('loss="categorical_crossentropy"',
                 'loss=["categorical_crossentropy", "categorical_crossentropy"]'):
        assert _found(TOPICS.replace(DICT_LOSS, loss)) == [(16, "SHP110")], loss
    # no loss for the topic output (None in the list, or no key in the dict): nothing compared
    for loss in ('loss=["categorical_crossentropy", None]',
                 'loss={"sentiment": "categorical_crossentropy"}'):
        assert _found(TOPICS.replace(DICT_LOSS, loss)) == [], loss
