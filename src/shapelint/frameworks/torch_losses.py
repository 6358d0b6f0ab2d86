"""torch loss modules and functions: what a call `criterion(output, target)` returns (a
scalar, or per-element with reduction='none'), and the input/target pairs torch rejects
(SHP110), mis-encodes (SHP111), silently broadcasts (SHP206), or that follow the wrong
activation (SHP207 softmax before cross-entropy, SHP208 BCELoss on unbounded outputs).
Shape rules follow the "Shape" sections of the torch.nn loss docs, checked against torch 2.13
in tests/test_torch_losses.py. Only certain facts are reported."""
from __future__ import annotations

import inspect
from dataclasses import dataclass

from ..catalogue import Rule
from ..domain.codes import (SHP110, SHP111, SHP203, SHP206, SHP207, SHP208, Diagnostic,
                            RuleDoc)
from ..domain.dims import is_known, same
from ..domain.shapes import AFTER_ERROR, Shape
from . import torch_batch_folds as batch_folds
from . import torch_leading_ones as leading_ones
from . import torch_loss_places as places
from . import torch_target_places as target_places
from .torch_provenance import FLOATING, INTEGER
from .torch_values import TorchTensor


# Constructor and function signatures as in torch 2.13 (torch/nn/modules/loss.py,
# torch/nn/functional.py); only `reduction` and the legacy size_average/reduce change shapes.
def _nll_args(weight=None, size_average=None, ignore_index=-100, reduce=None,
              reduction="mean"):
    pass


def _ce_args(weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean", label_smoothing=0.0):
    pass


def _pointwise_args(size_average=None, reduce=None, reduction="mean"):
    pass


def _smooth_l1_args(size_average=None, reduce=None, reduction="mean", beta=1.0):
    pass


def _huber_args(reduction="mean", delta=1.0):
    pass


def _bce_args(weight=None, size_average=None, reduce=None, reduction="mean"):
    pass


def _bce_logits_args(weight=None, size_average=None, reduce=None, reduction="mean",
                     pos_weight=None):
    pass


def _f_ce(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
          reduction="mean", label_smoothing=0.0):
    pass


def _f_nll(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
           reduction="mean"):
    pass


def _f_pointwise(input, target, size_average=None, reduce=None, reduction="mean",
                 weight=None):
    pass


def _f_smooth_l1(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    pass


def _f_huber(input, target, reduction="mean", delta=1.0, weight=None):
    pass


def _f_bce(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    pass


def _f_bce_logits(input, target, weight=None, size_average=None, reduce=None,
                  reduction="mean", pos_weight=None):
    pass


@dataclass(frozen=True)
class Loss:
    name: str  # as the user spells it, for messages
    kind: str  # "class" (cross-entropy), "nll", "pointwise" (MSE, L1, ...), "bce", "bce_logits"
    signature: inspect.Signature


def _loss(name, kind, fn) -> Loss:
    return Loss(name, kind, inspect.signature(fn))


MODULES = {loss.name: loss for loss in (
    _loss("CrossEntropyLoss", "class", _ce_args), _loss("NLLLoss", "nll", _nll_args),
    _loss("MSELoss", "pointwise", _pointwise_args), _loss("L1Loss", "pointwise", _pointwise_args),
    _loss("SmoothL1Loss", "pointwise", _smooth_l1_args),
    _loss("HuberLoss", "pointwise", _huber_args), _loss("BCELoss", "bce", _bce_args),
    _loss("BCEWithLogitsLoss", "bce_logits", _bce_logits_args))}
FUNCTIONS = {loss.name.rsplit(".", 1)[-1]: loss for loss in (
    _loss("F.cross_entropy", "class", _f_ce), _loss("F.nll_loss", "nll", _f_nll),
    _loss("F.mse_loss", "pointwise", _f_pointwise), _loss("F.l1_loss", "pointwise", _f_pointwise),
    _loss("F.smooth_l1_loss", "pointwise", _f_smooth_l1),
    _loss("F.huber_loss", "pointwise", _f_huber),
    _loss("F.binary_cross_entropy", "bce", _f_bce),
    _loss("F.binary_cross_entropy_with_logits", "bce_logits", _f_bce_logits))}


def _reduction(arguments: dict) -> str | None:
    """"mean", "sum" or "none"; None when not known (or set by the legacy arguments)."""
    if arguments.get("size_average") is not None or arguments.get("reduce") is not None:
        return None
    value = arguments.get("reduction", "mean")
    return value if value in ("mean", "sum", "none") else None


def make_loss(layer_class, type_name: str, args, kwargs, path, line, col):
    """nn.CrossEntropyLoss(...) and the like: a module without parameters."""
    loss = MODULES[type_name]
    layer = layer_class(type_name, type_name, path, line, col,
                        rule=Rule(output=lambda x: Shape.unknown("a loss module")))
    try:
        bound = loss.signature.bind(*args, **kwargs)
    except TypeError:
        layer.reason = f"{type_name}(...) arguments not understood"
        return layer
    bound.apply_defaults()
    layer.arguments = dict(bound.arguments)
    layer.shapelint_call = lambda interp, a, k, node: _call_module(interp, layer, loss, a, k,
                                                                   node)
    return layer


def _call_module(interp, layer, loss: Loss, args, kwargs, node):
    try:
        bound = inspect.signature(lambda input, target: None).bind(*args, **kwargs)
    except TypeError:
        return _unknown("a loss called with arguments shapelint cannot read")
    return evaluate(interp, loss, bound.arguments["input"], bound.arguments["target"],
                    _reduction(layer.arguments or {}), node, (layer.path, layer.line, layer.col))


def call_function(interp, name: str, args, kwargs, node):
    loss = FUNCTIONS[name]
    try:
        bound = loss.signature.bind(*args, **kwargs)
    except TypeError:
        return _unknown(f"{loss.name}() arguments not understood")
    bound.apply_defaults()
    a = bound.arguments
    return evaluate(interp, loss, a["input"], a["target"], _reduction(a), node)


def _unknown(reason: str):
    return TorchTensor(Shape.unknown(reason))


# -- facts about two shapes --------------------------------------------------------------------

def equal_shapes(a: Shape, b: Shape) -> bool | None:
    """True/False when certain; None when symbolic sizes leave it open."""
    if not (a.known_rank and b.known_rank):
        return None
    if a.rank != b.rank:
        return False
    verdicts = [same(x, y) for x, y in zip(a[:], b[:])]
    if False in verdicts:
        return False
    return True if all(v is True for v in verdicts) else None


def certain_broadcast(a: Shape, b: Shape):
    """("ok", shape) or ("fails", None) when certain (torch's broadcasting rules); None if
    open. A mismatch is certain only between two known sizes other than 1."""
    if not (a.known_rank and b.known_rank):
        return None
    out = []
    for i in range(1, max(a.rank, b.rank) + 1):
        x = a[-i] if a.rank >= i else 1
        y = b[-i] if b.rank >= i else 1
        if same(x, y) is True or (is_known(y) and y == 1):
            out.append(x)
        elif is_known(x) and x == 1:
            out.append(y)
        elif is_known(x) and is_known(y):
            return "fails", None
        else:
            return None
    return "ok", Shape(tuple(reversed(out)))


def _without_class_dim(a: Shape) -> Shape:
    """Input (N, C, d1, ...) -> (N, d1, ...); input (C,) -> ()."""
    return Shape(a[:0] if a.rank == 1 else (a[0],) + a[2:])


# -- the checks -------------------------------------------------------------------------------

def evaluate(interp, loss: Loss, x, y, reduction: str | None, node, ctor_at=None):
    """A loss call met by the interpreter: its findings recorded where their fix goes
    (torch_loss_places; ctor_at is the criterion's constructor), its result returned."""
    from . import record_finding
    findings, result = outcome(loss, x, y, reduction)
    for code, message, data in findings:
        path, line, col = interp.position(node)
        at = places.place(code, loss.kind, x, y, ctor_at, path, interp, node) \
            if path else None
        if at is None or interp.uncertain:
            made = places.target_made_at(loss.kind, x, y, node, interp) \
                if code is SHP110 and path and not interp.uncertain else None
            if made is not None and made[0] == path:
                message = f"{message} {made[3]}"
                data = {**data, "data_at_line": int(made[1]), "data_at_col": int(made[2])}
            record_finding(interp, code, node, message, data)
            continue
        prefix = f"{loss.name} gets"
        seen = places.seen_phrase(loss.name, line)
        message = f"{seen} gets{message[len(prefix):]}" if message.startswith(prefix) else \
            f"{message} (seen at {seen})"
        interp.state.findings.append(Diagnostic(
            code, at[1], at[2], f"{message} {at[3]}",
            {**data, "seen_at_line": int(line), "seen_at_col": int(col)}, path))
    if any(code is SHP206 for code, _, _ in findings) and not interp.uncertain:
        _folded_view(interp, loss, x, y, node)
    return result


def _folded_view(interp, loss: Loss, x, y, node) -> None:
    """SHP203 on the view that packed the samples a broadcasting loss then meets
    (torch_batch_folds.packed_for_broadcast), naming the loss call."""
    at = batch_folds.packed_for_broadcast(x, y)
    path, line, col = interp.position(node)
    if at is None or not path or at[0] != path:
        return
    interp.state.findings.append(Diagnostic(
        SHP203, at[1], at[2], f"{at[3]} {loss.name} at line {line} broadcasts them against "
        f"the targets {y.shape}.", {"loss": loss.name, "input_shape": x.shape.to_json(),
                                    "target_shape": y.shape.to_json(),
                                    "seen_at_line": int(line), "seen_at_col": int(col)}, path))


def outcome(loss: Loss, x, y, reduction: str | None):
    """(findings, result tensor) of loss(x, y) with this reduction; findings are
    (code, message, data)."""
    if not (isinstance(x, TorchTensor) and isinstance(y, TorchTensor)):
        return [], _unknown(f"{loss.name} of a value that is not a known tensor")
    findings, elements = _judge(loss, x, y)
    if any(code in (SHP110, SHP111) for code, _, _ in findings):
        return findings, TorchTensor(Shape.unknown(AFTER_ERROR))
    dtype = x.dtype if x.dtype in FLOATING else None
    if reduction in ("mean", "sum"):
        return findings, TorchTensor(Shape(()), dtype=dtype)
    if reduction == "none" and elements is not None:
        return findings, TorchTensor(elements, dtype=dtype)
    return findings, TorchTensor(Shape.unknown(f"{loss.name}: reduction not known"),
                                 dtype=dtype)


def _judge(loss: Loss, x, y):
    """The findings at this call, and the per-element shape (reduction='none') if known."""
    a, b = x.shape, y.shape
    data = {"loss": loss.name, "input_shape": a.to_json(), "target_shape": b.to_json()}
    out = []
    elements = None
    if loss.kind in ("class", "nll") and a.known_rank and a.rank >= 1:
        elements = _class_target(loss, a, b, y.dtype, data, out)
        out[:] = [target_places.flattened_one_hot(loss.name, x, y, f) for f in out]
        if x.produced_by == "softmax":
            fix = ("pass the logits (drop the softmax)" if loss.kind == "class" else
                   "use log_softmax (nn.LogSoftmax) instead of softmax, or CrossEntropyLoss "
                   "on the logits")
            why = ("it applies log_softmax itself" if loss.kind == "class" else
                   "it expects log-probabilities")
            out.append((SHP207, f"{loss.name} gets {a}, an output of softmax: {why}, so this "
                        f"trains on the wrong quantity and learns slowly; {fix}.", data))
    elif loss.kind == "pointwise":
        indices = _class_indices(loss, a, b, y.dtype, data)
        if indices is not None:
            return [indices], None
        elements = _pointwise_target(loss, a, b, data, out)
    elif loss.kind in ("bce", "bce_logits"):
        equal = equal_shapes(a, b)
        if equal is False:
            out.append((SHP110, f"{loss.name} gets input {a} and target {b}: torch requires "
                        f"the same shape and raises ValueError; {_same_shape_fix(a, b)}.",
                        data))
        elif equal is True:
            elements = a
            if y.dtype in INTEGER:
                out.append((SHP111, f"{loss.name} gets a target of dtype {y.dtype}: it needs "
                            f"floating-point targets (torch raises RuntimeError); pass "
                            f"target.float().", {**data, "target_dtype": y.dtype}))
        if loss.kind == "bce" and x.produced_by == "unbounded":
            out.append((SHP208, f"{loss.name} gets {a} straight from a Linear/Conv output with "
                        "no sigmoid after it: BCELoss needs probabilities in [0, 1] (torch "
                        "raises RuntimeError on values outside); use nn.BCEWithLogitsLoss on "
                        "these logits, or apply torch.sigmoid first.", data))
    if loss.kind in ("class", "nll", "bce", "bce_logits") and \
            not any(code is SHP110 for code, _, _ in out):
        packed = batch_folds.packed_rows(x, y)
        if packed:  # rows N / k against N targets, a mismatch whatever N is: torch raises
            out.append((SHP110, f"{loss.name} gets input {a} and target {b}: the input has "
                        f"{b[0]} / {packed} rows for {b[0]} targets whatever the batch size "
                        f"{b[0]}, so torch raises.", data))
    return out, elements


def _class_target(loss: Loss, a: Shape, b: Shape, dtype, data, out):
    """CrossEntropyLoss/NLLLoss targets: class indices of input's shape without the class dim
    (int64), or (cross-entropy only) class probabilities of input's own shape (float)."""
    indices = _without_class_dim(a)
    as_indices = equal_shapes(b, indices)
    if a.rank == 1 and b.known_rank and b.rank == 1:
        one = same(b[0], 1)  # an unbatched input takes a (1,) target as a batch of one
        if one is None and equal_shapes(b, a) is not True:
            return None
        if one is True:
            as_indices, b = True, indices
    as_probabilities = equal_shapes(b, a) if loss.kind == "class" else False
    if as_probabilities is True:
        if dtype in INTEGER:
            out.append((SHP111, f"{loss.name} gets a target {b} of the input's own shape, "
                        f"which torch reads as class probabilities, but of dtype {dtype}: "
                        f"torch raises RuntimeError. {_probability_fix(a)}",
                        {**data, "target_dtype": dtype}))
        return indices
    if as_indices is True:
        if dtype in FLOATING:
            out.append((SHP111, f"{loss.name} gets class-index targets {b} of dtype {dtype}: "
                        f"it needs int64 (torch raises RuntimeError \"expected ... Long\"); "
                        f"pass target.long().", {**data, "target_dtype": dtype}))
        return b
    if as_indices is False and as_probabilities is False:
        hint = (f"class indices of shape {indices} (int64)" + (
            f" or class probabilities of shape {a} (float)" if loss.kind == "class" else ""))
        fix = ""
        if b.known_rank and b.rank == indices.rank + 1 and is_known(b[-1]) and b[-1] == 1 \
                and equal_shapes(Shape(b[:-1]), indices) is True:
            fix = " Drop the trailing axis: target.squeeze(-1) (or target.view(-1))."
        out.append((SHP110, f"{loss.name} gets input {a} and target {b}: it expects {hint}, "
                    f"so torch raises.{fix}", data))
    return None


def _probability_fix(a: Shape) -> str:
    if a.rank >= 2 and is_known(a[1]) and a[1] == 1:
        return ("With one class column this is a label column: pass target.squeeze(1) as class "
                "indices, though a one-unit output suits BCEWithLogitsLoss better.")
    axis = 0 if a.rank == 1 else 1  # an unbatched input's classes are its only axis
    return (f"For one-hot labels pass target.argmax({axis}) (class indices) or "
            f"target.float().")


def _class_indices(loss: Loss, a: Shape, b: Shape, dtype, data):
    """SHP111 for an elementwise loss (MSELoss, L1Loss, ...) given integer targets of the
    input's shape without its class axis, (N,) for (N, C) scores with C > 1, which do not
    broadcast: class indices, which a classification loss (CrossEntropyLoss) reads; torch
    raises here. None otherwise (the shape checks below judge it)."""
    if dtype not in INTEGER or not (a.known_rank and a.rank >= 2) or not is_known(a[1]) or \
            a[1] <= 1 or equal_shapes(b, _without_class_dim(a)) is not True:
        return None
    verdict = certain_broadcast(a, b)
    if verdict is None or verdict[0] != "fails":
        return None
    return (SHP111, f"{loss.name} gets input {a} and target {b} of dtype {dtype}: one integer "
            f"per sample, class indices for the {a[1]} scores of each, which {loss.name} "
            f"compares element by element; they do not broadcast and torch raises "
            f"RuntimeError. Class indices want a classification loss: nn.CrossEntropyLoss() "
            f"(or one-hot float targets of shape {a} for a regression loss).",
            {**data, "target_dtype": dtype, "classes": a[1]})


def _pointwise_target(loss: Loss, a: Shape, b: Shape, data, out):
    """MSELoss and the like compare element by element after broadcasting the two."""
    equal = equal_shapes(a, b)
    if equal is True:
        return a
    verdict = certain_broadcast(a, b)
    if verdict is None or equal is None:
        return None
    outcome, joint = verdict
    if outcome == "fails":
        out.append((SHP110, f"{loss.name} gets input {a} and target {b}, which do not "
                    f"broadcast: torch raises RuntimeError; {_same_shape_fix(a, b)}.", data))
        return None
    text = leading_ones.sentence(loss.name, a, b, joint) if leading_ones.only_leading_ones(
        a, b) else (f"{loss.name} gets input {a} and target {b}: torch broadcasts them to "
                    f"{joint} (with only a UserWarning) and averages over every pair, not "
                    f"over matching elements; {_same_shape_fix(a, b)}.")
    out.append((SHP206, text, {**data, "broadcast_shape": joint.to_json()}))
    return joint


def _same_shape_fix(a: Shape, b: Shape) -> str:
    """The likely fix for two shapes that should be one: drop or add a trailing 1."""
    if a.known_rank and b.known_rank:
        if a.rank == b.rank + 1 and is_known(a[-1]) and a[-1] == 1:
            return "squeeze the input (output.squeeze(-1)) or unsqueeze the target " \
                   "(target.unsqueeze(-1)) so both have one shape"
        if b.rank == a.rank + 1 and is_known(b[-1]) and b[-1] == 1:
            return "squeeze the target (target.squeeze(-1)) so both have one shape"
    return "make the input and the target the same shape"


# The pages of the codes raised here (docs/rules/SHPxxx.md, generated by rules/docs.py,
# which gathers every module's DOCS); their Example and Use instead are run by
# tests/test_rule_docs.py.
DOCS = {
    "SHP110": RuleDoc(
        what="Checks the labels given to `fit`/`evaluate`/`train_on_batch` against the "
             "model's output under the compiled loss: one-hot labels over K classes need K "
             "output units (categorical and binary cross-entropy, and elementwise losses such "
             "as `mse`); integer labels whose largest class id is known (MNIST's 0-9) need "
             "more output units than that id. Labels whose sample count differs from the "
             "data's are reported too, and per-sample labels against a head that kept a time "
             "axis (a Dense after `LSTM(return_sequences=True)`, `Conv1D`, `Embedding` or a "
             "1-D pooling), reported on the layer to change. Labels from "
             "`flow_from_directory(class_mode=...)` and `image_dataset_from_directory("
             "label_mode=...)` are read with the shapes those modes give. torch losses "
             "(`CrossEntropyLoss`, `BCELoss`, ...) whose input and target batches differ are "
             "reported where the fix goes, naming the loss call: on a `view(-1, K)` whose "
             "rows pack several samples (`(16, 64, 4, 4)` viewed as `(4, 4096)`), and, for an "
             "`RNN`/`LSTM`/`GRU` without `batch_first` whose output rows are its axis-1 size "
             "while the targets have its axis-0 size, on the line that made its input (the "
             "embedding: `.transpose(0, 1)` there, or `batch_first=True`).",
        why="Keras raises at the first batch: `Arguments target and output must have the same "
            "shape`, a broadcast error for `mse`, or `Target 9 is out of bounds` for a sparse "
            "loss over too few units; before any batch, `Data cardinality is ambiguous` when x "
            "and y hold different numbers of samples.",
        example="import numpy as np\nimport keras\nfrom keras import layers\n\n"
                "x = np.random.rand(40, 8)\n"
                "y = keras.utils.to_categorical(np.random.randint(0, 4, size=(40,)), 4)\n"
                "model = keras.Sequential([keras.Input((8,)), "
                "layers.Dense(3, activation='softmax')])\n"
                "model.compile(optimizer='adam', loss='categorical_crossentropy')\n"
                "model.fit(x, y, epochs=1, verbose=0)\n",
        use_instead="import numpy as np\nimport keras\nfrom keras import layers\n\n"
                    "x = np.random.rand(40, 8)\n"
                    "y = keras.utils.to_categorical(np.random.randint(0, 4, size=(40,)), 4)\n"
                    "model = keras.Sequential([keras.Input((8,)), "
                    "layers.Dense(4, activation='softmax')])\n"
                    "model.compile(optimizer='adam', loss='categorical_crossentropy')\n"
                    "model.fit(x, y, epochs=1, verbose=0)\n",
        known_problems="The class count of integer labels is only known for the "
                       "`keras.datasets` (every class is present) and literal arrays; labels "
                       "drawn with `randint` or a subset of a dataset are not judged."),
    "SHP111": RuleDoc(
        what="Reports `sparse_categorical_crossentropy` given one-hot labels, and "
             "`categorical_crossentropy` given integer class ids of shape `(N,)` or `(N, 1)`. "
             "torch: targets of the wrong dtype for the loss, and an elementwise loss "
             "(`nn.MSELoss`, `nn.L1Loss`, ...) given integer class indices `(N,)` for `(N, C)` "
             "scores that do not broadcast, reported on the criterion's constructor, where "
             "`nn.CrossEntropyLoss()` reads them.",
        why="Keras 3 raises ValueError at the first batch (`target` and `output` must have the "
            "same shape, or the same shape up to the last axis). The sparse loss wants one "
            "integer id per sample; the categorical loss wants one column per class.",
        example="import numpy as np\nimport keras\nfrom keras import layers\n\n"
                "x = np.random.rand(30, 8)\ny = np.random.randint(0, 3, size=(30,))\n"
                "model = keras.Sequential([keras.Input((8,)), "
                "layers.Dense(3, activation='softmax')])\n"
                "model.compile(optimizer='adam', loss='categorical_crossentropy')\n"
                "model.fit(x, y, epochs=1, verbose=0)\n",
        use_instead="import numpy as np\nimport keras\nfrom keras import layers\n\n"
                    "x = np.random.rand(30, 8)\ny = np.random.randint(0, 3, size=(30,))\n"
                    "model = keras.Sequential([keras.Input((8,)), "
                    "layers.Dense(3, activation='softmax')])\n"
                    "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
                    "model.fit(x, y, epochs=1, verbose=0)\n",
        fix="Either change the loss (`sparse_categorical_crossentropy` for ids, "
            "`categorical_crossentropy` for one-hot) or the labels "
            "(`keras.utils.to_categorical(y, K)`, `y.argmax(-1)`). In Keras the finding sits "
            "on the compile line, unless the file shows which side is meant: labels built in a "
            "file that imports `to_categorical` and never applies it (on the labels' line), or "
            "an `evaluate` (or another fit) given labels in the other encoding than a `fit` of "
            "the same model under the same loss (on that call: the working fit shows the loss "
            "is right)."),
    "SHP206": RuleDoc(
        what="Checks the input and target of `nn.MSELoss`, `nn.L1Loss`, `nn.SmoothL1Loss`, "
             "`nn.HuberLoss` (and `F.mse_loss`, `F.l1_loss`, `F.smooth_l1_loss`, "
             "`F.huber_loss`) when both shapes are known: it reports shapes that differ but "
             "broadcast, such as an `(N, 1)` output against an `(N,)` target. For a Keras "
             "model compiled with `mse` / `mae` it checks the labels given to `fit`: a head "
             "that kept a time axis (`(None, T, 1)` after an `LSTM(return_sequences=True)`, a "
             "`Conv1D`, an `Embedding`) against one target per sample, and one column against "
             "`k > 1` (Keras 3 keeps `(N, 1)` and `(N, k)` at rank 2 and broadcasts them "
             "without a word); it sits on the line the fix changes. For torch "
             "losses it is reported where the fix goes: for an `(N, 1)` / `(N,)` pair, on "
             "the line that wrote the odd side's shape (a `view` / `squeeze`, else a tensor "
             "built from its sizes such as `torch.randn(64)`), naming the loss call; on the "
             "loss call when both or neither side was written so.",
        why="These losses broadcast the two tensors before comparing them. `(N, 1)` against "
            "`(N,)` becomes an `(N, N)` difference: every prediction is compared with every "
            "target and the mean of those N x N errors is minimised. torch only warns (\"Using "
            "a target size that is different to the input size\"), the loss still decreases, "
            "and the model learns to predict the mean target. The message names both shapes, "
            "the broadcast shape, and which side to squeeze.",
        example="import torch\nimport torch.nn as nn\n\n"
                "model = nn.Linear(13, 1)\n"
                "x = torch.randn(16, 13)\n"
                "y = torch.randn(16)\n"
                "loss = nn.MSELoss()(model(x), y)\n",
        use_instead="import torch\nimport torch.nn as nn\n\n"
                    "model = nn.Linear(13, 1)\n"
                    "x = torch.randn(16, 13)\n"
                    "y = torch.randn(16)\n"
                    "loss = nn.MSELoss()(model(x).squeeze(1), y)\n",
        known_problems="Reported only when both shapes are known in the file (from tensor "
                       "factories and the model's forward pass); data loaded at runtime is "
                       "not followed. A deliberate broadcast (a target shared by every row) "
                       "is reported too, as torch itself warns about it; write the `expand` "
                       "explicitly to silence both."),
    "SHP207": RuleDoc(
        what="Checks `nn.CrossEntropyLoss` / `F.cross_entropy` and `nn.NLLLoss` / "
             "`F.nll_loss` for an input certainly produced by a softmax (`nn.Softmax`, "
             "`F.softmax`, `torch.softmax`, `x.softmax(...)`, a forward pass ending in one). It "
             "is reported on the line that applies the softmax, where the fix goes, naming the "
             "loss call.",
        why="`CrossEntropyLoss` applies `log_softmax` to its input itself: given probabilities "
            "it computes the cross-entropy of a softmax of a softmax, whose gradients are "
            "squashed, so training is slow and stalls at a worse loss. `NLLLoss` expects "
            "log-probabilities; given probabilities it minimises minus the probability, not "
            "its log. Neither raises. Fix: return the logits and use `CrossEntropyLoss`, or "
            "end the model in `LogSoftmax` and use `NLLLoss`; apply softmax only for "
            "reporting.",
        example="import torch\nimport torch.nn as nn\n\n"
                "model = nn.Sequential(nn.Linear(20, 5), nn.Softmax(dim=1))\n"
                "x = torch.randn(8, 20)\n"
                "y = torch.randint(0, 5, (8,))\n"
                "loss = nn.CrossEntropyLoss()(model(x), y)\n",
        use_instead="import torch\nimport torch.nn as nn\n\n"
                    "model = nn.Sequential(nn.Linear(20, 5))\n"
                    "x = torch.randn(8, 20)\n"
                    "y = torch.randint(0, 5, (8,))\n"
                    "loss = nn.CrossEntropyLoss()(model(x), y)\n",
        known_problems="Only a softmax shapelint can see is reported: one applied in a module "
                       "it cannot read, or behind a reshape, is not."),
    "SHP208": RuleDoc(
        what="Checks `nn.BCELoss` / `F.binary_cross_entropy` for an input certainly produced "
             "by an unbounded layer (`Linear`, `Conv*`, `F.linear`, ...) with no sigmoid after "
             "it; reshapes and indexing in between do not hide it. It is reported on the "
             "`nn.BCELoss()` constructor, where `BCEWithLogitsLoss` goes, naming the loss call "
             "(a functional loss, on its call).",
        why="`BCELoss` takes probabilities in [0, 1]. A Linear output is any real number: "
            "torch raises `all elements of input should be between 0 and 1` as soon as one "
            "value leaves that range, often a few steps into training. `BCEWithLogitsLoss` "
            "takes the logits directly and is numerically stabler than a sigmoid followed by "
            "`BCELoss`.",
        example="import torch\nimport torch.nn as nn\n\n"
                "model = nn.Linear(10, 1)\n"
                "x = torch.randn(8, 10)\n"
                "y = torch.rand(8, 1)\n"
                "loss = nn.BCELoss()(model(x), y)\n",
        use_instead="import torch\nimport torch.nn as nn\n\n"
                    "model = nn.Linear(10, 1)\n"
                    "x = torch.randn(8, 10)\n"
                    "y = torch.rand(8, 1)\n"
                    "loss = nn.BCEWithLogitsLoss()(model(x), y)\n",
        known_problems="An activation shapelint cannot see (a custom module, a function it "
                       "does not read) leaves the output's bounds unknown, and nothing is "
                       "reported."),
}
