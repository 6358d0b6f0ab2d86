"""The names that make a statement worth reading: what builds, trains or scores a model.

Every finding shapelint reports sits on a line of the checked file that constructs a layer or a
model, defines a model's forward/call, trains a model, or calls a loss or softmax. A statement
that does none of these cannot carry a finding of its own; it matters only when one that does
needs the names it binds or may change (interpreter/slicing.py follows those).
"""
from __future__ import annotations

from functools import lru_cache

# Base classes of models and layers: a class deriving from one of these is a model.
MODEL_BASES = frozenset({"Module", "Layer", "Model", "Sequential", "ModuleList", "ModuleDict",
                         "Functional"})
# Methods whose definition makes a class a model or layer (nn.Module.forward, Layer.call).
MODEL_METHODS = frozenset({"forward", "call"})
# Model-level calls shapelint checks (keras_edges.DATA_METHODS and compile).
TRAINING_METHODS = frozenset({"fit", "evaluate", "predict", "train_on_batch", "test_on_batch",
                              "predict_on_batch", "compile"})
# Receivers whose .compile()/.predict() are not a model's (re.compile, torch.compile).
NOT_MODELS = frozenset({"re", "regex", "torch", "jax", "tf"})
# Names whose mention makes a function worth running unasked, to meet the models it builds.
FRAMEWORK_WORDS = frozenset({"Sequential", "Model", "Input", "layers", "keras", "tf", "nn",
                             "Module", "torch"})
# Losses and softmax (frameworks/torch_losses.py, softmax_checks.py), and model constructors.
_OTHER_NAMES = frozenset({
    "CrossEntropyLoss", "NLLLoss", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "BCELoss",
    "BCEWithLogitsLoss", "cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss",
    "huber_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "softmax", "log_softmax", "Softmax", "LogSoftmax",
    "Sequential", "Model", "Functional", "Input", "ModuleList", "ModuleDict"})


@lru_cache(maxsize=1)
def layer_names() -> frozenset:
    """Every catalogued layer class name, Keras and torch, plus losses and model constructors."""
    return _catalogued() | _OTHER_NAMES


def _sources(folder: str) -> list:
    """Every .py file under folder, its packages included."""
    import os
    paths = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        paths += [os.path.join(root, name) for name in files if name.endswith(".py")]
    return paths


def _catalogued() -> frozenset:
    """The names the catalogues register. Loading them costs a process linting a Keras file
    the whole torch catalogue (and the reverse), so the names are kept beside the catalogue's
    compiled modules, in a file named after the size and time of every catalogue source (the
    torch/ and keras/ packages' too): any change to one makes a new file, read from the
    catalogues themselves."""
    import hashlib
    import json
    import os
    from .. import catalogue
    folder = os.path.dirname(catalogue.__file__)
    try:
        stamp = sorted((os.path.relpath(path, folder), status.st_mtime_ns, status.st_size)
                       for path in _sources(folder) for status in (os.stat(path),))
    except OSError:
        stamp = None
    kept = None if stamp is None else os.path.join(
        folder, "__pycache__",
        f"layer_names-{hashlib.sha1(repr(stamp).encode()).hexdigest()[:16]}.json")
    if kept is not None:
        try:
            with open(kept, encoding="utf-8") as handle:
                return frozenset(json.load(handle))
        except (OSError, ValueError):
            pass
    from ..catalogue import CATALOGUES, _load
    _load("keras")
    _load("torch")
    names = frozenset(CATALOGUES["keras"]) | frozenset(CATALOGUES["torch"])
    if kept is not None:
        try:  # written whole, then renamed: a reader never sees half a file
            os.makedirs(os.path.dirname(kept), exist_ok=True)
            partial = f"{kept}.{os.getpid()}"
            with open(partial, "w", encoding="utf-8") as handle:
                json.dump(sorted(names), handle)
            os.replace(partial, kept)
        except OSError:
            pass
    return names
