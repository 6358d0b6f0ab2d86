"""Never a wrong total (issue 21): each total shapelint prints for a file (the graph's,
`summary --format json`'s `total_params`, the "model total" of an SHP201 message) is the
framework's own count for that entry, or null; and the layers shapelint counts in a Keras
model are the layers Keras holds (issue 20). Shared by tests/test_totals.py (the fixtures,
each run there) and tests/test_runtime_cases.py (the public cases, compared on the run that
test makes anyway), so that no fixture runs twice in CI for these facts."""
from __future__ import annotations

import pathlib
import warnings

from shapelint.adapters.reporters.json_report import model as json_model
from shapelint.pipeline.analysis import analyse


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


def counts(namespace: dict) -> dict:
    """entry name -> the framework's count, for every module-level name that builds a model
    (each tensor once: tied weights count once, as `model.parameters()` gives them)."""
    import torch
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, value in namespace.items():
            made = _built(value, isinstance(value, type))
            if hasattr(made, "count_params"):  # Keras first: on torch, a Layer is a Module too
                if getattr(made, "built", False):
                    try:
                        out[name] = int(made.count_params())
                    except Exception:  # noqa: BLE001 - an unbuilt subclassed model
                        pass
            elif isinstance(made, torch.nn.Module):
                out[name] = sum(p.numel() for p in made.parameters())
    return out


def assert_printed_totals(path: pathlib.Path, truth: dict, exact=frozenset(),
                          null=frozenset()) -> int:
    """Every printed total of `path` is its entry's count in `truth` or null; the entries in
    `exact` are known and equal, those in `null` unknown. Returns how many were compared."""
    analysis = analyse(path.read_text(encoding="utf-8"), str(path))
    graphs = analysis.graphs()
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
    known = {g.entry for g in graphs if g.entry in truth and g.total == truth[g.entry]}
    unknown = {g.entry for g in graphs if g.total is None}
    assert set(exact) <= known, (set(exact) - known, truth)
    assert set(null) <= unknown
    return compared


# Keras models shapelint builds no graph for, by file, with the reason. Checked both ways: the
# day it reads them, the check below fails and the entry goes.
NO_GRAPH = {
    # `model = ResNet50(...)` imported from keras.applications: shapelint reads the user's file,
    # not the installed keras, so the call is no model it knows (second blind set, issue 16);
    # it knows the features its predict() gives (frameworks/keras_backbones.py), not its
    # layers.
    "resnet50_features_reshaped_to_2048_fixed.py": (
        {"model"}, "a keras.applications builder called from user code yields no static graph"),
    "vgg16_features_flattened_as_pooled_vector_fixed.py": (
        {"backbone"},
        "a keras.applications builder called from user code yields no static graph"),
}


def assert_layers_keras_holds(path: pathlib.Path, namespace: dict) -> int:
    """For every functional and Sequential model at the module level of a run made in a fresh
    Keras session, the names of shapelint's summary rows (each layer once) equal the names of
    `model.layers`: a layer missing from the graph (a tensor passed by keyword, say) would drop
    its weights from the total, one too many would add weights Keras never counts. Returns how
    many models were compared."""
    import keras
    real = {name: m for name, m in namespace.items() if isinstance(m, keras.Model)
            and (isinstance(m, keras.Sequential) or m.__class__.__name__ == "Functional")}
    graphs = {g.entry: g for g in analyse(path.read_text(encoding="utf-8"), str(path)).graphs()}
    unread, why = NO_GRAPH.get(path.name, (set(), ""))
    assert unread <= set(real) and not unread & set(graphs), why
    real = {name: m for name, m in real.items() if name not in unread}
    for name, model in real.items():
        assert name in graphs, f"shapelint finds no model {name}"
        assert sorted({n.name for n in graphs[name].rows}) == sorted(
            layer.name for layer in model.layers), name
    return len(real)
