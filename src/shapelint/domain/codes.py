"""The diagnostic registry: every code shapelint can emit, with its name and summary."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .spots import Settled

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Code:
    code: str
    name: str  # kebab-case; reads as "allow <name>"
    severity: str
    summary: str
    default: bool = True  # enabled unless selected explicitly

    def __str__(self):
        return self.code


REGISTRY: dict[str, Code] = {}


def _register(*args, **kwargs) -> Code:
    code = Code(*args, **kwargs)
    REGISTRY[code.code] = code
    return code


# SHP1xx: the model as written fails when Keras or torch builds or runs it.
SHP101 = _register("SHP101", "last-dim-mismatch", ERROR,
                   "A layer's declared input width contradicts the width it receives.")
SHP102 = _register("SHP102", "nonpositive-dimension", ERROR,
                   "A convolution or pooling shrinks a spatial dimension to zero or below.")
SHP103 = _register("SHP103", "input-rank-mismatch", ERROR,
                   "A layer receives a tensor of a rank it does not accept.")
SHP104 = _register("SHP104", "reshape-size-mismatch", ERROR,
                   "A reshape's target cannot hold the input's element count.")
SHP105 = _register("SHP105", "invalid-layer-arguments", ERROR,
                   "A layer is constructed with arguments its framework rejects.")
SHP106 = _register("SHP106", "channel-mismatch", ERROR,
                   "A layer's declared channel or feature count contradicts its input.")
SHP107 = _register("SHP107", "merge-shape-mismatch", ERROR,
                   "A merge layer (Add, Concatenate, ...) receives inputs of incompatible shapes.")
SHP108 = _register("SHP108", "input-shape-includes-batch", ERROR,
                   "input_shape= includes the batch dimension, which Keras adds itself.")
SHP109 = _register("SHP109", "data-shape-mismatch", ERROR,
                   "Data given to fit/evaluate/predict or to a model call does not fit the "
                   "model's input shape.")
SHP110 = _register("SHP110", "label-shape-mismatch", ERROR,
                   "Labels or targets do not fit the model's output under its loss.")
SHP111 = _register("SHP111", "loss-label-encoding", ERROR,
                   "A loss expects integer labels but gets one-hot ones, or the reverse.")
# SHP2xx: legal, but almost surely not the model the author meant.
SHP201 = _register("SHP201", "dense-on-feature-map", WARNING,
                   "Dense applied to a feature map acts per position; a Flatten was likely meant.")
SHP202 = _register("SHP202", "input-shape-counts-samples", WARNING,
                   "input_shape starts with what looks like the number of samples.")
SHP203 = _register("SHP203", "batch-folded-into-features", WARNING,
                   "A flatten or view folds the batch axis into the features of a Linear.")
SHP204 = _register("SHP204", "softmax-over-one-unit", WARNING,
                   "A softmax over an axis of size 1 always outputs 1.")
SHP205 = _register("SHP205", "loss-activation-mismatch", WARNING,
                   "The loss does not suit the output layer (a binary loss on a multi-class "
                   "softmax, a categorical loss on one unit).")
SHP206 = _register("SHP206", "loss-target-broadcast", WARNING,
                   "A loss's input and target shapes differ but broadcast, so it compares "
                   "every prediction with every target.")
SHP207 = _register("SHP207", "softmax-before-cross-entropy", WARNING,
                   "CrossEntropyLoss (which applies log_softmax itself) or NLLLoss (which "
                   "expects log-probabilities) gets the output of a softmax.")
SHP208 = _register("SHP208", "bce-on-unbounded-output", WARNING,
                   "BCELoss gets outputs no sigmoid bounds to [0, 1]; BCEWithLogitsLoss was "
                   "likely meant.")
SHP209 = _register("SHP209", "parameter-count-claim", WARNING,
                   "A docstring or comment states a parameter count the code does not build.")
SHP210 = _register("SHP210", "flops-claim", WARNING,
                   "A docstring or comment states FLOPs or MACs the code does not cost at the "
                   "input resolution it names.")
# SHP3xx: blind spots, off by default.
SHP301 = _register("SHP301", "unresolved-layer", INFO,
                   "A layer is not in shapelint's catalogue; its shape and params are unknown.",
                   default=False)
SHP302 = _register("SHP302", "unknown-input-shape", INFO,
                   "The model's input shape could not be learned; counts may be unknown.",
                   default=False)
SHP303 = _register("SHP303", "input-size-constraint", INFO,
                   "A layer only fits some input sizes; shapelint says which.",
                   default=False)
# SHP9xx: the analyzer's own failures, at most one per file.
SHP901 = _register("SHP901", "internal-error", INFO,
                   "shapelint hit an internal error on this file and skipped it.")
SHP902 = _register("SHP902", "budget-exhausted", INFO,
                   "The file needs more analysis work than the budget allows; models are skipped.")


@dataclass(frozen=True)
class Diagnostic:
    code: Code
    line: int  # 1-based
    column: int  # 0-based, as in libcst and as flake8 expects
    message: str
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    path: str = ""
    cell: int | None = None  # a notebook's cell (from 1 over all cells); line is within it

    def to_json(self) -> dict:
        where = {"path": self.path}
        if self.cell is not None:
            where["cell"] = self.cell
        return {**where, "line": self.line, "col": self.column,
                "code": self.code.code, "name": self.code.name,
                "message": self.message, "data": self.data}


# A position is resolved when first read (interpreter/spots.py): unreported ones cost nothing.
Diagnostic.line, Diagnostic.column = Settled("line"), Settled("column")


def enabled(code: Code, select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> bool:
    """Prefix selection as in flake8 and ruff: the longest matching prefix wins; codes that are
    off by default (SHP3xx) need a select that matches them."""
    def best(prefixes):
        return max((len(p) for p in prefixes if code.code.startswith(p)), default=-1)
    chosen, dropped = best(select), best(ignore)
    if chosen < 0 and dropped < 0:
        return code.default and not select
    return chosen > dropped


@dataclass(frozen=True)
class RuleDoc:
    """The long text of a code's rule page (docs/rules/SHPxxx.md, in Ruff's sections); it sits
    beside the code that raises the code, on whatever floor that is (rules/docs.py)."""
    what: str
    why: str
    example: str = ""
    use_instead: str = ""
    known_problems: str = "None known."
    fix: str = "None."
