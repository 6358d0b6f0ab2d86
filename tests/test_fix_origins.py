"""Issue 16, part 1 (torch): a fault that shows at a layer, a loss or a torch.cat sits on the
statement that produced its cause (frameworks/torch_fix_origins.py, torch_target_places.py).
Each fixture in fixtures/fix_origins/torch/ is our own (not a public report): `# error:` marks
the line its fixed twin changes, `# seen:` the line where real torch raises. shapelint
must report each marked code on its line and name the seen line (data["seen_at_line"]), stay
silent on the twin, and real torch must raise at the seen line and run the twin clean
(test_fix_pairs.py, over both folders). Here: what the messages say."""
from __future__ import annotations

import pathlib

from fix_pairs import findings
from shapelint.pipeline.analysis import analyse

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "fix_origins" / "torch"
BUGGY = sorted(p for p in FIXTURES.glob("*.py") if not p.stem.endswith("_fixed"))


def test_messages_name_the_fix():
    """The sentence each rule adds says what to change, with the sizes that work."""
    text = {p.stem: " ".join(d.message for d in findings(p)) for p in BUGGY}
    assert "permute(0, 4, 1, 2, 3) gives (4, 2, 10, 10, 10)" in text["volume_fed_channels_last"]
    assert "make it a multiple of 8 (96 or 104)" in text["unet_depth3_input_100"]
    assert "NUM_OUTPUTS = 5 on this line sets Linear's out_features" in \
        text["head_width_constant"]
    assert "flat_pixels, a name the file never reads" in \
        text["batch_reshape_bound_to_unread_name"]
    assert "target.argmax(dim=1)" in text["nll_flattened_one_hot"]


def test_messages_name_where_the_size_is_written():
    """Issue 16, the size side: the constant or instantiation argument that sets what a layer
    expects, the permute after the layer that made a features-last tensor, the channel axis a
    fed batch lacks, the constant a head should read, the size-1 axis a target has too many."""
    text = {p.stem: " ".join(d.message for d in findings(p)) for p in BUGGY}
    assert "FEATURE_DIM = 64 on this line sets GRU's input_size (line 14), and nothing " \
        "else reads it: make it 48" in text["gru_input_size_constant"]
    assert "in_ch=1 given to Encoder on this line sets Conv2d's in_channels (line 10): make " \
        "it 3" in text["stem_channels_given_at_instantiation"]
    assert "The LSTM applied on this line gives (4, 20, 32)" in text["conv1d_on_lstm_states"]
    assert ".permute(0, 2, 1) of this output gives (4, 32, 20)" in text["conv1d_on_lstm_states"]
    assert ".unsqueeze(1) gives (4, 1, 40, 50)" in text["spectrograms_without_channel_axis"]
    assert "out_features on this line is HIDDEN (24); the target built at line 21 has " \
        "NUM_ATTRS (9) in dim 1: pass NUM_ATTRS here" in text["attribute_head_reads_hidden_size"]
    assert ".squeeze(1) here makes them agree" in text["segment_labels_with_channel_axis"]
    assert "drawn (TensorDataset, DataLoader) from the tensor reshaped on this line" in \
        text["signal_rows_viewed_without_channel_axis"]
    assert ".unsqueeze(1) here makes every batch (8, 1, 128), as .unsqueeze(1) of each batch " \
        "at line 27 does" in text["signal_rows_viewed_without_channel_axis"]


def test_a_size_constant_read_twice_stays_on_the_constructor():
    """A constant that also sizes another layer is not the value to change: the finding stays
    on the constructor that reads it."""
    path = FIXTURES / "gru_input_size_constant.py"
    source = path.read_text(encoding="utf-8").replace(
        "nn.Linear(10, 48)", "nn.Linear(10, 48)\n        self.spare = nn.Linear(FEATURE_DIM, 1)")
    diagnostics = [d for d in analyse(source, "m.py").diagnostics() if d.code.code == "SHP106"]
    assert [(int(d.line), d.data.get("seen_at_line")) for d in diagnostics] == [(15, 18)]


def test_an_instantiation_leaving_a_default_is_where_the_fix_goes():
    """A literal default the file's one instantiation leaves (isaaccorley/pytorch-enhance#2's
    `SRResNet(scale_factor=2)` on grayscale data, the maintainer: pass channels=1): the call
    is where this use of the class chooses the size, and the default's line is named. Rebound
    in __init__, or with **kwargs at the call that may give it, the finding stays on the
    constructor."""
    path = FIXTURES / "stem_channels_given_at_instantiation.py"
    source = path.read_text(encoding="utf-8").replace(
        "def __init__(self, in_ch, width=16)", "def __init__(self, in_ch=1, width=16)").replace(
        "Encoder(1, width=8)", "Encoder(width=8)")
    [d] = [d for d in analyse(source, "m.py").diagnostics() if d.code.code == "SHP106"]
    assert (int(d.line), d.data.get("seen_at_line")) == (17, 14)
    assert "Encoder(...) on this line leaves in_ch at its default 1 (line 8), which sets " \
        "Conv2d's in_channels (line 10): pass in_ch=3 there" in d.message
    rebound = source.replace("super().__init__()", "super().__init__()\n        in_ch = in_ch")
    assert [int(d.line) for d in analyse(rebound, "m.py").diagnostics()
            if d.code.code == "SHP106"] == [11]
    spread = source.replace("Encoder(width=8)", "Encoder(**{'width': 8})")
    assert [int(d.line) for d in analyse(spread, "m.py").diagnostics()
            if d.code.code == "SHP106"] == [10]


def test_a_config_entry_read_by_the_constructor_is_where_the_fix_goes():
    """`cfg["leads"]` in __init__, the dict given by the one instantiation (`EcgNet(settings)`),
    or read as a module global: the entry's line in the dict literal. Read twice, or written
    after the literal, the finding stays on the constructor."""
    path = FIXTURES / "config_entry_sets_conv1d_channels.py"
    [d] = findings(path)
    assert (int(d.line), d.data["seen_at_line"]) == (8, 21)
    assert '"leads": 12 in settings on this line sets Conv1d\'s in_channels (line 17), and ' \
        "nothing else reads it: make it 3" in d.message
    source = path.read_text(encoding="utf-8")
    direct = source.replace('nn.Conv1d(cfg["leads"]', 'nn.Conv1d(settings["leads"]')
    assert [int(d.line) for d in findings(direct)] == [8]
    twice = source.replace('cfg["classes"])', 'cfg["classes"] + cfg["leads"] - 12)')
    assert [int(d.line) for d in findings(twice)] == [17]
    written = source.replace("net = EcgNet(settings)", 'settings["leads"] = 12\nnet = EcgNet(settings)')
    assert [int(d.line) for d in findings(written)] == [17]


def test_an_expression_given_at_the_one_instantiation_is_where_the_fix_goes():
    """`Refine(base * 2)`: the expression the one call passes sets the layer's in_channels
    (the parameter's second read, the same call's out_channels, does not size the input).
    Inside a loop the one call builds several blocks: the finding stays on the constructor."""
    path = FIXTURES / "block_width_expression_at_instantiation.py"
    [d] = findings(path)
    assert (int(d.line), d.data["seen_at_line"]) == (21, 14)
    assert "ch=base * 2 given to Refine on this line (32) sets Conv2d's in_channels (line 11): " \
        "make it 64" in d.message
    looped = path.read_text(encoding="utf-8").replace(
        "        self.refine = Refine(base * 2)  # error: SHP106",
        "        for width in (base * 2,):\n            self.refine = Refine(width)")
    assert [int(d.line) for d in findings(looped)] == [11]


def test_a_default_that_also_sizes_the_layers_input_stays_on_the_constructor():
    """ReviewClassifier() leaves hidden=64, read by the GRU applied before the head as well:
    hidden=128 at the call would double the GRU's states too, so the call is not the fix (the
    finding stays on the head); SRResNet's channels, read again only by the tail applied after
    the head, moves to its call."""
    [d] = findings(FIXTURES / "bidirectional_gru_states_into_one_direction_head.py")
    assert int(d.line) == 15 and "leaves hidden at its default" not in d.message
    source = (FIXTURES / "mel_bins_default_left_by_instantiation.py").read_text(
        encoding="utf-8").replace("self.head = nn.Linear(32, classes)",
                                  "self.head = nn.Linear(32, classes)\n        self.spare = "
                                  "nn.Linear(n_mels, 1)")
    assert [int(d.line) for d in findings(source)] == [11]  # a read forward() never applies


def test_an_instantiation_quoted_in_a_comment_is_not_a_second_call():
    path = FIXTURES / "mel_bins_default_left_by_instantiation.py"
    source = path.read_text(encoding="utf-8").replace(
        "import torch\n", "import torch  # the fix: Tagger(n_mels=64, classes=6)\n", 1)
    assert [int(d.line) for d in analyse(source, "m.py").diagnostics()
            if d.code.code == "SHP106"] == [21]


def test_an_instantiation_argument_read_twice_stays_on_the_constructor():
    """A parameter that also sizes what the layer receives (braindecode#955's squeeze block:
    `sq = in_ch // r` for fc1, then fc2 built with `r` in-channels): a new value at the
    instantiation changes both sides, so the finding stays on the constructor."""
    path = FIXTURES / "stem_channels_given_at_instantiation.py"
    source = path.read_text(encoding="utf-8").replace(
        "self.pool = nn.AdaptiveAvgPool2d(1)",
        "self.pool = nn.AdaptiveAvgPool2d(1)\n        self.mix = nn.Conv2d(width, in_ch, 1)")
    diagnostics = [d for d in analyse(source, "m.py").diagnostics() if d.code.code == "SHP106"]
    assert [int(d.line) for d in diagnostics] == [10]


def test_a_parameter_passed_on_under_its_own_name_is_read_once():
    """`nn.LSTM(input_size=input_size)` reads the parameter once (the keyword is the LSTM's
    name for it): the finding goes to the instantiation that writes the number."""
    path = FIXTURES / "lstm_input_size_misses_concatenated_covariates.py"
    source = path.read_text(encoding="utf-8").replace("n_features", "input_size")
    diagnostics = [d for d in analyse(source, "m.py").diagnostics() if d.code.code == "SHP106"]
    assert [(int(d.line), d.data.get("seen_at_line")) for d in diagnostics] == [(24, 20)]


def test_a_multi_input_forward_is_read_on_every_input_the_script_gives():
    """model(a, b, c): forward() is read with the three tensors, so the LSTM meets the
    concatenated width (13), not an unknown second input; given by keyword, the further
    inputs reach forward() the same way (torch_modules._further_inputs); given as values the
    analysis does not pass on (a list), the model is read on its first input alone and says
    nothing."""
    path = FIXTURES / "lstm_input_size_misses_concatenated_covariates.py"
    [d] = [d for d in findings(path) if d.code.code == "SHP106"]
    assert "receives (16, 48, 13)" in d.message and "make it 13" in d.message
    text = path.read_text(encoding="utf-8")
    source = text.replace("model(readings, calendar, station_id)",
                          "model(readings, calendar=calendar, station_id=station_id)")
    [by_keyword] = [d for d in analyse(source, "m.py").diagnostics() if d.code.code == "SHP106"]
    assert (by_keyword.line, by_keyword.message) == (d.line, d.message)
    source = text.replace("model(readings, calendar, station_id)",
                          "model(readings, calendar=[calendar], station_id=station_id)")
    assert [d for d in analyse(source, "m.py").diagnostics() if d.code.code == "SHP106"] == []


def test_messages_name_the_fold_of_positions_into_the_batch():
    """A view(-1, C) of a map larger than 1x1: the pooling before it, else the view."""
    text = {p.stem: " ".join(d.message for d in findings(p)) for p in BUGGY}
    assert "The pooling on this line leaves the map at 2x2; the view at line 17 turns the " \
        "(3, 16, 2, 2) map into (12, 16)" in text["maxpool_window_leaves_2x2_before_view"]
    assert "F.adaptive_max_pool2d(x, 1)" in text["maxpool_window_leaves_2x2_before_view"]
    assert "The view on this line turns the (5, 32, 4, 4) map into (80, 32): each of its 4x4 " \
        "positions becomes a row, 80 rows for 5 targets" in text["conv_map_viewed_as_rows"]


def test_messages_name_the_packing_view_of_a_loader_batch():
    """A view packing k samples per row of a DataLoader batch N the code leaves open: N / k
    rows for N targets whatever N is; reported on the view, named at the loss."""
    [d] = findings(FIXTURES / "view_packs_two_loader_images_per_row.py")
    assert (d.code.code, int(d.line), d.data["seen_at_line"]) == ("SHP110", 25, 32)
    assert "the input has N / 2 rows for N targets whatever the batch size N" in d.message
    assert "turns (N, 16, 16, 8) into rows of 4096: each row packs the 2048 values of 2 " \
        "samples (a batch that is not a multiple of 2 raises here)" in d.message
    assert "size the layer after it for 2048 features" in d.message


def test_a_view_of_one_sample_per_row_of_a_loader_batch_says_nothing():
    """view(-1, K) with K one sample's size keeps N rows: no fold, no finding."""
    path = FIXTURES / "view_packs_two_loader_images_per_row.py"
    source = path.read_text(encoding="utf-8").replace("16 * 16 * 16", "16 * 16 * 8")
    assert findings(source) == []


def test_a_view_splitting_each_sample_into_rows_is_where_the_fix_goes():
    """A Linear built for one sample's values of the map a view flattened into narrower rows:
    the view; a Linear of another width than the sample's keeps the finding."""
    path = FIXTURES / "view_splits_pooled_features_into_rows.py"
    [d] = findings(path)
    assert (int(d.line), d.data["seen_at_line"]) == (18, 19)
    assert "The view on this line turns (6, 256, 1, 1) into (24, 64): each sample's 256 " \
        "values become 4 rows of 64, where the Linear takes 256 per sample" in d.message
    other = path.read_text(encoding="utf-8").replace("nn.Linear(256, classes)",
                                                     "nn.Linear(128, classes)")
    assert [int(d.line) for d in findings(other)] == [14]


def test_an_index_taking_one_sample_for_the_batchs_targets_is_where_the_fix_goes():
    [d] = findings(FIXTURES / "last_sample_indexed_before_nll_loss.py")
    assert (int(d.line), d.data["seen_at_line"]) == (22, 23)
    assert "The index [-1] on this line takes one sample of the (32, 5) batch, (5,), where " \
        "the loss has 32 targets: drop it" in d.message


def test_messages_name_the_size_constant_the_input_reads():
    """A U-Net input whose failing sizes all read one module constant: the constant's line."""
    [d] = findings(FIXTURES / "unet_tile_size_constant_read_by_input.py")
    assert (int(d.line), d.data["seen_at_line"]) == (7, 24)
    assert "TILE = 90 on this line sets the size of the input the torch.rand(...) at line 30 " \
        "builds: make TILE a multiple of 4 (88 or 92)" in d.message


def test_an_input_size_constant_the_model_reads_too_stays_on_the_factory():
    """TILE given to the model as well: changing it changes the model the sizes were found
    for, so the finding stays where the input is built."""
    path = FIXTURES / "unet_tile_size_constant_read_by_input.py"
    source = path.read_text(encoding="utf-8").replace(
        "    def __init__(self):\n        super().__init__()\n",
        "    def __init__(self, tile=None):\n        super().__init__()\n").replace(
        "net = TinyUNet()", "net = TinyUNet(tile=TILE)")
    [d] = findings(source)
    assert int(d.line) == 30 and "The input is built on this line" in d.message


def test_an_input_size_constant_beside_a_literal_stays_on_the_factory():
    """One failing axis written as a literal, the other read from the constant: no one line
    sets both, so the finding stays where the input is built."""
    path = FIXTURES / "unet_tile_size_constant_read_by_input.py"
    source = path.read_text(encoding="utf-8").replace("(2, 3, TILE, TILE)", "(2, 3, TILE, 90)")
    [d] = findings(source)
    assert int(d.line) == 30 and "The input is built on this line" in d.message


def test_an_input_size_read_by_index_from_a_tuple_constant_is_the_constant():
    """`PATCH = (128, 124)` read as PATCH[0], PATCH[1] by the tensors the script builds: the
    failing element is the size, and the tuple's line is where it is written."""
    [d] = findings(FIXTURES / "encoder_decoder_patch_tuple_read_by_index.py")
    assert (int(d.line), d.data["seen_at_line"]) == (8, 36)
    assert "PATCH = (128, 124) on this line sets the size of the input the torch.zeros(...) " \
        "at line 43 builds: make PATCH[1] a multiple of 8 (120 or 128)" in d.message


def test_a_tuple_constant_read_otherwise_or_out_of_place_stays_on_the_factory():
    """The tuple also read by the model, an element that is not the size (an index past its
    end, a computed index), or two elements failing: the finding stays where it was."""
    path = FIXTURES / "encoder_decoder_patch_tuple_read_by_index.py"
    source = path.read_text(encoding="utf-8")
    read_by_model = source.replace("net = PatchNet()", "net = PatchNet()\nnet.patch = PATCH")
    [d] = findings(read_by_model)
    assert int(d.line) == 44 and "The input is built on this line" in d.message
    index = source.replace("PATCH[0], PATCH[1])", "PATCH[0], PATCH[-1 + 2])")
    [d] = findings(index)
    assert int(d.line) == 43
    both = source.replace("PATCH = (128, 124)", "PATCH = (124, 124)")
    [d] = findings(both)
    assert int(d.line) == 8 and "dim 2 is 124, make it a multiple of 8 (120 or 128); dim 3 " \
        "is 124, make it a multiple of 8 (120 or 128)" in d.message


def test_one_batch_two_models_reject_alike_is_the_batch():
    """Two models the script gives one built batch, both written for 4 channels where it has
    3: one SHP109 on the batch, naming where torch raises first and both constructors."""
    [d] = findings(FIXTURES / "one_batch_for_two_four_lead_models.py")
    assert (int(d.line), d.code.code, d.data["seen_at_line"]) == (23, "SHP109", 16)
    assert d.data["layer_lines"] == [11, 21]
    assert "has 3 channels where both models the script gives it expect 4 (their first " \
        "layers, lines 11 and 21): the batch is the one side that fixes every call" in d.message


def test_models_that_disagree_or_one_model_keep_their_constructors():
    """A second model written for the batch's 3 channels, or no second call, or a batch the
    script reshaped: each model's finding stays on its own constructor."""
    path = FIXTURES / "one_batch_for_two_four_lead_models.py"
    source = path.read_text(encoding="utf-8")
    disagree = source.replace("nn.Sequential(nn.Conv1d(4, 8, 5)", "nn.Sequential(nn.Conv1d(3, 8, 5)")
    assert [(int(d.line), d.code.code) for d in findings(disagree)] == [(11, "SHP106")]
    alone = source.replace("second = deep(beats).softmax(-1)", "second = first")
    assert [(int(d.line), d.code.code) for d in findings(alone)] == [(11, "SHP106")]
    reshaped = source.replace("torch.randn(16, 3, 250)", "torch.randn(16, 750).view(16, 3, 250)")
    assert {d.code.code for d in findings(reshaped)} == {"SHP106"}


def test_messages_name_the_input_size_a_head_was_sized_for():
    """A flattening Linear sized for other inputs than the script gives: the finding stays on
    the Linear and says both fixes, with the sizes its in_features fits and where the
    script's size is written (torch_linear_fit)."""
    text = {p.stem: " ".join(d.message for d in findings(p)) for p in BUGGY}
    assert "in_features=8192 fits inputs of 64 to 67 px; the script gives (4, 3, 96, 96) " \
        "(built at line 28 with IMG_SIZE = 96, line 6): make in_features 18432 for these " \
        "inputs, or give the model inputs of 64 to 67 px" in \
        text["flatten_size_for_64px_given_96px"]
    assert "(transforms.Resize to 96 at line 9)" in text["flatten_size_for_64px_resized_to_96"]


def test_a_head_no_input_size_fits_names_in_features_alone():
    path = FIXTURES / "flatten_size_for_64px_given_96px.py"
    source = path.read_text(encoding="utf-8").replace("32 * 16 * 16, 64", "1000, 64")
    [d] = [d for d in analyse(source, "m.py").diagnostics() if d.code.code == "SHP101"]
    assert "No input size from 1 to 2048 px gives 1000 features there" in d.message
    assert int(d.line) == 16


def test_a_non_square_input_gets_the_maps_that_fit():
    """Height and width apart are two unknowns: the sizes that fit are not one list but the
    maps whose positions multiply to in_features / channels (torch_size_splits); the height
    alone is written in IMG_SIZE, so the factory that writes both is named."""
    path = FIXTURES / "flatten_size_for_64px_given_96px.py"
    source = path.read_text(encoding="utf-8").replace("3, IMG_SIZE, IMG_SIZE", "3, IMG_SIZE, 80")
    [d] = [d for d in analyse(source, "m.py").diagnostics() if d.code.code == "SHP101"]
    assert int(d.line) == 16 and d.data["data_at_line"] == 28
    assert "in_features=8192 fits inputs whose map before the flatten is 32 x h x w with " \
        "h x w = 256 (32 x 24 x 20 at the script's size); the script gives (4, 3, 96, 80), " \
        "its size written at line 28 (torch.rand(...))" in d.message


def test_messages_name_the_missing_batch_axis():
    text = {p.stem: " ".join(d.message for d in findings(p)) for p in BUGGY}
    assert "The model is called on this line with (3, 32, 32), one sample without a batch " \
        "axis: Conv2d takes it unbatched" in text["single_image_without_batch_axis"]
    assert ".unsqueeze(0) gives (1, 3, 32, 32), on which forward() runs to (1, 10)" in \
        text["single_image_without_batch_axis"]
    assert "with in_features=" not in text["single_image_without_batch_axis"]
    assert ".unsqueeze(0) gives (1, 3, 48, 48)" in \
        text["photo_without_batch_axis_into_batchnorm"]


def test_a_sample_that_fails_batched_too_stays_on_the_layer():
    """With a batch axis the head is still wrong: unsqueeze(0) is not the fix, and the
    finding stays on the Linear's constructor."""
    path = FIXTURES / "single_image_without_batch_axis.py"
    source = path.read_text(encoding="utf-8").replace("16 * 16 * 16, classes", "1000, classes")
    [d] = [d for d in analyse(source, "m.py").diagnostics() if d.code.code.startswith("SHP1")]
    assert (d.code.code, int(d.line)) == ("SHP101", 13)


def test_messages_name_the_axis_a_batchnorm1d_normalises():
    text = {p.stem: " ".join(d.message for d in findings(p)) for p in BUGGY}
    assert "BatchNorm1d(num_features=12) on this line matches the last axis of (64, 30, 12), " \
        "features-last, but BatchNorm1d normalises dim 1 (30 positions): apply it to " \
        "x.transpose(1, 2), (64, 12, 30), and transpose back" in \
        text["batchnorm1d_on_features_last_series"]


def test_messages_name_the_frames_before_channels():
    text = {p.stem: " ".join(d.message for d in findings(p)) for p in BUGGY}
    assert "The clips given to the model here are (2, 8, 3, 32, 32), frames before channels; " \
        "Conv3d takes (N, C, T, H, W): .permute(0, 2, 1, 3, 4) gives (2, 3, 8, 32, 32)" in \
        text["video_clips_frames_before_channels"]


def test_a_norm_on_positions_names_the_batch_only_for_a_sequential_of_row_layers():
    """BatchNorm1d(C) given (N, L, C): SHP106 on its constructor. Fed straight to an
    nn.Sequential of row layers, packing the positions into the batch where it is given fits
    the whole model, so that line is named too (data_at_line); before an LSTM it is not."""
    source = ("import torch\nimport torch.nn as nn\n\n"
              "embed = nn.Sequential(nn.BatchNorm1d(8), nn.Linear(8, 2), nn.ReLU())\n"
              "feats = torch.randn(4, 5, 8)\n"
              "out = embed(feats)\n")
    [d] = findings(source)
    assert (int(d.line), d.code.code, d.data.get("data_at_line")) == (4, "SHP106", 5)
    assert ".reshape(-1, 8) there packs its 5 positions into the batch" in d.message
    [d] = findings(FIXTURES / "batchnorm1d_on_features_last_series.py")
    assert "data_at_line" not in d.data


def test_a_pooling_window_sits_on_the_constructor_that_writes_it():
    """A pooling module's window larger than the map it gets: the window is written in its
    constructor, never at the call (which only shows it), so the finding sits there and names
    the call. A functional pooling writes its window at the call and stays there; a norm's
    too-small input (SHP102 too) is no window and stays where it is applied."""
    path = FIXTURES / "pool_window_for_224px_on_64px_crops.py"
    [d] = findings(path)
    assert (int(d.line), d.code.code, d.data["seen_at_line"]) == (18, "SHP102", 22)
    assert "Its input arrives where it is applied, line 22" in d.message
    source = path.read_text(encoding="utf-8").replace(
        "x = self.pool(self.features(x))", "x = nn.functional.avg_pool2d(self.features(x), 7)")
    [d] = findings(source)
    assert (int(d.line), d.code.code, d.data.get("seen_at_line")) == (22, "SHP102", None)
    norm = ("import torch\nimport torch.nn as nn\n\n\nclass Net(nn.Module):\n"
            "    def __init__(self):\n        super().__init__()\n"
            "        self.norm = nn.InstanceNorm2d(4)\n\n"
            "    def forward(self, x):\n        return self.norm(x)\n\n\n"
            "out = Net()(torch.rand(2, 4, 1, 1))\n")
    assert [(int(d.line), d.code.code) for d in findings(norm)] == [(11, "SHP102")]


def test_an_attribute_a_module_declares_for_others_is_where_the_size_is_written():
    """`nn.Linear(encoder.feature_dim, 10)`: the attribute the encoder's __init__ binds once,
    read by nothing but this constructor, is the value to change. Read elsewhere too (forward
    reads it), or bound again, the finding stays on the Linear."""
    path = FIXTURES / "encoder_declares_width_before_its_last_conv.py"
    [d] = findings(path)
    assert (int(d.line), d.data["seen_at_line"]) == (17, 26)
    assert "self.feature_dim = width on this line (16) sets Linear's in_features (line 24), " \
        "and nothing else reads encoder.feature_dim: make it 32" in d.message
    source = path.read_text(encoding="utf-8")
    read = source.replace("return self.convs(images)",
                          "return self.convs(images)[:, :self.feature_dim * 2]")
    assert [int(d.line) for d in findings(read)] == [24]
    again = source.replace("head = nn.Linear", "encoder.feature_dim = 16\nhead = nn.Linear")
    assert [int(d.line) for d in findings(again)] == [25]
    # a function's parameter of that name may be any object: the Linear keeps it
    given = source.replace("head = nn.Linear(encoder.feature_dim, 10)",
                           "def make_head(encoder):\n    return nn.Linear(encoder.feature_dim, "
                           "10)\n\n\nhead = make_head(encoder)")
    assert [int(d.line) for d in findings(given)] == [25]


def test_a_pad_that_breaks_the_agreement_of_a_cat_is_its_fix():
    """torch.cat fails on an operand F.pad made: the finding sits on the pad when the pad
    changed an axis on which the operands agreed (the heights, 20 and 20, padded to 21), and
    says which order of its pairs the cat accepts; a pad that left the disagreeing axis alone
    (heights 20 and 21, only the width padded) is not the fix, and the cat keeps it."""
    path = FIXTURES / "skip_pad_height_first.py"
    [d] = findings(path)
    assert (int(d.line), d.code.code, d.data["seen_at_line"]) == (20, "SHP107", 21)
    assert "turns (1, 8, 20, 30) into (1, 8, 21, 30): it changes dim 2" in d.message
    assert "(0, 1, 0, 0), it gives (1, 8, 20, 31), which the cat accepts" in d.message
    source = path.read_text(encoding="utf-8").replace("[0, dh, 0, dw]", "[0, dw]").replace(
        "torch.rand(1, 8, 20, 31)", "torch.rand(1, 8, 21, 31)")
    [d] = findings(source)
    assert (int(d.line), d.code.code) == (21, "SHP107") and "F.pad" not in d.message


def test_enumerate_over_a_loader_in_a_for_header_draws_every_batch():
    """`for step, batch in enumerate(loader)` reaches the short last batch as `for batch in
    loader` does; a loop that may leave early (a break), or an enumerate made apart from the
    loop, says nothing about the last batch."""
    path = FIXTURES / "view_batch_size_over_enumerated_loader.py"
    [d] = findings(path)
    assert (int(d.line), d.code.code) == (15, "SHP104")
    assert "the DataLoader's last batch of 10 (90 samples in batches of 40" in d.message
    source = path.read_text(encoding="utf-8")
    early = source.replace("    loss = F.cross_entropy(scores, labels)",
                           "    loss = F.cross_entropy(scores, labels)\n    if step > 1:\n"
                           "        break")
    assert findings(early) == []
    apart = source.replace("in enumerate(loader):", "in numbered:").replace(
        "for step,", "numbered = enumerate(loader)\nfor step,")
    assert findings(apart) == []


def test_a_default_sampler_indexes_a_dataset_by_int():
    """The loader's default sampler gives __getitem__ an int: indexing the dataset's tensor
    drops its first axis, so the batch is (8, 16, 300). A sampler of the code's own may give
    any index: the sample is not known, and nothing is reported."""
    path = FIXTURES / "dataset_rows_indexed_by_loader_int.py"
    [d] = findings(path)
    assert (int(d.line), d.data["seen_at_line"]) == (25, 29)
    assert "Linear(256, 64) receives (8, 16, 300)" in d.message
    sampled = path.read_text(encoding="utf-8").replace(
        "batch_size=8, shuffle=True", "batch_size=8, sampler=sampler").replace(
        "loader = DataLoader", "sampler = torch.utils.data.RandomSampler(range(40))\n"
        "loader = DataLoader")
    assert findings(sampled) == []


def test_a_view_packing_the_batch_into_a_broadcast_row_is_batch_folded():
    """view(-1, 360) of (5, 2, 6, 6) gives one row of the five samples; MSELoss broadcasts its
    one row of predictions against the five targets (SHP206 at the loss) and the view is
    where the batch was folded into the features (SHP203, naming the loss). Rows that are the
    samples' own (the twin's view) are no fold."""
    path = FIXTURES / "view_packs_batch_into_one_regression_row.py"
    found = {d.code.code: d for d in findings(path)}
    assert set(found) == {"SHP203", "SHP206"}
    fold = found["SHP203"]
    assert (int(fold.line), fold.data["seen_at_line"]) == (17, 24)
    assert "turns (5, 2, 6, 6) into (1, 360): the batch axis is folded into the features, " \
        "each row packing the 72 values of 5 samples, 1 row for 5 targets" in fold.message


def test_batches_joined_on_the_batch_axis_sit_on_the_cat():
    """torch.cat of the two views' codes along dim 0 gives 14 rows for 7 labels: the finding
    sits on the cat, which says the joined width; labels joined the same way (one per row)
    leave nothing to report."""
    path = FIXTURES / "two_views_joined_on_batch_axis.py"
    [d] = findings(path)
    assert (int(d.line), d.code.code, d.data["seen_at_line"]) == (18, "SHP110", 25)
    assert "joins 2 batches of 7 rows along dim 0, the batch axis: 14 rows for 7 targets" \
        in d.message and "for 32 features" in d.message
    assert "give the loss the targets 2 times (torch.cat([target] * 2))" in d.message
    both = path.read_text(encoding="utf-8").replace(
        "F.cross_entropy(model(left, right), labels)",
        "F.cross_entropy(model(left, right), torch.cat([labels, labels]))")
    assert findings(both) == []


def test_a_reshape_moving_the_targets_rows_is_where_the_fix_goes():
    """reshape(1, -1) of (8, 5, 3) targets for (8, 15) predictions: the targets had the
    input's rows and values per row before it, so the reshape is the fault (torch raises at
    the loss: 15 against 120 in dim 1)."""
    path = FIXTURES / "corner_targets_reshaped_into_one_row.py"
    [d] = findings(path)
    assert (d.code.code, int(d.line), d.data["seen_at_line"]) == ("SHP110", 9, 10)
    assert "The reshape on this line turns the target (8, 5, 3) into (1, 120): its 8 rows, " \
        "one per row of the input (8, 15), become 1 row. .view(8, -1) here" in d.message
    source = path.read_text(encoding="utf-8")
    # the input's rows moved instead (two samples packed per row): the input's view, naming
    # the loss (torch_batch_folds says so first)
    moved = source.replace("corners.reshape(1, -1)", "corners.reshape(8, -1)").replace(
        "nn.MSELoss()(model(features), targets)",
        "nn.MSELoss()(scores, targets)").replace(
        "targets = ", "scores = model(features).view(2, -1)\ntargets = ")
    [d] = findings(moved)
    assert (int(d.line), d.data["seen_at_line"]) == (9, 11)
    assert "2 rows for 8 targets" in d.message


def test_a_reshaped_target_of_other_values_per_row_stays_on_the_loss():
    """(8, 5, 4) targets hold 20 values per sample for 15 predictions: reshaping them per
    sample does not fit either, so neither side is the fix and the finding stays on the call."""
    source = (FIXTURES / "corner_targets_reshaped_into_one_row.py").read_text(
        encoding="utf-8").replace("torch.rand(8, 5, 3)", "torch.rand(8, 5, 4)")
    [d] = findings(source)
    assert int(d.line) == 10 and "seen_at_line" not in d.data


def test_a_helper_parameter_given_at_the_one_instantiation_is_where_the_fix_goes():
    """conv_block(in_ch, out_ch) builds the Conv2d; __init__ passes its in_ch, which the one
    instantiation gives as 3 (torch raises: weight [8, 3, 3, 3], input with 1 channel)."""
    path = FIXTURES / "helper_block_channels_given_at_instantiation.py"
    [d] = findings(path)
    assert (d.code.code, int(d.line), d.data["seen_at_line"]) == ("SHP106", 22, 19)
    assert "in_ch=3 given to Encoder on this line reaches conv_block's in_ch (line 15), " \
        "which sets Conv2d's in_channels (line 8): make it 1" in d.message
    source = path.read_text(encoding="utf-8")
    # the size written as a literal in the helper call: that call
    literal = source.replace("conv_block(in_ch, 8)", "conv_block(3, 8)")
    [d] = findings(literal)
    assert int(d.line) == 15 and "in_ch=3 given to conv_block on this line sets Conv2d's " \
        "in_channels (line 8)" in d.message


def test_a_helper_parameter_not_followed_for_certain_stays_on_the_constructor():
    """Two helper calls giving the expected size (which built the layer?), the helper passed
    as a value, or the stored parameter read back: the finding stays on the Conv2d."""
    source = (FIXTURES / "helper_block_channels_given_at_instantiation.py").read_text(
        encoding="utf-8")
    twice = source.replace(
        "self.second = conv_block(8, 16)",
        "self.second = conv_block(8, 16)\n        self.spare = conv_block(3, 4)")
    passed = source.replace("class Encoder", "make = conv_block\n\n\nclass Encoder")
    read_back = source.replace("features = encoder(",
                               "print(encoder.in_ch)\nfeatures = encoder(")
    for changed in (twice, passed, read_back):
        assert [int(d.line) for d in findings(changed)] == [8]


def test_an_instantiation_argument_names_the_input_the_script_built():
    """A finding moved to the instantiation that sizes the layer names the tensor the script
    built as the other honest side (data_at_line); one a reshape wrote (which may be the
    model's own code) is not named."""
    path = FIXTURES / "stem_channels_given_at_instantiation.py"
    [d] = findings(path)
    assert (int(d.line), d.data["seen_at_line"], d.data["data_at_line"]) == (17, 14, 18)
    assert d.message.endswith("or give the layer an input of 1 there. That input is built at "
                              "line 18.")
    reshaped = path.read_text(encoding="utf-8").replace(
        "torch.rand(2, 3, 32, 32)", "torch.rand(2, 3 * 32 * 32).view(2, 3, 32, 32)")
    [d] = findings(reshaped)
    assert int(d.line) == 17 and "data_at_line" not in d.data


def test_a_loader_batch_without_channel_axis_sits_where_its_tensor_is_written():
    """A TensorDataset's batches keep the axes after the first of the tensor it holds: a Conv1d
    batch without its channel axis is SHP109 on the view that wrote the rows, naming the loop
    where each batch could be unsqueezed instead (data_at_line) and the conv (seen_at_line)."""
    (d,) = findings(FIXTURES / "signal_rows_viewed_without_channel_axis.py")
    assert (int(d.line), d.code.code, d.data["data_at_line"], d.data["seen_at_line"]) == \
        (23, "SHP109", 27, 18)


def test_a_head_literal_beside_an_unread_label_count_is_where_the_fix_goes():
    """A model class given the target's size as a parameter its __init__ never reads, its head
    writing another size as a literal: SHP110 on the head, naming the loss (seen_at_line) and
    the parameter; once __init__ reads the parameter, the finding leaves the head."""
    path = FIXTURES / "tagger_head_literal_leaves_label_count_unread.py"
    (d,) = findings(path)
    assert (int(d.line), d.code.code, d.data["seen_at_line"]) == (16, "SHP110", 26)
    assert "Tagger(...) at line 23 gives its parameter n_labels, which Tagger.__init__ never " \
        "reads: pass n_labels here" in d.message
    source = path.read_text(encoding="utf-8").replace(
        "super().__init__()", "super().__init__()\n        self.n_labels = n_labels")
    lines = [int(x.line) for x in analyse(source, "m.py").diagnostics() if x.code.code == "SHP110"]
    assert lines and 17 not in lines


def test_states_that_all_say_batch_first_sit_on_the_constructor_lacking_it():
    """An LSTM's h0 and c0 both built (L, B, H) for a (B, T, F) input: only batch_first=True
    fixes both in one line, so the finding is on the constructor. A GRU's one h0 is as well
    fixed on its own line: it stays there and names the constructor."""
    lstm = [d for d in findings(FIXTURES / "lstm_states_for_batch_first_input_without_flag.py")]
    assert [(d.line, d.data["seen_at_line"]) for d in lstm] == [(12, 18)]
    assert "batch_first=True on this line makes them all fit" in lstm[0].message
    gru = """import torch
import torch.nn as nn
gru = nn.GRU(40, 64)
x = torch.randn(8, 50, 40)
h0 = torch.zeros(1, x.size(0), 64)
out, h = gru(x, h0)
"""
    [d] = findings(gru)
    assert (d.line, d.data["layer_at_line"]) == (5, 3)
    assert "the nn.GRU at line 3 lacks batch_first: batch_first=True there fits it" in d.message
    swapped = gru.replace("(1, x.size(0), 64)", "(2, x.size(0), 64)")
    [d] = findings(swapped)  # a layer count batch_first does not fix: not named
    assert d.line == 5 and "layer_at_line" not in d.data


def test_a_one_channel_score_map_flattened_whole_sits_on_its_convolution():
    """A critic's last Conv2d leaves 9x9 scores per image, flattened to 486 for 6 targets:
    the finding is on that convolution's constructor, with the map it gives one score from.
    Targets of the flat scores' own size, or a map already 1x1, say nothing."""
    [d] = findings(FIXTURES / "patch_critic_kernel_for_smaller_images.py")
    assert (d.line, d.data["seen_at_line"]) == (14, 25)
    assert "makes a (6, 1, 9, 9) score map from (6, 32, 16, 16)" in d.message
    assert "9x9 positions per sample give 486 scores for 6 targets" in d.message
    assert "one score per sample only from a map of 8x8" in d.message
    source = (FIXTURES / "patch_critic_kernel_for_smaller_images.py").read_text()
    assert findings(source.replace("torch.ones(6)", "torch.ones(486)")) == []
    strided = source.replace("nn.Conv2d(32, 1, 8)", "nn.Conv2d(32, 1, 8, 2)")
    [d] = findings(strided)  # 16x16 by a stride-2 kernel 8: 5x5, no single fitting size
    assert d.line == 14 and "5x5 positions" in d.message and "only from" not in d.message
    mixed = source.replace("self.score = nn.Conv2d(32, 1, 8)  # error: SHP110",
                           "self.score = nn.Conv2d(32, 1, 8)\n        self.mix = nn.Linear(9, 9)")
    mixed = mixed.replace("torch.sigmoid(self.score(h))", "torch.sigmoid(self.mix(self.score(h)))")
    [d] = [f for f in findings(mixed) if f.code.code == "SHP110"]  # a Linear's map, not the
    assert d.line == 26 and "score map" not in d.message  # convolution's: the loss call


def test_an_integer_dtype_written_on_probability_shaped_targets_is_where_the_fix_goes():
    """Cross-entropy reads an (N, C) target as class probabilities: the line that cast it to
    long (or gave dtype=torch.long) takes the finding. A target built without a dtype by name
    stays on the loss call; an unbatched input's one-hot target is argmax(0), not argmax(1)."""
    [d] = findings(FIXTURES / "distillation_probabilities_cast_to_long.py")
    assert (d.line, d.data["seen_at_line"]) == (13, 14)
    assert "build class indices of shape (8,) here, or keep the values as floats" in d.message
    unbatched = """import numpy as np
import torch
import torch.nn as nn
out = torch.randn(50)
y = np.zeros((50,))
y[3] = 1
y = torch.tensor(y, dtype=torch.long)
loss = nn.CrossEntropyLoss()(out, y)
"""
    [d] = findings(unbatched)
    assert (d.line, d.data["seen_at_line"]) == (7, 8)
    assert "target.argmax(0)" in d.message and "torch.tensor(k), shape ()" in d.message
    [d] = findings(unbatched.replace("y = torch.tensor(y, dtype=torch.long)\n", "")
                   .replace("y = np.zeros((50,))", "y = np.zeros((50,), dtype=np.int64)")
                   .replace("(out, y)", "(out, torch.tensor(y))"))
    assert d.line == 7 and "seen_at_line" not in d.data  # dtype from the array: the call


def test_a_constant_passed_on_through_instantiations_is_where_the_size_is_written():
    """N_MELS reaches the Conv1d through Tagger(N_MELS) and FrontEnd(bins): its line takes
    the finding. Read once more at module level, the chain stops at the outermost
    instantiation, where the value is given."""
    path = FIXTURES / "mel_bins_constant_passed_through_two_modules.py"
    [d] = findings(path)
    assert (d.line, d.data["seen_at_line"]) == (7, 16)
    assert "N_MELS = 64 on this line sets Conv1d's in_channels (line 13) through " \
        "FrontEnd(...) at line 22 through Tagger(...) at line 29" in d.message
    read_twice = path.read_text().replace("scores = tagger(spectrograms)",
                                          "scores = tagger(spectrograms)\nprint(N_MELS)")
    [d] = findings(read_twice)
    assert d.line == 29 and "bins=N_MELS given to Tagger on this line (64) sets Conv1d's " \
        "in_channels (line 13) through FrontEnd(...) at line 22" in d.message


def test_a_bce_loss_given_one_int64_value_per_sample_sits_on_its_criterion():
    """(8, 3) scores and (8,) int64 targets at BCEWithLogitsLoss: the criterion's line takes
    the finding (cross-entropy takes them). Float targets, or a functional loss without a
    constructor, stay on the loss call."""
    path = FIXTURES / "bce_logits_loss_on_class_index_targets.py"
    [d] = findings(path)
    assert (d.line, d.data["seen_at_line"]) == (8, 11)
    assert "the class indices nn.CrossEntropyLoss() takes with these scores" in d.message
    floats = path.read_text().replace("torch.randint(0, 3, (8,))", "torch.rand(8)")
    [d] = findings(floats)
    assert d.line == 11 and "seen_at_line" not in d.data


def test_a_side_rounded_down_that_sizes_the_linear_is_where_the_fix_goes():
    """side = int(image_size / 8) gives 6 for 50px, the stride-2 convolutions leave 7x7: the
    Linear(64 * side * side) takes 2304 for 3136 (torch: mat1 and mat2 shapes cannot be
    multiplied (4x3136 and 2304x1)). The rounding line is the fix, the floor division too."""
    path = FIXTURES / "critic_head_side_rounded_down_by_int_division.py"
    [d] = findings(path)
    assert (d.code.code, int(d.line), d.data["seen_at_line"]) == ("SHP101", 15, 20)
    assert "side = int(image_size / 8) on this line rounds the side down to 6, which sets " \
        "Linear's in_features (line 16) to 2304; the maps it gets are 7 per side (3136 " \
        "features)" in d.message
    source = path.read_text(encoding="utf-8")
    floored = source.replace("int(image_size / 8)", "image_size // 2 ** 3")
    [d] = findings(floored)
    assert int(d.line) == 15 and "image_size // 2 ** 3 on this line" in d.message


def test_a_side_not_shown_rounded_down_stays_on_the_linear():
    """One more than the side does not fit (rounded by 16 for maps of 7), the name bound
    twice, or the side a parameter: the finding stays on the Linear."""
    source = (FIXTURES / "critic_head_side_rounded_down_by_int_division.py").read_text(
        encoding="utf-8")
    by_16 = source.replace("int(image_size / 8)", "int(image_size / 16)")
    twice = source.replace("        side = int(", "        side = 1\n        side = int(")
    parameter = source.replace("image_size=50)", "image_size=50, side=6)").replace(
        "        side = int(image_size / 8)  # error: SHP101\n", "")
    for changed, line in ((by_16, 16), (twice, 17), (parameter, 15)):
        assert [int(d.line) for d in findings(changed)] == [line]


def test_a_shortcut_pooling_that_rounds_down_is_where_the_fix_goes():
    """AvgPool1d(2) makes 101 samples 50, the strided branch 51 (torch: The size of tensor a
    (51) must match the size of tensor b (50) at non-singleton dimension 2): SHP107 on the
    pooling, whose ceil_mode=True gives 51, naming the add."""
    path = FIXTURES / "strided_branch_meets_pooled_shortcut_on_odd_length.py"
    [d] = findings(path)
    assert (d.code.code, int(d.line), d.data["seen_at_line"]) == ("SHP107", 15, 20)
    assert "The AvgPool1d on this line rounds dim 2 to 50 (ceil_mode off); the tensor it " \
        "meets, (4, 8, 51), has 51 there, which ceil_mode=True gives." in d.message


def test_a_rounding_changed_after_the_pooling_stays_on_the_add():
    """A layer after the pooling that changes the length (a 3-tap convolution without
    padding: 50 -> 48) drops the note; a length ceil_mode would not fix (a branch of 53) is
    not the pooling's: the broadcast finding stays where torch raises."""
    source = (FIXTURES / "strided_branch_meets_pooled_shortcut_on_odd_length.py").read_text(
        encoding="utf-8")
    shrunk = source.replace("nn.Conv1d(channels, channels, 1)", "nn.Conv1d(channels, channels, 3)")
    longer = source.replace("nn.Conv1d(channels, channels, 3, padding=1),\n",
                            "nn.Conv1d(channels, channels, 3, padding=2),\n")
    for changed in (shrunk, longer):
        assert [(d.code.code, int(d.line)) for d in findings(changed)] == [("SHP107", 20)]
