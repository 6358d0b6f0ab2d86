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


def _catalogued() -> frozenset:
    """The names the catalogues register, read from their index (catalogue/index.py), which
    a process linting a Keras file reads without loading the torch catalogue (and the
    reverse)."""
    from ..catalogue.index import modules
    return frozenset(name for table in modules().values() for name in table)
