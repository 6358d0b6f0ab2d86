"""Never a wrong total: for every fixture whose models the framework builds, each total
shapelint prints (the graph's, `summary --format json`'s `total_params`, the "model total" of an
SHP201 message) is the framework's own count or null, never another number.

Runtime truth: torch models are built by running the fixture and instantiating each model class
with no arguments (`sum(p.numel() for p in m.parameters())`, each tensor once); Keras models are
the fixture's module-level models (`count_params()`); case fixtures run as
tests/case_runtime.py runs them. Library entries are held to the stricter "exact" by
tests/test_torchvision.py and tests/test_keras_applications.py.
"""
from __future__ import annotations

import pathlib
import runpy
import warnings

import pytest

from case_runtime import run_case
from conftest import keras_as_tensorflow
from shapelint.pipeline.analysis import analyse
from shapelint.adapters.reporters.json_report import model as json_model

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").rglob("*.py"))
# The fixtures written for issue 21 and issue 14: each model's total must be exact, or null
# where the fixture is about an unknown part.
EXACT = {"spectral_and_weight_norm.py": {"Critic", "ProjectionHead", "Vocoder"},
         "tied_embeddings.py": {"TinyLM", "SharedModules"},
         "module_methods_and_wrappers.py": {"Net", "Wrapped"},
         "parametrize_counts.py": {"Constrained"},
         "models_at_module_level.py": {"model", "frozen", "parallel", "compiled"},
         "registry_filled_by_decorator.py": {"model", "wide_model"},
         # issue 14, on transformers' ways: tying by name, lazy packages, **options
         "tied_by_name.py": {"model"},
         "lazily_imported_config.py": {"model"},
         "options_from_the_environment.py": {"Classifier"}}
NULL = {"unknown_module_total.py": {"Fused"},
        "lost_writes.py": {"SetByComputedName", "HalfRunHelper", "TiedOnModuleChosenAtRunTime"},
        "options_from_the_environment.py": {"Wide"}}


def _torch_count(module) -> int:
    return sum(p.numel() for p in module.parameters())


def _built(value, entry_is_class: bool):
    """The runtime object for a static entry: module-level objects as they are, classes and
    functions called with no arguments (as shapelint reads a bare entry name)."""
    if callable(value) and (entry_is_class or not hasattr(value, "parameters")
                            and not hasattr(value, "count_params")):
        try:
            return value()
        except Exception:  # noqa: BLE001 - a building block that needs arguments, or a fault
            return None
    return value


def runtime_totals(path: pathlib.Path) -> dict:
    """entry name -> the framework's count, for every module-level name that builds a model."""
    torch = pytest.importorskip("torch")
    keras_file = "keras" in path.parts
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if "cases" in path.parts:
            namespace = run_case(path).namespace
        elif keras_file:
            try:
                with keras_as_tensorflow():
                    namespace = runpy.run_path(str(path))
            except Exception:  # noqa: BLE001 - SHP1xx fixtures do not build
                return {}
        else:
            try:
                namespace = runpy.run_path(str(path))
            except Exception:  # noqa: BLE001
                return {}
        out = {}
        for name, value in namespace.items():
            made = _built(value, isinstance(value, type))
            if hasattr(made, "count_params"):  # Keras first: on torch, a Layer is a Module too
                if getattr(made, "built", False):
                    try:
                        out[name] = int(made.count_params())
                    except Exception:  # noqa: BLE001 - an unbuilt subclassed model
                        pass
            elif isinstance(made, torch.nn.Module):
                out[name] = _torch_count(made)
    return out


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_printed_totals_are_the_runtime_count_or_null(path):
    analysis = analyse(path.read_text(encoding="utf-8"), str(path))
    graphs = analysis.graphs()
    truth = runtime_totals(path)
    compared = 0
    for graph in graphs:
        if graph.entry not in truth:
            continue
        compared += 1
        real = truth[graph.entry]
        printed = json_model(graph, str(path))["total_params"]
        assert printed in (None, real), (graph.entry, printed, real, graph.reasons())
        assert graph.total in (None, real)
    for diagnostic in analysis.diagnostics():
        data = diagnostic.data or {}
        if "total_as_written" in data and len(truth) == 1:
            assert data["total_as_written"] in (None, *truth.values()), diagnostic.message
    exact = {g.entry for g in graphs if g.entry in truth and g.total == truth[g.entry]}
    null = {g.entry for g in graphs if g.total is None}
    assert EXACT.get(path.name, set()) <= exact, (EXACT[path.name] - exact, truth)
    assert NULL.get(path.name, set()) <= null
    if not compared:
        pytest.skip("no model of this fixture is built by the framework with no arguments")
