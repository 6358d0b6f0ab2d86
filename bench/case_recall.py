"""Recall and false alarms of shapelint's static analysis on the public cases in fixtures/cases/.

Each buggy case carries `# error: SHPxxx` / `# warning: SHPxxx` markers on the lines where the
fault is; its `_fixed` twin carries none. A case is found when every marked (line, code) is
reported; an SHP1xx/SHP2xx reported anywhere on a fixed twin, or on a buggy case but not marked
there, is a false alarm. tests/test_runtime_cases.py proves each marker with the real framework.

Two figures say whether a finding sits where the author must act (issue 16), both read from the
lines the fixed twin changes (lines_to_change): "on the line to change", a marked finding is
reported on one of them; "on it or pointing at it", or one of its other places is one of them,
so the editor shows the fix line one click away. A finding's other places (SARIF's
relatedLocations) are the call where the mismatch shows (data["seen_at_line"]) and, for a
finding kept on the model side, the line that made the data it contradicts
(data["data_at_line"], rules/data_places.py). A marked (line, code) counts as pointed at when a
finding of that code names that line as an other place: the marker sits on the data line the
twin changes, the finding on the model's side of the same mismatch. The pointing figure needs
every marked (line, code) found or pointed at, and one such place on a line to change.

    PYTHONPATH=src:tests python bench/case_recall.py
"""
from __future__ import annotations

import difflib
import functools
import pathlib
import re
import sys
from dataclasses import dataclass

ROOT = pathlib.Path(__file__).resolve().parent.parent
CASES = ROOT / "fixtures" / "cases"
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from markers import read_markers  # noqa: E402
from shapelint.pipeline.analysis import analyse  # noqa: E402


@dataclass(frozen=True)
class CaseResult:
    name: str  # framework/slug
    expected: frozenset  # {(line, code)} from the markers
    reported: frozenset  # {(line, code)} SHP1xx/SHP2xx on the buggy file
    on_twin: frozenset  # {(line, code)} SHP1xx/SHP2xx on the fixed twin
    to_change: frozenset = frozenset()  # lines of the buggy file its fixed twin changes
    related: frozenset = frozenset()  # {(line, code, seen_at_line)} of the buggy file's findings
    data_at: frozenset = frozenset()  # {(line, code, data_at_line)} of the buggy file's findings

    @property
    def found(self) -> bool:
        return self.expected <= self.reported

    @property
    def on_fix_line(self) -> bool:
        """Found, and a marked finding sits on a line the fixed twin changes (issue 16)."""
        return self.found and any(line in self.to_change for line, _ in self.expected)

    @property
    def on_or_pointing_at_fix_line(self) -> bool:
        """Every marked (line, code) found or pointed at, and a marked finding sits on a line to
        change or names one as its other place (see the module's docstring)."""
        others = self.related | self.data_at
        pointed = {(other, code) for _, code, other in others}
        if not self.expected <= self.reported | pointed:
            return False
        return self.on_fix_line or any(
            ((line, code) in self.expected or (other, code) in self.expected)
            and other in self.to_change for line, code, other in others)

    @property
    def extra(self) -> frozenset:
        return self.reported - self.expected


def buggy_cases() -> list[pathlib.Path]:
    return sorted(p for p in CASES.rglob("*.py") if not p.stem.endswith("_fixed"))


_MARK = re.compile(r"\s*#\s*(?:shape|params|error|warning|info|seen)\s*:.*$")


def lines_to_change(buggy: pathlib.Path, twin: pathlib.Path) -> frozenset:
    """The buggy file's lines (markers stripped, the citation line left out) that its twin
    replaces or deletes, and for a pure insertion the existing line it follows: an added line
    amends the statement before it (`x = x[..., None]` after the load that lacks the axis,
    `y = to_categorical(y)` after the labels are read), so that statement is the one to change.
    (An insertion at the top counts the line it precedes.) Where an insertion belongs before the
    line it fixes, a Flatten() before a Dense, this credits the line above: one rule, no
    guessing which neighbour was meant."""
    def body(path):
        return [_MARK.sub("", t).rstrip() for t in path.read_text(encoding="utf-8").splitlines()]
    a, b = body(buggy), body(twin)
    changed = set()
    for op, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            changed.update(range(i1 + 1, i2 + 1))
        elif op == "insert":
            changed.add(max(i1, 1))
    return frozenset(changed - {1})


@functools.lru_cache(maxsize=None)  # each file is analysed once, read for three figures
def reported(path: pathlib.Path) -> tuple:
    analysis = analyse(path.read_text(encoding="utf-8"), str(path))
    return tuple(d for d in analysis.diagnostics() if d.code.code.startswith(("SHP1", "SHP2")))


def findings(path: pathlib.Path) -> frozenset:
    return frozenset((d.line, d.code.code) for d in reported(path))


def related(path: pathlib.Path, key: str = "seen_at_line") -> frozenset:
    """(line, code, data[key]) of the findings that name another place under key."""
    return frozenset((d.line, d.code.code, d.data[key]) for d in reported(path)
                     if isinstance(d.data, dict) and isinstance(d.data.get(key), int))


def measure() -> list[CaseResult]:
    results = []
    for path in buggy_cases():
        marks = frozenset((line, code) for line, m in read_markers(path).items()
                          for code in m.codes)
        twin = path.with_name(path.stem + "_fixed.py")
        results.append(CaseResult(f"{path.parent.name}/{path.stem}", marks, findings(path),
                                  findings(twin), lines_to_change(path, twin), related(path),
                                  related(path, "data_at_line")))
    return results


def codes(pairs) -> str:
    return ", ".join(f"{code}@{line}" for line, code in sorted(pairs)) or "-"


def main() -> int:
    results = measure()
    width = max(len(r.name) for r in results)
    print(f"{'case':{width}}  {'expected':18} {'found':5}  {'fix lines':12} "
          f"{'extra on buggy':16} on fixed twin")
    for r in results:
        fix = ",".join(map(str, sorted(r.to_change))) + (
            "*" if r.on_fix_line else "+" if r.on_or_pointing_at_fix_line else "")
        print(f"{r.name:{width}}  {codes(r.expected):18} {'yes' if r.found else 'no':5}  "
              f"{fix:12} {codes(r.extra):16} {codes(r.on_twin)}")
    found = sum(r.found for r in results)
    twin_alarms = sum(len(r.on_twin) for r in results)
    buggy_extra = sum(len(r.extra) for r in results)
    on_line = sum(r.on_fix_line for r in results)
    pointing = sum(r.on_or_pointing_at_fix_line for r in results)
    print(f"\nrecall: {found}/{len(results)} = {found / len(results):.2f}")
    print(f"found on the line to change (* above): {on_line}/{len(results)} = "
          f"{on_line / len(results):.2f}")
    print(f"on the line to change or naming it as the other place (* or + above): "
          f"{pointing}/{len(results)} = {pointing / len(results):.2f}")
    print(f"false alarms on the {len(results)} fixed twins: {twin_alarms} (on "
          f"{sum(bool(r.on_twin) for r in results)} of them); {buggy_extra} unexpected on the "
          f"buggy cases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
