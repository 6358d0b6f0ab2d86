"""The registry of torch tensor operations' shape rules, and broadcasting, which many share.

torch_functional.py and torch_products.py fill OPS when imported (frameworks/torch_values.py
imports both)."""
from __future__ import annotations

from ..domain.codes import SHP107
from ..domain.dims import Unknown, fmt, is_known, same
from ..domain.shapes import Shape
from . import LayerFault

OPS: dict = {}  # name -> function(shape, *args, **kwargs)
ELEMENTWISE = frozenset({
    "relu", "relu_", "relu6", "gelu", "silu", "mish", "elu", "selu", "celu", "leaky_relu",
    "sigmoid", "tanh", "hardtanh", "hardswish", "hardsigmoid", "softplus", "softsign",
    "logsigmoid", "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
    "softmax", "log_softmax", "softmin", "exp", "log", "abs", "neg", "sqrt", "rsqrt", "clamp",
    "clamp_min", "clamp_max", "contiguous", "float", "double", "half", "bfloat16", "long",
    "int", "bool", "to", "type_as", "detach", "clone", "cpu", "cuda", "requires_grad_",
    "normalize", "sign", "round", "floor", "ceil", "sin", "cos", "pow", "square", "erf",
    "sigmoid_", "tanh_", "mul_", "add_", "div_", "sub_", "zero_", "fill_", "masked_fill",
    "local_response_norm", "hardshrink", "softshrink", "tanhshrink", "rrelu", "threshold",
    "normal_", "uniform_", "trunc_normal_", "copy_", "clamp_", "exp_", "log_", "bernoulli_",
    "layer_norm", "group_norm", "batch_norm", "instance_norm", "gelu_", "silu_",
})


def op(*names):
    def register(fn):
        for name in names:
            OPS[name] = fn
        return fn
    return register


def broadcast(*shapes: Shape) -> Shape:
    """NumPy broadcasting (torch docs: Broadcasting semantics); a fault in torch's words."""
    rank = max(s.rank for s in shapes)
    out = []
    for i in range(1, rank + 1):
        result = None
        for d in (s[-i] for s in shapes if s.rank >= i):
            if is_known(d) and d == 1:
                continue
            if result is None:
                result = d
                continue
            verdict = same(result, d)
            if verdict is False:
                raise LayerFault(SHP107, f"The size of tensor a ({fmt(result)}) must match "
                                 f"the size of tensor b ({fmt(d)}) at non-singleton dimension "
                                 f"{rank - i} (shapes {' and '.join(str(s) for s in shapes)})",
                                 shapes=[s.to_json() for s in shapes])
            if verdict is None and not is_known(result):
                # a known size other than 1 wins (the other must match or be 1); two
                # different symbols leave the size open
                result = d if is_known(d) else Unknown("broadcast of symbolic sizes")
        out.append(1 if result is None else result)
    return Shape(tuple(reversed(out)))
