"""Every fixture's markers agree with what shapelint infers statically (test_runtime.py proves
the same markers against the real framework)."""
from __future__ import annotations

import pathlib

import pytest

from markers import normalise_shape, read_markers
from shapelint.pipeline.analysis import analyse
from shapelint.domain.codes import REGISTRY, enabled

ROOT = pathlib.Path(__file__).resolve().parent.parent
# fixtures/cases/ reproduce public questions for the recall measure (bench/case_recall.py,
# tests/test_case_recall.py), where a miss is recorded rather than failed.
CASES = ROOT / "fixtures" / "cases"
FIXTURES = sorted(p for p in (ROOT / "fixtures").rglob("*.py") if CASES not in p.parents)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_markers_match_static_analysis(path):
    markers = read_markers(path)
    analysis = analyse(path.read_text(encoding="utf-8"), str(path))
    shapes, params = {}, {}
    for graph in analysis.graphs():
        rows = [n for n in graph.rows if not n.is_input]
        # Keras: a layer's line carries both; torch: shapes are what each line of forward()
        # assigned or returned, params come from the lines that built the modules.
        if graph.framework == "torch":
            for (where, line), shape in graph.line_shapes.items():
                if where == str(path):
                    shapes[line] = normalise_shape(str(shape))
        for node in rows if graph.framework == "keras" else ():
            shapes[node.line] = normalise_shape(str(node.output_shape))
        for node in rows:
            params[node.line] = params.get(node.line, 0) + (node.total if node.counts else 0)
    for line, marker in markers.items():
        if marker.shape is not None:
            assert shapes.get(line) == marker.shape, f"line {line}: shape"
        if marker.params is not None:
            assert params.get(line) == marker.params, f"line {line}: params"
    expected = {(line, code) for line, m in markers.items() for code in m.codes}
    everything = tuple(REGISTRY)
    found = {(d.line, d.code.code) for d in analysis.diagnostics()
             if enabled(d.code, everything)}
    assert found == expected
