"""Issue 16, part 1 (torch): a fault that shows at a layer, a loss or a torch.cat sits on the
statement that produced its cause (frameworks/torch_fix_origins.py, torch_target_places.py).
Each fixture in fixtures/fix_origins/torch/ is our own (not a public report): `# error:` marks
the line its fixed twin changes, `# seen:` the line where real torch raises. Here shapelint
must report each marked code on its line and name the seen line (data["seen_at_line"]), stay
silent on the twin, and real torch must raise at the seen line and run the twin clean."""
from __future__ import annotations

import pathlib

import pytest

from markers import read_markers
from shapelint.pipeline.analysis import analyse

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "fix_origins" / "torch"
BUGGY = sorted(p for p in FIXTURES.glob("*.py") if not p.stem.endswith("_fixed"))


def twin(path: pathlib.Path) -> pathlib.Path:
    return path.with_name(path.stem + "_fixed.py")


def findings(path: pathlib.Path) -> list:
    analysis = analyse(path.read_text(encoding="utf-8"), str(path))
    return [d for d in analysis.diagnostics() if d.code.code.startswith(("SHP1", "SHP2"))]


def marks(path: pathlib.Path):
    markers = read_markers(path)
    errors = {(line, code) for line, m in markers.items() for code in m.codes}
    seen = {code: line for line, m in markers.items() for code in m.seen}
    return errors, seen


def test_every_rule_has_a_fixture():
    assert len(BUGGY) >= 7
    for path in BUGGY:
        assert twin(path).exists(), path


@pytest.mark.parametrize("path", BUGGY, ids=lambda p: p.stem)
def test_finding_on_the_fix_line_naming_where_it_shows(path):
    errors, seen = marks(path)
    reported = findings(path)
    assert {(int(d.line), d.code.code) for d in reported} == errors, reported
    for d in reported:
        assert d.data.get("seen_at_line") == seen.get(d.code.code), (d.line, d.message)


@pytest.mark.parametrize("path", BUGGY, ids=lambda p: p.stem)
def test_no_finding_on_the_fixed_twin(path):
    assert findings(twin(path)) == []


@pytest.mark.parametrize("path", BUGGY, ids=lambda p: p.stem)
def test_real_torch_raises_where_it_shows_and_runs_the_twin(path):
    pytest.importorskip("torch")
    from case_runtime import run_case
    errors, seen = marks(path)
    [(line, code)] = errors
    run = run_case(path)
    assert isinstance(run.error, (RuntimeError, ValueError)), repr(run.error)
    assert run.error_line == seen.get(code, line), f"{run.error_line}: {run.error}"
    fixed = run_case(twin(path))
    assert fixed.error is None, repr(fixed.error)


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
