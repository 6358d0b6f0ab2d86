"""Running a case fixture (fixtures/cases/) for real, offline and fast, and recording what its
model edges did: the exception, the fixture line it came from, each torch loss call, and the
Keras models left at module level. tests/test_runtime_cases.py states the per-code facts.
torch cases import torchvision from tests/torchvision_stand_in.py (datasets of zero images of the
documented sizes, transforms applying the documented shape changes with real torch ops)."""
from __future__ import annotations

import contextlib
import functools
import os
import pathlib
import runpy
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np

from torchvision_stand_in import stand_in_torchvision

ROOT = pathlib.Path(__file__).resolve().parent.parent
CASES = ROOT / "fixtures" / "cases"
# Samples kept per fit/evaluate/predict call: enough for a batch, few enough to run in a blink.
KEPT_SAMPLES = 8

# keras.datasets load_data() shapes and dtypes, as documented on keras.io/api/datasets/
# (mnist, fashion_mnist: uint8 (60000, 28, 28) / (10000, 28, 28) images and uint8 labels of
# shape (n,); cifar10, cifar100: uint8 (50000, 32, 32, 3) / (10000, 32, 32, 3) images and uint8
# labels of shape (n, 1); boston_housing: float (404, 13) / (102, 13) and float targets (n,)).
DATASETS = {
    "mnist": (((60000, 28, 28), (60000,)), ((10000, 28, 28), (10000,)), "uint8"),
    "fashion_mnist": (((60000, 28, 28), (60000,)), ((10000, 28, 28), (10000,)), "uint8"),
    "cifar10": (((50000, 32, 32, 3), (50000, 1)), ((10000, 32, 32, 3), (10000, 1)), "uint8"),
    "cifar100": (((50000, 32, 32, 3), (50000, 1)), ((10000, 32, 32, 3), (10000, 1)), "uint8"),
    "boston_housing": (((404, 13), (404,)), ((102, 13), (102,)), "float64"),
}
TORCH_LOSSES = ("mse_loss", "l1_loss", "smooth_l1_loss", "binary_cross_entropy",
                "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss")


@dataclass
class LossCall:
    name: str  # torch.nn.functional name
    input: object
    target: object
    line: int | None  # the fixture line that made the call
    grad_fn: str  # the op that produced the input (SigmoidBackward0, AddmmBackward0, ...)


@dataclass
class Run:
    path: pathlib.Path
    error: BaseException | None = None
    error_line: int | None = None  # innermost fixture line on the error's traceback
    namespace: dict = field(default_factory=dict)
    losses: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # str messages


def fixture_line(path, frame=None, tb=None) -> int | None:
    """Innermost line of the fixture file on a frame stack or a traceback."""
    where = os.path.abspath(path)
    found = None
    if tb is not None:
        while tb is not None:
            if os.path.abspath(tb.tb_frame.f_code.co_filename) == where:
                found = tb.tb_lineno
            tb = tb.tb_next
        return found
    while frame is not None:
        if os.path.abspath(frame.f_code.co_filename) == where:
            return frame.f_lineno
        frame = frame.f_back
    return None


def _zeros_dataset(name):
    (train_x, train_y), (test_x, test_y), dtype = DATASETS[name]

    def load_data(*args, **kwargs):
        # np.zeros is lazily allocated, so the full-size arrays cost memory only where touched.
        return ((np.zeros(train_x, dtype), np.zeros(train_y, dtype)),
                (np.zeros(test_x, dtype), np.zeros(test_y, dtype)))
    return load_data


def _few(value):
    """The first KEPT_SAMPLES samples of an array (or of each array in a list/tuple/dict)."""
    if isinstance(value, (list, tuple)) and value and hasattr(value[0], "shape"):
        return type(value)(_few(v) for v in value)
    if isinstance(value, dict):
        return {k: _few(v) for k, v in value.items()}
    if hasattr(value, "shape") and len(value.shape) >= 1:
        return value[:KEPT_SAMPLES]
    return value


@contextlib.contextmanager
def fast_keras(keras):
    """Offline datasets and one short epoch: fit/evaluate/predict/train_on_batch see the first
    few samples (the fault lives in the other axes, which are kept); validation_split is
    dropped because a split of a few samples can be empty; traceback filtering is off so the
    fixture's frame stays on the traceback."""
    saved = []
    for name in DATASETS:
        module = getattr(keras.datasets, name)
        saved.append((module, "load_data", module.load_data))
        module.load_data = _zeros_dataset(name)

    def shorten(method, fitting):
        @functools.wraps(method)
        def short(self, x=None, y=None, *args, **kwargs):
            kwargs["verbose"] = 0
            if fitting:
                kwargs["epochs"] = 1
                kwargs.pop("validation_split", None)
                if "validation_data" in kwargs:
                    kwargs["validation_data"] = _few(kwargs["validation_data"])
            return method(self, _few(x), _few(y), *args, **kwargs)
        return short

    model = keras.Model
    for name, fitting in (("fit", True), ("evaluate", False)):
        saved.append((model, name, getattr(model, name)))
        setattr(model, name, shorten(getattr(model, name), fitting))
    predict = model.predict
    saved.append((model, "predict", predict))
    model.predict = functools.wraps(predict)(
        lambda self, x, *a, **k: predict(self, _few(x), *a, **{**k, "verbose": 0}))
    was_filtering = keras.config.is_traceback_filtering_enabled()
    keras.config.disable_traceback_filtering()
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)
        if was_filtering:
            keras.config.enable_traceback_filtering()


@contextlib.contextmanager
def recorded_keras_losses(keras, path, calls):
    """Record every Keras 3 loss function call with the shapes it compares, after Keras's own
    squeeze_or_expand_to_same_rank (keras/src/losses/losses.py LossFunctionWrapper.call)."""
    from keras.src.losses.loss import squeeze_or_expand_to_same_rank
    from keras.src.losses.losses import LossFunctionWrapper
    original = LossFunctionWrapper.call

    @functools.wraps(original)
    def record(self, y_true, y_pred):
        if hasattr(y_true, "shape") and hasattr(y_pred, "shape"):
            target, output = squeeze_or_expand_to_same_rank(y_true, y_pred)
            calls.append(LossCall(self.fn.__name__, output, target,
                                  fixture_line(path, frame=sys._getframe(1)), ""))
        return original(self, y_true, y_pred)

    LossFunctionWrapper.call = record
    try:
        yield
    finally:
        LossFunctionWrapper.call = original


@contextlib.contextmanager
def recorded_losses(torch, path, calls):
    """Record every torch.nn.functional loss call (nn.*Loss modules call these at run time)."""
    functional = torch.nn.functional
    saved = {name: getattr(functional, name) for name in TORCH_LOSSES}

    def recorder(name, original):
        @functools.wraps(original)
        def record(input, target, *args, **kwargs):
            grad_fn = type(input.grad_fn).__name__ if input.grad_fn is not None else ""
            calls.append(LossCall(name, input.detach().clone(), target.detach().clone(),
                                  fixture_line(path, frame=sys._getframe(1)), grad_fn))
            return original(input, target, *args, **kwargs)
        return record

    for name, original in saved.items():
        setattr(functional, name, recorder(name, original))
    try:
        yield
    finally:
        for name, original in saved.items():
            setattr(functional, name, original)


def framework(path) -> str:
    return pathlib.Path(path).parent.name


def run_case(path) -> Run:
    """Run one case fixture in-process with fixed seeds; never raises (the error is kept)."""
    import torch
    run = Run(pathlib.Path(path))
    torch.manual_seed(0)
    np.random.seed(0)
    with contextlib.ExitStack() as stack:
        if framework(path) == "keras":
            import keras  # conftest set KERAS_BACKEND=torch before any import of keras
            keras.backend.clear_session(free_memory=False)
            keras.utils.set_random_seed(0)
            stack.enter_context(fast_keras(keras))
            stack.enter_context(recorded_keras_losses(keras, path, run.losses))
        else:  # torchvision does not import here: a documented stand-in replaces it
            stack.enter_context(stand_in_torchvision())
        stack.enter_context(recorded_losses(torch, path, run.losses))
        caught = stack.enter_context(warnings.catch_warnings(record=True))
        warnings.simplefilter("always")
        try:
            run.namespace = runpy.run_path(str(path), run_name="__case__")
        except (ValueError, TypeError, RuntimeError) as error:
            run.error = error
            run.error_line = fixture_line(path, tb=error.__traceback__)
        run.warnings = [str(w.message) for w in caught]
    return run
