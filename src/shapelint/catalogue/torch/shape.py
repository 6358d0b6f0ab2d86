"""torch.nn modules: constructor signatures, shape rules and parameter formulas.

Shapes include the batch dim; most modules also take an unbatched input (one rank less), as
torch does. Params are `sum(p.numel() for p in module.parameters())`: buffers such as
BatchNorm's running statistics are not parameters. Formulas follow each module's __init__ and
the "Shape" sections of the torch.nn docs (torch 2.13); faults are the ones torch raises when
the module is built or called. Multi-input modules (Bilinear, MultiheadAttention, the
transformer layers, EmbeddingBag) take the list of their tensor arguments' shapes, in order.
"""
from __future__ import annotations

import math

from ...codes import SHP101, SHP102, SHP103, SHP104, SHP105, SHP106
from ...dims import NotKnown, SymDim, Unknown, is_known, same
from ...shapes import Shape, definitely_nonpositive, product, window_out
from .. import LayerFault, Rule, flag, int_tuple, known_int, layer

SPATIAL = frozenset({"spatial"})
DENSE = frozenset({"dense"})


# -- helpers ---------------------------------------------------------------------------------

def _rank(name: str, x: Shape, *ranks: int) -> int:
    """torch's rank check in forward: x must have one of `ranks` dims."""
    r = x.rank
    if r not in ranks:
        want = " or ".join(f"{k}-D" for k in ranks)
        raise LayerFault(SHP103, f"{name} expects a {want} input but receives {x}, of rank {r}",
                         input_shape=x.to_json(), rank=r, expected=list(ranks))
    return r


def _rank_at_least(name: str, x: Shape, k: int) -> int:
    r = x.rank
    if r < k:
        raise LayerFault(SHP103, f"{name} expects an input of rank {k} or more but receives "
                         f"{x}, of rank {r}", input_shape=x.to_json(), rank=r, expected=k)
    return r


def _bad(message: str, **data) -> LayerFault:
    return LayerFault(SHP105, message, **data)


def _expect(code, name: str, what: str, declared, x: Shape, axis: int):
    """A definite contradiction between a declared size and the input's size at `axis`."""
    actual = x[axis]
    if same(declared, actual) is False:
        raise LayerFault(code, f"{name} expects {what}={declared} but receives {x}, whose "
                         f"dim {axis % x.rank} is {actual}", input_shape=x.to_json(),
                         expected=declared, actual=actual)
    return actual


def _shrinks(name: str, x: Shape, axis: int, out, detail: str = "") -> LayerFault:
    """SHP102: the output size at axis would be `out` (too small for torch)."""
    axis %= x.rank
    return LayerFault(SHP102, f"{name} shrinks dim {axis} of input {x} from {x[axis]} to "
                      f"{out}{detail}", input_shape=x.to_json(), axis=axis, size=out)


def _small_input(name: str, x: Shape, axis: int, why: str) -> LayerFault:
    """SHP102: the input's size at axis is itself too small for this module."""
    axis %= x.rank
    return LayerFault(SHP102, f"{name}: dim {axis} of input {x} is {x[axis]}, {why}",
                      input_shape=x.to_json(), axis=axis, size=x[axis])


def _tuple(value, n: int, what: str, allow_zero=False, broadcast=False) -> tuple[int, ...]:
    """int_tuple, plus the 1-tuples that torch's functional ops expand to n values."""
    if broadcast and isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    return int_tuple(value, n, what, allow_zero)


def _axis(name: str, x: Shape, dim, what: str = "dim") -> int:
    """Normalise a dim argument as torch's maybe_wrap_dim does (a scalar wraps like rank 1)."""
    dim = known_int(dim, what)
    r = max(x.rank, 1)
    if not -r <= dim < r:
        raise LayerFault(SHP103, f"{name}({what}={dim}) is out of range for {x}, of rank "
                         f"{x.rank}", input_shape=x.to_json(), dim=dim)
    return dim % r


def _same_dims(name: str, a: Shape, b: Shape, axes, what: str) -> None:
    """Inputs that must agree on `axes` (batch, sequence): SHP104 when they certainly don't."""
    for axis in axes:
        if same(a[axis], b[axis]) is False:
            raise LayerFault(SHP104, f"{name}: {what} disagree at dim {axis % a.rank}: {a} "
                             f"vs {b}", shapes=[a.to_json(), b.to_json()], axis=axis % a.rank)


def _inputs(name: str, xs, count: int) -> list:
    if len(xs) < count:
        raise NotKnown(f"{name} needs {count} tensor inputs, got {len(xs)}")
    return list(xs[:count])


# -- linear ----------------------------------------------------------------------------------

def _linear_rule(in_features, out_features: int, bias: bool, name: str) -> Rule:
    def output(x):
        if x.rank == 0:
            raise LayerFault(SHP103, f"{name} needs an input of rank 1 or more, got a scalar",
                             input_shape=x.to_json())
        if in_features is not None and same(in_features, x[-1]) is False:
            raise LayerFault(SHP101, f"{name}(in_features={in_features}) receives {x}, whose "
                             f"last dim is {x[-1]}", input_shape=x.to_json(),
                             in_features=in_features, actual=x[-1])
        return x.with_last(out_features)

    def params(x):
        fan_in = x[-1] if in_features is None else in_features
        return fan_in * out_features + out_features * bias
    return Rule(output=output, params=params, tags=DENSE)


@layer("torch", "Linear")
def linear(in_features, out_features, bias=True, device=None, dtype=None):
    """(*, in_features) -> (*, out_features); weight (out, in) plus bias (out,)."""
    return _linear_rule(_width(in_features, "in_features"), _width(out_features, "out_features"),
                        flag(bias, "bias"), "Linear")


@layer("torch", "LazyLinear")
def lazy_linear(out_features, bias=True, device=None, dtype=None):
    """Linear whose in_features is the first input's last dim."""
    return _linear_rule(None, _width(out_features, "out_features"), flag(bias, "bias"),
                        "LazyLinear")


def _nonneg(value, what: str) -> int:
    value = known_int(value, what)
    if value < 0:
        raise _bad(f"{what} must be non-negative, got {value}")
    return value


def _width(value, what: str):
    """A feature or channel count that may stay Unknown or symbolic (it then flows on)."""
    if isinstance(value, (Unknown, SymDim)):
        return value
    return _nonneg(value, what)


@layer("torch", "Bilinear")
def bilinear(in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
    """(x1 (*, in1), x2 (*, in2)) -> (*, out); weight (out, in1, in2) plus bias (out,)."""
    n1, n2 = _nonneg(in1_features, "in1_features"), _nonneg(in2_features, "in2_features")
    out = _nonneg(out_features, "out_features")
    use_bias = flag(bias, "bias")

    def output(xs):
        a, b = _inputs("Bilinear", xs, 2)
        if a.rank != b.rank or a.rank == 0:
            raise LayerFault(SHP103, f"Bilinear inputs must have the same rank (1 or more), "
                             f"got {a} and {b}", shapes=[a.to_json(), b.to_json()])
        for k, (declared, x) in enumerate(((n1, a), (n2, b)), 1):
            if same(declared, x[-1]) is False:
                raise LayerFault(SHP101, f"Bilinear(in{k}_features={declared}) receives {x}, "
                                 f"whose last dim is {x[-1]}", input_shape=x.to_json(),
                                 in_features=declared, actual=x[-1])
        _same_dims("Bilinear", a, b, range(a.rank - 1), "the inputs' leading dims")
        return a.with_last(out)
    return Rule(output=output, params=lambda xs: n1 * n2 * out + out * use_bias,
                multi_input=True)


@layer("torch", "Identity")
def identity(*args, **kwargs):
    """Returns its input; ignores every argument."""
    return Rule(output=lambda x: x)


# -- convolution -----------------------------------------------------------------------------

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _conv(n, name, in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
          bias, padding_mode, transposed=False, output_padding=0):
    """Conv{n}d / ConvTranspose{n}d and their Lazy forms (in_channels None: from the input).

    Output: floor((L + pad - d*(k-1) - 1) / s) + 1, or for the transpose
    (L - 1)*s - 2p + d*(k-1) + output_padding + 1 (torch.nn.Conv2d / ConvTranspose2d docs)."""
    cin = None if in_channels is None else _width(in_channels, "in_channels")
    cout = _width(out_channels, "out_channels")
    kernel = int_tuple(kernel_size, n, "kernel_size", allow_zero=True)
    strides = _tuple(stride, n, "stride", broadcast=True)
    dil = _tuple(dilation, n, "dilation", broadcast=True)
    groups = known_int(groups, "groups")
    use_bias = flag(bias, "bias")
    if not isinstance(padding_mode, str):
        raise NotKnown("padding_mode is not known")
    if transposed and padding_mode != "zeros":
        raise _bad(f"{name} supports only padding_mode='zeros', got {padding_mode!r}")
    if groups <= 0:
        raise _bad(f"{name}: groups must be a positive integer, got {groups}")
    if is_known(cin) and cin % groups:
        raise _bad(f"{name}: in_channels ({cin}) must be divisible by groups ({groups})")
    if is_known(cout) and cout % groups:
        raise _bad(f"{name}: out_channels ({cout}) must be divisible by groups ({groups})")
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise _bad(f"{name}: padding must be 'same', 'valid' or ints, got {padding!r}")
        if padding == "same" and any(s != 1 for s in strides):
            raise _bad(f"{name}: padding='same' is not supported for strided convolutions "
                       f"(stride={strides})")
        if transposed:  # accepted by __init__, rejected by conv_transpose{n}d in forward
            raise _bad(f"{name} takes int padding only, got {padding!r}")
        totals = [d * (k - 1) if padding == "same" else 0 for k, d in zip(kernel, dil)]
        pads = tuple((t // 2, t - t // 2) for t in totals)
    else:
        if padding_mode != "zeros" and n > 1 and isinstance(padding, (tuple, list)) and \
                len(padding) == 1:  # F.pad would then pad the last dim only
            raise NotKnown(f"{name}: a 1-element padding with padding_mode={padding_mode!r}")
        p = _tuple(padding, n, "padding", allow_zero=True, broadcast=True)
        pads = tuple((q, q) for q in p)
    if padding_mode not in _PADDING_MODES:
        raise _bad(f"{name}: padding_mode must be one of {', '.join(_PADDING_MODES)}, got "
                   f"{padding_mode!r}")
    extra = (0,) * n
    if transposed:
        extra = _tuple(output_padding, n, "output_padding", allow_zero=True, broadcast=True)
        for op, s, d in zip(extra, strides, dil):
            if op >= s and op >= d:
                raise _bad(f"{name}: output_padding ({op}) must be smaller than stride ({s}) "
                           f"or dilation ({d})")

    def channels(x):
        r = _rank(name, x, n + 1, n + 2)
        if cin is None:
            c = x[-(n + 1)]
            if is_known(c) and c % groups:
                raise LayerFault(SHP105, f"{name}: in_channels ({c}, from input {x}) must be "
                                 f"divisible by groups ({groups})", input_shape=x.to_json())
            return r, c
        return r, _expect(SHP106, name, "in_channels", cin, x, -(n + 1))

    def output(x):
        r, _ = channels(x)
        dims = list(x[:])
        for i, (k, s, d, (lo, hi), op) in enumerate(zip(kernel, strides, dil, pads, extra)):
            axis = r - n + i
            size = dims[axis]
            if transposed:
                out = (size - 1) * s - (lo + hi) + d * (k - 1) + op + 1
            else:
                _padding_fits(name, x, axis, size, lo, hi, padding_mode)
                out = window_out(size, k, s, lo + hi, d)
            # torch 2.13 refuses a transposed output of size 0 for an unbatched input; for a
            # batched one it returns an empty tensor or raises "Output size is too small"
            # depending on the kernel path (thread count, dilation, device): no certain answer
            empty_is_error = not transposed or r == n + 1
            if is_known(out) and (out <= 0 if empty_is_error else out < 0):
                raise _shrinks(name, x, axis, out, f" (kernel {k}, stride {s}, padding "
                               f"{lo + hi}, dilation {d}): the input is too small")
            if transposed and is_known(out) and out == 0:
                out = Unknown(f"{name} gives dim {axis} size 0, which torch either returns or "
                              "refuses depending on its thread count and device")
            dims[axis] = out
        dims[r - n - 1] = cout
        return Shape(tuple(dims))

    def params(x):
        c = channels(x)[1] if cin is None else cin
        return cout * (c // groups) * product(kernel) + cout * use_bias
    return Rule(output=output, params=params, tags=SPATIAL)


def _padding_fits(name, x, axis, size, lo, hi, mode):
    """reflect needs each pad < size; circular each pad <= size (F.pad before the conv)."""
    if not is_known(size) or mode in ("zeros", "replicate"):
        return
    limit = size - 1 if mode == "reflect" else size
    if max(lo, hi) > limit:
        raise _small_input(name, x, axis, f"too small for padding ({lo}, {hi}) with "
                           f"padding_mode={mode!r}")


def _explicit_channels(name, in_channels):
    """in_channels=None is not the lazy form: torch raises TypeError in __init__."""
    if in_channels is None:
        raise _bad(f"{name}: in_channels is None (only Lazy{name} infers it)")


def _conv_entries(n):
    def conv(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
             bias=True, padding_mode="zeros", device=None, dtype=None):
        _explicit_channels(f"Conv{n}d", in_channels)
        return _conv(n, f"Conv{n}d", in_channels, out_channels, kernel_size, stride, padding,
                     dilation, groups, bias, padding_mode)

    def conv_transpose(in_channels, out_channels, kernel_size, stride=1, padding=0,
                       output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                       device=None, dtype=None):
        _explicit_channels(f"ConvTranspose{n}d", in_channels)
        return _conv(n, f"ConvTranspose{n}d", in_channels, out_channels, kernel_size, stride,
                     padding, dilation, groups, bias, padding_mode, True, output_padding)

    def lazy_conv(out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                  bias=True, padding_mode="zeros", device=None, dtype=None):
        return _conv(n, f"LazyConv{n}d", None, out_channels, kernel_size, stride, padding,
                     dilation, groups, bias, padding_mode)

    def lazy_conv_transpose(out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                            groups=1, bias=True, dilation=1, padding_mode="zeros", device=None,
                            dtype=None):
        return _conv(n, f"LazyConvTranspose{n}d", None, out_channels, kernel_size, stride,
                     padding, dilation, groups, bias, padding_mode, True, output_padding)

    for entry, prefix in ((conv, "Conv"), (conv_transpose, "ConvTranspose"),
                          (lazy_conv, "LazyConv"), (lazy_conv_transpose, "LazyConvTranspose")):
        entry.__doc__ = f"torch.nn.{prefix}{n}d: weight (out, in/groups, *kernel) plus bias."
        layer("torch", f"{prefix}{n}d")(entry)


for _n in (1, 2, 3):
    _conv_entries(_n)


# -- pooling ---------------------------------------------------------------------------------

def _pool_out(size, k, s, pad, d, ceil):
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
            out = _pool_out(dims[axis], k, s, p, d, ceil)
            if definitely_nonpositive(out):
                raise _shrinks(name, x, axis, out, f" (kernel {k}, stride {s}, padding {p}, "
                               f"dilation {d}): the input is too small")
            dims[axis] = out
        return Shape(tuple(dims))
    return Rule(output=output, tags=SPATIAL)


def _pool_args(n, kernel_size, stride, padding, dilation, strict=False):
    kernel = _tuple(kernel_size, n, "kernel_size", broadcast=not strict)
    strides = kernel if stride is None else _tuple(stride, n, "stride", broadcast=not strict)
    pads = _tuple(padding, n, "padding", allow_zero=True, broadcast=True)
    dil = _tuple(dilation, n, "dilation", broadcast=True)
    return kernel, strides, pads, dil


def _pool_entries(n):
    def max_pool(kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        k, s, p, d = _pool_args(n, kernel_size, stride, padding, dilation)
        return _pool_rule(n, f"MaxPool{n}d", k, s, p, d, flag(ceil_mode, "ceil_mode"))

    def avg_pool(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        if divisor_override is not None and known_int(divisor_override, "divisor_override") == 0:
            raise _bad(f"AvgPool{n}d: divisor_override must not be zero")
        k, s, p, d = _pool_args(n, kernel_size, stride, padding, 1)
        return _pool_rule(n, f"AvgPool{n}d", k, s, p, d, flag(ceil_mode, "ceil_mode"), n == 3)

    def avg_pool1d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        return avg_pool(kernel_size, stride, padding, ceil_mode, count_include_pad)

    def lp_pool(norm_type, kernel_size, stride=None, ceil_mode=False):
        _numbers(f"LPPool{n}d", norm_type=norm_type)
        if isinstance(norm_type, (int, float)) and norm_type == 0:  # forward takes 1/norm_type
            raise _bad(f"LPPool{n}d: norm_type must not be 0")
        k, s, p, d = _pool_args(n, kernel_size, stride, 0, 1, strict=n > 1)
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


# -- normalization ---------------------------------------------------------------------------

def _norm_params(affine: bool, bias: bool, features):
    return affine * (1 + bias) * features


def _batch_norm(name, ranks, num_features, affine, track_running_stats, bias):
    """BatchNorm: weight and bias (num_features,) when affine; running stats are buffers.
    Training on one value per channel also fails, but only in train mode: not a fault here."""
    c = None if num_features is None else _width(num_features, "num_features")
    affine, track = flag(affine, "affine"), flag(track_running_stats, "track_running_stats")
    use_bias = flag(bias, "bias")

    def output(x):
        _rank(name, x, *ranks)
        if c is not None and (affine or track):
            _expect(SHP106, name, "num_features", c, x, 1)
        values = product([x[0]] + list(x[2:]))
        if not track and is_known(values) and values == 1:  # batch statistics, in eval too
            raise LayerFault(SHP102, f"{name} without running stats needs more than 1 value "
                             f"per channel, but {x} has 1", input_shape=x.to_json())
        return x

    def params(x):
        return _norm_params(affine, use_bias, x[1] if c is None else c)
    return Rule(output=output, params=params, ndim=ranks[0] if len(ranks) == 1 else None)


def _instance_norm(n, name, num_features, affine, track_running_stats, bias):
    """InstanceNorm: (N, C, *spatial) or unbatched (C, *spatial); with track_running_stats off
    (the default) it always normalises over the spatial elements, so there must be more than
    one of them. The Lazy forms take num_features from dim 1, even of an unbatched input."""
    c = None if num_features is None else _width(num_features, "num_features")
    affine, track = flag(affine, "affine"), flag(track_running_stats, "track_running_stats")
    use_bias = flag(bias, "bias")

    def output(x):
        _rank(name, x, n + 1, n + 2)
        if affine or track:
            _expect(SHP106, name, "num_features", x[1] if c is None else c, x, -(n + 1))
        spatial = product(x[-n:])
        if not track and is_known(spatial) and spatial == 1:
            raise LayerFault(SHP102, f"{name} needs more than 1 spatial element, but {x} has "
                             f"1 per channel", input_shape=x.to_json())
        return x

    def params(x):
        return _norm_params(affine, use_bias, x[1] if c is None else c)
    return Rule(output=output, params=params)


def _explicit_features(name, num_features, affine, track_running_stats):
    """num_features=None is not the lazy form: torch allocates (None,) weights or running
    statistics in __init__ and raises TypeError, unless it keeps neither."""
    if num_features is None and (flag(affine, "affine")
                                 or flag(track_running_stats, "track_running_stats")):
        raise _bad(f"{name}(num_features=None) cannot allocate its weights or running stats")


def _norm_numbers(name, eps, momentum):
    """eps is a number; momentum a number or None (None: a cumulative average)."""
    _numbers(name, eps=eps)
    if momentum is not None:
        _numbers(name, momentum=momentum)


def _norm_entries(n):
    def batch_norm(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True,
                   device=None, dtype=None, *, bias=True):
        _explicit_features(f"BatchNorm{n}d", num_features, affine, track_running_stats)
        _norm_numbers(f"BatchNorm{n}d", eps, momentum)
        return _batch_norm(f"BatchNorm{n}d", (2, 3) if n == 1 else (n + 2,), num_features,
                           affine, track_running_stats, bias)

    def lazy_batch_norm(eps=1e-05, momentum=0.1, affine=True, track_running_stats=True,
                        device=None, dtype=None, *, bias=True):
        _norm_numbers(f"LazyBatchNorm{n}d", eps, momentum)
        return _batch_norm(f"LazyBatchNorm{n}d", (2, 3) if n == 1 else (n + 2,), None,
                           affine, track_running_stats, bias)

    def instance_norm(num_features, eps=1e-05, momentum=0.1, affine=False,
                      track_running_stats=False, device=None, dtype=None, *, bias=True):
        _explicit_features(f"InstanceNorm{n}d", num_features, affine, track_running_stats)
        _norm_numbers(f"InstanceNorm{n}d", eps, momentum)
        return _instance_norm(n, f"InstanceNorm{n}d", num_features, affine,
                              track_running_stats, bias)

    def lazy_instance_norm(eps=1e-05, momentum=0.1, affine=True, track_running_stats=True,
                           device=None, dtype=None, *, bias=True):
        _norm_numbers(f"LazyInstanceNorm{n}d", eps, momentum)
        return _instance_norm(n, f"LazyInstanceNorm{n}d", None, affine, track_running_stats,
                              bias)

    for entry, prefix in ((batch_norm, "BatchNorm"), (lazy_batch_norm, "LazyBatchNorm"),
                          (instance_norm, "InstanceNorm"),
                          (lazy_instance_norm, "LazyInstanceNorm")):
        entry.__doc__ = f"torch.nn.{prefix}{n}d: (1 + bias) * C params when affine."
        layer("torch", f"{prefix}{n}d")(entry)


for _n in (1, 2, 3):
    _norm_entries(_n)


def _normalized_shape(value) -> tuple[int, ...]:
    if is_known(value):
        return (value,)
    if isinstance(value, (tuple, list)) and not value:  # builds, then forward refuses it
        raise _bad("normalized_shape must have at least one dimension, got []")
    if isinstance(value, (tuple, list)) and all(is_known(v) for v in value):
        return tuple(value)
    raise NotKnown("normalized_shape is not known")


def _trailing(name, x, shape):
    """LayerNorm / RMSNorm: the input's last dims must equal normalized_shape."""
    k = len(shape)
    if x.rank < k:
        raise LayerFault(SHP103, f"{name}(normalized_shape={list(shape)}) needs an input of "
                         f"rank {k} or more, got {x}", input_shape=x.to_json())
    for i in range(k):
        _expect(SHP106, name, f"normalized_shape={list(shape)}, i.e. size", shape[i], x,
                x.rank - k + i)
    return x


@layer("torch", "LayerNorm")
def layer_norm(normalized_shape, eps=1e-05, elementwise_affine=True, bias=True, device=None,
               dtype=None):
    """Normalises the trailing dims; weight (and bias) of normalized_shape."""
    _numbers("LayerNorm", eps=eps)
    shape = _normalized_shape(normalized_shape)
    count = product(shape) * flag(elementwise_affine, "elementwise_affine") * \
        (1 + flag(bias, "bias"))
    return Rule(output=lambda x: _trailing("LayerNorm", x, shape), params=lambda x: count)


@layer("torch", "RMSNorm")
def rms_norm(normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
    """Normalises the trailing dims; a weight of normalized_shape when elementwise_affine."""
    shape = _normalized_shape(normalized_shape)
    count = product(shape) * flag(elementwise_affine, "elementwise_affine")
    return Rule(output=lambda x: _trailing("RMSNorm", x, shape), params=lambda x: count)


@layer("torch", "GroupNorm")
def group_norm(num_groups, num_channels, eps=1e-05, affine=True, device=None, dtype=None, *,
               bias=True):
    """(N, C, *) with C == num_channels; weight and bias (C,) when affine."""
    _numbers("GroupNorm", eps=eps)
    groups, c = known_int(num_groups, "num_groups"), known_int(num_channels, "num_channels")
    if groups <= 0 or c % groups:
        raise _bad(f"GroupNorm: num_channels ({c}) must be divisible by num_groups ({groups})")

    use_affine = flag(affine, "affine")

    def output(x):
        _rank_at_least("GroupNorm", x, 2)
        if use_affine:
            _expect(SHP106, "GroupNorm", "num_channels", c, x, 1)
        elif is_known(x[1]) and x[1] % groups:
            raise LayerFault(SHP106, f"GroupNorm({groups}, {c}): channels of {x} ({x[1]}) are "
                             f"not divisible by num_groups ({groups})", input_shape=x.to_json())
        per_group = x[0] * c // groups * product(x[2:])
        if is_known(per_group) and per_group == 1:
            raise LayerFault(SHP102, f"GroupNorm({groups}, {c}) on {x} normalises single "
                             f"values: expected more than 1 value per group",
                             input_shape=x.to_json())
        return x
    return Rule(output=output, params=lambda x: _norm_params(use_affine, flag(bias, "bias"), c))


@layer("torch", "LocalResponseNorm")
def local_response_norm(size, alpha=0.0001, beta=0.75, k=1.0):
    """Normalises across channels; needs (N, C, *) with at least one spatial dim."""
    _numbers("LocalResponseNorm", size=size, alpha=alpha, beta=beta, k=k)
    if isinstance(size, float) or (isinstance(size, int) and size <= 0):
        raise _bad(f"LocalResponseNorm: size must be a positive int, got {size!r}")

    def output(x):
        _rank_at_least("LocalResponseNorm", x, 3)
        return x
    return Rule(output=output)


# -- embeddings ------------------------------------------------------------------------------

def _table(num_embeddings, embedding_dim, padding_idx, name):
    n, d = _width(num_embeddings, "num_embeddings"), _width(embedding_dim, "embedding_dim")
    if padding_idx is not None and is_known(n):
        p = known_int(padding_idx, "padding_idx")
        if not -n <= p < n:
            raise _bad(f"{name}: padding_idx ({p}) must be within num_embeddings ({n})")
    return n, d


@layer("torch", "Embedding")
def embedding(num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None,
              dtype=None):
    """(*) integer ids -> (*, embedding_dim); weight (num_embeddings, embedding_dim)."""
    n, d = _table(num_embeddings, embedding_dim, padding_idx, "Embedding")
    return Rule(output=lambda x: Shape(x[:] + (d,)), params=lambda x: n * d)


@layer("torch", "EmbeddingBag")
def embedding_bag(num_embeddings, embedding_dim, max_norm=None, norm_type=2.0,
                  scale_grad_by_freq=False, mode="mean", sparse=False, _weight=None,
                  include_last_offset=False, padding_idx=None, device=None, dtype=None):
    """(B, N) ids -> (B, embedding_dim); 1-D ids need offsets (B or B + 1 of them)."""
    n, d = _table(num_embeddings, embedding_dim, padding_idx, "EmbeddingBag")
    if not isinstance(mode, str):
        raise NotKnown("mode is not known")
    if mode not in ("sum", "mean", "max"):
        raise _bad(f"EmbeddingBag: mode has to be one of sum, mean or max, got {mode!r}")
    if mode == "max" and (flag(scale_grad_by_freq, "scale_grad_by_freq") or
                          flag(sparse, "sparse")):
        raise _bad("EmbeddingBag: mode='max' supports neither scale_grad_by_freq nor sparse")
    last = flag(include_last_offset, "include_last_offset")

    def output(xs):
        x, offsets = xs[0], (xs[1] if len(xs) > 1 else None)
        r = _rank("EmbeddingBag", x, 1, 2)
        if r == 2:
            if offsets is not None:
                raise LayerFault(SHP103, f"EmbeddingBag takes no offsets with 2-D input {x}",
                                 input_shape=x.to_json())
            return Shape((x[0], d))
        if offsets is None:  # torch raises unless offsets came as a keyword we did not see
            raise NotKnown(f"EmbeddingBag on 1-D input {x}: the bags come from offsets")
        _rank("EmbeddingBag offsets", offsets, 1)
        return Shape((offsets[0] - last, d))
    return Rule(output=output, params=lambda xs: n * d, multi_input=True)


# -- recurrent -------------------------------------------------------------------------------

_GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


def _recurrent(name, input_size, hidden_size, num_layers, bias, batch_first, dropout,
               bidirectional, proj_size=0):
    """RNN/LSTM/GRU: (L, N, H_in) or batch_first (N, L, H_in) or unbatched (L, H_in) ->
    (..., D * H_out); the first element of the returned tuple. Per layer and direction:
    W_ih (G*H, in_l), W_hh (G*H, H_out), two biases (G*H,), and W_hr (P, H) when projecting."""
    size_in, hidden = known_int(input_size, "input_size"), known_int(hidden_size, "hidden_size")
    layers, proj = known_int(num_layers, "num_layers"), known_int(proj_size, "proj_size")
    for what, value in (("bias", bias), ("batch_first", batch_first)):
        if not isinstance(value, bool) and (value is None or is_known(value)):
            raise _bad(f"{name}: {what} should be of type bool, got {value!r}")
    use_bias, directions = flag(bias, "bias"), 1 + flag(bidirectional, "bidirectional")
    flag(batch_first, "batch_first")  # the output keeps the input's layout either way
    if isinstance(dropout, (int, float)) and not isinstance(dropout, bool) and \
            not 0 <= dropout <= 1:
        raise _bad(f"{name}: dropout should be a number in [0, 1], got {dropout}")
    for what, value in (("input_size", size_in), ("hidden_size", hidden),
                        ("num_layers", layers)):
        if value <= 0:
            raise _bad(f"{name}: {what} must be greater than zero, got {value}")
    if proj < 0 or (proj and proj >= hidden):
        raise _bad(f"{name}: proj_size ({proj}) must be 0 or in [1, hidden_size={hidden})")
    gates = _GATES[name] * hidden
    h_out = proj or hidden
    total = 0
    for k in range(layers):
        fan_in = size_in if k == 0 else h_out * directions
        total += directions * (gates * (fan_in + h_out) + 2 * gates * use_bias + proj * hidden)

    def output(x):
        _rank(name, x, 2, 3)
        _expect(SHP106, name, "input_size", size_in, x, -1)
        return x.with_last(directions * h_out)
    return Rule(output=output, params=lambda x: total)


@layer("torch", "RNN")
def rnn(input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
        batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):
    """Elman RNN; nonlinearity 'tanh' or 'relu'."""
    if not isinstance(nonlinearity, str):
        raise NotKnown("nonlinearity is not known")
    if nonlinearity not in ("tanh", "relu"):
        raise _bad(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    return _recurrent("RNN", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                      bidirectional)


@layer("torch", "LSTM")
def lstm(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
         bidirectional=False, proj_size=0, device=None, dtype=None):
    """LSTM; with proj_size > 0 the hidden state (and output) has proj_size features."""
    return _recurrent("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                      bidirectional, proj_size)


@layer("torch", "GRU")
def gru(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
        bidirectional=False, device=None, dtype=None):
    """GRU: three gates."""
    return _recurrent("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                      bidirectional)


def _cell(name, input_size, hidden_size, bias):
    """(N, H_in) or (H_in,) -> (N, H) or (H,): W_ih (G*H, H_in), W_hh (G*H, H), 2 biases."""
    size_in, hidden = _nonneg(input_size, "input_size"), _nonneg(hidden_size, "hidden_size")
    gates = _GATES[name.replace("Cell", "")] * hidden

    def output(x):
        _rank(name, x, 1, 2)
        _expect(SHP106, name, "input_size", size_in, x, -1)
        return x.with_last(hidden)
    return Rule(output=output,
                params=lambda x: gates * (size_in + hidden) + 2 * gates * flag(bias, "bias"))


@layer("torch", "RNNCell")
def rnn_cell(input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
    """One Elman step; nonlinearity 'tanh' or 'relu' (checked in forward)."""
    if isinstance(nonlinearity, str) and nonlinearity not in ("tanh", "relu"):
        raise _bad(f"RNNCell: unknown nonlinearity {nonlinearity!r}")
    return _cell("RNNCell", input_size, hidden_size, bias)


@layer("torch", "LSTMCell")
def lstm_cell(input_size, hidden_size, bias=True, device=None, dtype=None):
    """One LSTM step; the output is h (the first of (h, c))."""
    return _cell("LSTMCell", input_size, hidden_size, bias)


@layer("torch", "GRUCell")
def gru_cell(input_size, hidden_size, bias=True, device=None, dtype=None):
    """One GRU step."""
    return _cell("GRUCell", input_size, hidden_size, bias)


# -- attention and transformer layers ----------------------------------------------------------

def _attention_params(e: int, kdim: int, vdim: int, bias: bool, bias_kv: bool):
    """in_proj (3E*E, or E*(E + kdim + vdim) when kdim/vdim differ), in_proj_bias 3E,
    out_proj E*E + E, and bias_k, bias_v (E each) with add_bias_kv."""
    return e * (e + kdim + vdim) + 3 * e * bias + e * e + e * bias + 2 * e * bias_kv


def _attend(name, e, kdim, vdim, batch_first, q, k, v):
    """The checks of MultiheadAttention.forward and F.multi_head_attention_forward."""
    r = _rank(name, q, 2, 3)
    for what, x in (("key", k), ("value", v)):
        if x.rank != r:
            raise LayerFault(SHP103, f"{name}: {what} {x} must have the rank of query {q}",
                             shapes=[q.to_json(), x.to_json()])
    _expect(SHP106, name, "embed_dim", e, q, -1)
    _expect(SHP106, name, "kdim", kdim, k, -1)
    _expect(SHP106, name, "vdim", vdim, v, -1)
    _same_dims(name, k, v, range(r - 1), "key and value")
    if r == 3:
        batch = 0 if batch_first else 1
        _same_dims(name, q, k, (batch,), "query and key batch sizes")
    return q.with_last(e)


def _heads(name, embed_dim, num_heads):
    e, h = known_int(embed_dim, "embed_dim"), known_int(num_heads, "num_heads")
    if e <= 0 or h <= 0 or e % h:
        raise _bad(f"{name}: embed_dim ({e}) must be positive and divisible by num_heads ({h})")
    return e, h


@layer("torch", "MultiheadAttention")
def multihead_attention(embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                        add_zero_attn=False, kdim=None, vdim=None, batch_first=False,
                        device=None, dtype=None):
    """(query, key, value) -> attn_output shaped like query (the first returned element)."""
    e, _ = _heads("MultiheadAttention", embed_dim, num_heads)
    kd = e if kdim is None else known_int(kdim, "kdim")
    vd = e if vdim is None else known_int(vdim, "vdim")
    first = flag(batch_first, "batch_first")
    count = _attention_params(e, kd, vd, flag(bias, "bias"), flag(add_bias_kv, "add_bias_kv"))

    def output(xs):
        q, k, v = _inputs("MultiheadAttention", xs, 3)
        return _attend("MultiheadAttention", e, kd, vd, first, q, k, v)
    return Rule(output=output, params=lambda xs: count, multi_input=True)


def _transformer_args(name, d_model, nhead, dim_feedforward, activation, bias):
    e, _ = _heads(name, d_model, nhead)
    ff = _nonneg(dim_feedforward, "dim_feedforward")
    if isinstance(activation, str) and activation not in ("relu", "gelu"):
        raise _bad(f"{name}: activation should be relu/gelu, not {activation}")
    b = flag(bias, "bias")
    attention = _attention_params(e, e, e, b, False)
    feedforward = e * ff + ff * b + ff * e + e * b
    norm = e * (1 + b)
    return e, attention, feedforward, norm


@layer("torch", "TransformerEncoderLayer")
def transformer_encoder_layer(d_model, nhead, dim_feedforward=2048, dropout=0.1,
                              activation="relu", layer_norm_eps=1e-05, batch_first=False,
                              norm_first=False, bias=True, device=None, dtype=None):
    """src -> src's shape: self-attention, two Linears, two LayerNorms (default activation
    is F.relu; the string "relu" stands for it here)."""
    name = "TransformerEncoderLayer"
    e, attention, feedforward, norm = _transformer_args(name, d_model, nhead, dim_feedforward,
                                                        activation, bias)
    first = flag(batch_first, "batch_first")
    return Rule(output=lambda x: _attend(name, e, e, e, first, x, x, x),
                params=lambda x: attention + feedforward + 2 * norm)


def _decode(name, e, first, tgt, memory):
    _attend(name, e, e, e, first, tgt, tgt, tgt)
    return _attend(name, e, e, e, first, tgt, memory, memory)


@layer("torch", "TransformerDecoderLayer")
def transformer_decoder_layer(d_model, nhead, dim_feedforward=2048, dropout=0.1,
                              activation="relu", layer_norm_eps=1e-05, batch_first=False,
                              norm_first=False, bias=True, device=None, dtype=None):
    """(tgt, memory) -> tgt's shape: self- and cross-attention, two Linears, three LayerNorms."""
    name = "TransformerDecoderLayer"
    e, attention, feedforward, norm = _transformer_args(name, d_model, nhead, dim_feedforward,
                                                        activation, bias)
    first = flag(batch_first, "batch_first")

    def output(xs):
        return _decode(name, e, first, *_inputs(name, xs, 2))
    return Rule(output=output, params=lambda xs: 2 * attention + feedforward + 3 * norm,
                multi_input=True)


@layer("torch", "Transformer")
def transformer(d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6,
                dim_feedforward=2048, dropout=0.1, activation="relu", custom_encoder=None,
                custom_decoder=None, layer_norm_eps=1e-05, batch_first=False, norm_first=False,
                bias=True, device=None, dtype=None):
    """(src, tgt) -> tgt's shape: encoder and decoder stacks, each with a final LayerNorm."""
    name = "Transformer"
    if custom_encoder is not None or custom_decoder is not None:
        raise NotKnown("Transformer with a custom encoder or decoder")
    e, attention, feedforward, norm = _transformer_args(name, d_model, nhead, dim_feedforward,
                                                        activation, bias)
    n_enc = _factor(num_encoder_layers, "num_encoder_layers", name)  # 0 fails in forward
    n_dec = _factor(num_decoder_layers, "num_decoder_layers", name)
    first = flag(batch_first, "batch_first")
    count = n_enc * (attention + feedforward + 2 * norm) + norm + \
        n_dec * (2 * attention + feedforward + 3 * norm) + norm

    def output(xs):
        src, tgt = _inputs(name, xs, 2)
        r = _rank(name, src, 2, 3)
        if r == 3:
            batch = 0 if first else 1
            _same_dims(name, src, tgt, (batch,), "src and tgt batch sizes")
        for x in (src, tgt):
            _expect(SHP106, name, "d_model", e, x, -1)
        memory = _attend(name, e, e, e, first, src, src, src)
        return _decode(name, e, first, tgt, memory)
    return Rule(output=output, params=lambda xs: count, multi_input=True)


# -- resampling ------------------------------------------------------------------------------

_UPSAMPLE_RANKS = {"nearest": (3, 4, 5), "nearest-exact": (3, 4, 5), "area": (3, 4, 5),
                   "linear": (3,), "bilinear": (4,), "bicubic": (4,), "lanczos": (4,),
                   "trilinear": (5,)}


def _scaled(size, factor):
    """floor(size * scale_factor), as F.interpolate computes the output size."""
    if isinstance(size, Unknown):
        return size
    if is_known(size):
        return math.floor(size * factor)
    if isinstance(factor, int) or (isinstance(factor, float) and factor.is_integer()):
        return size * int(factor)
    return Unknown(f"floor({size} * {factor})")


def _resample(name, size, scale_factor, mode, align_corners, recompute_scale_factor):
    """F.interpolate's output size: size (int or per spatial dim) or floor(L * scale)."""
    if isinstance(scale_factor, list):  # __init__ takes a tuple as is, else float() of it
        raise _bad(f"{name}: scale_factor must be a number or a tuple, got {scale_factor!r}")
    if not isinstance(mode, str):
        raise NotKnown("mode is not known")
    if mode not in _UPSAMPLE_RANKS:
        raise _bad(f"{name}: unsupported mode {mode!r}")
    if align_corners is not None and mode in ("nearest", "area", "nearest-exact"):
        raise _bad(f"{name}: align_corners can only be set with the interpolating modes")
    if isinstance(scale_factor, (tuple, list)):
        scale = tuple(float(f) for f in scale_factor)
    elif isinstance(scale_factor, (int, float)) and not isinstance(scale_factor, bool):
        scale = float(scale_factor) if scale_factor else None  # Upsample drops a 0 factor
    elif scale_factor is None:
        scale = None
    else:
        raise NotKnown("scale_factor is not known")
    if size is not None and scale is not None:
        raise _bad(f"{name}: only one of size or scale_factor should be defined")
    if size is None and scale is None:
        raise _bad(f"{name}: either size or scale_factor should be defined")
    if size is not None and recompute_scale_factor:
        raise _bad(f"{name}: recompute_scale_factor is not meaningful with an explicit size")
    if size is not None and not (is_known(size) or isinstance(size, (tuple, list)) and
                                 all(is_known(s) for s in size)):
        raise NotKnown("size is not known")

    def output(x):
        r = _rank(name, x, *_UPSAMPLE_RANKS[mode])
        n = r - 2
        given = size if size is not None else scale
        if isinstance(given, (tuple, list)) and len(given) != n:
            raise LayerFault(SHP103, f"{name}: {tuple(given)} has {len(given)} entries but "
                             f"input {x} has {n} spatial dims", input_shape=x.to_json())
        if size is not None:
            new = tuple(size) if isinstance(size, (tuple, list)) else (size,) * n
        else:
            factors = scale if isinstance(scale, tuple) else (scale,) * n
            new = tuple(_scaled(x[2 + i], f) for i, f in enumerate(factors))
        for i, d in enumerate(new):
            if is_known(d) and (d < 0 or d == 0 and mode != "area"):
                raise _shrinks(name, x, 2 + i, d, ": output sizes must be greater than 0")
        return Shape(x[:2] + new)
    return Rule(output=output)


@layer("torch", "Upsample")
def upsample(size=None, scale_factor=None, mode="nearest", align_corners=None,
             recompute_scale_factor=None):
    """(N, C, *spatial) -> (N, C, *size) or (N, C, *floor(spatial * scale_factor))."""
    return _resample("Upsample", size, scale_factor, mode, align_corners,
                     recompute_scale_factor)


@layer("torch", "UpsamplingNearest2d")
def upsampling_nearest2d(size=None, scale_factor=None):
    """Upsample(mode='nearest') on (N, C, H, W)."""
    return _resample("UpsamplingNearest2d", size, scale_factor, "nearest", None, None)


@layer("torch", "UpsamplingBilinear2d")
def upsampling_bilinear2d(size=None, scale_factor=None):
    """Upsample(mode='bilinear', align_corners=True) on (N, C, H, W)."""
    return _resample("UpsamplingBilinear2d", size, scale_factor, "bilinear", True, None)


def _factor(value, what, name):
    r = known_int(value, what)
    if r <= 0:
        raise _bad(f"{name}: {what} must be positive, got {r}")
    return r


def _divides(name, x, axis, size, by, what):
    if is_known(size) and size % by:
        raise LayerFault(SHP104, f"{name}: dim {axis % x.rank} of {x} ({size}) is not "
                         f"divisible by {what} ({by})", input_shape=x.to_json())


@layer("torch", "PixelShuffle")
def pixel_shuffle(upscale_factor):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r)."""
    r = _factor(upscale_factor, "upscale_factor", "PixelShuffle")

    def output(x):
        _rank_at_least("PixelShuffle", x, 3)
        c, h, w = x[-3:]
        _divides("PixelShuffle", x, -3, c, r * r, "upscale_factor squared")
        return Shape(x[:-3] + (c // (r * r), h * r, w * r))
    return Rule(output=output)


@layer("torch", "PixelUnshuffle")
def pixel_unshuffle(downscale_factor):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W)."""
    r = _factor(downscale_factor, "downscale_factor", "PixelUnshuffle")

    def output(x):
        _rank_at_least("PixelUnshuffle", x, 3)
        c, h, w = x[-3:]
        _divides("PixelUnshuffle", x, -2, h, r, "downscale_factor")
        _divides("PixelUnshuffle", x, -1, w, r, "downscale_factor")
        return Shape(x[:-3] + (c * r * r, h // r, w // r))
    return Rule(output=output)


@layer("torch", "ChannelShuffle")
def channel_shuffle(groups):
    """(N, C, *) with C divisible by groups; shape unchanged."""
    g = _factor(groups, "groups", "ChannelShuffle")

    def output(x):
        _rank_at_least("ChannelShuffle", x, 3)
        c = x[1]
        if is_known(c) and c % g:
            raise LayerFault(SHP106, f"ChannelShuffle({g}): channels of {x} ({c}) are not "
                             f"divisible by groups ({g})", input_shape=x.to_json())
        return x
    return Rule(output=output)


# -- padding ---------------------------------------------------------------------------------

def _pad(n, name, padding, mode):
    """F.pad: an int pads the last n dims on both sides; a tuple is (left, right, top, bottom,
    ...) from the last dim backwards. Negative pads crop."""
    if is_known(padding):
        pads = (padding,) * (2 * n)
    elif isinstance(padding, (tuple, list)) and all(is_known(p) for p in padding):
        pads = tuple(padding)
    else:
        raise NotKnown("padding is not known")
    if len(pads) % 2:
        raise _bad(f"{name}: padding length must be divisible by 2, got {pads}")
    m = len(pads) // 2

    def output(x):
        if mode == "constant":
            r = _rank_at_least(name, x, m)
        else:
            r = _rank(name, x, m + 1, m + 2)
            if mode == "circular":
                _rank(name, x, n + 1, n + 2)
        dims = list(x[:])
        for i in range(m):
            axis, lo, hi = r - 1 - i, pads[2 * i], pads[2 * i + 1]
            size = dims[axis]
            dims[axis] = out = size + lo + hi
            if not is_known(size):
                continue
            if mode == "reflect" and max(lo, hi) >= size or \
                    mode == "circular" and max(lo, hi) > size:
                raise _small_input(name, x, axis, f"too small for {mode} padding ({lo}, {hi})")
            # reflection/replication_pad1d refuse an empty output, their 2d/3d forms don't
            if out < (1 if mode in ("reflect", "replicate") and m == 1 else 0):
                raise _shrinks(name, x, axis, out, f" with padding ({lo}, {hi})")
        return Shape(tuple(dims))
    return Rule(output=output)


def _pad_entries(n):
    def zero_pad(padding):
        return _pad(n, f"ZeroPad{n}d", padding, "constant")

    def constant_pad(padding, value):
        if isinstance(value, (str, tuple, list)):  # None and numbers are fine
            raise _bad(f"ConstantPad{n}d: value must be a number, got {value!r}")
        return _pad(n, f"ConstantPad{n}d", padding, "constant")

    def reflection_pad(padding):
        return _pad(n, f"ReflectionPad{n}d", padding, "reflect")

    def replication_pad(padding):
        return _pad(n, f"ReplicationPad{n}d", padding, "replicate")

    def circular_pad(padding):
        return _pad(n, f"CircularPad{n}d", padding, "circular")

    for entry, prefix in ((zero_pad, "ZeroPad"), (constant_pad, "ConstantPad"),
                          (reflection_pad, "ReflectionPad"), (replication_pad, "ReplicationPad"),
                          (circular_pad, "CircularPad")):
        entry.__doc__ = f"torch.nn.{prefix}{n}d: adds (or with negative pads crops) borders."
        layer("torch", f"{prefix}{n}d")(entry)


for _n in (1, 2, 3):
    _pad_entries(_n)


# -- dropout ---------------------------------------------------------------------------------

def _dropout(name, p, min_rank=0, ranks=None):
    _numbers(name, p=p)  # torch compares p with 0 and 1 in __init__
    if isinstance(p, (int, float)) and not isinstance(p, bool) and not 0 <= p <= 1:
        raise _bad(f"{name}: dropout probability has to be between 0 and 1, got {p}")

    def output(x):
        if ranks:
            _rank(name, x, *ranks)
        _rank_at_least(name, x, min_rank)
        return x
    return Rule(output=output)


@layer("torch", "Dropout")
def dropout(p=0.5, inplace=False):
    """Zeroes elements at random while training; shape unchanged."""
    return _dropout("Dropout", p)


@layer("torch", "AlphaDropout")
def alpha_dropout(p=0.5, inplace=False):
    """Dropout that keeps SELU's self-normalising mean and variance; shape unchanged."""
    return _dropout("AlphaDropout", p)


@layer("torch", "Dropout1d")
def dropout1d(p=0.5, inplace=False):
    """Zeroes whole channels of (N, C, L) or (C, L)."""
    return _dropout("Dropout1d", p, ranks=(2, 3))


@layer("torch", "Dropout2d")
def dropout2d(p=0.5, inplace=False):
    """Zeroes whole channels; meant for (N, C, H, W), accepts any input of rank 2 or more."""
    return _dropout("Dropout2d", p, min_rank=2)


@layer("torch", "Dropout3d")
def dropout3d(p=0.5, inplace=False):
    """Zeroes whole channels; non-5-D inputs get a batch dim added first."""
    return _dropout("Dropout3d", p, min_rank=1)


@layer("torch", "FeatureAlphaDropout")
def feature_alpha_dropout(p=0.5, inplace=False):
    """AlphaDropout of whole channels; needs rank 2 or more."""
    return _dropout("FeatureAlphaDropout", p, min_rank=2)


# -- activations -----------------------------------------------------------------------------

def _same_shape():
    return Rule(output=lambda x: x, tags=frozenset({"elementwise"}))


def _inplace_only(inplace=False):
    """An elementwise activation: shape unchanged, no weights."""
    return _same_shape()


def _no_args():
    """An elementwise activation that takes no arguments (torch raises TypeError for any):
    shape unchanged, no weights."""
    return _same_shape()


def _numbers(name: str, **values):
    """An activation's scalar arguments: torch's forward takes only numbers there, and raises
    TypeError for None, a string or a sequence (checked against torch 2.13)."""
    for key, value in values.items():
        if value is None or isinstance(value, (str, tuple, list, dict)):
            raise _bad(f"{name}: {key} must be a number, got {value!r}")


for _name in ("ReLU", "ReLU6", "SELU", "SiLU", "Mish", "Hardswish", "Hardsigmoid"):
    layer("torch", _name)(_inplace_only)
for _name in ("Sigmoid", "Tanh", "Softsign", "Tanhshrink", "LogSigmoid"):
    layer("torch", _name)(_no_args)


@layer("torch", "LeakyReLU")
def leaky_relu(negative_slope=0.01, inplace=False):
    """max(0, x) + negative_slope * min(0, x)."""
    _numbers("LeakyReLU", negative_slope=negative_slope)
    return _same_shape()


@layer("torch", "ELU")
def elu(alpha=1.0, inplace=False):
    """Exponential linear unit."""
    _numbers("ELU", alpha=alpha)
    return _same_shape()


@layer("torch", "CELU")
def celu(alpha=1.0, inplace=False):
    """Continuously differentiable ELU."""
    _numbers("CELU", alpha=alpha)
    return _same_shape()


@layer("torch", "GELU")
def gelu(approximate="none"):
    """Gaussian error linear unit; approximate 'none' or 'tanh' (checked in forward)."""
    if approximate is None or isinstance(approximate, (int, float, tuple, list)) or (
            isinstance(approximate, str) and approximate not in ("none", "tanh")):
        raise _bad(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
    return _same_shape()


@layer("torch", "Hardtanh")
def hardtanh(min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None):
    """clamp(x, min_val, max_val); max_val must exceed min_val."""
    low = min_val if min_value is None else min_value
    high = max_val if max_value is None else max_value
    _numbers("Hardtanh", min_val=low, max_val=high)
    if all(isinstance(v, (int, float)) for v in (low, high)) and high <= low:
        raise _bad(f"Hardtanh: max_val ({high}) must be greater than min_val ({low})")
    return _same_shape()


@layer("torch", "Softplus")
def softplus(beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta."""
    _numbers("Softplus", beta=beta, threshold=threshold)
    return _same_shape()


@layer("torch", "Softshrink")
def softshrink(lambd=0.5):
    """Soft shrinkage by lambd."""
    _numbers("Softshrink", lambd=lambd)
    if isinstance(lambd, (int, float)) and lambd < 0:
        raise _bad(f"Softshrink: lambd must be at least 0, got {lambd}")
    return _same_shape()


@layer("torch", "Hardshrink")
def hardshrink(lambd=0.5):
    """Hard shrinkage by lambd."""
    _numbers("Hardshrink", lambd=lambd)
    return _same_shape()


@layer("torch", "Threshold")
def threshold(threshold, value, inplace=False):
    """x if x > threshold else value."""
    _numbers("Threshold", threshold=threshold, value=value)
    return _same_shape()


@layer("torch", "RReLU")
def rrelu(lower=0.125, upper=1.0 / 3.0, inplace=False):
    """Randomised leaky ReLU."""
    _numbers("RReLU", lower=lower, upper=upper)
    if all(isinstance(v, (int, float)) for v in (lower, upper)) and lower > upper:
        raise _bad(f"RReLU: lower ({lower}) must not exceed upper ({upper})")
    return _same_shape()


@layer("torch", "PReLU")
def prelu(num_parameters=1, init=0.25, device=None, dtype=None):
    """Leaky ReLU with a learnt slope: one per channel (dim 1) or a single shared one."""
    k = _nonneg(num_parameters, "num_parameters")

    def output(x):
        if k != 1:
            r = x.rank
            if r == 0:
                raise LayerFault(SHP103, f"PReLU({k}) does not take a scalar input",
                                 input_shape=x.to_json())
            channels = x[1] if r >= 2 else 1
            if same(k, channels) is False:
                raise LayerFault(SHP106, f"PReLU(num_parameters={k}) receives {x}, whose "
                                 f"channel count is {channels}", input_shape=x.to_json(),
                                 expected=k, actual=channels)
        return x
    return Rule(output=output, params=lambda x: k, tags=frozenset({"elementwise"}))


@layer("torch", "GLU")
def glu(dim=-1):
    """Splits dim in halves a, b and returns a * sigmoid(b): dim is halved."""
    def output(x):
        if x.rank == 0:
            raise LayerFault(SHP103, "GLU does not take a scalar input", input_shape=[])
        axis = _axis("GLU", x, dim)
        _divides("GLU", x, axis, x[axis], 2, "2 (GLU halves it)")
        return x.replace(axis, x[axis] // 2)
    return Rule(output=output)


def _softmax_entry(name):
    def entry(dim=None):
        def output(x):
            if dim is not None:  # None picks a legacy dim (with a warning); always valid
                _axis(name, x, dim)
            return x
        return Rule(output=output)
    entry.__doc__ = f"torch.nn.{name}: normalises along dim; shape unchanged."
    return entry


for _name in ("Softmax", "LogSoftmax", "Softmin"):
    layer("torch", _name)(_softmax_entry(_name))


@layer("torch", "Softmax2d")
def softmax2d():
    """Softmax over channels (dim -3) of a 3-D or 4-D input; takes no arguments."""
    def output(x):
        _rank("Softmax2d", x, 3, 4)
        return x
    return Rule(output=output)


# -- reshaping -------------------------------------------------------------------------------

@layer("torch", "Flatten")
def flatten(start_dim=1, end_dim=-1):
    """Merges dims start_dim..end_dim into one (a scalar becomes (1,))."""
    start, end = known_int(start_dim, "start_dim"), known_int(end_dim, "end_dim")

    def output(x):
        s, e = _axis("Flatten", x, start, "start_dim"), _axis("Flatten", x, end, "end_dim")
        if x.rank == 0:
            return Shape((1,))
        if s > e:
            raise _bad(f"Flatten: start_dim ({start}) comes after end_dim ({end}) for input {x}")
        return Shape(x[:s] + (product(x[s:e + 1]),) + x[e + 1:])
    return Rule(output=output, tags=frozenset({"flattens"}))


@layer("torch", "Unflatten")
def unflatten(dim, unflattened_size):
    """Splits dim into unflattened_size (one entry may be -1, inferred)."""
    if not isinstance(unflattened_size, (tuple, list)):
        if is_known(unflattened_size):
            raise _bad("Unflatten: unflattened_size must be a tuple of ints, got "
                       f"{unflattened_size}")
        raise NotKnown("unflattened_size is not known")
    sizes = tuple(known_int(s, "unflattened_size") for s in unflattened_size)
    if not sizes:
        raise _bad("Unflatten: unflattened_size must be non-empty")
    if sizes.count(-1) > 1:
        raise _bad(f"Unflatten: only one dimension can be inferred, got {sizes}")

    def output(x):
        axis = _axis("Unflatten", x, dim)
        size = x[axis]
        rest = product(s for s in sizes if s != -1)
        if -1 in sizes:
            if is_known(size) and (rest == 0 or size % rest):
                raise LayerFault(SHP104, f"Unflatten: sizes {sizes} cannot split dim {axis} "
                                 f"({size}) of {x}", input_shape=x.to_json())
            new = tuple(size // rest if s == -1 else s for s in sizes)
        else:
            if same(size, rest) is False:
                raise LayerFault(SHP104, f"Unflatten: sizes {sizes} multiply to {rest}, not to "
                                 f"dim {axis} ({size}) of {x}", input_shape=x.to_json())
            new = sizes
        return Shape(x[:axis] + new + x[axis + 1:])
    return Rule(output=output)
