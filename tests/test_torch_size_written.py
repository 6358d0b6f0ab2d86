"""Issue 16, torch: a fault that depends on the spatial size of the input the script gives (a
flattening Linear, a view of the map, a pooling window larger than the map) stays on the
model's line and names where the script writes that size (frameworks/torch_size_written.py),
or, for a first Conv2d that rejects ImageFolder's RGB images, the transforms they pass through:
data["data_at_line"], SARIF's relatedLocation. The pairs are the fixtures of
fixtures/fix_origins/torch/ whose first lines say "Either side is an honest fix": their twin
changes the data side, the line the finding must name. tests/test_fix_origins.py proves them
with real torch (it raises at the seen line, else the marked one, and runs the twin)."""
from __future__ import annotations

import json

import pytest

from fix_pairs import FIX_ORIGINS, either_side_pairs, findings, lines_to_change, marks, twin
from shapelint.adapters.reporters import sarif
from shapelint.pipeline.analysis import analyse

FIXTURES = FIX_ORIGINS / "torch"
BUGGY = either_side_pairs("torch")


def test_every_fixture_has_a_twin():
    assert len(BUGGY) >= 6
    for path in BUGGY:
        assert twin(path).exists(), path


@pytest.mark.parametrize("path", BUGGY, ids=lambda p: p.stem)
def test_finding_on_the_model_side_names_the_line_writing_the_size(path):
    errors, _ = marks(path)
    [d] = findings(path)
    assert {(int(d.line), d.code.code)} == errors
    assert {d.data["data_at_line"]} == lines_to_change(path, twin(path))
    result = json.loads(sarif.render([d]))["runs"][0]["results"][0]
    assert (d.data["data_at_line"], "where the data is made") in [
        (r["physicalLocation"]["region"]["startLine"], r["message"]["text"])
        for r in result["relatedLocations"]]


@pytest.mark.parametrize("path", BUGGY, ids=lambda p: p.stem)
def test_real_torch_raises_where_it_shows_and_runs_the_twin(path):
    """torch raises at the seen line (else the marked one) and runs the twin, which changes
    only the data side the finding names."""
    pytest.importorskip("torch")
    from case_runtime import run_case
    errors, seen = marks(path)
    [(line, code)] = errors
    run = run_case(path)
    assert isinstance(run.error, (RuntimeError, ValueError)), repr(run.error)
    assert run.error_line == seen.get(code, line), f"{run.error_line}: {run.error}"
    assert run_case(twin(path)).error is None


def test_messages_say_both_sides():
    text = {p.stem: " ".join(d.message for d in findings(p)) for p in BUGGY}
    assert "The model is given (4, 3, 28, 28), its size written at line 23 (INPUT_SHAPE = " \
        "(3, 28, 28)), read by the torch.randn(...) at line 25; inputs of 32 to 35 px give " \
        "it one row of 400 per sample: change the view here, or the size there." in \
        text["view_sized_for_32px_given_shape_constant"]
    assert "its size written at line 24 (torch.rand(...)); inputs of at least 89 px leave " \
        "the window room: change the window of this AvgPool2d, or the size there." in \
        text["pool_window_for_96px_given_64px_tensor"]
    assert "the script gives (1, 3, 160, 160), its size written at line 22 (torch.rand(...))" \
        ": make in_features 3200" in text["head_sized_for_112px_given_photo_tensor"]
    assert "its size written at line 8 (resize_to, crop_to = 56, 48), read by the " \
        "transforms.CenterCrop(...) at line 24" in \
        text["head_sized_for_64px_cropped_by_unpacked_constant"]
    assert "The model is given (1, 3, 128, 128), its size written at line 9 (SIDE = 128), " \
        "read by the F.interpolate(...) at line 30" in \
        text["pool_window_for_256px_given_interpolated_photo"]
    assert "The model is given (16, 3, 32, 32), its size that of the datasets.CIFAR10(...) " \
        "images at line 23; inputs of at least 57 px leave the window room" in \
        text["pool_window_for_64px_on_cifar_images"]
    assert "its size that of the datasets.KMNIST(...) images at line 23, which the " \
        "transforms built at line 22 keep (a Resize there sets it): make in_features 980" in \
        text["head_sized_for_32px_glyphs_kept_28px_by_transforms"]
    assert "The images have 3 channels because ImageFolder's loader converts every file to " \
        "RGB; their transforms are built at line 9: transforms.Grayscale() there gives them " \
        "1." in text["gray_scans_through_image_folder_rgb"]


def test_messages_say_both_sides_of_a_non_square_input():
    """Another height than width: the sizes that fit are pairs, said as the map's per-sample
    product (torch_size_splits), with where the script writes the input's size."""
    text = {p.stem: " ".join(d.message for d in findings(p)) for p in BUGGY}
    assert "The model is given (5, 1, 32, 128), its size written at line 23 (torch.randn(...)" \
        "); other input sizes give the view one row of 1728 per sample, those whose map here " \
        "is 12 x h x w with h x w = 144 (12 x 8 x 32 at the script's size): change the view " \
        "here, or the size there." in text["view_sized_for_24x96_plates_given_32x128_tensor"]
    assert "in_features=1440 fits inputs whose map before the flatten is 6 x h x w with " \
        "h x w = 240 (6 x 15 x 20 at the script's size); the script gives (2, 3, 120, 160), " \
        "its size written at line 23 (torch.zeros(...)): make in_features 1800 for these " \
        "inputs, or give the model inputs of such a size." in \
        text["head_sized_for_96x160_frames_given_120x160"]


def test_a_functional_pooling_names_the_size_along_its_axis():
    """F.avg_pool2d has no module: its input is the statement above it, whose width, an
    expression of W alone, must reach the window's least input (`least` in the data)."""
    [d] = findings(FIXTURES / "functional_pool_window_on_short_clips.py")
    assert d.data["least"] == 3 and d.data["data_at_line"] == 27
    assert "The model is given (4, 1, 40, 8), its size written at line 27 (torch.randn(...)); " \
        "inputs of at least 12 px in dim 3 leave the window room: change the window here, or " \
        "the size there." in d.message
    other = (FIXTURES / "functional_pool_window_on_short_clips.py").read_text(
        encoding="utf-8").replace("        x = F.avg_pool2d(x, 3)",
                                  "        y = x.mean(1)\n        x = F.avg_pool2d(x, 3)")
    d = _one(other)
    assert int(d.line) == 23 and "data_at_line" not in d.data


def test_a_non_square_count_no_map_gives_names_no_size():
    """1727 values per row are no whole number of 12-channel positions, 1445 features no
    whole number of 6-channel ones: no input size fits, the model's line is the one side."""
    path = FIXTURES / "view_sized_for_24x96_plates_given_32x128_tensor.py"
    d = _one(path.read_text(encoding="utf-8").replace("maps.view(-1, 12 * 6 * 24)",
                                                      "maps.view(-1, 1727)"))
    assert int(d.line) == 18 and "data_at_line" not in d.data and "written" not in d.message
    path = FIXTURES / "head_sized_for_96x160_frames_given_120x160.py"
    d = _one(path.read_text(encoding="utf-8").replace("nn.Linear(6 * 12 * 20, classes)",
                                                      "nn.Linear(1445, classes)"))
    assert int(d.line) == 15 and "data_at_line" not in d.data and "fits inputs" not in d.message


def test_a_flatten_of_another_map_names_no_size():
    """The Linear reads a pooled map, not the stem's: the stem's map holds as many values at
    the script's size by chance only, so no input size is claimed."""
    path = FIXTURES / "head_sized_for_96x160_frames_given_120x160.py"
    source = path.read_text(encoding="utf-8").replace(
        "features = torch.flatten(self.stem(frames), 1)",
        "features = torch.flatten(self.stem(frames), 1)[:, :1800] * 0 + torch.ones(2, 1800)")
    d = _one(source)
    assert int(d.line) == 15 and "data_at_line" not in d.data


def test_a_head_given_another_models_scores_names_that_models_last_linear():
    """A separate head given the output of a backbone that kept its own last Linear: that
    Linear's out_features is the other side (torch_fix_origins.made_by_linear), named from the
    head's constructor and from the instantiation that passes the head's in_features."""
    path = FIXTURES / "separate_head_given_backbone_class_scores.py"
    text = " ".join(d.message for d in findings(path))
    assert "That input is the output of the Linear at line 16 (out_features 6), applied at " \
        "line 21: the other side to change." in text
    source = path.read_text(encoding="utf-8").replace(
        "def __init__(self):\n        super().__init__()\n        self.proj = nn.Linear(32, 6)",
        "def __init__(self, dim):\n        super().__init__()\n        self.proj = nn.Linear(dim, 6)"
    ).replace("head = MarginHead()", "head = MarginHead(dim=32)")
    d = _one(source)
    assert (int(d.line), d.data["seen_at_line"], d.data["data_at_line"]) == (34, 30, 16)
    assert "dim=32 given to MarginHead on this line sets Linear's in_features" in d.message


def test_a_head_given_scores_through_another_op_names_no_linear():
    """An activation between the backbone's Linear and the head: the head's input is that
    op's output, not the Linear's, and nothing is named."""
    path = FIXTURES / "separate_head_given_backbone_class_scores.py"
    d = _one(path.read_text(encoding="utf-8").replace("logits = head(features)",
                                                      "logits = head(F.relu(features))"))
    assert int(d.line) == 27 and "data_at_line" not in d.data


def _one(source: str):
    [d] = [d for d in analyse(source, "m.py").diagnostics() if d.code.code.startswith("SHP1")]
    return d


def test_a_view_no_input_size_fixes_names_no_size():
    """16 * h * h is never 399: the view is the one side to change, nothing else is named."""
    path = FIXTURES / "view_sized_for_32px_given_shape_constant.py"
    d = _one(path.read_text(encoding="utf-8").replace("x.view(-1, 16 * 5 * 5)", "x.view(-1, 399)"))
    assert int(d.line) == 19 and "data_at_line" not in d.data and "written" not in d.message


def test_a_constant_bound_twice_names_the_call_that_reads_it():
    """A name bound more than once is not one place to change: the factory is named."""
    path = FIXTURES / "view_sized_for_32px_given_shape_constant.py"
    source = path.read_text(encoding="utf-8").replace(
        "model = LeNet()", "model = LeNet()\nif True:\n    INPUT_SHAPE = (3, 28, 28)")
    d = _one(source)
    assert int(d.line) == 19 and d.data["data_at_line"] == 27
    assert "its size written at line 27 (torch.randn(...))" in d.message


def test_a_size_not_the_constant_names_the_factory():
    """The constant's value is not the size the input has: the factory line is named."""
    path = FIXTURES / "head_sized_for_112px_given_photo_tensor.py"
    source = path.read_text(encoding="utf-8").replace(
        "photo = torch.rand(3, 160, 160)", "SIDE = 112\nphoto = torch.rand(3, 160, 160)")
    assert _one(source).data["data_at_line"] == 23


def test_a_reshaped_input_names_nothing():
    """A view that writes the input's sizes anew is where they are written: the factory's
    place is not kept through it (nothing named rather than a wrong line)."""
    path = FIXTURES / "pool_window_for_96px_given_64px_tensor.py"
    source = path.read_text(encoding="utf-8").replace(
        "torch.rand(2, 3, 64, 64)", "torch.rand(2, 3 * 64 * 64).view(2, 3, 64, 64)")
    d = _one(source)
    assert "data_at_line" not in d.data and "written" not in d.message
