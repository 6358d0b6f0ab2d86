"""torch.nn pooling: MaxPool, AvgPool, LPPool and the adaptive pools, in 1, 2 and 3 dims. Output
sizes follow the "Shape" sections of the torch.nn docs (torch 2.13) and the checks of the
pooling kernels; none has weights. torch_functional.py reuses pool_args and _pool_rule for
F.max_pool*/F.avg_pool*. Cross-checked against torch in tests/test_torch_catalogue.py.
"""
from __future__ import annotations

from ...domain.dims import NotKnown, Unknown, is_known
from ...domain.shapes import Shape, definitely_nonpositive
from .. import Rule, flag, known_int, layer
from ._common import SPATIAL, _bad, _numbers, _rank, _rank_at_least, _shrinks, _small_input, _tuple


def pool_out(size, k, s, pad, d, ceil):
    """torch's pooling_output_shape: with ceil_mode the last window must start inside the
    input or its left padding (so a symbolic size with ceil_mode stays unknown)."""
    span = size + 2 * pad - d * (k - 1) - 1
    if not ceil:
        return span // s + 1
    if not is_known(size):
        return Unknown(f"ceil_mode pooling of a size known only as {size}")
    out = (span + s - 1) // s + 1
    if (out - 1) * s >= size + pad:
        out = out - 1
    return out


def _pool_rule(n, name, kernel, strides, pads, dil, ceil, whole_kernel=False):
    """Max/Avg/LP pooling; avg_pool3d (whole_kernel) also wants every input size >= kernel,
    padding aside."""
    for k, p in zip(kernel, pads):
        if p > k // 2:
            raise _bad(f"{name}: padding ({p}) should be at most half of kernel_size ({k})")

    def output(x):
        r = _rank(name, x, n + 1, n + 2)
        dims = list(x[:])
        for i, (k, s, p, d) in enumerate(zip(kernel, strides, pads, dil)):
            axis = r - n + i
            if whole_kernel and is_known(dims[axis]) and dims[axis] < k:
                raise _small_input(name, x, axis, f"smaller than kernel_size {k}")
            out = pool_out(dims[axis], k, s, p, d, ceil)
            if definitely_nonpositive(out):
                # the least input size along this axis that leaves the window room
                least = next((m for m in range(1, d * (k - 1) + 2)
                              if pool_out(m, k, s, p, d, ceil) >= 1), None)
                raise _shrinks(name, x, axis, out, f" (kernel {k}, stride {s}, padding {p}, "
                               f"dilation {d}): the input is too small", least=least)
            dims[axis] = out
        return Shape(tuple(dims))
    return Rule(output=output, tags=SPATIAL)


def pool_args(n, kernel_size, stride, padding, dilation, strict=False):
    kernel = _tuple(kernel_size, n, "kernel_size", broadcast=not strict)
    strides = kernel if stride is None else _tuple(stride, n, "stride", broadcast=not strict)
    pads = _tuple(padding, n, "padding", allow_zero=True, broadcast=True)
    dil = _tuple(dilation, n, "dilation", broadcast=True)
    return kernel, strides, pads, dil


def _pool_entries(n):
    def max_pool(kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        k, s, p, d = pool_args(n, kernel_size, stride, padding, dilation)
        return _pool_rule(n, f"MaxPool{n}d", k, s, p, d, flag(ceil_mode, "ceil_mode"))

    def avg_pool(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        if divisor_override is not None and known_int(divisor_override, "divisor_override") == 0:
            raise _bad(f"AvgPool{n}d: divisor_override must not be zero")
        k, s, p, d = pool_args(n, kernel_size, stride, padding, 1)
        return _pool_rule(n, f"AvgPool{n}d", k, s, p, d, flag(ceil_mode, "ceil_mode"), n == 3)

    def avg_pool1d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        return avg_pool(kernel_size, stride, padding, ceil_mode, count_include_pad)

    def lp_pool(norm_type, kernel_size, stride=None, ceil_mode=False):
        _numbers(f"LPPool{n}d", norm_type=norm_type)
        if isinstance(norm_type, (int, float)) and norm_type == 0:  # forward takes 1/norm_type
            raise _bad(f"LPPool{n}d: norm_type must not be 0")
        k, s, p, d = pool_args(n, kernel_size, stride, 0, 1, strict=n > 1)
        return _pool_rule(n, f"LPPool{n}d", k, s, p, d, flag(ceil_mode, "ceil_mode"), n == 3)

    def adaptive(output_size):
        return _adaptive(n, f"AdaptiveAvgPool{n}d", output_size)

    def adaptive_max(output_size, return_indices=False):
        return _adaptive(n, f"AdaptiveMaxPool{n}d", output_size, nonempty=True)

    for entry, prefix, doc in (
            (max_pool, "MaxPool", "stride defaults to kernel_size; no weights."),
            (avg_pool1d if n == 1 else avg_pool, "AvgPool", "padding at most kernel_size // 2."),
            (lp_pool, "LPPool", "avg_pool of x**p without padding; no weights."),
            (adaptive, "AdaptiveAvgPool", "output_size int or tuple (None keeps a dim)."),
            (adaptive_max, "AdaptiveMaxPool", "output_size int or tuple (None keeps a dim).")):
        entry.__doc__ = f"torch.nn.{prefix}{n}d: {doc}"
        layer("torch", f"{prefix}{n}d")(entry)


def _adaptive(n, name, output_size, nonempty=False):
    """(*, C, *spatial) -> (*, C, *output_size); None entries keep the input's size."""
    if output_size is None:  # a bare None reaches adaptive_*_pool and fails there
        raise _bad(f"{name}: output_size must be an int or a tuple, got None")
    sizes = (output_size,) * n if is_known(output_size) else output_size
    if not isinstance(sizes, (tuple, list)):
        raise NotKnown("output_size is not known")
    if len(sizes) != n:
        raise _bad(f"{name}: output_size must have {n} elements, got {tuple(sizes)}")
    for s in sizes:
        if s is not None and known_int(s, "output_size") < 0:
            raise _bad(f"{name}: output_size must be non-negative, got {tuple(sizes)}")
    ones = all(s == 1 for s in sizes)
    tags = SPATIAL | ({"flattens"} if ones else set())

    def output(x):
        if ones and n > 1 and not nonempty:  # a mean over the last n dims: any rank >= n
            r = _rank_at_least(name, x, n)
        else:
            r = _rank(name, x, n + 1, n + 2)
        if nonempty:
            for axis in range(r - n - 1, r):
                if is_known(x[axis]) and x[axis] == 0:
                    raise _small_input(name, x, axis, "but non-batch dims must be non-zero")
        return Shape(x[:r - n] + tuple(x[r - n + i] if s is None else s
                                       for i, s in enumerate(sizes)))
    return Rule(output=output, tags=frozenset(tags))


for _n in (1, 2, 3):
    _pool_entries(_n)
