"""Never a wrong total: for every fixture whose models the framework builds, each total
shapelint prints (the graph's, `summary --format json`'s `total_params`, the "model total" of an
SHP201 message) is the framework's own count or null, never another number; and the layers
shapelint counts in each Keras model are the layers Keras holds (tests/totals_truth.py).

Runtime truth: torch models are built by running the fixture and instantiating each model class
with no arguments (`sum(p.numel() for p in m.parameters())`, each tensor once); Keras models are
the fixture's module-level models (`count_params()`). The public cases of fixtures/cases/ are
held to the same rule by tests/test_runtime_cases.py, on the run it makes of each (one run per
case in CI, not two: tests/totals_truth.py is the comparison both use). Library entries are held to the stricter "exact" by
tests/test_torchvision.py and tests/test_keras_applications.py.
"""
from __future__ import annotations

import contextlib
import pathlib
import runpy
import warnings

import pytest

from case_runtime import fast_keras
from conftest import keras_as_tensorflow
from markers import read_markers
from test_fix_pairs import RUN_HERE as RUN_BY_FIX_PAIRS
from test_keras_edges import EDGES
from test_runtime import KERAS_FIXTURES
from totals_truth import assert_layers_keras_holds, assert_printed_totals, counts

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The public cases are compared on the run tests/test_runtime_cases.py makes of each, the Keras
# fixtures on the run test_runtime.py or test_keras_edges.py makes, the fix-origin pairs on
# test_fix_pairs.py's: each fixture is run once for these facts.
RUN_ELSEWHERE = {*KERAS_FIXTURES, *EDGES, *RUN_BY_FIX_PAIRS}
FIXTURES = sorted(p for p in (ROOT / "fixtures").rglob("*.py")
                  if "cases" not in p.parts and p not in RUN_ELSEWHERE)
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
         "options_from_the_environment.py": {"Classifier"},
         "stdlib_attributes.py": {"Logged"},
         "moved_when_a_gpu_is_found.py": {"MovedWhenAGpuIsFound"}}
NULL = {"unknown_module_total.py": {"Fused"},
        "lost_writes.py": {"SetByComputedName", "HalfRunHelper", "TiedOnModuleChosenAtRunTime"},
        "options_from_the_environment.py": {"Wide"},
        "stdlib_attributes.py": {"ChosenAtRandom"},
        "moved_when_a_gpu_is_found.py": {"ReplacedWhenAGpuIsFound"}}


def _raises(path: pathlib.Path) -> bool:
    """A fix-origin pair marking an SHP1xx fault: tests/test_fix_pairs.py proves the framework
    raises on it, so its run would give no namespace."""
    return "fix_origins" in path.parts and any(
        code.startswith("SHP1") for m in read_markers(path).values() for code in m.codes)


def run_fixture(path: pathlib.Path) -> dict:
    """The fixture's module namespace after a run (Keras ones in a fresh session, written for
    tf.keras or Keras 3, offline and with short fits), or {} when the run raises."""
    pytest.importorskip("torch")
    if _raises(path):  # the run stops before its namespace exists: nothing to compare
        return {}
    with warnings.catch_warnings(), contextlib.ExitStack() as stack:
        warnings.simplefilter("ignore")
        if "keras" in path.parts:
            stack.enter_context(fast_keras(stack.enter_context(keras_as_tensorflow())))
        try:
            return runpy.run_path(str(path))
        except Exception:  # noqa: BLE001 - SHP1xx fixtures do not build
            return {}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_printed_totals_are_the_runtime_count_or_null(path):
    namespace = run_fixture(path)
    compared = assert_printed_totals(path, counts(namespace), EXACT.get(path.name, set()),
                                     NULL.get(path.name, set()))
    if "keras" in path.parts and namespace:
        compared += assert_layers_keras_holds(path, namespace)
    if not compared:
        pytest.skip("no model of this fixture is built by the framework with no arguments")
