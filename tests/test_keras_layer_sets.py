"""The layers shapelint counts in a model are the layers Keras holds (issue 20): for every
functional and Sequential model a Keras fixture builds, the names of shapelint's summary rows
equal the names of `model.layers` in a fresh Keras session (torch backend). A layer missing
from the graph (a tensor passed by keyword, say) would drop its weights from the total; one too
many would add weights Keras never counts. keras.applications are checked the same way in
test_keras_applications.py, against the recorded table."""
from __future__ import annotations

import pathlib
import runpy

import pytest

from markers import read_markers
from shapelint.pipeline.analysis import analyse
from test_keras_edges import keras_env  # noqa: F401  (the fixture: stand-in datasets)

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = sorted(list((ROOT / "fixtures" / "keras").rglob("*.py"))
                  + list((ROOT / "fixtures" / "cases" / "keras").glob("*.py")))


def _fails_in_keras(path) -> bool:
    return any(code.startswith("SHP1") for m in read_markers(path).values() for code in m.codes)


CASES = [p for p in FIXTURES if not _fails_in_keras(p)]
# Models shapelint builds no graph for, with the reason; strict, so the day it reads them the
# expected failure fails and the entry goes.
NO_GRAPH = {
    # `model = ResNet50(...)` imported from keras.applications: shapelint reads the user's file,
    # not the installed keras, so the call is no model it knows (second blind set, issue 16).
    "resnet50_features_reshaped_to_2048_fixed.py":
        "a keras.applications builder called from user code yields no static graph",
}


def static_layer_names(graph) -> list:
    """The layers shapelint counts in a model, by name: its summary rows, each layer once."""
    return sorted({n.name for n in graph.rows})


@pytest.fixture
def no_training(keras_env, monkeypatch):  # noqa: F811
    """The layers are fixed when the model is built: skip fitting, to keep this quick."""
    for method in ("fit", "train_on_batch", "test_on_batch"):
        monkeypatch.setattr(keras_env.Model, method, lambda self, *a, **k: None)
    # evaluate gives the loss and one metric, as a script unpacks them (test_loss, test_acc)
    monkeypatch.setattr(keras_env.Model, "evaluate", lambda self, *a, **k: [0.0, 0.0])
    # Keras asks its lazy `tensorflow` probe whether TensorFlow is there (serializing
    # Bidirectional's layer, for one) and would find the tf.keras stand-in: it is not there
    from keras.src.utils import module_utils
    monkeypatch.setattr(module_utils.tensorflow, "_available", False)
    return keras_env


@pytest.mark.parametrize("path", [
    pytest.param(p, marks=pytest.mark.xfail(reason=NO_GRAPH[p.name], strict=True))
    if p.name in NO_GRAPH else p for p in CASES], ids=lambda p: str(p.relative_to(ROOT)))
def test_counted_layers_are_the_layers_keras_holds(path, no_training):
    keras = no_training
    keras.backend.clear_session()  # names as a fresh session gives them
    namespace = runpy.run_path(str(path), run_name="fixture")
    real = {name: m for name, m in namespace.items() if isinstance(m, keras.Model)
            and (isinstance(m, keras.Sequential) or m.__class__.__name__ == "Functional")}
    if not real:
        pytest.skip("no functional or Sequential model at module level")
    graphs = {g.entry: g for g in analyse(path.read_text(), str(path)).graphs()}
    for name, model in real.items():
        assert name in graphs, f"shapelint finds no model {name}"
        assert static_layer_names(graphs[name]) == sorted(layer.name for layer in model.layers)


def test_aliases_are_named_after_their_class():
    """An alias (MaxPool2D) builds a layer named after its class (max_pooling2d)."""
    keras = pytest.importorskip("keras")
    from shapelint.frameworks.keras_values import CLASS_OF_ALIAS
    layers = {name: getattr(keras.layers, name) for name in dir(keras.layers)}
    aliases = {name: cls.__name__ for name, cls in layers.items()
               if isinstance(cls, type) and cls.__name__ != name}
    assert CLASS_OF_ALIAS == aliases
