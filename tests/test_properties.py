"""Property: any valid Python that mentions a framework is analysed without an exception
escaping, with at most one SHP9xx note, and within the work budget.

Programs come from hypothesmith (CPython's grammar and libcst's node types); each is prefixed
with `import torch` / `import keras` so the framework gate lets it through. Runs are
derandomized and database-less, so CI sees the same examples every time.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

hypothesmith = pytest.importorskip("hypothesmith")

from shapelint.pipeline.analysis import analyse  # noqa: E402
from shapelint.adapters.flake8_plugin import ShapelintPlugin  # noqa: E402
from shapelint.interpreter.budget import Limits  # noqa: E402

PREFIXES = ("import torch\n", "import keras\n", "import torch\nimport torch.nn as nn\n",
            "import keras\nfrom keras import layers\n")
# A smaller budget than the default keeps each example quick; the property is the same.
LIMITS = Limits(steps=20_000, loop_iterations=2_000, discovery_steps=5_000)
PROFILE = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))


def _analyse_quietly(source: str) -> None:
    analysis = analyse(source, "generated_model.py", LIMITS)
    found = analysis.diagnostics()
    analysis.graphs()
    notes = [d for d in found if d.code.code.startswith("SHP9")]
    assert len(notes) <= 1, notes
    # An internal error is caught and reported as SHP901, so look for it: it is a bug here.
    assert not any("internal error" in d.message for d in notes), notes
    if analysis.interp is not None:
        budget = analysis.interp.budget
        # Bounded: the work done never passes the budget (+1: the step that found it spent).
        assert budget.steps <= LIMITS.steps + 1


def _through_flake8_plugin(source: str) -> None:
    plugin = ShapelintPlugin(None, "generated_model.py", source.splitlines(keepends=True))
    ShapelintPlugin.options = {"budget": LIMITS.steps}
    try:
        found = list(plugin.run())
    finally:
        ShapelintPlugin.options = {}
    assert sum(message.startswith("SHP9") for _, _, message, _ in found) <= 1
    assert not any("internal error" in m or "skipped this file" in m for _, _, m, _ in found)


@PROFILE
@given(st.sampled_from(PREFIXES), hypothesmith.from_grammar())
def test_grammar_programs_never_crash_the_analysis(prefix, program):
    source = prefix + program
    try:
        compile(source, "generated", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return  # a prefix can turn a leading `from __future__` into an error; not our input
    _analyse_quietly(source)


@PROFILE
@given(st.sampled_from(PREFIXES), hypothesmith.from_node())
def test_libcst_node_programs_never_crash_the_analysis(prefix, program):
    source = prefix + program
    try:
        compile(source, "generated", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    _analyse_quietly(source)
    _through_flake8_plugin(source)
