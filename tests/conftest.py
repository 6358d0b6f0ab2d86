"""Shared test helpers: the static answer for one layer, and the real framework's answer."""
from __future__ import annotations

import os
import pathlib
import sys

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")  # must precede any `import keras`
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "bench"))
from wheel_sources import DownloadFailed, wheel_sources  # noqa: E402


def static_keras_layer(type_name: str, args: tuple, kwargs: dict, input_shape: tuple):
    """What shapelint says one Keras layer does to a (None, *input_shape) input.

    Returns (output_shape as JSON list, trainable, non_trainable, fault code or None)."""
    from shapelint.frameworks.layers import apply
    from shapelint.frameworks.keras_values import build_layer, input_shape as make_shape
    from shapelint.domain.graph import LayerNode
    layer = build_layer(type_name, args, kwargs)
    if layer.fault is not None:
        return None, None, None, layer.fault.code.code
    node = LayerNode(layer, "layer", type_name, "", 0, 0)
    apply(node, [make_shape(input_shape)], True)
    if node.fault is not None:
        return None, None, None, node.fault.code.code
    return node.output_shape.to_json(), node.params, node.frozen, None


def real_keras_layer(type_name: str, args: tuple, kwargs: dict, input_shape: tuple):
    """What Keras 3 (torch backend) builds: same tuple as static_keras_layer; on a Keras error
    the fault slot holds the exception's class name."""
    keras = pytest.importorskip("keras")
    try:
        layer = getattr(keras.layers, type_name)(*args, **kwargs)
        out = layer(keras.Input(shape=input_shape))
    except (ValueError, TypeError) as error:
        return None, None, None, type(error).__name__
    return list(out.shape), weights_size(layer.trainable_weights), \
        weights_size(layer.non_trainable_weights), None


def weights_size(weights) -> int:
    """How many numbers Keras variables hold (count_params() of a list of weights)."""
    return sum(_size(w) for w in weights)


def _size(weight) -> int:
    size = 1
    for d in weight.shape:
        size *= d
    return size


class keras_as_tensorflow:
    """Map `tensorflow`, `tensorflow.keras` and its submodules onto Keras 3 while running user
    code that was written for tf.keras (restores sys.modules afterwards)."""

    SUBMODULES = ("layers", "models", "backend", "utils", "datasets", "losses")
    NAMES = ("tensorflow", "tensorflow.keras",
             *(f"tensorflow.keras.{name}" for name in SUBMODULES))

    def __enter__(self):
        import sys
        import types
        keras = pytest.importorskip("keras")
        self.saved = {name: sys.modules.get(name) for name in self.NAMES}
        tf = types.ModuleType("tensorflow")
        tf.keras = keras
        sys.modules.update({"tensorflow": tf, "tensorflow.keras": keras})
        sys.modules.update({f"tensorflow.keras.{name}": getattr(keras, name)
                            for name in self.SUBMODULES})
        # Keras asks a lazy probe whether TensorFlow is installed, once per process, and would
        # take the stand-in for it (then reach for tf.random and fail, in this test or in any
        # later one of the same worker): it is not there while the stand-in is in place
        from keras.src.utils import module_utils
        self.probe = module_utils.tensorflow
        self.probe_state = (self.probe._available, self.probe.module)
        self.probe._available, self.probe.module = False, None
        # names as a fresh session gives them, without Keras's gc.collect(): in a test worker
        # that has built thousands of models a full collection cost 5-25 s per test
        keras.backend.clear_session(free_memory=False)
        return keras

    def __exit__(self, *exc):
        import sys
        for name, module in self.saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
        self.probe._available, self.probe.module = self.probe_state
        return False


def real_keras_models(path) -> dict:
    """Run a model file with Keras 3 and return its module-level models by variable name."""
    import runpy
    saved, sys.argv = sys.argv, [str(path)]  # the script as run with no arguments, not pytest's
    try:
        with keras_as_tensorflow() as keras:
            namespace = runpy.run_path(str(path))
            return {k: v for k, v in namespace.items() if isinstance(v, keras.Model)}
    finally:
        sys.argv = saved


def static_torch_layer(type_name: str, args: tuple, kwargs: dict, input_shape: tuple):
    """What shapelint says one torch.nn module does to an input of input_shape (batch
    included). Returns (output_shape as JSON list, params, fault code or None)."""
    from shapelint.frameworks.layers import LayerObject, apply, make_layer_object
    from shapelint.domain.graph import LayerNode
    from shapelint.domain.shapes import Shape
    layer = make_layer_object(LayerObject, "torch", type_name, args, kwargs, "m", "", 0, 0)
    if layer.fault is not None:
        return None, None, layer.fault.code.code
    node = LayerNode(layer, "m", type_name, "", 0, 0)
    apply(node, [Shape(tuple(input_shape))], True)
    if node.fault is not None:
        return None, None, node.fault.code.code
    return node.output_shape.to_json(), node.params, None


def real_torch_layer(type_name: str, args: tuple, kwargs: dict, input_shape: tuple):
    """What torch builds and runs (on the meta device): same tuple as static_torch_layer; on a
    torch error the fault slot holds the exception's class name."""
    torch = pytest.importorskip("torch")
    try:
        with torch.device("meta"):
            module = getattr(torch.nn, type_name)(*args, **kwargs)
            out = module(torch.empty(input_shape, device="meta"))
    except (ValueError, TypeError, RuntimeError, AssertionError, IndexError) as error:
        return None, None, type(error).__name__
    if isinstance(out, tuple):
        out = out[0]
    return list(out.shape), sum(p.numel() for p in module.parameters()), None


@pytest.fixture(autouse=True)
def script_argv(monkeypatch):
    """Model scripts run in this process (argparse fixtures call parse_args()) see a command
    line with no arguments, as `python model.py` gives them, never pytest's own."""
    monkeypatch.setattr(sys, "argv", [sys.argv[0]])


@pytest.fixture
def libcst_parses(monkeypatch) -> list:
    """The length of each source libcst parses while the test runs: what reading only a
    model's statements (interpreter/slicing.py) is measured by."""
    import libcst
    parsed: list = []
    original = libcst.parse_module

    def counted(source, *args, **kwargs):
        parsed.append(len(source))
        return original(source, *args, **kwargs)
    monkeypatch.setattr(libcst, "parse_module", counted)
    return parsed


@pytest.fixture(scope="session")
def models_dir() -> pathlib.Path:
    """torchvision 0.28.0's models package, as text: $SHAPELINT_TORCHVISION, or the wheel
    downloaded from PyPI once (never installed: it does not import beside the CPU torch)."""
    given = os.environ.get("SHAPELINT_TORCHVISION")
    if given:
        return pathlib.Path(given) / "torchvision" / "models"
    return _sources("torchvision==0.28.0") / "torchvision" / "models"


def _sources(requirement: str) -> pathlib.Path:
    try:
        return wheel_sources(requirement)
    except DownloadFailed as failed:
        pytest.skip(str(failed))


LIBRARIES = {"timm": "timm==1.0.31", "transformers": "transformers==5.25.0",
             "keras_hub": "keras-hub==0.32.0"}


@pytest.fixture(scope="session")
def library_sources() -> dict:
    """{name: its package's source directory} for timm, transformers and keras_hub (the
    versions of LIBRARIES), read as text and never imported: $SHAPELINT_LIBRARIES/<name>/<name>
    when that variable names a folder of unzipped wheels (e.g. /work/corpora), else each wheel
    downloaded from PyPI once and unzipped under .cache/ (bench/wheel_sources.py)."""
    given = os.environ.get("SHAPELINT_LIBRARIES")
    found = {}
    for name, requirement in LIBRARIES.items():
        if given:
            found[name] = pathlib.Path(given) / name / name
        else:
            found[name] = _sources(requirement) / name
    missing = [str(p) for p in found.values() if not p.is_dir()]
    if missing:
        pytest.skip(f"library sources not found: {', '.join(missing)}")
    return found
