"""Partial shapes: an undeclared input is (N, ...), and the code itself teaches the rest.

A module whose input nobody declared gets `(N, ...)`: batched, as in training, and nothing
more. Nothing is invented from the first layer. Operations that act on trailing axes (a
Linear, a LayerNorm, an activation, `x + bias`) run on such a shape and keep its unknown middle;
operations that need the rank make the result unknown. What the code proves about the input is
learned as a fact: `B, N, C = x.shape` proves the rank, a Linear proves the last dim, a Conv2d
(the input being batched) proves rank 4 and the channels. The model's forward() then runs again
on the refined input (torch_model.py), so every finding rests on what the code proves, never on
a guess. Facts are learned only where the code certainly runs (not under an undecided branch).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..domain.dims import NotKnown, Sym, SymDim, Unknown, is_known
from ..domain.shapes import Rest, Shape

BATCH = Sym("N")
_PROBE = Sym("...")  # stands for the unknown middle while a trailing-axis rule runs
# Layers that act on the trailing axes and keep every leading one, at any rank.
_TRAILING_LAYERS = frozenset({
    "Linear", "LazyLinear", "LayerNorm", "RMSNorm", "Dropout", "AlphaDropout",
    "FeatureAlphaDropout", "Identity", "Embedding", "ReLU", "ReLU6", "GELU", "SiLU", "Mish",
    "Tanh", "Sigmoid", "Hardswish", "Hardsigmoid", "Hardtanh", "LeakyReLU", "ELU", "SELU",
    "CELU", "Softplus", "Softsign", "Tanhshrink", "Threshold", "LogSigmoid", "QuickGELU"})
# Functional ops that act on the trailing axes whatever their dim arguments are.
_TRAILING_OPS = frozenset({"linear", "layer_norm", "rms_norm", "dropout", "embedding", "gelu",
                           "relu", "silu", "normalize_last"})
# Functional ops whose dims count from the end when negative: trailing-safe then. Each with
# the positions its dims take among the positional arguments (the tensor is position 0).
_AXIS_OPS = {"softmax": (1,), "log_softmax": (1,), "transpose": (1, 2), "swapaxes": (1, 2),
             "sum": (1,), "mean": (1,), "amax": (1,), "amin": (1,), "max": (1,), "min": (1,),
             "argmax": (1,), "argmin": (1,), "logsumexp": (1,), "prod": (1,), "std": (1,),
             "var": (1,), "cumsum": (1,), "unsqueeze": (1,), "squeeze": (1,), "glu": (1,),
             "chunk": (2,), "split": (2,), "flatten": (1, 2), "normalize": (2,)}
_WINDOWED = re.compile(r"^(Lazy)?(Conv|ConvTranspose|MaxPool|AvgPool|LPPool|AdaptiveAvgPool|"
                       r"AdaptiveMaxPool|BatchNorm|InstanceNorm|Dropout)([123])d$")


def placeholder() -> Shape:
    """The input of a module nobody declared: batched, and nothing else known."""
    return Shape.partial((BATCH,), (), Rest(), "the input shape is not given")


@dataclass
class Facts:
    """What the code proved about one unknown middle (a Rest)."""
    length: int | None = None  # how many dims it holds
    starts: tuple = ()  # the dims it certainly begins with
    ends: tuple = ()  # ... and ends with
    conflict: bool = False  # two proofs disagree: learn nothing

    def learn(self, length=None, starts=(), ends=()) -> bool:
        """Add a fact; True when it taught something new."""
        new = False
        if length is not None:
            if self.length is None:
                self.length, new = length, True
            elif self.length != length:
                self.conflict = True
        for mine, theirs, attr in ((self.starts, tuple(starts), "starts"),
                                   (self.ends, tuple(ends), "ends")):
            if len(theirs) > len(mine):
                agree = theirs[:len(mine)] == mine if attr == "starts" else \
                    theirs[len(theirs) - len(mine):] == mine
                if agree:
                    setattr(self, attr, theirs)
                    new = True
                else:
                    self.conflict = True
        return new and not self.conflict


@dataclass
class Learning:
    """Facts learned during one forward() run, per Rest."""
    facts: dict = field(default_factory=dict)  # id(Rest) -> Facts
    learned: bool = False


def learn(interp, shape: Shape, length=None, starts=(), ends=()) -> None:
    """Record what the code proves about shape's unknown middle, where it certainly runs."""
    learning = getattr(interp.state, "partial_learning", None)
    if learning is None or shape.rest is None or interp.uncertain:
        return
    facts = learning.facts.setdefault(id(shape.rest), Facts())
    if length is not None:
        length -= len(shape.head) + len(shape.tail)
        if length < 0:
            return
    if facts.learn(length, starts, ends):
        learning.learned = True


def refine(shape: Shape, learning: Learning) -> Shape | None:
    """The input shape with what was learned about its middle; None when nothing new."""
    facts = learning.facts.get(id(shape.rest)) if shape.rest is not None else None
    if facts is None or facts.conflict:
        return None
    starts, ends = facts.starts, facts.ends
    head, tail = shape.head + starts, ends + shape.tail
    if facts.length is not None:
        free = facts.length - len(starts) - len(ends)
        if free < 0:
            return None
        names = {1: ("L",), 2: ("H", "W"), 3: ("C", "H", "W"), 4: ("C", "D", "H", "W")}.get(
            free, tuple(f"S{i}" for i in range(1, free + 1)))
        return Shape(head + tuple(Sym(n) for n in names) + tail)
    if not starts and not ends:
        return None
    return Shape.partial(head, tail, Rest(), shape.reason)


def probe(shape: Shape) -> Shape:
    return Shape(shape.head + (_PROBE,) + shape.tail)


def unprobe(result, like: Shape):
    """Back from a probe's result to a partial shape; unknown unless the middle survived whole."""
    if isinstance(result, tuple):
        return tuple(unprobe(r, like) for r in result)
    if not isinstance(result, Shape):
        return result
    if not result.known_rank:
        return result
    dims = result.dims
    at = [i for i, d in enumerate(dims) if d is _PROBE or d == _PROBE]
    if len(at) != 1 or any(isinstance(d, SymDim) and d != _PROBE and "..." in d.symbols()
                           for d in dims):
        return Shape.unknown("depends on dims of the input that are not known")
    i = at[0]
    return Shape.partial(dims[:i], dims[i + 1:], like.rest, like.reason)


def layer_facts(interp, type_name: str, arguments: dict, shape: Shape) -> None:
    """What applying a layer to a partial shape proves about it (for inputs that pass it)."""
    a = arguments or {}
    match = _WINDOWED.match(type_name)
    if match and len(shape.head) == 1 and not shape.tail:
        rank = int(match.group(3)) + 2  # batched: (N, C, *spatial)
        channels = a.get("in_channels", a.get("num_features"))
        if type_name.startswith("BatchNorm1d"):
            learn(interp, shape, starts=(channels,) if is_known(channels) else ())
            return
        learn(interp, shape, length=rank, starts=(channels,) if is_known(channels) else ())
    elif type_name == "Linear" and not shape.tail and is_known(a.get("in_features")):
        learn(interp, shape, ends=(a["in_features"],))
    elif type_name in ("LayerNorm", "RMSNorm") and not shape.tail:
        ns = a.get("normalized_shape")
        ns = (ns,) if is_known(ns) else tuple(ns) if isinstance(ns, (tuple, list)) else ()
        if ns and all(is_known(d) for d in ns):
            learn(interp, shape, ends=ns)
    elif type_name in ("Rearrange", "Reduce", "EinMix") and isinstance(a.get("pattern"), str):
        pattern_facts(interp, shape, a["pattern"])
    elif type_name in ("LSTM", "GRU", "RNN") and a.get("batch_first") is True:
        size = a.get("input_size")
        learn(interp, shape, length=3, ends=(size,) if is_known(size) else ())


def pattern_facts(interp, shape: Shape, pattern) -> None:
    """An einops pattern without an ellipsis names every axis of its input: it proves the rank."""
    from ..catalogue.einops_patterns import minimal_rank, parse, split
    try:
        if not parse(split(pattern)[0]).has_ellipsis:
            learn(interp, shape, length=minimal_rank(pattern))
    except Exception:  # noqa: BLE001 - a pattern einops rejects is the rule's to report
        return


def trailing_layer(type_name: str) -> bool:
    return type_name in _TRAILING_LAYERS


def trailing_op(name: str, args, kwargs) -> bool:
    """Whether a functional op keeps every leading axis of a partial first operand."""
    if name in _TRAILING_OPS:
        return True
    if name not in _AXIS_OPS:
        return False
    named = ("dim", "dim0", "dim1", "start_dim", "end_dim", "axis")
    dims = [v for k, v in kwargs.items() if k in named]
    dims += [args[i] for i in _AXIS_OPS[name] if i < len(args)]
    flat = []
    for d in dims:
        flat.extend(d if isinstance(d, (tuple, list)) else [d])
    return bool(flat) and all(isinstance(d, int) and d < 0 for d in flat)


def rank_of_permute(interp, shape: Shape, dims) -> None:
    """permute(0, 2, 3, 1) names every axis: it proves the rank."""
    if dims and all(isinstance(d, int) for d in dims):
        learn(interp, shape, length=len(dims))


def index(shape: Shape, keys: list) -> Shape:
    """x[..., 0], x[:, 0] on a partial shape, when the keys stay within what is known."""
    if any(not (k is None or k is Ellipsis or isinstance(k, int) or k == slice(None))
           for k in keys) or keys.count(Ellipsis) > 1:
        return Shape.unknown("index of a tensor of unknown rank")
    at = keys.index(Ellipsis) if Ellipsis in keys else len(keys)
    front, back = keys[:at], keys[at + 1:]
    if sum(k is not None for k in front) > len(shape.head) or \
            sum(k is not None for k in back) > len(shape.tail):
        return Shape.unknown("index of a tensor of unknown rank")

    def apply(dims, ks):
        out, position = [], 0
        for k in ks:
            if k is None:
                out.append(1)
            elif isinstance(k, int):
                position += 1
            else:
                out.append(dims[position])
                position += 1
        return out, position
    head, used = apply(shape.head, front)
    head += list(shape.head[used:])
    used_back = sum(k is not None for k in back)
    tail_keep = shape.tail[:len(shape.tail) - used_back]
    tail, _ = apply(shape.tail[len(shape.tail) - used_back:], back)
    return Shape.partial(tuple(head), tuple(tail_keep) + tuple(tail), shape.rest, shape.reason)


def broadcastable(shapes: list) -> bool:
    """Operands a probe can broadcast: partial ones of one middle, the others no longer than
    the known tail (so they never reach the unknown middle)."""
    partial = [s for s in shapes if s.is_partial]
    if not partial or any(not s.known_rank and not s.is_partial for s in shapes):
        return False
    first = partial[0]
    if any(s.rest is not first.rest or len(s.head) != len(first.head) or
           len(s.tail) != len(first.tail) for s in partial):
        return False
    return all(s.rank <= len(first.tail) for s in shapes if s.known_rank)


@dataclass(frozen=True)
class PartialSize:
    """x.shape / x.size() of a partial shape: known at either end, learned when unpacked."""
    shape: Shape

    def shapelint_unpack(self, interp, count: int):
        learn(interp, self.shape, length=count)
        known = len(self.shape.head) + len(self.shape.tail)
        if count < known:
            return None
        middle = [Unknown("a size of the input that is not known")] * (count - known)
        return list(self.shape.head) + middle + list(self.shape.tail)

    def shapelint_getitem(self, interp, key):
        if isinstance(key, int):
            try:
                return self.shape[key]
            except NotKnown as why:
                return Unknown(why.reason)
        return Unknown("a slice of a shape of unknown rank")

    def shapelint_attribute(self, interp, name):
        return Unknown(f"torch.Size.{name} of a shape of unknown rank")


def op(interp, name: str, args: list, kwargs: dict, node, function):
    """A functional op whose first operand is partial: the shape (or tuple) of its result where
    the op acts on trailing axes only, what it proves (permute names every axis); None when it
    is not known."""
    first = args[0] if args and isinstance(args[0], Shape) else None
    if first is None or not first.is_partial:
        return None
    if name == "permute":
        dims = list(args[1:])
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = list(dims[0])
        rank_of_permute(interp, first, list(kwargs.get("dims", dims)))
        return None
    others = [a for a in list(args[1:]) + list(kwargs.values()) if isinstance(a, Shape)]
    if function is None or not trailing_op(name, args, kwargs) or \
            any(not s.known_rank for s in others):
        return None
    try:
        result = function(probe(first), *args[1:], **kwargs)
    except Exception:  # noqa: BLE001 - a fault or an unreadable argument: not known here
        return None
    result = unprobe(result, first)
    return result if isinstance(result, (tuple, Shape)) else None
