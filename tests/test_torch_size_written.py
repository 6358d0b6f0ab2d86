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
    assert "The images have 3 channels because ImageFolder's loader converts every file to " \
        "RGB; their transforms are built at line 9: transforms.Grayscale() there gives them " \
        "1." in text["gray_scans_through_image_folder_rgb"]


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
