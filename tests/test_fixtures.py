"""Every fixture's markers agree with what shapelint infers statically (test_runtime.py proves
the same markers against the real framework)."""
from __future__ import annotations

import pathlib

import pytest

from markers import normalise_shape, read_markers
from shapelint.analysis import analyse
from shapelint.codes import REGISTRY, enabled

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").rglob("*.py"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_markers_match_static_analysis(path):
    markers = read_markers(path)
    analysis = analyse(path.read_text(encoding="utf-8"), str(path))
    seen_shapes = {}
    for graph in analysis.graphs():
        for node in graph.rows:
            if node.is_input:
                continue
            seen_shapes[node.line] = (normalise_shape(str(node.output_shape)),
                                      node.total if node.counts else 0)
    for line, marker in markers.items():
        if marker.shape is None and marker.params is None:
            continue
        assert line in seen_shapes, f"line {line} has a marker but no layer was found there"
        shape, params = seen_shapes[line]
        if marker.shape is not None:
            assert shape == marker.shape, f"line {line}: shape"
        if marker.params is not None:
            assert params == marker.params, f"line {line}: params"
    expected = {(line, code) for line, m in markers.items() for code in m.codes}
    everything = tuple(REGISTRY)
    found = {(d.line, d.code.code) for d in analysis.diagnostics()
             if enabled(d.code, everything)}
    assert found == expected
