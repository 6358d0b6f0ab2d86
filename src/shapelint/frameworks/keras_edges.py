"""A Keras model's edges as the interpreter meets them: compile(loss=...) and the data given to
fit / evaluate / predict / *_on_batch, recorded on the model for edges.py to judge once the
model's graph is built. Losses are read from strings, keras.losses functions and classes."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..domain.dims import Unknown
from ..interpreter.values import Builtin, Ref

# Keras 3 signatures (keras/src/trainers/trainer.py): the positions of x, y and
# validation_data in each method.
DATA_METHODS = {
    "fit": ("x", "y", "batch_size", "epochs", "verbose", "callbacks", "validation_split",
            "validation_data"),
    "evaluate": ("x", "y"),
    "predict": ("x",),
    "train_on_batch": ("x", "y"),
    "test_on_batch": ("x", "y"),
    "predict_on_batch": ("x",),
}
COMPILE_ARGS = ("optimizer", "loss")
OTHER_METHODS = ("summary", "save", "load_weights", "save_weights")

# Loss kinds by every spelling keras.losses.get accepts (keras/src/losses/__init__.py:
# class names, function names, and the short aliases).
_LOSS_KINDS = {
    "categorical": ("categorical_crossentropy", "CategoricalCrossentropy"),
    "sparse": ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"),
    "binary": ("binary_crossentropy", "BinaryCrossentropy", "bce", "BCE"),
    "elementwise": ("mean_squared_error", "MeanSquaredError", "mse", "MSE",
                    "mean_absolute_error", "MeanAbsoluteError", "mae", "MAE"),
}
LOSS_KIND = {spelling: kind for kind, names in _LOSS_KINDS.items() for spelling in names}


@dataclass(frozen=True)
class Loss:
    """A loss as written: its kind ("categorical", "sparse", "binary", "elementwise") and the
    spelling the user wrote, for messages."""
    kind: str
    spelling: str


@dataclass
class Use:
    """One call of fit/evaluate/predict/...: the data it got and the loss compiled before it."""
    method: str
    x: object
    y: object
    validation: object
    loss: object  # a Loss, Unknown, or None when never compiled
    path: str
    line: int
    col: int
    compile_line: int = 0  # where that loss was compiled (0: never), SHP111's fix
    compile_col: int = 0
    one_hot_planned: bool = False  # the file imports to_categorical and never applies it
    loss_written: object = None  # compile's loss as given (a list or dict per output), or None
    module: object = None  # the UserModule the call is in: its names and text (keras_unread_labels)


@dataclass
class Edges:
    uses: list = field(default_factory=list)
    compiles: list = field(default_factory=list)  # (Loss | Unknown | None, path, line, col)
    loss: object = None  # the loss in force now
    loss_written: object = None  # that loss as given (rules/keras_io.py reads it per output)


def edges_of(model) -> Edges:
    found = model.__dict__.get("shapelint_edges")
    if found is None:
        found = model.__dict__["shapelint_edges"] = Edges()
    return found


def read_loss(value):
    """A Loss for a loss the analysis can name, else Unknown (a custom function, a variable)."""
    if isinstance(value, Loss):
        return value
    if isinstance(value, str) and value in LOSS_KIND:
        return Loss(LOSS_KIND[value], repr(value))
    if isinstance(value, Ref):
        last = value.qualname.rsplit(".", 1)[-1]
        if value.qualname.startswith(("keras.losses.", "keras.metrics.")) and last in LOSS_KIND:
            return Loss(LOSS_KIND[last], f"keras.losses.{last}")
    return Unknown("a loss shapelint cannot name")


def make_loss(name: str):
    """keras.losses.CategoricalCrossentropy(...) and friends; NotImplemented otherwise."""
    last = name.rsplit(".", 1)[-1]
    if name.startswith("keras.losses.") and last[:1].isupper() and last in LOSS_KIND:
        return Loss(LOSS_KIND[last], f"{last}()")
    return NotImplemented


def model_method(model, name: str, owner: str):
    """The Builtin behind model.compile / fit / ...; None for names that are not edges."""
    if name == "compile":
        return Builtin(f"{owner}.compile", lambda i, a, k, n: _compile(model, i, a, k, n))
    if name in DATA_METHODS:
        return Builtin(f"{owner}.{name}", lambda i, a, k, n: _use(model, name, i, a, k, n))
    if name in OTHER_METHODS:
        return Builtin(f"{owner}.{name}", lambda *a: None)
    return None


def _bind(names, args, kwargs):
    out = dict(zip(names, args))
    out.update({k: v for k, v in kwargs.items() if k in names})
    return out


def _compile(model, interp, args, kwargs, node):
    edges = edges_of(model)
    given = _bind(COMPILE_ARGS, args, kwargs)
    loss = read_loss(given["loss"]) if given.get("loss") is not None else None
    if interp.uncertain:
        loss = Unknown("compiled under an undecided condition")
    edges.loss = loss
    edges.loss_written = None if interp.uncertain else given.get("loss")
    path, line, col = interp.position(node)
    edges.compiles.append((loss, path, line, col))
    return None


def eager_call(model, interp, x, node):
    """`model(x)` of data arrays: Keras converts them and runs the model as predict() does
    (the same input checks and rank adjustment), so the data is judged as given to predict;
    the call's result is not followed."""
    return _use(model, "__call__", interp, (x,), {}, node)


def _use(model, method, interp, args, kwargs, node):
    if interp.uncertain:
        return Unknown(f"{method} under an undecided condition")
    edges = edges_of(model)
    given = _bind(DATA_METHODS.get(method, ("x",)), args, kwargs)
    path, line, col = interp.position(node)
    compiled = edges.compiles[-1] if edges.compiles else None
    same_file = compiled is not None and compiled[1] == path
    module = interp.current_module
    edges.uses.append(Use(method, given.get("x"), given.get("y"), given.get("validation_data"),
                          edges.loss, path, line, col, compiled[2] if same_file else 0,
                          compiled[3] if same_file else 0,
                          "y" in given and module is not None and one_hot_planned(module.lines),
                          edges.loss_written, module))
    return Unknown(f"the result of {method}()")


# -- labels the file meant to convert (rules/keras_places.at_labels) ---------------------------

_IMPORT = re.compile(r"^\s*(?:from\s+\S+\s+)?import\b.*\b(?:to_categorical|np_utils)\b")
_APPLIED = re.compile(r"\bto_categorical\s*\(")


def one_hot_planned(lines) -> bool:
    """The file imports keras's to_categorical (or np_utils) and applies it nowhere: the
    one-hot step its author planned for the labels is missing."""
    imported = applied = False
    for line in lines or ():
        code = line.split("#", 1)[0]
        if _IMPORT.match(code):
            imported = True
        elif _APPLIED.search(code):
            applied = True
    return imported and not applied
