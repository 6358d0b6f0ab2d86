"""Issue 16 (Keras): a fault that shows at a layer or a fit/predict call sits on the line its fix
changes (rules/keras_input_sizes.py, ...). Each fixture in fixtures/fix_origins/keras/ that is
fixed on one side only is our own (not a public report; the faults are those of public
reports): `# error:` marks the line its fixed twin changes, `# seen:` the line where real Keras
raises. shapelint must report each marked code on its line and name the seen line
(data["seen_at_line"]), stay silent on the twin, and real Keras must raise at the seen line and
run the twin clean (test_fix_pairs.py, over both folders). Here: what the messages say. The
pairs where either side is an honest fix are test_data_places.py's."""
from __future__ import annotations

import pathlib

from fix_pairs import findings

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "fix_origins" / "keras"
# -- the input size of a U-Net (rules/keras_input_sizes.py) --------------------------------------

UNET = FIXTURES / "unet_input_size_not_multiple_of_16.py"


def test_unet_messages_name_the_sizes_that_fit():
    [d] = findings(UNET)
    assert "axis 1 is 420, make it a multiple of 16 (416 or 432)" in d.message
    assert "axis 2 is 580, make it a multiple of 16 (576 or 592)" in d.message
    assert "img_rows = 420 and img_cols = 580 on this line" in d.message
    assert d.data["fitting_sizes"] == {"H": {"multiple_of": 16}, "W": {"multiple_of": 16}}
    [d] = findings(FIXTURES / "unet3d_volume_shape_argument.py")
    assert "vol_shape given to unet3d on this line" in d.message
    assert "axis 3 is 84, make it a multiple of 8 (80 or 88)" in d.message


def test_unet_size_written_on_the_input_line():
    source = UNET.read_text(encoding="utf-8").replace(
        "Input((img_rows, img_cols, 1))", "Input((420, 580, 1))")
    [d] = findings(source)
    assert (int(d.line), d.data["seen_at_line"]) == (15, 24)
    assert "The input shape is written on this line" in d.message


def test_unet_size_in_one_axis_only_names_that_axis():
    source = UNET.read_text(encoding="utf-8").replace("420, 580", "416, 580")
    [d] = findings(source)
    assert int(d.line) == 6 and "img_cols = 580 on this line" in d.message
    assert "axis 1" not in d.message


def test_unet_size_bound_twice_stays_where_it_shows():
    """A constant assigned again (a second configuration) is not one line to edit."""
    source = UNET.read_text(encoding="utf-8").replace(
        "\n\ndef conv_block", "\n\ndef thumbnail(frame):\n    img_rows = 96\n    return frame\n"
        "\n\ndef conv_block")
    [d] = findings(source)
    assert "seen_at_line" not in d.data and "multiple of 16" in d.message


def test_unet_built_twice_stays_where_it_shows():
    """A function called with two volume shapes: no one call to edit."""
    path = FIXTURES / "unet3d_volume_shape_argument.py"
    source = path.read_text(encoding="utf-8") + "small = unet3d((285, 285, 84), base=2)\n"
    assert all("seen_at_line" not in d.data for d in findings(source))


def test_unet_size_given_through_a_module_constant():
    path = FIXTURES / "unet3d_volume_shape_argument.py"
    source = path.read_text(encoding="utf-8").replace(
        "model = unet3d((285, 285, 84))", "VOLUME = (285, 285, 84)\nmodel = unet3d(VOLUME)")
    [d] = findings(source)
    assert (int(d.line), d.data["seen_at_line"]) == (31, 14)
    assert "VOLUME on this line sets the input shape" in d.message


UNET_SIDES = FIXTURES / "unet_height_width_arguments.py"


def test_unet_height_and_width_given_to_the_builder():
    [d] = findings(UNET_SIDES)
    assert (int(d.line), d.data["seen_at_line"]) == (31, 20)
    assert "input_height=902 and input_width=602 given to unet on this line" in d.message
    assert "axis 1 is 902, make it a multiple of 8 (896 or 904)" in d.message
    source = UNET_SIDES.read_text(encoding="utf-8").replace(
        "unet(4, input_height=902, input_width=602)", "unet(4, 902, 602)")
    [d] = findings(source)
    assert (int(d.line), d.data["seen_at_line"]) == (31, 20)
    quoted = "# unet(4, input_height=902, input_width=602) fails\n"  # a comment is no call
    [d] = findings(quoted + UNET_SIDES.read_text(encoding="utf-8"))
    assert (int(d.line), d.data["seen_at_line"]) == (32, 21)


def test_unet_side_left_at_its_default_stays_where_it_shows():
    """A default in the signature, or a builder called twice: no one call writes the size."""
    text = UNET_SIDES.read_text(encoding="utf-8")
    for source in (text.replace("416, input_width=608", "902, input_width=602").replace(
            "unet(4, input_height=902, input_width=602)", "unet(4)"),
            text + "small = unet(2, input_height=902, input_width=602)\n"):
        [d] = findings(source)
        assert int(d.line) == 20 and "seen_at_line" not in d.data


def test_unet_of_a_size_no_pooling_can_fit_stays_silent_on_the_size():
    """A merge that fails for every input size (the decoder upsamples once too often) is not
    the input size's fault: the finding stays on the merge, with no sizes named."""
    source = UNET.read_text(encoding="utf-8").replace(
        "u6 = Conv2DTranspose(64, (2, 2), strides=(2, 2)", "u6 = Conv2DTranspose(64, (4, 4), "
        "strides=(4, 4)").replace("img_rows, img_cols = 420, 580", "img_rows, img_cols = 416, 576")
    reported = findings(source)
    assert reported and all("seen_at_line" not in d.data and "multiple of" not in d.message
                            for d in reported)


# -- an input shape written channels first (rules/keras_layouts.py) -------------------------------

VGG = FIXTURES / "vgg_input_shape_channels_first.py"


def test_channels_first_input_shape_names_the_data_and_the_shape_that_fits():
    [d] = findings(VGG)
    assert "The images given to model.fit() at line 20 are (16, 224, 224, 3)" in d.message
    assert "write the input shape (224, 224, 3)" in d.message
    assert (d.data["fed_at_line"], d.data["fitted_input"]) == (20, [None, 224, 224, 3])


def test_channels_first_input_shape_without_data_stays_where_keras_raises():
    """Without the images' shape nothing says the 3 is the channels (the DQN of tokb23/dqn#4
    stacks 4 frames first and is fixed with data_format): the fault stays at the pooling."""
    source = VGG.read_text(encoding="utf-8").replace(
        "model.fit(images, labels, batch_size=4, epochs=1)", "")
    assert [(int(d.line), d.code.code) for d in findings(source)] == [(15, "SHP102")]


def test_channels_first_input_shape_against_other_data_stays_where_keras_raises():
    source = VGG.read_text(encoding="utf-8").replace("(16, 224, 224, 3)", "(16, 3, 224, 224)")
    assert [(int(d.line), d.code.code) for d in findings(source)] == [(15, "SHP102")]


# -- per-frame layers on a clip without TimeDistributed (rules/keras_frames.py) -------------------

CLIPS = FIXTURES / "clip_frames_conv2d_without_timedistributed.py"


def test_clip_model_names_the_wrapping_and_the_recurrent_layer():
    [d] = findings(CLIPS)
    assert "6 frames of (32, 32, 3), which the LSTM at line 16 reads as steps" in d.message
    assert "the LSTM then receives (None, 6, 576)" in d.message
    assert "drop the leading" not in d.message
    assert d.data["per_frame_lines"] == [11, 12, 13, 14, 15]


def test_clip_model_without_a_recurrent_layer_keeps_the_batch_wording():
    """No LSTM after the image layers: nothing says the extra axis is frames."""
    source = CLIPS.read_text(encoding="utf-8").replace("model.add(LSTM(32))\n", "")
    [d] = findings(source)
    assert d.code.code == "SHP108" and int(d.line) == 11


# -- one-hot labels flattened into one axis (rules/keras_label_axes.py) ---------------------------

FLAT = FIXTURES / "onehot_labels_flattened.py"


def test_flattened_one_hot_labels_name_both_sides():
    [d] = findings(FLAT)
    assert "the one-hot labels of 5 classes, (40, 5), are flattened on this line into (200,)" \
        in d.message and "at line 14" in d.message
    source = FLAT.read_text(encoding="utf-8").replace(".flatten()", ".reshape(-1)")
    [d] = findings(source)
    assert (int(d.line), d.data["seen_at_line"]) == (10, 14)


def test_labels_of_another_length_keep_the_finding_at_the_call():
    """(200,) labels that are not flattened one-hot rows: the split, not the encoding."""
    source = FLAT.read_text(encoding="utf-8").replace(
        "to_categorical(classes, 5).flatten()", "np.random.randint(0, 5, size=(200,))")
    [d] = findings(source)
    assert (int(d.line), d.code.code) == (14, "SHP110") and "seen_at_line" not in d.data


# -- a Dense stack on an input that keeps its axes (rules/keras_heads.py) -------------------------

ROWS = FIXTURES / "input_rows_into_dense_without_flatten.py"


def test_dense_stack_on_an_input_names_the_flatten_place_and_the_head():
    [d] = findings(ROWS)
    assert "add Flatten() or GlobalAveragePooling1D() on the input, before the Dense at " \
        "line 13 (from there to the Dense at line 15" in d.message
    assert (d.data["fix_line"], d.data["head_line"], d.data["seen_at_line"]) == (13, 15, 18)


def test_dense_head_alone_on_an_input_stays_on_the_head():
    """One Dense straight on the input: the head is where the Flatten goes."""
    source = ROWS.read_text(encoding="utf-8").replace(
        'x = layers.Dense(32, activation="relu")(inputs)', "x = inputs").replace(
        "x = layers.Dropout(0.2)(x)", "")
    [d] = findings(source)
    assert int(d.line) == 15 and "before the Dense at line 15" in d.message


# -- one sample given to predict() without its batch and window axes (rules/keras_places.py) ------

OBSERVATION = FIXTURES / "predict_observation_without_batch_and_window.py"


def test_sample_without_batch_and_window_axes_names_the_reshape():
    [d] = findings(OBSERVATION)
    assert "one sample of shape (6,) without its batch and window axes" in d.message
    assert "x.reshape(1, 1, 6) (x[None, None])" in d.message
    # the statement that made the sample is the other place the axes can go
    assert (int(d.line), d.data["data_at_line"]) == (18, 17)
    assert "The sample is made at line 17: giving it the missing axes there" in d.message


def test_sample_made_on_the_call_names_no_other_place():
    source = OBSERVATION.read_text(encoding="utf-8").replace(
        "values = q_net.predict(observation)", "values = q_net.predict(np.zeros(6))")
    [d] = findings(source)
    assert int(d.line) == 18 and "data_at_line" not in d.data
    assert "The sample is made" not in d.message


def test_sample_against_a_model_its_training_data_contradicts_stays_on_the_model():
    """Trained on (32, 6) rows, the model's (1, 6) input is what fit() rejects: the predict
    call is not the one line to change."""
    source = OBSERVATION.read_text(encoding="utf-8").replace("(32, 1, 6)", "(32, 6)")
    assert {int(d.line) for d in findings(source)} == {11}


# -- a size read from a module constant (rules/keras_constants.py) -------------------------------

LATENT = FIXTURES / "decoder_latent_constant_scanned_on_plane.py"
HEAD = FIXTURES / "head_units_constant_for_five_classes.py"


def test_constant_sizes_place_the_finding_on_the_constant():
    [d] = findings(LATENT)
    assert (int(d.line), d.data["seen_at_line"], d.data["data_at_line"]) == (9, 24, 23)
    assert d.data["layer_at_line"] == 15
    assert "latent_dim = 16 on this line sets the input shape of the layer at line 15" in \
        d.message
    [d] = findings(HEAD)
    assert (int(d.line), d.data["seen_at_line"], d.data["layer_at_line"]) == (7, 18, 15)
    assert "make it NUM_CLASSES = 5 on this line" in d.message


def test_constant_not_bound_once_to_a_literal_stays_on_the_layer():
    """A name bound twice, a computed value, a literal beside it: no one constant to edit."""
    text = LATENT.read_text(encoding="utf-8")
    for source in (text.replace("window = 64\n", "window = 64\nlatent_dim = 8\n"),
                   text.replace("latent_dim = 16  # error", "latent_dim = 4 * 4  # error"),
                   text.replace("Input(shape=(latent_dim,))", "Input(shape=(16,))")):
        [d] = findings(source)
        assert int(d.line) in (15, 16) and "layer_at_line" not in d.data
    source = HEAD.read_text(encoding="utf-8").replace(
        "features = np", "def relabel(NUM_CLASSES):\n    return NUM_CLASSES\n\n\nfeatures = np")
    [d] = findings(source)
    assert "layer_at_line" not in d.data


# -- 2-D rows fit to a recurrent model (rules/keras_recurrent_rows.py) ---------------------------

RNN_ROWS = FIXTURES / "sensor_rows_into_simple_rnn_without_steps.py"


def test_rows_into_a_recurrent_input_sit_on_the_data_line():
    """No input_shape of a recurrent layer takes 2-D rows: the data's line, with the reshape
    that gives each row its steps, naming the layer and the call."""
    [d] = findings(RNN_ROWS)
    assert (int(d.line), d.data["seen_at_line"], d.data["layer_at_line"]) == (8, 15, 12)
    assert "Give each row one step: .reshape(48, 1, 8) here" in d.message
    [d] = findings(FIXTURES / "flattened_windows_into_bidirectional_lstm.py")
    assert (int(d.line), d.data["layer_at_line"]) == (8, 12)
    assert "Each row holds 12 steps of 3 features side by side: .reshape(40, 12, 3)" in \
        d.message


def test_rows_of_one_step_for_a_fixed_window_stay_on_the_model():
    """Rows of 8 features for input_shape=(5, 8): windowing the data or one step in the model,
    either side (the twin of keras/lstm_input_shape_batch_size changes both)."""
    source = RNN_ROWS.read_text(encoding="utf-8").replace("input_shape=(None, 8)",
                                                          "input_shape=(5, 8)")
    [d] = findings(source)
    assert (int(d.line), d.data["data_at_line"]) == (12, 8)


def test_rows_into_a_dense_stack_before_the_recurrent_layer_stay_on_the_model():
    source = RNN_ROWS.read_text(encoding="utf-8").replace(
        "model.add(layers.SimpleRNN(12, input_shape=(None, 8)))",
        "model.add(layers.Dense(8, input_shape=(None, 8)))\nmodel.add(layers.SimpleRNN(12))")
    assert [int(d.line) for d in findings(source)] == [12]


# -- a softmax over a hidden layer (rules/keras_hidden_softmax.py) -------------------------------

HIDDEN = FIXTURES / "softmax_layer_on_hidden_relu_units.py"


def test_softmax_on_a_hidden_dense_sits_where_the_class_dense_goes():
    [d] = findings(HIDDEN)
    assert (d.code.code, int(d.line), d.data["seen_at_line"]) == ("SHP110", 14, 18)
    assert "The softmax at line 15 is applied to the 64 units of the hidden Dense at line 13, " \
        "after its relu: no Dense maps them to the 6 classes; add Dense(6) after this line" in \
        d.message
    assert "make the last layer Dense(6)" not in d.message


def test_softmax_on_a_dense_without_a_nonlinearity_stays_on_the_dense():
    """Dense(64) straight into the softmax is the output layer of the wrong width."""
    source = HIDDEN.read_text(encoding="utf-8").replace('Dense(64, activation="relu")',
                                                        "Dense(64)")
    [d] = findings(source)
    assert int(d.line) == 13 and "make the last layer Dense(6)" in d.message


# -- integer labels written into after they were built (rules/keras_places.at_labels) ------------

GRADES = FIXTURES / "grade_ids_written_in_place_before_fit.py"


def test_labels_written_in_place_are_converted_after_the_last_write():
    [d] = findings(GRADES)
    assert (d.code.code, int(d.line), d.data["seen_at_line"]) == ("SHP111", 10, 14)
    assert "the labels built at line 9 and last written on this line were meant one-hot; " \
        "convert them after it (or the loss at line 13)" in d.message


def test_labels_never_written_after_they_are_built_stay_on_their_line():
    source = GRADES.read_text(encoding="utf-8").replace(
        "grades = np.random.randint(0, 3, 50)\ngrades[:10] = 3  # error: SHP111",
        "grades = np.random.randint(0, 4, 50)")
    [d] = findings(source)
    assert int(d.line) == 9 and "the labels built on this line were meant one-hot" in d.message


# -- data a fitted model contradicts (rules/keras_fitted_input.py) ------------------------------

FITTED = FIXTURES / "evaluate_rows_transposed_after_fit.py"


def test_data_a_fitted_model_contradicts_is_placed_where_it_is_made():
    [d] = findings(FITTED)
    assert (int(d.line), d.data["seen_at_line"], d.data["fit_at_line"]) == (15, 17, 13)
    assert "is (12, 30), but the model takes (None, 12)" in d.message
    assert "fit at line 13 on data of shape (64, 12)" in d.message
    assert "make this array with samples of shape (12,) on this line" in d.message


def test_without_a_fit_that_takes_the_model_the_finding_stays_on_the_model():
    # no fit: the model may as well be the side to change (edges.py keeps it on its input)
    source = FITTED.read_text(encoding="utf-8").replace(
        "model.fit(readings, targets, epochs=1, verbose=0)", "")
    [d] = findings(source)
    assert int(d.line) == 10 and "fit_at_line" not in d.data
    # a fit on data whose width is not known shows nothing about the model
    source = FITTED.read_text(encoding="utf-8").replace(
        "np.random.rand(64, 12)", "np.load('readings.npy')")
    [d] = findings(source)
    assert int(d.line) == 10 and "fit_at_line" not in d.data


# -- labels the same model is fit on (rules/keras_label_sides.py) ---------------------------------

VALIDATION = FIXTURES / "validation_labels_one_hot_over_fewer_classes.py"


def test_validation_labels_narrower_than_the_fitting_training_labels():
    [d] = findings(VALIDATION)
    assert (int(d.line), d.data["seen_at_line"], d.data["fit_line"]) == (15, 20, 20)
    assert "training labels of the output's shape (N, 5), so the model is right" in d.message
    assert "to_categorical(..., num_classes=5)" in d.message
    assert "make the last layer Dense(4)" not in d.message and "data_at_line" not in d.data


def test_validation_labels_stay_on_the_model_when_the_training_width_is_unknown():
    """Training labels of an unread width (max + 1 of random ids) show nothing about the model."""
    source = VALIDATION.read_text(encoding="utf-8").replace(
        "to_categorical(kinds, num_classes=5)", "to_categorical(kinds)")
    [d] = findings(source)
    assert int(d.line) == 18 and "fit_line" not in d.data


def test_evaluate_labels_against_an_earlier_fit_on_output_shaped_labels():
    source = VALIDATION.read_text(encoding="utf-8").replace(
        ", validation_data=(held_out, held_out_labels))  # seen: SHP110",
        ")\nmodel.evaluate(held_out, held_out_labels)")
    [d] = findings(source)
    assert (int(d.line), d.data["seen_at_line"], d.data["fit_line"]) == (15, 21, 20)


# -- Keras 1's kernel rows and columns read as strides (rules/keras_positional_strides.py) -------

KERAS1 = FIXTURES / "keras1_kernel_rows_cols_read_as_strides.py"


def test_keras1_kernel_arguments_name_every_strided_convolution():
    [d] = findings(KERAS1)
    assert (int(d.line), d.data["seen_at_line"]) == (13, 16)
    assert d.data["positional_strides_at"] == [13, 15]
    assert "read the third positional argument as strides=5" in d.message
    assert "Conv2D(16, (5, 5))" in d.message


def test_strides_by_keyword_are_the_authors_choice():
    source = KERAS1.read_text(encoding="utf-8").replace(
        "Conv2D(16, 5, 5,", "Conv2D(16, 5, strides=5,").replace(
        "Conv2D(32, 5, 5,", "Conv2D(32, 5, strides=5,")
    [d] = findings(source)
    assert int(d.line) == 16 and "seen_at_line" not in d.data


# -- an input size read from the data before the data is made anew (rules/keras_read_before.py) --

READ_BEFORE = FIXTURES / "input_size_read_before_data_reshaped.py"


def test_input_size_read_before_the_data_is_remade_goes_to_the_remaking():
    [d] = findings(READ_BEFORE)
    assert (int(d.line), d.data["seen_at_line"], d.data["layer_at_line"]) == (17, 18, 13)
    assert "reads its input size from patches.shape, before patches is made anew" in d.message
    assert "(50, 384)" in d.message and "data_at_line" not in d.data
    assert "If the data is right" not in d.message


def test_input_size_written_as_a_number_keeps_the_model_side():
    """A literal size is not read from the array: either side stays an honest fix."""
    source = READ_BEFORE.read_text(encoding="utf-8").replace("(patches.shape[1],)", "(16,)")
    [d] = findings(source)
    assert (int(d.line), d.data["data_at_line"]) == (13, 17)


# -- a merge no usable input size fits: the branch's one resizing layer (keras_branch_sizes.py) --

BRANCH = FIXTURES / "residual_branch_strided_before_add.py"


def test_strided_branch_before_add_goes_to_the_strided_convolution():
    [d] = findings(BRANCH)
    assert (int(d.line), d.data["seen_at_line"], d.data["fork_line"]) == (13, 15, 12)
    assert "turns one of them from (64, 64) to (32, 32) while the other keeps (64, 64)" \
        in d.message
    assert "strides=1, padding='same'" in d.message and "fitting_sizes" not in d.data


def test_both_branches_resized_stay_where_they_show():
    """Two resizing layers, one on each branch: no one layer to name."""
    source = BRANCH.read_text(encoding="utf-8").replace(
        "x = layers.Add()([x, stem])", "stem = layers.MaxPooling2D(4)(stem)\n"
        "x = layers.Add()([x, stem])")
    [d] = findings(source)
    assert "fork_line" not in d.data


# -- labels with a stray axis of 1 (rules/keras_label_extra_axes.py) ------------------------------

ID_COLUMN = FIXTURES / "onehot_rows_of_id_column.py"


def test_onehot_rows_of_an_id_column_keep_its_axis():
    [d] = findings(ID_COLUMN)
    assert (int(d.line), d.data["seen_at_line"]) == (10, 15)
    assert d.data["label_shape"] == [40, 1, 4] and d.data["extra_axes"] == 1
    assert "np.squeeze(..., axis=1)" in d.message


def test_trailing_axis_of_one_is_squeezed_by_keras():
    """(N, 4, 1) against (N, 4): Keras squeezes the trailing 1, nothing to say."""
    source = ID_COLUMN.read_text(encoding="utf-8").replace(
        "targets = np.eye(4)[moods]", "targets = np.eye(4)[moods[:, 0]][..., None]")
    assert findings(source) == []


def test_stray_axis_under_mse_is_not_this_rule():
    source = ID_COLUMN.read_text(encoding="utf-8").replace('"categorical_crossentropy"', '"mse"')
    assert all("extra_axes" not in d.data for d in findings(source))


# -- a model built by its data: the data's statement named (rules/keras_data_made.py) ------------

UNBUILT = """import numpy as np
from keras import layers
from keras.models import Sequential

scans = np.random.rand(30, 32, 32).astype("float32")
grades = np.random.randint(0, 2, size=(30,))
model = Sequential([layers.Conv2D(4, 3, activation="relu"), layers.Flatten(),
                    layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(scans, grades, epochs=1)
"""


def test_model_built_by_its_data_names_where_the_data_is_made():
    """No input shape: the fit's data builds the model, so the finding stays on the call (where
    Keras raises) and names the statement that made the channel-less scans."""
    [d] = findings(UNBUILT)
    assert (int(d.line), d.data["data_at_line"]) == (10, 5)
    assert "made with shape (30, 32, 32) at line 5: change it there" in d.message


def test_model_built_by_data_made_on_the_call_names_nothing_more():
    source = UNBUILT.replace("model.fit(scans,", "model.fit(np.random.rand(30, 32, 32),")
    [d] = findings(source)
    assert int(d.line) == 10 and "data_at_line" not in d.data


# -- a decoder's map: the one convolution whose padding decides it (rules/keras_map_fit.py) ------

OVERSHOOT = FIXTURES / "decoder_same_padding_overshoots_target.py"


def test_the_one_convolution_whose_valid_padding_fits_the_targets():
    [d] = findings(OVERSHOOT)
    assert (int(d.line), d.data["seen_at_line"]) == (22, 27)
    assert "without padding='same', makes the model output 20x20: it then gives 10x10 " \
        "instead of 12x12" in d.message


def test_no_convolution_that_fits_leaves_the_finding_on_the_output():
    """Targets of 26x26, larger than the 24x24 output: no convolution's 'valid' padding gives
    them, so no one layer is the fix and the finding stays on the output layer."""
    source = OVERSHOOT.read_text(encoding="utf-8").replace(
        "tiles = np.random.rand(16, 20, 20, 1)", "tiles = np.random.rand(16, 20, 20, 1)\n"
        "targets = np.random.rand(16, 26, 26, 1)").replace(
        "autoencoder.fit(tiles, tiles,", "autoencoder.fit(tiles, targets,")
    [d] = findings(source)
    assert int(d.line) == 25 and "only convolution" not in d.message


# -- a Concatenate called eagerly on concrete tensors (frameworks/keras_eager_merge.py) ----------

EAGER = FIXTURES / "weights_vector_concatenated_with_features.py"


def test_eager_concatenate_goes_to_the_tensor_without_the_axis():
    [d] = findings(EAGER)
    assert (int(d.line), d.data["seen_at_line"]) == (7, 9)
    assert d.data["shapes"] == [[256, 3], [256]]
    assert "give it one, shape (256, 1)" in d.message


def test_eager_concatenate_of_other_sizes_is_not_this_rule():
    """(256,) beside (128, 3): not the others' shape less the last axis, nothing placed."""
    source = EAGER.read_text(encoding="utf-8").replace("np.random.rand(256, 3)",
                                                       "np.random.rand(128, 3)")
    assert findings(source) == []


def test_training_ids_wrapped_from_an_arange_hold_every_class():
    """np.arange(60) % 5 holds each of the ids 0..4 (frameworks/arrays._wrapped_ids), so
    to_categorical of it is 5 wide, the output's width: the validation labels are at fault."""
    source = VALIDATION.read_text(encoding="utf-8").replace(
        "kinds = np.random.randint(0, 5, size=60)", "kinds = np.arange(60) % 5").replace(
        "to_categorical(kinds, num_classes=5)", "to_categorical(kinds)")
    [d] = findings(source)
    assert (int(d.line), d.data["fit_line"]) == (15, 20)


def test_an_arange_shorter_than_the_modulus_holds_fewer_classes():
    """np.arange(3) % 5 holds 0, 1, 2 only: the training labels' width is not the output's."""
    source = VALIDATION.read_text(encoding="utf-8").replace(
        "kinds = np.random.randint(0, 5, size=60)", "kinds = np.arange(3) % 5").replace(
        "to_categorical(kinds, num_classes=5)", "to_categorical(kinds)")
    assert all("fit_line" not in d.data for d in findings(source))


# -- recurrent layers that keep only their last step (rules/keras_heads.py) --------------------

def test_per_step_tags_sit_on_the_bidirectional_that_keeps_its_last_state():
    [d] = findings(FIXTURES / "tagger_bidirectional_last_state_for_token_tags.py")
    assert (int(d.line), d.code.code) == (14, "SHP110")
    assert (d.data["steps"], d.data["head_line"], d.data["seen_at_line"]) == (25, 16, 18)
    assert d.data["data_at_line"] == 10  # the tags, the other honest side
    assert "set return_sequences=True on the LSTM inside the Bidirectional at line 14" in \
        d.message and "(None, 25, 7)" in d.message


def test_per_step_targets_broadcast_over_the_last_state_sit_on_the_gru():
    [d] = findings(FIXTURES / "sensor_gru_last_state_for_per_step_readings.py")
    assert (int(d.line), d.code.code) == (13, "SHP206")
    assert (d.data["steps"], d.data["head_line"], d.data["seen_at_line"]) == (15, 16, 19)
    assert "squeezes the labels to (None, 15)" in d.message
    assert "(None, 15, 1)" in d.message and "Dense(15)" in d.message


def test_per_step_targets_of_a_window_of_one_step_are_not_a_broadcast():
    """(n, 1, 1) targets against (None, 1): Keras compares one value with one value."""
    source = (FIXTURES / "sensor_gru_last_state_for_per_step_readings.py").read_text(
        encoding="utf-8").replace("15", "1")
    assert findings(source) == []


# -- a Flatten that is not the fault alone (rules/keras_places.py) -----------------------------

def test_flatten_of_a_pooled_map_leaves_the_finding_on_the_conv1d():
    """Without the Flatten the Conv1D would get (None, 1, 1, 48), rank 4: the fix is the step
    axis given at the Conv1D, where the finding stays."""
    [d] = findings(FIXTURES / "pooled_vector_into_conv1d_without_steps.py")
    assert (int(d.line), d.code.code) == (16, "SHP103") and "seen_at_line" not in d.data
    assert "layers.Reshape((48, 1))" in d.message and "layers.Reshape((1, 48))" in d.message
    assert "input_shape" not in d.message


def test_flatten_of_the_rank_the_conv1d_needs_is_the_fault():
    source = (FIXTURES / "pooled_vector_into_conv1d_without_steps.py").read_text(
        encoding="utf-8").replace("layers.Conv2D(24, 5, activation=\"relu\")(patch)",
                                  "layers.Reshape((25, 16))(patch)")
    [d] = findings(source)
    assert (int(d.line), d.data["seen_at_line"]) == (14, 16)
    assert "move it after the last layer that needs them" in d.message


# -- one sample of another shape for a model its fit shows right (rules/keras_fitted_input.py) -

WINDOW = FIXTURES / "window_of_other_length_predicted_after_fit.py"


def test_sample_of_another_shape_after_a_fit_sits_where_it_is_made():
    [d] = findings(WINDOW)
    assert (int(d.line), d.data["seen_at_line"], d.data["fit_at_line"]) == (18, 19, 16)
    assert d.data["data_shape"] == [45, 2] and d.data["model_input"] == [None, 30, 2]
    assert "samples of shape (30, 2), in a batch ((1, 30, 2) for this one sample)" in d.message


def test_sample_of_another_shape_without_a_fit_stays_on_the_model():
    """Without the fit nothing shows the model right: either side, kept on the model's input,
    naming the data's line."""
    source = WINDOW.read_text(encoding="utf-8").replace(
        "forecaster.fit(history, nxt, epochs=1, batch_size=10)\n", "")
    [d] = findings(source)
    assert (int(d.line), d.data["data_at_line"]) == (11, 17)


# -- images a resize sized (frameworks/image_resize.py, rules/keras_resized.py) ----------------

SHRUNK = FIXTURES / "photos_shrunk_below_fitted_crop_size.py"
CAMERA = FIXTURES / "camera_frame_resized_height_width_swapped.py"


def test_photos_a_resize_shrank_below_the_fitted_size_sit_on_the_resize():
    [d] = findings(SHRUNK)
    assert (int(d.line), d.data["seen_at_line"], d.data["fit_at_line"]) == (21, 23, 17)
    assert d.data["data_shape"] == [5, 60, 60, 3] and d.data["model_input"] == [None, 64, 64, 3]
    assert "resize to height 64 and width 64 on this line" in d.message


def test_photos_resized_for_predict_without_a_fit_sit_on_the_resize_naming_the_model():
    """A resize before predict() exists to give the model its size (rules/keras_resized.
    at_resize): without a fit as well, the finding sits on it and names the model's input."""
    source = SHRUNK.read_text(encoding="utf-8").replace(
        "model.fit(leaves, kinds, batch_size=16, epochs=1, verbose=0)\n", "")
    [d] = findings(source)
    assert (int(d.line), d.data["model_at_line"], d.data["seen_at_line"]) == (20, 11, 22)
    assert "data_at_line" not in d.data
    assert "resized to height 60 and width 60 on this line, before predict(), while the model " \
        "(line 11) takes height 64 and width 64: resize to (64, 64) here" in d.message


def test_photos_resized_for_fit_stay_on_the_model_naming_the_resize():
    """A resize of the training data is a design choice like the model's input: either side."""
    source = SHRUNK.read_text(encoding="utf-8").replace(
        "model.fit(leaves, kinds, batch_size=16, epochs=1, verbose=0)\n", "").replace(
        "return classifier.predict(shrunk, verbose=0).argmax(axis=1)",
        "return classifier.fit(shrunk, np.zeros(5), verbose=0)")
    [d] = findings(source)
    assert (int(d.line), d.data["data_at_line"], d.data["seen_at_line"]) == (11, 20, 22)
    assert "that resize to height 64 and width 64 there" in d.message


def test_photos_resized_to_a_size_a_caller_passes_stay_on_the_model():
    """The size is written where the helper is called, not on the resize: not placed there."""
    source = SHRUNK.read_text(encoding="utf-8").replace(
        "model.fit(leaves, kinds, batch_size=16, epochs=1, verbose=0)\n", "").replace(
        "def label_photos(classifier, photos):", "def label_photos(classifier, photos, size):"
        ).replace("(photos, (60, 60))", "(photos, size)").replace(
        "label_photos(model, photos)", "label_photos(model, photos, (60, 60))")
    [d] = findings(source)
    assert (int(d.line), d.data["data_at_line"]) == (11, 20)


def test_swapped_resize_before_predict_sits_on_the_resize():
    [d] = findings(CAMERA)
    assert (int(d.line), d.data["model_at_line"], d.data["seen_at_line"]) == (16, 8, 18)
    assert d.data["data_shape"] == [1, 128, 96, 3]
    assert "resize to (96, 128) here" in d.message


def test_a_resize_that_left_the_channels_wrong_names_the_data_line():
    """The model refuses a size the resize did not write (the channels): the array's own
    line is named, not the resize."""
    source = CAMERA.read_text(encoding="utf-8").replace(
        "size=(240, 320, 3)", "size=(240, 320, 4)")
    [d] = findings(source)
    assert d.data["data_at_line"] == 17 and "resized" not in d.message


# -- a keras.Model's declared Input (edges.py, keras_models._declared_takes) ------------

def test_declared_input_of_a_functional_model_refuses_data_its_layers_take():
    [d] = findings(FIXTURES / "sensor_windows_longer_than_declared_input.py")
    assert (int(d.line), d.data["seen_at_line"], d.data["data_at_line"]) == (11, 17, 8)
    assert d.data["data_shape"] == [20, 64, 6] and d.data["model_input"] == [None, 50, 6]
    assert "keras.Model checks the sizes" in d.message or "checks data against" in d.message


def test_a_sequential_does_not_check_its_declared_input():
    """Keras 3's Sequential runs its layers on a size its Input does not declare."""
    source = (FIXTURES / "sensor_windows_longer_than_declared_input.py").read_text(
        encoding="utf-8").replace("regressor = keras.Model(readings, level)",
                                  "regressor = keras.Sequential([readings, layers.Conv1D(8, 5), "
                                  "layers.GlobalAveragePooling1D(), layers.Dense(1)])")
    assert findings(source) == []


def test_nested_model_declared_input_sits_on_that_input():
    [d] = findings(FIXTURES / "nested_encoder_declared_80_steps_for_60.py")
    assert (int(d.line), d.data["seen_at_line"], d.data["data_at_line"]) == (8, 17, 15)
    assert "the model 'encoder' declares its input (None, 80, 4)" in d.message


# -- one model's output refused by another's declared input (frameworks/keras_model_into_model.py) ---

def test_output_refused_by_a_built_sequential_sits_on_the_last_layer_to_resize():
    [d] = findings(FIXTURES / "decoder_strides_past_critic_input.py")
    assert (int(d.line), d.data["seen_at_line"]) == (12, 20)
    assert d.data["declared"] == [None, 28, 28, 1] and d.data["given"] == [None, 56, 56, 1]
    assert "Conv2DTranspose is the last layer of 'sequential' to change axis 1, 2 (to 56, " \
           "56): make it give 28, 28, or declare that input" in d.message


def test_a_sequential_not_yet_built_is_not_judged():
    """A Sequential without an input shape is built by its first call, for that call's shape:
    there is no declared size to refuse it."""
    source = (FIXTURES / "decoder_strides_past_critic_input.py").read_text(encoding="utf-8")
    unbuilt = source.replace(', input_shape=(28, 28, 1)', '')
    assert findings(unbuilt) == []


def test_keepdims_pooling_before_the_head_is_dropped_not_followed_by_another_pooling():
    """GlobalAveragePooling2D(keepdims=True) then Dense: the plain fix is dropping keepdims."""
    [d] = findings(FIXTURES / "pooled_keepdims_before_class_dense.py")
    assert (int(d.line), d.data["seen_at_line"]) == (10, 16)
    assert "drop keepdims=True from the GlobalAveragePooling2D at line 10" in d.message
    assert "GlobalAveragePooling2D() after" not in d.message


# -- data the model refuses only because a transpose reordered it (rules/keras_transposed.py) --

def test_transpose_of_data_in_the_models_layout_is_the_fix():
    [d] = findings(FIXTURES / "spectrogram_transposed_before_predict.py")
    assert (int(d.line), d.data["seen_at_line"]) == (14, 15)
    assert d.data["transposed_from"] == [128, 40] and d.data["model_input"] == [None, 128, 40]
    assert "Before the transpose on this line the data was (128, 40)" in d.message


def test_transpose_that_was_not_the_models_layout_stays_on_the_model():
    """Data that matched no layout of the model before the transpose: either side may be the
    fix, and the finding stays on the model's input."""
    source = (FIXTURES / "spectrogram_transposed_before_predict.py").read_text(
        encoding="utf-8").replace("np.random.rand(128, 40)", "np.random.rand(100, 40)")
    [d] = findings(source)
    assert int(d.line) == 8


def test_transpose_is_kept_through_arithmetic_with_a_scalar():
    source = (FIXTURES / "spectrogram_transposed_before_predict.py").read_text(
        encoding="utf-8").replace("bands_first[None]", "(bands_first * 2.0)[None]")
    [d] = findings(source)
    assert (int(d.line), d.data["seen_at_line"]) == (14, 15)


def test_transpose_inside_a_helper_is_placed_on_the_helpers_call():
    [d] = findings(FIXTURES / "frames_moved_channels_first_by_helper.py")
    assert (int(d.line), d.data["seen_at_line"]) == (22, 23)
    assert d.data["transposed_from"] == [40, 48, 48, 3]
    assert "Before the transpose at line 10, run by the call on this line, the data was " \
           "(40, 48, 48, 3)" in d.message


def test_transpose_inside_a_helper_called_in_the_fit_call_is_placed_on_that_call():
    """The helper called inside fit(...): the finding sits on the fit line itself."""
    source = (FIXTURES / "frames_moved_channels_first_by_helper.py").read_text(
        encoding="utf-8").replace("prepared = to_channels_first(frames)  # error: SHP109\n", "")
    source = source.replace("model.fit(prepared,", "model.fit(to_channels_first(frames),")
    [d] = findings(source)
    assert (int(d.line), d.data["seen_at_line"]) == (22, 22)


# -- the data's whole shape given as the input shape (edges._whole_data_code) ------------------

TABLE = FIXTURES / "sensor_table_shape_given_as_input_shape.py"


def test_input_shape_of_the_whole_table_is_shp108():
    [d] = findings(TABLE)
    assert (int(d.line), d.code.code, d.data["seen_at_line"]) == (10, "SHP108", 14)
    assert "input_shape=(300, 12) is the data's full shape, sample axis included" in d.message
    assert "use input_shape=X.shape[1:] = (12,)" in d.message


def test_an_input_shape_that_is_not_the_datas_whole_shape_stays_shp109():
    """(299, 12) is not the table's shape: nothing says the leading size is the batch."""
    source = TABLE.read_text(encoding="utf-8").replace(
        "keras.Input(shape=readings.shape)", "keras.Input(shape=(299, 12))")
    [d] = findings(source)
    assert d.code.code == "SHP109"


# -- labels that fit, made and left unread (rules/keras_unread_labels.py) ----------------------

UNREAD = FIXTURES / "one_hot_labels_made_then_left_unread.py"


def test_labels_made_for_the_call_and_left_unread_put_the_finding_on_the_call():
    [d] = findings(UNREAD)
    assert (d.code.code, int(d.line), d.data["unread_at_line"]) == ("SHP111", 14, 9)
    assert "seen_at_line" not in d.data and "data_at_line" not in d.data
    assert "species_onehot, made from species at line 9 with the output's shape (N, 4), is " \
        "read nowhere" in d.message and "give model.fit() species_onehot on this line" in d.message


def test_unread_labels_rule_needs_the_one_unread_array_made_from_the_given_labels():
    text = UNREAD.read_text(encoding="utf-8")
    read = text + "print(species_onehot.sum())\n"  # read elsewhere: not left unread
    other = text.replace("to_categorical(species, 4)", "to_categorical(np.zeros(96), 4)")
    twice = text.replace("species_onehot = ", "spare = keras.utils.to_categorical(species, 4)\n"
                         "species_onehot = ")  # two candidates: which one was meant is unknown
    for source in (read, other, twice):
        compile_line = source.splitlines().index(
            'model.compile(optimizer="adam", loss="categorical_crossentropy")') + 1
        [d] = findings(source)  # the model's side, the compile line, as rules/edges.py keeps it
        assert (d.code.code, int(d.line)) == ("SHP111", compile_line)
        assert "unread_at_line" not in d.data


# -- data for predict() whose shape a helper's argument chose (rules/keras_chosen_reads.py) ----

SCAN = FIXTURES / "scan_read_gray_by_flag_then_reshaped.py"


def test_a_read_chosen_by_argument_for_predict_sits_on_the_call():
    [d] = findings(SCAN)
    assert (int(d.line), d.data["model_at_line"], d.data["seen_at_line"]) == (19, 14, 21)
    assert "data_at_line" not in d.data
    assert "The call on this line chose that shape through the helper's argument" in d.message


def test_a_read_chosen_by_argument_for_fit_stays_on_the_model_naming_the_call():
    source = SCAN.read_text(encoding="utf-8").replace(
        "probabilities = model.predict(x, verbose=0)", "model.fit(x, np.zeros((1, 3)))")
    [d] = findings(source)
    assert (int(d.line), d.data["data_at_line"]) == (14, 19)


def test_sizes_the_helper_writes_itself_for_predict_stay_on_the_model():
    source = SCAN.read_text(encoding="utf-8").replace(
        "np.ones((96, 96) if as_gray else (96, 96, 3), dtype=\"uint8\")",
        "np.ones((96, 96), dtype=\"uint8\")")
    [d] = findings(source)
    assert (int(d.line), d.data["data_at_line"]) == (14, 11)


# -- a sample taken out of its batch by an integer index (rules/keras_indexed_sample.py) -------

CLIP = FIXTURES / "clip_indexed_out_of_its_batch_for_predict.py"


def test_sample_indexed_out_of_its_batch_sits_on_the_index():
    [d] = findings(CLIP)
    assert (int(d.line), d.data["seen_at_line"]) == (15, 16) and "data_at_line" not in d.data
    assert "x given to model.predict() at line 16 is one sample of shape (40, 20)" in d.message
    assert "recorded[3:4] keeps it (a batch of one)" in d.message


def test_sample_made_otherwise_stays_on_the_call():
    text = CLIP.read_text(encoding="utf-8")
    for made in ("recorded[3] * 2.0", "np.random.rand(40, 20)", "recorded[3, :, :]"):
        [d] = findings(text.replace("clip = recorded[3]", f"clip = {made}"))
        assert int(d.line) == 16, made
    [d] = findings(text.replace("clip = recorded[3]", "clip = recorded[-1]"))
    assert int(d.line) == 15 and "recorded[-1:] keeps it" in d.message


# -- an autoencoder sized by its data (rules/keras_reconstruction_sizes.py) --------------------

SCANS = FIXTURES / "scan_autoencoder_width_not_multiple_of_four.py"


def test_autoencoder_sized_by_its_data_sits_on_the_data_with_the_sizes_that_fit():
    [d] = findings(SCANS)
    assert (d.code.code, int(d.line), d.data["seen_at_line"]) == ("SHP110", 7, 20)
    assert "100x75 comes back larger, 100x76 comes back whole. Crop or resize the data to " \
        "100x76 on this line" in d.message


def test_autoencoder_with_a_written_input_or_other_targets_stays_on_the_model():
    text = SCANS.read_text(encoding="utf-8")
    written = text.replace("keras.Input(shape=scans.shape[1:])", "keras.Input(shape=(100, 75, 1))")
    other = text.replace("denoiser.fit(scans, scans,", "denoiser.fit(scans, np.zeros((6, 100, 75, 1)),")
    for source in (written, other):
        [d] = findings(source)
        assert int(d.line) == 17 and "comes back whole" not in d.message


# -- an input size a class keeps from its instantiation (rules/keras_init_sizes.py) ------------

KEPT = FIXTURES / "window_length_kept_by_class_for_longer_windows.py"


def test_input_size_kept_by_a_class_sits_on_its_one_instantiation():
    [d] = findings(KEPT)
    assert (int(d.line), d.data["layer_at_line"], d.data["seen_at_line"]) == (24, 15, 20)
    assert "Forecaster(...) on this line gives window=30, which __init__ keeps as " \
        "self.window" in d.message


def test_input_size_kept_by_a_class_otherwise_stays_on_the_input():
    text = KEPT.read_text(encoding="utf-8")
    twice = text.replace("print(forecaster", "spare = Forecaster(30, 6)\nprint(forecaster")
    rebound = text.replace("        self.net = self.build()",
                           "        self.window = 30\n        self.net = self.build()")
    named = text.replace("Forecaster(30, 6)", "Forecaster(WINDOW, 6)").replace(
        "windows = np.random", "WINDOW = 30\nwindows = np.random")
    for source in (twice, rebound, named):
        [d] = findings(source)
        assert "keeps as self.window" not in d.message
