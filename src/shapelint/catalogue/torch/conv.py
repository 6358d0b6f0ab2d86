"""torch.nn convolutions: Conv1d/2d/3d, their transposed and lazy forms. Output sizes are the
"Shape" formulas of the torch.nn docs (torch 2.13), weights those of _ConvNd.__init__; faults
are the ones torch raises when the module is built or called. Cross-checked against torch in
tests/test_torch_catalogue.py.
"""
from __future__ import annotations

from ...domain.codes import SHP105, SHP106
from ...domain.dims import NotKnown, Unknown, is_known, same
from ...domain.shapes import Shape, product, window_out
from .. import LayerFault, Rule, flag, int_tuple, known_int, layer
from ._common import SPATIAL, _bad, _expect, _rank, _shrinks, _small_input, _tuple, _width


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
        if r == n + 1 and same(cin, x[0]) is None:
            # torch reads (C, *spatial) as one unbatched image: it runs only when C == cin,
            # and a batch that lost its channel axis looks the same; what follows would rest
            # on C == cin, an assumption, not a fact
            raise NotKnown(f"{name}: unbatched input {x} whose dim 0 is not known to be "
                           f"in_channels={cin}")
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
