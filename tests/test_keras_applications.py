"""THE MEASURE: keras's own application builders, read as text, total exactly what the real
models count. Real counts come from keras_applications_counts.json, made by
make_keras_applications_table.py (building all 39 takes minutes and gigabytes); two small
builders are rebuilt live to prove the table matches the installed keras."""
from __future__ import annotations

import json
import os
import pathlib

import pytest

from make_keras_applications_table import BUILDERS, TABLE, layer_names, names_digest
from shapelint.pipeline.analysis import analyse, evaluate_entry

CASES = [(f, name) for f, names in BUILDERS.items() for name in names]


def _applications_dir():
    import importlib.util
    spec = importlib.util.find_spec("keras")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("keras is not installed")
    path = pathlib.Path(list(spec.submodule_search_locations)[0]) / "src" / "applications"
    if not path.is_dir():
        pytest.skip("this keras has no keras/src/applications")
    return path


def static_graph(file: str, name: str):
    path = str(_applications_dir() / file)
    with open(path, encoding="utf-8") as handle:
        analysis = analyse(handle.read(), path, discover=False)
    return evaluate_entry(analysis, f"{name}(weights=None)").graph(name)


@pytest.mark.parametrize("file,name", CASES, ids=[n for _, n in CASES])
def test_static_total_equals_count_params(file, name):
    """The total, and the set of layers it sums (issue 20): shapelint's summary rows by name
    are model.layers by name (the table holds a digest of those names)."""
    table = json.loads(TABLE.read_text())
    graph = static_graph(file, name)
    assert (graph.total, graph.non_trainable) == (table[name]["total"],
                                                  table[name]["non_trainable"])
    assert names_digest({n.name for n in graph.rows}) == table[name]["layers"]


@pytest.mark.parametrize("name", ["MobileNetV3Small", "MobileNet"])
def test_table_matches_the_installed_keras(name):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    table = json.loads(TABLE.read_text())
    if table.get("_keras_version") != keras.__version__:
        pytest.skip(f"table made with keras {table.get('_keras_version')}")
    keras.backend.clear_session(free_memory=False)  # layer names as the table's fresh session gave them
    model = getattr(keras.applications, name)(weights=None)
    assert model.count_params() == table[name]["total"]
    assert layer_names(model) == table[name]["layers"]
