"""The torch fixtures' markers are true: each fixture runs for real (CPU torch) and every
`# shape:` and `# params:` marker equals what its line produced; SHP1xx fixtures must fail."""
from __future__ import annotations

import pathlib
import re

import pytest

from markers import read_markers
from torch_runtime import BATCH, run_fixture

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
    fails = any(code.startswith("SHP1") for m in markers.values() for code in m.codes)
    assert bool(errors) == fails, errors
    params = recorder.params_by_line()
    for line, marker in markers.items():
        if marker.shape is not None:
            assert recorder.shapes.get(line) == runtime_shape(marker.shape), f"line {line}"
        if marker.params is not None:
            assert params.get(line) == marker.params, f"line {line}"
