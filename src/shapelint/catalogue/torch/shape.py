"""torch.nn modules that only move or resize data: Identity, Flatten, Unflatten, upsampling,
pixel and channel shuffles, and the padding modules. None has weights; output sizes follow the
"Shape" sections of the torch.nn docs (torch 2.13) and the faults their forward raises.
Cross-checked against torch in tests/test_torch_catalogue.py.
"""
from __future__ import annotations

import math

from ...domain.codes import SHP103, SHP104, SHP106
from ...domain.dims import NotKnown, Unknown, is_known, same
from ...domain.shapes import Shape, definitely_nonpositive, product
from .. import LayerFault, Rule, known_int, layer
from ._common import (_axis, _bad, _divides, _factor, _rank, _rank_at_least, _shrinks,
                      _small_input, _tuple)


@layer("torch", "Identity")
def identity(*args, **kwargs):
    """Returns its input; ignores every argument."""
    return Rule(output=lambda x: x)


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


# -- sliding blocks (im2col / col2im) ----------------------------------------------------------

def _block_args(name, kernel_size, dilation, padding, stride):
    """Unfold and Fold take 2-tuples (or ints); their forward rejects a kernel, dilation or
    stride below 1 and a negative padding."""
    k = _tuple(kernel_size, 2, "kernel_size", allow_zero=True)
    d = _tuple(dilation, 2, "dilation", allow_zero=True)
    p = _tuple(padding, 2, "padding", allow_zero=True)
    s = _tuple(stride, 2, "stride", allow_zero=True)
    for what, values, least in (("kernel_size", k, 1), ("dilation", d, 1), ("stride", s, 1),
                                ("padding", p, 0)):
        if min(values) < least:
            raise _bad(f"{name}: {what} must be {'positive' if least else 'non-negative'}, "
                       f"got {values}")
    return k, d, p, s


def _blocks(name, sizes, k, d, p, s, x):
    """The number of sliding blocks along each spatial size (torch's im2col shape check)."""
    counts = [(n + 2 * pi - di * (ki - 1) - 1) // si + 1
              for n, ki, di, pi, si in zip(sizes, k, d, p, s)]
    if any(definitely_nonpositive(c) for c in counts):
        raise _bad(f"{name}: spatial size {tuple(sizes)} with kernel_size {k}, dilation {d}, "
                   f"padding {p}, stride {s} leaves no sliding block (torch raises)",
                   input_shape=x.to_json())
    return counts


def _nonzero(name, x, batched: bool):
    """torch accepts an empty batch but no other empty axis."""
    if any(is_known(n) and n == 0 for n in x[1 if batched else 0:]):
        raise LayerFault(SHP103, f"{name} expects non-zero sizes besides the batch axis, but "
                         f"receives {x}", input_shape=x.to_json())


@layer("torch", "Unfold")
def unfold(kernel_size, dilation=1, padding=0, stride=1):
    """(N, C, H, W) or (C, H, W) -> (N, C * prod(kernel_size), L), L the number of blocks."""
    k, d, p, s = _block_args("Unfold", kernel_size, dilation, padding, stride)

    def output(x):
        batched = _rank("Unfold", x, 3, 4) == 4
        _nonzero("Unfold", x, batched)
        counts = _blocks("Unfold", x[-2:], k, d, p, s, x)
        return Shape(x[:-3] + (x[-3] * k[0] * k[1], counts[0] * counts[1]))
    return Rule(output=output)


@layer("torch", "Fold")
def fold(output_size, kernel_size, dilation=1, padding=0, stride=1):
    """(N, C * prod(kernel_size), L) or (C * prod(kernel_size), L) -> (N, C, *output_size)."""
    size = _tuple(output_size, 2, "output_size", allow_zero=True)
    k, d, p, s = _block_args("Fold", kernel_size, dilation, padding, stride)

    def output(x):
        batched = _rank("Fold", x, 2, 3) == 3
        _nonzero("Fold", x, batched)
        _divides("Fold", x, -2, x[-2], k[0] * k[1], "the product of kernel_size")
        counts = _blocks("Fold", size, k, d, p, s, x)
        blocks = counts[0] * counts[1]
        if is_known(x[-1]) and x[-1] != blocks:
            raise LayerFault(SHP104, f"Fold: output_size {size} with kernel_size {k}, dilation "
                             f"{d}, padding {p}, stride {s} needs {blocks} blocks in the last "
                             f"axis of {x}, which has {x[-1]}", input_shape=x.to_json())
        return Shape(x[:-2] + (x[-2] // (k[0] * k[1]),) + size)
    return Rule(output=output)
