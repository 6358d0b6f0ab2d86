"""Issue 16, torch: a finding kept on the model's or the loss's side names the statement that
made the data it contradicts (data["data_at_line"], SARIF's relatedLocation), where the other
honest fix goes: the Dataset's __getitem__ return (torchvision_data.user_dataset, sampled_at),
the assignment of a sample given without its batch axis (torch_unbatched), of a class-index
target with a trailing axis of one (torch_loss_places.target_made_at), the transforms of a
torchvision dataset of known channels (torch_size_written._channels). The pairs are
fixtures/fix_origins/torch/ (either side an honest fix; the finding and data lines are checked
by test_torch_size_written.py); real torch raised at their seen lines and ran their twins when
they were written (tests/case_runtime.run_case)."""
from __future__ import annotations

import pytest

from fix_pairs import FIX_ORIGINS, findings, twin

FIXTURES = FIX_ORIGINS / "torch"
PAIRS = ("kmnist_into_rgb_stem_through_transforms", "depth_maps_dataset_without_channel_axis",
         "scan_normalised_without_batch_axis", "grades_read_as_column_into_cross_entropy")


@pytest.mark.parametrize("name", PAIRS)
def test_twin_silent(name):
    assert findings(twin(FIXTURES / f"{name}.py")) == []


def test_messages_name_the_data_side():
    text = {n: " ".join(d.message for d in findings(FIXTURES / f"{n}.py")) for n in PAIRS}
    assert "The images have 1 channel because KMNIST's images are grayscale and their " \
        "transforms keep that; their transforms are built at line 22: transforms.Grayscale(" \
        "num_output_channels=3) there gives them 3." in \
        text["kmnist_into_rgb_stem_through_transforms"]
    assert "Each sample is made by the Dataset's __getitem__ at line 17, (48, 48): " \
        ".unsqueeze(0) of it there gives (1, 48, 48), which the DataLoader stacks to " \
        "(6, 1, 48, 48)." in text["depth_maps_dataset_without_channel_axis"]
    assert ".unsqueeze(0) gives (1, 1, 64, 64), on which forward() runs to (1, 2). The " \
        "sample is made at line 22" in text["scan_normalised_without_batch_axis"]
    assert "The target grades is made at line 12: .squeeze(1) there gives it the shape " \
        "(300,) as well." in text["grades_read_as_column_into_cross_entropy"]


def _source(name: str) -> str:
    return (FIXTURES / f"{name}.py").read_text(encoding="utf-8")


def test_a_target_bound_by_a_loop_names_nothing():
    """A loop header binds a batch: the data behind it was made elsewhere."""
    source = _source("grades_read_as_column_into_cross_entropy").replace(
        "loss = criterion(model(features), grades)",
        "for grades in [grades]:\n    loss = criterion(model(features), grades)")
    [d] = findings(source)
    assert d.code.code == "SHP110" and "data_at_line" not in d.data


def test_channels_no_grayscale_gives_name_no_transforms():
    """A stem of 4 channels: no Grayscale(...) gives them, the layer is the one fix."""
    source = _source("kmnist_into_rgb_stem_through_transforms").replace(
        "nn.Conv2d(3, 12", "nn.Conv2d(4, 12")
    [d] = findings(source)
    assert d.code.code == "SHP106" and "data_at_line" not in d.data
