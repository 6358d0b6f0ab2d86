"""Keras 3 layers: constructor signatures, shape rules and parameter formulas.

Shapes are batch-first tuples; the batch dim is usually Unknown (Keras prints None).
Formulas follow keras/src/ops/operation_utils.py (compute_conv_output_shape,
compute_pooling_output_shape, compute_reshape_output_shape) and each layer's build().
"""
from __future__ import annotations

from ..codes import SHP102, SHP104, SHP105
from ..dims import NotKnown, Unknown, is_known
from ..shapes import Shape, definitely_nonpositive, product, same_out, window_out
from . import LayerFault, Rule, choice, flag, int_tuple, known_int, layer, size

DEFAULT_DATA_FORMAT = "channels_last"


def _data_format(value) -> str:
    if value is None:
        return DEFAULT_DATA_FORMAT
    return choice(value, ("channels_last", "channels_first"), "data_format")


def _spatial_axes(rank: int, data_format: str) -> range:
    """Indices of the spatial axes of a (batch, ..., channels) tensor of rank rank+2."""
    return range(1, rank + 1) if data_format == "channels_last" else range(2, rank + 2)


def _channel_axis(data_format: str) -> int:
    return -1 if data_format == "channels_last" else 1


def _check_positive(layer_name, x, out, axes):
    for axis, d in zip(axes, out):
        if definitely_nonpositive(d):
            raise LayerFault(
                SHP102,
                f"{layer_name} shrinks axis {axis} from {x[axis]} to {d}; Keras raises "
                f"\"Computed output size would be zero or negative\" for input {x}",
                input_shape=x.to_json(), axis=axis, size=d)


def _windowed(layer_name, x: Shape, rank, data_format, sizes, strides, padding, dilation,
              channels_out=None) -> Shape:
    axes = _spatial_axes(rank, data_format)
    out = []
    for axis, k, s, d in zip(axes, sizes, strides, dilation):
        n = x[axis]
        out.append(window_out(n, k, s, 0, d) if padding == "valid" else same_out(n, s))
    if padding == "valid":
        _check_positive(layer_name, x, out, axes)
    dims = list(x[:])
    for axis, d in zip(axes, out):
        dims[axis] = d
    if channels_out is not None:
        dims[_channel_axis(data_format)] = channels_out
    return Shape(tuple(dims))


# -- core ---------------------------------------------------------------------------------

@layer("keras", "Dense")
def dense(units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
          bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
          lora_rank=None, lora_alpha=None, **kwargs):
    """Acts on the last axis only: kernel (input[-1], units) plus bias (units,)."""
    units = size(units, "units")  # may stay unknown: the rank is still known
    bias = flag(use_bias, "use_bias")
    return Rule(output=lambda x: x.with_last(units),
                params=lambda x: x[-1] * units + units * bias,
                min_ndim=2, tags=frozenset({"dense"}))


@layer("keras", "Flatten")
def flatten(data_format=None, **kwargs):
    """(batch, d1, ..., dn) -> (batch, d1*...*dn); data_format only reorders the values."""
    _data_format(data_format)
    return Rule(output=lambda x: Shape((x[0], x.features())), min_ndim=1,
                tags=frozenset({"flattens"}))


@layer("keras", "Dropout")
def dropout(rate, noise_shape=None, seed=None, **kwargs):
    return Rule(output=lambda x: x)


@layer("keras", "Activation")
def activation(activation, **kwargs):
    return Rule(output=lambda x: x, tags=frozenset({"elementwise"}))


@layer("keras", "Reshape")
def reshape(target_shape, **kwargs):
    """Target excludes the batch axis; one -1 is inferred (compute_reshape_output_shape)."""
    if not isinstance(target_shape, (tuple, list)) or not all(is_known(d) for d in target_shape):
        raise NotKnown("target_shape is not known")
    target = tuple(target_shape)

    def output(x):
        size = x.features()
        if -1 in target:
            rest = product(d for d in target if d != -1)
            if is_known(size):
                if rest == 0 or size % rest:
                    raise LayerFault(SHP104, f"Reshape{target} cannot hold {size} elements "
                                     f"from input {x}", input_shape=x.to_json(),
                                     target_shape=list(target))
                return Shape((x[0],) + tuple(size // rest if d == -1 else d for d in target))
            return Shape((x[0],) + tuple(Unknown("reshape") if d == -1 else d for d in target))
        if is_known(size) and size != product(target):
            raise LayerFault(SHP104, f"Reshape{target} holds {product(target)} elements but its "
                             f"input {x} has {size}", input_shape=x.to_json(),
                             target_shape=list(target))
        return Shape((x[0],) + target)
    return Rule(output=output, min_ndim=1, tags=frozenset({"flattens"}))


@layer("keras", "Embedding")
def embedding(input_dim, output_dim, embeddings_initializer="uniform",
              embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
              weights=None, lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
    """(batch, ...) integer ids -> (batch, ..., output_dim); table input_dim x output_dim."""
    n, d = known_int(input_dim, "input_dim"), known_int(output_dim, "output_dim")
    if n <= 0 or d <= 0:
        raise LayerFault(SHP105, f"Embedding sizes must be positive, got ({n}, {d})")
    return Rule(output=lambda x: Shape(x[:] + (d,)), params=lambda x: n * d)


@layer("keras", "BatchNormalization")
def batch_normalization(axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True,
                        beta_initializer="zeros", gamma_initializer="ones",
                        moving_mean_initializer="zeros", moving_variance_initializer="ones",
                        beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                        gamma_constraint=None, synchronized=False, **kwargs):
    """gamma and beta are trainable; moving mean and variance are non-trainable params."""
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    for a in axes:
        known_int(a, "axis")
    trainable = flag(center, "center") + flag(scale, "scale")

    def features(x):
        return product(x[a] for a in axes)
    return Rule(output=lambda x: x, params=lambda x: trainable * features(x),
                frozen=lambda x: 2 * features(x))


# -- convolution ----------------------------------------------------------------------------

def _conv(rank, type_name, filters, kernel_size, strides, padding, data_format, dilation_rate,
          groups, use_bias):
    filters = known_int(filters, "filters")
    kernel = int_tuple(kernel_size, rank, "kernel_size")
    strides = int_tuple(strides, rank, "strides")
    dilation = int_tuple(dilation_rate, rank, "dilation_rate")
    pads = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
    padding = choice(padding, pads, "padding")
    fmt = _data_format(data_format)
    groups = known_int(groups, "groups")
    bias = flag(use_bias, "use_bias")
    if filters <= 0 or groups <= 0 or filters % groups:
        raise LayerFault(SHP105, f"{type_name}: filters ({filters}) must be positive and "
                         f"divisible by groups ({groups})")
    if max(strides) > 1 and max(dilation) > 1:
        raise LayerFault(SHP105, f"{type_name}: strides > 1 with dilation_rate > 1 is not "
                         f"supported by Keras (strides={strides}, dilation_rate={dilation})")
    channel = _channel_axis(fmt)

    def in_channels(x):
        c = x[channel]
        if is_known(c) and c % groups:
            raise LayerFault(SHP105, f"{type_name}: input channels ({c}) are not divisible "
                             f"by groups ({groups})")
        return c

    def output(x):
        in_channels(x)
        return _windowed(type_name, x, rank, fmt, kernel, strides,
                         "same" if padding == "causal" else padding, dilation, filters)

    def params(x):
        per_filter = product(kernel) * (in_channels(x) // groups)
        return per_filter * filters + filters * bias
    return Rule(output=output, params=params, ndim=rank + 2, tags=frozenset({"spatial"}))


def _conv_entry(rank, type_name):
    default = (1,) * rank

    def entry(filters, kernel_size, strides=default, padding="valid", data_format=None,
              dilation_rate=default, groups=1, activation=None, use_bias=True,
              kernel_initializer="glorot_uniform", bias_initializer="zeros",
              kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
              kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
              **kwargs):
        return _conv(rank, type_name, filters, kernel_size, strides, padding, data_format,
                     dilation_rate, groups, use_bias)
    entry.__doc__ = f"keras.layers.{type_name}: kernel (*kernel_size, in/groups, filters)."
    return entry


conv1d = layer("keras", "Conv1D", "Convolution1D")(_conv_entry(1, "Conv1D"))
conv2d = layer("keras", "Conv2D", "Convolution2D")(_conv_entry(2, "Conv2D"))
conv3d = layer("keras", "Conv3D", "Convolution3D")(_conv_entry(3, "Conv3D"))


# -- pooling --------------------------------------------------------------------------------

def _pool_entry(rank, type_name):
    default = 2 if rank == 1 else (2,) * rank

    def entry(pool_size=default, strides=None, padding="valid", data_format=None, name=None,
              **kwargs):
        sizes = int_tuple(pool_size, rank, "pool_size")
        steps = sizes if strides is None else int_tuple(strides, rank, "strides")
        pad = choice(padding, ("valid", "same"), "padding")
        fmt = _data_format(data_format)
        return Rule(output=lambda x: _windowed(type_name, x, rank, fmt, sizes, steps, pad,
                                               (1,) * rank),
                    ndim=rank + 2, tags=frozenset({"spatial"}))
    entry.__doc__ = f"keras.layers.{type_name}: strides default to pool_size; no weights."
    return entry


for _rank in (1, 2, 3):
    layer("keras", f"MaxPooling{_rank}D", f"MaxPool{_rank}D")(
        _pool_entry(_rank, f"MaxPooling{_rank}D"))
    layer("keras", f"AveragePooling{_rank}D", f"AvgPool{_rank}D")(
        _pool_entry(_rank, f"AveragePooling{_rank}D"))


def _global_pool_entry(rank):
    def entry(data_format=None, keepdims=False, **kwargs):
        fmt = _data_format(data_format)
        keep = flag(keepdims, "keepdims")

        def output(x):
            axes = _spatial_axes(rank, fmt)
            if keep:
                return Shape(tuple(1 if i in axes else d for i, d in enumerate(x[:])))
            return Shape((x[0], x[_channel_axis(fmt)]))
        return Rule(output=output, ndim=rank + 2, tags=frozenset({"flattens"}))
    entry.__doc__ = "Pools every spatial axis away: (batch, channels), or 1s with keepdims."
    return entry


for _rank in (1, 2, 3):
    layer("keras", f"GlobalAveragePooling{_rank}D", f"GlobalAvgPool{_rank}D")(
        _global_pool_entry(_rank))
    layer("keras", f"GlobalMaxPooling{_rank}D", f"GlobalMaxPool{_rank}D")(
        _global_pool_entry(_rank))


@layer("keras", "ZeroPadding2D")
def zero_padding2d(padding=(1, 1), data_format=None, **kwargs):
    """padding: int, (sym_h, sym_w) or ((top, bottom), (left, right))."""
    if is_known(padding):
        pads = ((padding, padding), (padding, padding))
    elif isinstance(padding, (tuple, list)) and len(padding) == 2:
        pads = tuple(int_tuple(p, 2, "padding", allow_zero=True) for p in padding)
    else:
        raise NotKnown("padding is not known")
    fmt = _data_format(data_format)

    def output(x):
        dims = list(x[:])
        for axis, (a, b) in zip(_spatial_axes(2, fmt), pads):
            dims[axis] = dims[axis] + a + b
        return Shape(tuple(dims))
    return Rule(output=output, ndim=4, tags=frozenset({"spatial"}))
