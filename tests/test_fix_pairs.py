"""Issue 16: the fixture pairs of fixtures/fix_origins/{torch,keras}/ (tests/fix_pairs.py), one
parametrization over both folders. Each faulty file is our own: `# error:` marks the line its
fixed twin changes, `# seen:` the line where the real framework raises. shapelint must report
each marked code on its line and name the seen line (data["seen_at_line"]) and stay silent on
the twin; the framework must raise one of its folder's errors at the seen line and run the
twin clean. Keras pairs where either side is an honest fix are test_data_places.py's; the
messages of each folder's rules are tested in test_fix_origins.py and
test_keras_fix_origins.py."""
from __future__ import annotations

import pathlib

import pytest

from fix_pairs import (assert_framework_raises_where_it_shows,
                       assert_on_the_fix_line_naming_where_it_shows, findings, twin)

ROOT = pathlib.Path(__file__).resolve().parent.parent
FOLDERS = {"torch": (RuntimeError, ValueError), "keras": (ValueError,)}  # what each raises
AT_LEAST = {"torch": 7, "keras": 2}


def _faulty(framework: str) -> list:
    folder = ROOT / "fixtures" / "fix_origins" / framework
    return sorted(p for p in folder.glob("*.py") if not p.stem.endswith("_fixed")
                  and "Either side is an honest fix" not in p.read_text(encoding="utf-8")[:400])


PAIRS = [pytest.param(framework, path, id=f"{framework}/{path.stem}")
         for framework in FOLDERS for path in _faulty(framework)]
# The files this test runs with the framework (test_totals.py leaves them to it).
RUN_HERE = [p for framework in FOLDERS for path in _faulty(framework) for p in (path, twin(path))]


@pytest.mark.parametrize("framework", FOLDERS)
def test_every_folder_has_pairs(framework):
    paths = _faulty(framework)
    assert len(paths) >= AT_LEAST[framework]
    for path in paths:
        assert twin(path).exists(), path


@pytest.mark.parametrize("framework, path", PAIRS)
def test_finding_on_the_fix_line_naming_where_it_shows(framework, path):
    assert_on_the_fix_line_naming_where_it_shows(path)


@pytest.mark.parametrize("framework, path", PAIRS)
def test_no_finding_on_the_fixed_twin(framework, path):
    assert findings(twin(path)) == []


@pytest.mark.parametrize("framework, path", PAIRS)
def test_framework_raises_where_it_shows_and_runs_the_twin(framework, path):
    pytest.importorskip(framework)
    assert_framework_raises_where_it_shows(path, FOLDERS[framework])
