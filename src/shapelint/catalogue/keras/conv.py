"""Keras 3 convolutions: Conv1D/2D/3D, their transposed forms, the separable and depthwise ones.
Output sizes follow compute_conv_output_shape in keras/src/ops/operation_utils.py and each
layer's build() (Keras 3.15). Cross-checked against real Keras 3 (torch backend) in
tests/test_keras_catalogue.py and test_keras_catalogue_more.py.
"""
from __future__ import annotations

from ...domain.codes import SHP105
from ...domain.dims import NotKnown, is_known
from ...domain.shapes import Shape, product
from .. import LayerFault, Rule, choice, flag, int_tuple, known_int, layer
from ._common import (Window, _activation, _channel_axis, _data_format, _lora_rank, _spatial_axes,
                      _windowed)


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


# -- transposed, separable and depthwise convolutions ---------------------------------------

def _deconv_length(n, k, padding, output_padding, stride, dilation):
    """keras/src/utils/conv_utils... compute_conv_transpose_output_shape (deconv length)."""
    k = k + (k - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return n * stride + max(k - stride, 0)
        return n * stride
    pad = k // 2 if padding == "same" else 0
    return (n - 1) * stride + k - 2 * pad + output_padding


def _conv_transpose_entry(rank, type_name):
    default = (1,) * rank

    def entry(filters, kernel_size, strides=default, padding="valid", *args,
              output_padding=None, data_format=None, dilation_rate=default, activation=None,
              use_bias=True, **kwargs):
        if args:  # Conv3DTranspose orders these differently from 1D/2D: keyword them
            raise NotKnown(f"positional arguments after padding in {type_name}")
        filters = known_int(filters, "filters")
        kernel = int_tuple(kernel_size, rank, "kernel_size")
        steps = int_tuple(strides, rank, "strides")
        dil = int_tuple(dilation_rate, rank, "dilation_rate")
        pads = None if output_padding is None else int_tuple(output_padding, rank,
                                                             "output_padding", allow_zero=True)
        pad = choice(padding, ("valid", "same"), "padding")
        fmt = _data_format(data_format)
        bias = flag(use_bias, "use_bias")

        def output(x):
            dims = list(x[:])
            for i, axis in enumerate(_spatial_axes(rank, fmt)):
                dims[axis] = _deconv_length(x[axis], kernel[i], pad,
                                            None if pads is None else pads[i], steps[i], dil[i])
            dims[_channel_axis(fmt)] = filters
            return Shape(tuple(dims))
        return Rule(output=output, ndim=rank + 2, tags=frozenset({"spatial"}),
                    params=lambda x: product(kernel) * x[_channel_axis(fmt)] * filters
                    + filters * bias)
    entry.__doc__ = f"keras.layers.{type_name}: kernel (*kernel_size, filters, in)."
    return entry


for _rank in (1, 2, 3):
    layer("keras", f"Conv{_rank}DTranspose", f"Convolution{_rank}DTranspose")(
        _conv_transpose_entry(_rank, f"Conv{_rank}DTranspose"))


def _channelwise(rank, type_name, kernel_size, strides, padding, data_format, dilation_rate,
                 depth_multiplier, use_bias):
    """What separable and depthwise convolutions share: a kernel per input channel and
    multiplier. Returns the params of that depthwise step and the windowed output rule."""
    mult = known_int(depth_multiplier, "depth_multiplier")
    window = Window.read(rank, kernel_size, strides, padding, data_format, dilation_rate)
    bias = flag(use_bias, "use_bias")

    def channels(x):
        return x[_channel_axis(window.data_format)] * mult

    def output(x, filters):
        return window.output(type_name, x, filters)
    return product(window.kernel), channels, bias, output


def _separable_entry(rank, type_name):
    default = (1,) * rank

    def entry(filters, kernel_size, strides=default, padding="valid", data_format=None,
              dilation_rate=default, depth_multiplier=1, activation=None, use_bias=True,
              **kwargs):
        filters = known_int(filters, "filters")
        window, channels, bias, output = _channelwise(
            rank, type_name, kernel_size, strides, padding, data_format, dilation_rate,
            depth_multiplier, use_bias)
        return Rule(output=lambda x: output(x, filters),
                    params=lambda x: (window + filters) * channels(x) + filters * bias,
                    ndim=rank + 2, tags=frozenset({"spatial"}))
    entry.__doc__ = f"keras.layers.{type_name}: depthwise then pointwise kernels, bias."
    return entry


def _depthwise_entry(rank, type_name):
    default = (1,) * rank

    def entry(kernel_size, strides=default, padding="valid", depth_multiplier=1,
              data_format=None, dilation_rate=default, activation=None, use_bias=True,
              **kwargs):
        window, channels, bias, output = _channelwise(
            rank, type_name, kernel_size, strides, padding, data_format, dilation_rate,
            depth_multiplier, use_bias)
        return Rule(output=lambda x: output(x, channels(x)),
                    params=lambda x: (window + bias) * channels(x),
                    ndim=rank + 2, tags=frozenset({"spatial"}))
    entry.__doc__ = f"keras.layers.{type_name}: one kernel per input channel and multiplier."
    return entry


for _rank in (1, 2):
    layer("keras", f"SeparableConv{_rank}D", f"SeparableConvolution{_rank}D")(
        _separable_entry(_rank, f"SeparableConv{_rank}D"))
    layer("keras", f"DepthwiseConv{_rank}D")(_depthwise_entry(_rank, f"DepthwiseConv{_rank}D"))
