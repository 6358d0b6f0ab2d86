"""Keras 3 layers: constructor signatures, shape rules and parameter formulas.

Shapes are batch-first tuples; the batch dim is usually Unknown (Keras prints None).
Formulas follow keras/src/ops/operation_utils.py (compute_conv_output_shape,
compute_pooling_output_shape, compute_reshape_output_shape) and each layer's build().
"""
from __future__ import annotations

from ...codes import SHP102, SHP103, SHP104, SHP105
from ...dims import BATCH, NotKnown, Unknown, is_known
from ...shapes import Shape, definitely_nonpositive, product, same_out, window_out
from .. import LayerFault, Rule, choice, flag, int_tuple, known_int, layer, size

DEFAULT_DATA_FORMAT = "channels_last"

# The names keras.activations.get resolves (ALL_OBJECTS_DICT in keras/src/activations/__init__.py,
# Keras 3.13); it looks strings up in nothing else, so any other string raises ValueError.
ACTIVATIONS = frozenset({
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
    "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
    "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign",
    "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink",
    "threshold"})


def _data_format(value) -> str:
    if value is None:
        return DEFAULT_DATA_FORMAT
    return choice(value, ("channels_last", "channels_first"), "data_format")


def _activation(value, layer_name: str) -> None:
    """A string activation must be one of Keras's names (case matters); callables pass; a
    number or a sequence is no identifier at all."""
    if isinstance(value, (int, float, tuple, list)) or (
            isinstance(value, str) and value not in ACTIVATIONS):
        raise LayerFault(SHP105, f"{layer_name}: unknown activation {value!r}; Keras raises "
                         f"\"Could not interpret activation function identifier\"")


def _positive_int(value, what: str, layer_name: str) -> int:
    """Keras's isinstance(value, int) checks: a float or bool is rejected outright."""
    if isinstance(value, (float, bool)):
        raise LayerFault(SHP105, f"{layer_name}: {what} must be a positive integer, got {value!r}")
    value = known_int(value, what)
    if value <= 0:
        raise LayerFault(SHP105, f"{layer_name}: {what} must be a positive integer, got {value}")
    return value


def _lora_rank(lora_rank, kernel_constraint, layer_name: str) -> int:
    """0 without LoRA; else its rank. enable_lora freezes the kernel and trains two factors
    (kernel.shape[:-1] + (rank,)) and (rank, kernel.shape[-1]); it rejects kernel constraints."""
    if lora_rank is None or lora_rank is False or lora_rank == 0:
        return 0
    rank = known_int(lora_rank, "lora_rank")
    if rank < 0:
        raise LayerFault(SHP105, f"{layer_name}: lora_rank must be positive, got {rank}")
    if isinstance(kernel_constraint, Unknown):
        raise NotKnown("kernel_constraint is not known")
    if kernel_constraint is not None:
        raise LayerFault(SHP105, f"{layer_name}: LoRA (lora_rank={rank}) is incompatible with "
                         f"a kernel constraint; Keras raises when it builds the layer")
    return rank


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
          lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
    """Acts on the last axis only: kernel (input[-1], units) plus bias (units,)."""
    if isinstance(units, float):
        raise LayerFault(SHP105, f"Dense: units must be a positive integer, got {units!r}")
    units = size(units, "units")  # may stay unknown: the rank is still known
    bias = flag(use_bias, "use_bias")
    _activation(activation, "Dense")
    lora = _lora_rank(lora_rank, kernel_constraint, "Dense")
    if lora:
        return Rule(output=lambda x: x.with_last(units),
                    params=lambda x: x[-1] * lora + lora * units + units * bias,
                    frozen=lambda x: x[-1] * units, min_ndim=2, tags=frozenset({"dense"}))
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
    """Identity on shapes; __init__ checks 0 <= rate <= 1 and noise_shape's entries."""
    if rate is None or isinstance(rate, (str, tuple, list)):
        raise LayerFault(SHP105, f"Dropout: rate must be a number, got {rate!r}")
    if isinstance(rate, (int, float)) and not isinstance(rate, bool) and not 0 <= rate <= 1:
        raise LayerFault(SHP105, f"Dropout: rate must be between 0 and 1, got {rate}")
    if isinstance(noise_shape, str):
        raise LayerFault(SHP105, f"Dropout: noise_shape must be a tuple, got {noise_shape!r}")
    if isinstance(noise_shape, (tuple, list)):
        for d in noise_shape:
            if isinstance(d, (float, str)) or (is_known(d) and d <= 0):
                raise LayerFault(SHP105, f"Dropout: noise_shape entries must be positive "
                                 f"integers or None, got {tuple(noise_shape)}")
    return Rule(output=lambda x: x)


@layer("keras", "Activation")
def activation(activation, **kwargs):
    _activation(activation, "Activation")
    return Rule(output=lambda x: x, tags=frozenset({"elementwise"}))


@layer("keras", "ReLU")
def relu(max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
    """Elementwise; __init__ rejects a negative max_value and a None or negative slope or
    threshold, and a string or sequence for any of them."""
    for what, value, none_ok in (("max_value", max_value, True),
                                 ("negative_slope", negative_slope, False),
                                 ("threshold", threshold, False)):
        if (value is None and not none_ok) or isinstance(value, (str, tuple, list)) or (
                isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0):
            raise LayerFault(SHP105, f"ReLU: {what} must be a number >= 0, got {value!r}")
    return Rule(output=lambda x: x, tags=frozenset({"elementwise"}))


@layer("keras", "Reshape")
def reshape(target_shape, **kwargs):
    """Target excludes the batch axis; one -1 is inferred (compute_reshape_output_shape)."""
    if is_known(target_shape):
        raise LayerFault(SHP105, f"Reshape: target_shape must be a tuple, got {target_shape}")
    if not isinstance(target_shape, (tuple, list)) or not all(is_known(d) for d in target_shape):
        raise NotKnown("target_shape is not known")
    target = tuple(target_shape)
    if any(d < -1 for d in target) or target.count(-1) > 1:
        raise LayerFault(SHP105, f"Reshape: target_shape {target} may hold non-negative sizes "
                         f"and at most one -1 (validate_reshape_shape)")

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
    n = _positive_int(input_dim, "input_dim", "Embedding")
    d = _positive_int(output_dim, "output_dim", "Embedding")
    lora = _lora_rank(lora_rank, embeddings_constraint, "Embedding")
    if lora:
        return Rule(output=lambda x: Shape(x[:] + (d,)), params=lambda x: n * lora + lora * d,
                    frozen=lambda x: n * d)
    return Rule(output=lambda x: Shape(x[:] + (d,)), params=lambda x: n * d)


@layer("keras", "BatchNormalization")
def batch_normalization(axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True,
                        beta_initializer="zeros", gamma_initializer="ones",
                        moving_mean_initializer="zeros", moving_variance_initializer="ones",
                        beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                        gamma_constraint=None, renorm=False, renorm_clipping=None,
                        renorm_momentum=0.99, synchronized=False, **kwargs):
    """gamma and beta are trainable; moving mean and variance are non-trainable params (with
    renorm, also moving_stddev, renorm_mean and renorm_stddev). Keras 3 takes one int axis."""
    if isinstance(axis, (tuple, list)):
        raise LayerFault(SHP105, f"BatchNormalization: axis must be one int in Keras 3 "
                         f"(it calls int(axis)), got {axis!r}")
    axis = known_int(int(axis) if isinstance(axis, float) else axis, "axis")
    trainable = flag(center, "center") + flag(scale, "scale")
    statistics = 5 if flag(renorm, "renorm") else 2

    def features(x):
        if not -x.rank <= axis < x.rank:
            raise LayerFault(SHP103, f"BatchNormalization: axis {axis} is out of range for its "
                             f"input {x}, of rank {x.rank}", input_shape=x.to_json())
        d = x[axis]
        if _is_keras_batch(d):
            raise LayerFault(SHP105, f"BatchNormalization: axis {axis} is the batch axis, of "
                             f"unknown size, of its input {x}", input_shape=x.to_json())
        return d

    def output(x):
        features(x)
        return x
    return Rule(output=output, params=lambda x: trainable * features(x),
                frozen=lambda x: statistics * features(x))


def _is_keras_batch(d) -> bool:
    """The batch dim of a keras.Input without batch_size: None in Keras itself."""
    return d == BATCH


# -- convolution ----------------------------------------------------------------------------

def _conv(rank, type_name, filters, kernel_size, strides, padding, data_format, dilation_rate,
          groups, use_bias, activation, lora_rank, kernel_constraint):
    filters = known_int(filters, "filters")
    if isinstance(padding, (tuple, list)):
        raise LayerFault(SHP105, f"{type_name}: padding must be a string, got {padding!r} "
                         f"(compute_conv_output_shape raises)")
    kernel = int_tuple(kernel_size, rank, "kernel_size")
    strides = int_tuple(strides, rank, "strides")
    dilation = int_tuple(dilation_rate, rank, "dilation_rate")
    pads = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
    padding = choice(padding, pads, "padding")
    fmt = _data_format(data_format)
    groups = known_int(groups, "groups")
    bias = flag(use_bias, "use_bias")
    _activation(activation, type_name)
    lora = _lora_rank(lora_rank, kernel_constraint, type_name)
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
        if lora:
            return per_filter * lora + lora * filters + filters * bias
        return per_filter * filters + filters * bias

    def frozen(x):
        return product(kernel) * (in_channels(x) // groups) * filters if lora else 0
    return Rule(output=output, params=params, frozen=frozen, ndim=rank + 2,
                tags=frozenset({"spatial"}))


def _conv_entry(rank, type_name):
    default = (1,) * rank

    def entry(filters, kernel_size, strides=default, padding="valid", data_format=None,
              dilation_rate=default, groups=1, activation=None, use_bias=True,
              kernel_initializer="glorot_uniform", bias_initializer="zeros",
              kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
              kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
              **kwargs):
        return _conv(rank, type_name, filters, kernel_size, strides, padding, data_format,
                     dilation_rate, groups, use_bias, activation, lora_rank, kernel_constraint)
    entry.__doc__ = f"keras.layers.{type_name}: kernel (*kernel_size, in/groups, filters)."
    return entry


conv1d = layer("keras", "Conv1D", "Convolution1D")(_conv_entry(1, "Conv1D"))
conv2d = layer("keras", "Conv2D", "Convolution2D")(_conv_entry(2, "Conv2D"))
conv3d = layer("keras", "Conv3D", "Convolution3D")(_conv_entry(3, "Conv3D"))


# -- pooling --------------------------------------------------------------------------------

def _pool_padding(value, type_name) -> str:
    """Pooling keeps padding as given (no lower-casing, unlike Conv): "SAME" raises."""
    if not isinstance(value, str):
        raise NotKnown("padding is not known")
    if value not in ("valid", "same"):
        raise LayerFault(SHP105, f"{type_name}: padding must be 'valid' or 'same' (lower case), "
                         f"got {value!r}")
    return value


def _pool(rank, type_name, pool_size, strides, padding, data_format) -> Rule:
    sizes = int_tuple(pool_size, rank, "pool_size")
    steps = sizes if strides is None else int_tuple(strides, rank, "strides")
    pad = _pool_padding(padding, type_name)
    fmt = _data_format(data_format)
    return Rule(output=lambda x: _windowed(type_name, x, rank, fmt, sizes, steps, pad,
                                           (1,) * rank),
                ndim=rank + 2, tags=frozenset({"spatial"}))


def _pool_entry(rank, type_name):
    """MaxPooling defaults pool_size to 2s; AveragePooling requires it."""
    if type_name.startswith("Max"):
        def entry(pool_size=2 if rank == 1 else (2,) * rank, strides=None, padding="valid",
                  data_format=None, name=None, **kwargs):
            return _pool(rank, type_name, pool_size, strides, padding, data_format)
    else:
        def entry(pool_size, strides=None, padding="valid", data_format=None, name=None,
                  **kwargs):
            return _pool(rank, type_name, pool_size, strides, padding, data_format)
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
    elif isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise LayerFault(SHP105, f"ZeroPadding2D: padding should have two elements, got "
                             f"{tuple(padding)}")
        pads = tuple(int_tuple(p, 2, "padding", allow_zero=True) for p in padding)
    else:
        raise NotKnown("padding is not known")
    fmt = _data_format(data_format)

    def output(x):
        # a negative int padding crops (Keras does not check it) until a size would be negative
        dims = list(x[:])
        for axis, (a, b) in zip(_spatial_axes(2, fmt), pads):
            dims[axis] = dims[axis] + a + b
            if is_known(dims[axis]) and dims[axis] < 0:
                raise LayerFault(SHP102, f"ZeroPadding2D({padding!r}) makes axis {axis} of {x} "
                                 f"negative ({dims[axis]})", input_shape=x.to_json(),
                                 axis=axis, size=dims[axis])
        return Shape(tuple(dims))
    return Rule(output=output, ndim=4, tags=frozenset({"spatial"}))
