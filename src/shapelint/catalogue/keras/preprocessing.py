"""Keras 3 preprocessing layers that need no TensorFlow: rescaling, resizing and cropping,
normalization, discretization, category encoding, spectrograms, and Pipeline.

Formulas follow compute_output_shape() and build() in keras/src/layers/preprocessing/ (Keras
3.15); every entry is cross-checked against real Keras in tests/test_keras_catalogue_prep.py.
"""
from __future__ import annotations

from ...domain.codes import SHP102, SHP103, SHP105
from ...domain.dims import NotKnown, SymDim, Unknown, is_known
from ...domain.shapes import Shape, product, same_out, window_out
from .. import LayerFault, Rule, flag, known_int, layer, size
from ._common import _data_format, _is_keras_batch


def _keras_none(d) -> bool:
    """A size Keras itself holds as None: the batch, or one derived from a None input size."""
    return isinstance(d, SymDim) or _is_keras_batch(d)


# -- rescaling, resizing, cropping (image_preprocessing/resizing.py, center_crop.py) ---------

@layer("keras", "Rescaling")
def rescaling(scale, offset=0.0, **kwargs):
    """x * scale + offset, elementwise: no weights, any rank."""
    return Rule(output=lambda x: x, tags=frozenset({"elementwise"}))


def _set_height_width(type_name, x: Shape, h, w, fmt: str, strict: bool) -> Shape:
    """Resizing/CenterCrop.compute_output_shape: a rank-4 input is batched; any other rank
    is one image, so a rank-3 input's first axis (the batch of a keras.Input) is its height."""
    if x.rank not in (3, 4):
        if strict:
            raise LayerFault(SHP103, f"{type_name} takes a rank-3 or rank-4 input, got {x}; "
                             "Keras raises ValueError", input_shape=x.to_json())
        raise NotKnown(f"{type_name} on a rank-{x.rank} input fails in the backend's resize")
    first = 1 if x.rank == 4 else 0
    first += 0 if fmt == "channels_last" else 1
    return x.replace(first, h).replace(first + 1, w)


@layer("keras", "Resizing")
def resizing(height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
             pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False,
             data_format=None, **kwargs):
    """Sets the height and width axes to (height, width); aspect options keep that size."""
    h, w = size(height, "height"), size(width, "width")
    fmt = _data_format(data_format)
    return Rule(output=lambda x: _set_height_width("Resizing", x, h, w, fmt, False),
                tags=frozenset({"spatial"}))


@layer("keras", "CenterCrop")
def center_crop(height, width, data_format=None, **kwargs):
    """As Resizing (a smaller image is resized up, never refused); only ranks 3 and 4."""
    h, w = size(height, "height"), size(width, "width")
    fmt = _data_format(data_format)
    return Rule(output=lambda x: _set_height_width("CenterCrop", x, h, w, fmt, True),
                tags=frozenset({"spatial"}))


# -- normalization (preprocessing/normalization.py) ------------------------------------------

def _axis_tuple(axis) -> tuple:
    if axis is None:
        return ()
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(known_int(a, "axis") for a in axes)


def _array_shape(value):
    """np.shape of a literal number or nested list; None when it is not literal."""
    if isinstance(value, bool) or is_known(value) or isinstance(value, float):
        return ()
    if isinstance(value, (tuple, list)):
        inner = {_array_shape(v) for v in value}
        if len(inner) == 1 and None not in inner:
            return (len(value),) + inner.pop()
    return None


@layer("keras", "Normalization")
def normalization(axis=-1, mean=None, variance=None, invert=False, **kwargs):
    """Without mean and variance, build() adds non-trainable mean and variance over the kept
    axes and an int count of shape (): 2 * prod(kept sizes) + 1. With them, no weights."""
    axes = _axis_tuple(axis)
    if (mean is None) != (variance is None):
        raise LayerFault(SHP105, "Normalization: mean and variance must be given together "
                         "(Keras raises ValueError)")
    given = mean is not None
    if given:
        m, v = _array_shape(mean), _array_shape(variance)
        if m is not None and v is not None and (m != v or len(m) > len(axes)):
            raise LayerFault(SHP105, f"Normalization: mean {m} and variance {v} must have the "
                             f"same shape, of rank at most {len(axes)} (the number of axes)")

    def kept(x):
        n = x.rank
        for a in axes:
            if not -n <= a < n:
                raise LayerFault(SHP103, f"Normalization: axis {a} is out of range for its "
                                 f"input {x}", input_shape=x.to_json())
        if len({a % n for a in axes}) != len(axes):  # Keras builds (size, size) then fails
            raise LayerFault(SHP105, f"Normalization: axis {axes} names one axis of {x} twice "
                             "(Keras fails reshaping its mean)", input_shape=x.to_json())
        dims = [x[a % n] for a in sorted(a % n for a in axes)]
        for d in dims:
            if _keras_none(d):
                raise LayerFault(SHP105, f"Normalization: a kept axis of {x} has no fixed size "
                                 "(Keras raises \"All `axis` values to be kept must have a known "
                                 "shape\")", input_shape=x.to_json())
        return dims

    def output(x):
        kept(x)
        return x

    def frozen(x):
        return 0 if given else 2 * product(kept(x)) + 1
    return Rule(output=output, frozen=frozen)


# -- discretization and category encoding ----------------------------------------------------

def _output_mode(value, options, layer_name) -> str:
    if not isinstance(value, str):
        raise NotKnown("output_mode is not known")
    if value not in options:
        raise LayerFault(SHP105, f"{layer_name}: output_mode must be one of "
                         f"{', '.join(options)}, got {value!r}")
    return value


@layer("keras", "Discretization")
def discretization(bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                   sparse=False, dtype=None, name=None):
    """int keeps the shape; one_hot appends the depth (or replaces a last axis of 1); the
    other modes give (batch, *input[2:], depth) as compute_output_shape writes it."""
    if num_bins is not None and bin_boundaries is not None:
        raise LayerFault(SHP105, "Discretization: set num_bins or bin_boundaries, not both")
    if num_bins is None and bin_boundaries is None:
        raise LayerFault(SHP105, "Discretization: set num_bins or bin_boundaries")
    mode = _output_mode(output_mode, ("int", "one_hot", "multi_hot", "count"), "Discretization")
    if flag(sparse, "sparse"):
        raise NotKnown("sparse=True needs a backend with sparse tensors")
    if num_bins is not None:
        depth = known_int(num_bins, "num_bins")
        if depth < 0:
            raise LayerFault(SHP105, f"Discretization: num_bins must be >= 0, got {depth}")
    elif isinstance(bin_boundaries, (tuple, list)):
        depth = len(bin_boundaries) + 1
    else:
        depth = Unknown("bin_boundaries is not a literal list")

    def output(x):
        dims = x[:]
        if mode == "int":
            return x
        if mode == "one_hot":
            if dims and len(dims) > 1 and dims[-1] == 1:
                return Shape(dims[:-1] + (depth,))
            return Shape(dims + (depth,))
        if len(dims) >= 2:
            return Shape((dims[0],) + dims[2:] + (depth,))
        return Shape((depth,))
    return Rule(output=output)


@layer("keras", "CategoryEncoding")
def category_encoding(num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
    """one_hot appends num_tokens unless the last axis is 1; the others replace the last
    axis (the tokens of one sample) by num_tokens."""
    if output_mode == "binary":
        output_mode = "multi_hot"
    mode = _output_mode(output_mode, ("count", "one_hot", "multi_hot"), "CategoryEncoding")
    if num_tokens is None:
        raise LayerFault(SHP105, "CategoryEncoding: num_tokens must be set")
    n = known_int(num_tokens, "num_tokens")
    if n < 1:
        raise LayerFault(SHP105, f"CategoryEncoding: num_tokens must be >= 1, got {n}")

    def output(x):
        dims = x[:]
        if not dims:
            return Shape((n,))
        if mode == "one_hot" and (dims[-1] != 1 or len(dims) == 1):
            if not is_known(dims[-1]) and not _keras_none(dims[-1]):
                raise NotKnown("whether the last axis is 1 is not known")
            return Shape(dims + (n,))
        return Shape(dims[:-1] + (n,))
    return Rule(output=output)


# -- audio (mel_spectrogram.py, stft_spectrogram.py) -----------------------------------------

@layer("keras", "MelSpectrogram")
def mel_spectrogram(fft_length=2048, sequence_stride=512, sequence_length=None, window="hann",
                    sampling_rate=16000, num_mel_bins=128, min_freq=20.0, max_freq=None,
                    power_to_db=True, top_db=80.0, mag_exp=2.0, min_power=1e-10, ref_power=1.0,
                    **kwargs):
    """(batch, samples) -> (batch, num_mel_bins, (samples + stride + 1) // stride)."""
    fft = known_int(fft_length, "fft_length")
    stride = known_int(sequence_stride, "sequence_stride")
    length = fft if not sequence_length else known_int(sequence_length, "sequence_length")
    if fft < length:
        raise LayerFault(SHP105, f"MelSpectrogram: fft_length ({fft}) must be >= "
                         f"sequence_length ({length})")
    bins = known_int(num_mel_bins, "num_mel_bins")

    def frames(n):
        return (n + stride + 1) // stride

    def output(x):
        if x.rank == 1:
            return Shape((bins, frames(x[0])))
        return Shape((x[0], bins, frames(x[1])))
    return Rule(output=output)


@layer("keras", "STFTSpectrogram")
def stft_spectrogram(mode="log", frame_length=256, frame_step=None, fft_length=None,
                     window="hann", periodic=False, scaling="density", padding="valid",
                     expand_dims=False, data_format=None, **kwargs):
    """A strided conv over time with fixed-initialised but trainable kernels real_kernel and
    imag_kernel, each (frame_length, 1, fft // 2 + 1) ("real" and "imag" build one)."""
    frame = known_int(frame_length, "frame_length")
    step = None if frame_step is None else known_int(frame_step, "frame_step")
    if step is not None and not 1 <= step <= frame:
        raise LayerFault(SHP105, f"STFTSpectrogram: frame_step must be in 1..{frame}, got {step}")
    fft = None if fft_length is None else known_int(fft_length, "fft_length")
    if fft is not None and fft < frame:
        raise LayerFault(SHP105, f"STFTSpectrogram: fft_length ({fft}) must be >= "
                         f"frame_length ({frame})")
    mode = _output_mode(mode, ("log", "magnitude", "psd", "real", "imag", "angle", "stft"),
                        "STFTSpectrogram")
    pad = _output_mode(padding, ("valid", "same"), "STFTSpectrogram")
    if scaling is not None:
        _output_mode(scaling, ("density", "spectrum"), "STFTSpectrogram")
    fmt = _data_format(data_format)
    expand = flag(expand_dims, "expand_dims")
    step = step or frame // 2
    fft = fft or 1 << (frame - 1).bit_length()  # 2 ** ceil(log2(frame_length))
    freq = fft // 2 + 1
    kernels = (mode != "imag") + (mode != "real")

    def output(x):
        channels, n = (x[2], x[1]) if fmt == "channels_last" else (x[1], x[2])
        time = window_out(n, frame, step, 0, 1) if pad == "valid" else same_out(n, step)
        if is_known(time) and time <= 0:
            raise LayerFault(SHP102, f"STFTSpectrogram: {n} samples are fewer than one frame "
                             f"of {frame}", input_shape=x.to_json())
        f = freq * (2 if mode == "stft" else 1)
        if expand:
            return Shape((x[0], time, f, channels) if fmt == "channels_last"
                         else (x[0], channels, time, f))
        return Shape((x[0], time, f * channels) if fmt == "channels_last"
                     else (x[0], f * channels, time))
    return Rule(output=output, params=lambda x: kernels * frame * freq, ndim=3)


# -- Pipeline (preprocessing/pipeline.py) ------------------------------------------------------

@layer("keras", "Pipeline")
def pipeline(layers, name=None):
    """Applies its layers in order, like a Sequential; their weights are its weights."""
    if not isinstance(layers, (tuple, list)):
        raise NotKnown("the layers of Pipeline are not a literal list")
    rules = []
    for inner in layers:
        rule = getattr(inner, "rule", None)
        if rule is None or rule.multi_input:
            raise NotKnown("a layer inside Pipeline is not known")
        rules.append(rule)

    def shapes(x):
        seen = []
        for rule in rules:
            seen.append(x)
            x = rule.output(x)
            if isinstance(x, list):
                raise NotKnown("a layer with several outputs inside Pipeline")
        return seen, x

    def count(attr):
        def total(x):
            inputs, _ = shapes(x)
            return sum(getattr(rule, attr)(s) for rule, s in zip(rules, inputs))
        return total
    return Rule(output=lambda x: shapes(x)[1], params=count("params"), frozen=count("frozen"))
