"""Fixture pairs of issue 16 (fixtures/fix_origins/): a faulty file whose markers say where its
finding sits (`# error:`) and where the framework raises (`# seen:`), and its `_fixed.py` twin.
Shared by the tests that check those pairs from different sides."""
from __future__ import annotations

import pathlib
import sys

from markers import read_markers
from shapelint.pipeline.analysis import analyse

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIX_ORIGINS = ROOT / "fixtures" / "fix_origins"
sys.path.insert(0, str(ROOT / "bench"))
from case_recall import lines_to_change  # noqa: E402,F401  (re-exported for the tests)


def twin(path: pathlib.Path) -> pathlib.Path:
    return path.with_name(path.stem + "_fixed.py")


def either_side_pairs(framework: str) -> list:
    """The faulty fixtures of fix_origins/<framework>/ whose first lines say "Either side is an
    honest fix": the twin fixes the data side, so the finding must name the line it changes."""
    return sorted(p for p in (FIX_ORIGINS / framework).glob("*.py")
                  if not p.stem.endswith("_fixed")
                  and "Either side is an honest fix" in p.read_text(encoding="utf-8")[:400])


def findings(path_or_source, path="m.py") -> list:
    """The SHP1xx/SHP2xx diagnostics of a fixture file, or of a source text named `path`."""
    if isinstance(path_or_source, pathlib.Path):
        path, source = path_or_source, path_or_source.read_text(encoding="utf-8")
    else:
        source = path_or_source
    analysis = analyse(source, str(path))
    return [d for d in analysis.diagnostics() if d.code.code.startswith(("SHP1", "SHP2"))]


def marks(path: pathlib.Path):
    """{(line, code)} of the `# error:` markers, and {code: line} of the `# seen:` ones. An
    `# info: SHP3xx` marker (test_fixtures.py's) is no error: findings() leaves SHP3xx out."""
    markers = read_markers(path)
    errors = {(line, code) for line, m in markers.items() for code in m.codes
              if code.startswith(("SHP1", "SHP2"))}
    seen = {code: line for line, m in markers.items() for code in m.seen}
    return errors, seen


def assert_on_the_fix_line_naming_where_it_shows(path: pathlib.Path) -> None:
    errors, seen = marks(path)
    reported = findings(path)
    assert {(int(d.line), d.code.code) for d in reported} == errors, reported
    for d in reported:
        assert d.data.get("seen_at_line") == seen.get(d.code.code), (d.line, d.message)


def assert_framework_raises_where_it_shows(path: pathlib.Path, errors: tuple) -> None:
    """The real framework raises one of `errors` on the seen line (else the marked line) and
    runs the twin clean (tests/case_runtime.py runs the files). A pair marked with warnings
    only (SHP2xx: the code runs) runs, and a loss it calls meets predictions whose rows are
    not its targets' rows (under Keras, whose MSE / MAE broadcast: predictions of another
    shape than its targets, after Keras's own squeeze); the twin's losses all match."""
    from case_runtime import run_case
    marked, seen = marks(path)
    if all(code.startswith("SHP2") for _, code in marked):
        run, fixed = run_case(path), run_case(twin(path))
        assert run.error is None and fixed.error is None, (run.error, fixed.error)
        if "keras" in path.parts:  # Keras 3's MSE / MAE broadcast targets of another shape
            assert any(tuple(c.input.shape) != tuple(c.target.shape) for c in run.losses
                       if c.name in ("mean_squared_error", "mean_absolute_error")), run.losses
        else:
            assert any(c.input.shape[0] != c.target.shape[0] for c in run.losses), run.losses
        assert fixed.losses and all(tuple(c.input.shape) == tuple(c.target.shape)
                                    for c in fixed.losses), fixed.losses
        return
    [(line, code)] = marked
    run = run_case(path)
    assert isinstance(run.error, errors), repr(run.error)
    assert run.error_line == seen.get(code, line), f"{run.error_line}: {run.error}"
    fixed = run_case(twin(path))
    assert fixed.error is None, repr(fixed.error)
    # on this run, not a second one (test_totals.py leaves these pairs to this check)
    from totals_truth import assert_layers_keras_holds, assert_printed_totals, counts
    assert_printed_totals(fixed.path, counts(fixed.namespace))
    if "keras" in fixed.path.parts:
        assert_layers_keras_holds(fixed.path, fixed.namespace)
