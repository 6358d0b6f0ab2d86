"""The torch fixtures' markers are true: each fixture runs for real (CPU torch) and every
`# shape:` and `# params:` marker equals what its line produced; SHP1xx fixtures must fail."""
from __future__ import annotations

import pathlib
import re

import pytest

from markers import read_markers
from torch_runtime import BATCH, declared_inputs, run_fixture

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures" / "torch").glob("*.py"))


def runtime_shape(marker_shape: str) -> list:
    """"(B,32,26,26)" -> [2, 32, 26, 26]: symbols take the runtime batch size."""
    return [int(d) if d.isdigit() else BATCH
            for d in re.sub(r"[()\s]", "", marker_shape).split(",") if d]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_torch_fixture_markers_are_true(path):
    pytest.importorskip("torch")
    markers = read_markers(path)
    recorder, errors = run_fixture(path)
    # SHP1xx fails for any batch; SHP203 (batch folded into the features) for batch 2.
    fails = any(code.startswith("SHP1") or code == "SHP203"
                for m in markers.values() for code in m.codes)
    if declared_inputs(path):  # without a declared input, the tests below run the sizes
        assert bool(errors) == fails, errors
    params = recorder.params_by_line()
    for line, marker in markers.items():
        if marker.shape is not None:
            assert recorder.shapes.get(line) == runtime_shape(marker.shape), f"line {line}"
        if marker.params is not None:
            assert params.get(line) == marker.params, f"line {line}"


def _declared_sizes_run(path, class_name, sizes, channels):
    import runpy

    import torch
    model = runpy.run_path(str(path))[class_name]().eval()
    outcome = {}
    for size in sizes:
        try:
            model(torch.zeros(1, channels, size, size))
            outcome[size] = True
        except RuntimeError:
            outcome[size] = False
    return outcome


def test_the_sizes_shapelint_says_fit_are_the_ones_that_run():
    """SHP303's claim (fc1 fits 28..29 px) holds for real, and its neighbours fail."""
    pytest.importorskip("torch")
    from shapelint.pipeline.analysis import analyse
    path = ROOT / "fixtures" / "torch" / "linear_fits_some_input_sizes.py"
    [claim] = [d for d in analyse(path.read_text(), str(path)).diagnostics()
               if d.code.code == "SHP303"]
    fits = claim.data["fitting_sizes"]
    candidates = range(min(fits) - 3, max(fits) + 4)
    ran = _declared_sizes_run(path, "DigitNet", candidates, 1)
    assert [size for size, ok in ran.items() if ok] == fits


def test_sizes_where_a_pooling_raises_are_not_said_to_fit():
    """A symbolic feature count can equal in_features at sizes where a fixed pooling window
    leaves a negative side (16 * (-2) ** 2 = 64): SHP303 names only the sizes torch runs."""
    pytest.importorskip("torch")
    from shapelint.pipeline.analysis import analyse
    path = ROOT / "fixtures" / "torch" / "linear_fits_past_a_fixed_pool_window.py"
    [claim] = [d for d in analyse(path.read_text(), str(path)).diagnostics()
               if d.code.code == "SHP303"]
    ran = _declared_sizes_run(path, "PooledHead", range(1, 40), 3)
    assert claim.data["fitting_sizes"] == [size for size, ok in ran.items() if ok] == [13, 14]
    assert "H = W = 13 to 14" in claim.message


def test_the_sizes_a_failing_linear_names_are_the_ones_that_run():
    """SHP101's note on a Linear the script's input does not fit: the input sizes it names
    are those a real forward pass runs with, not those where an AvgPool2d(7) on a 5x5 map
    gives a negative side whose square matches in_features."""
    import runpy

    torch = pytest.importorskip("torch")
    from shapelint.pipeline.analysis import analyse
    path = ROOT / "fixtures" / "torch" / "pooled_resnet_head_given_larger_images.py"
    [fault] = [d for d in analyse(path.read_text(), str(path)).diagnostics()
               if d.code.code == "SHP101"]
    net = runpy.run_path(str(path), run_name="not_main")["StridedNet"]().eval()
    runs = []
    for size in range(150, 260):
        try:
            net(torch.zeros(1, 3, size, size))
            runs.append(size)
        except RuntimeError:
            continue
    assert runs == list(range(193, 225))
    assert fault.data["fitting_sizes"] == runs[:16]
    assert "in_features=256 fits inputs of 193 to 224 px" in fault.message


def test_no_input_size_runs_when_shapelint_says_none_can():
    pytest.importorskip("torch")
    path = ROOT / "fixtures" / "torch" / "linear_fits_no_input_size.py"
    assert not any(_declared_sizes_run(path, "Impossible", range(1, 40), 3).values())


def test_a_folded_batch_runs_for_one_sample_only():
    """SHP203's claim: the model runs with a batch of 1 and fails with a batch of 2."""
    import runpy

    torch = pytest.importorskip("torch")
    path = ROOT / "fixtures" / "torch" / "view_folds_the_batch.py"
    model = runpy.run_path(str(path))["Folded"]().eval()
    assert list(model(torch.zeros(1, 8, 4, 4)).shape) == [3]
    with pytest.raises(RuntimeError, match="mat1 and mat2|size mismatch|shapes cannot"):
        model(torch.zeros(2, 8, 4, 4))
