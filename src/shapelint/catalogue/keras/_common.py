"""Helpers the Keras 3 entries share: the image data format (a module global that
config.keras_data_format sets for each analysis, as Keras reads keras.json), the activation
names keras.activations.get resolves, the window arithmetic of keras/src/ops/operation_utils.py
(compute_conv_output_shape, compute_pooling_output_shape), and the rule of a wrapped layer. No
entry is registered here.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...domain.codes import SHP102, SHP105
from ...domain.dims import BATCH, NotKnown, Unknown
from ...domain.shapes import Shape, definitely_nonpositive, same_out, window_out
from .. import LayerFault, choice, int_tuple, known_int

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
                         f"\"Could not interpret activation function identifier\"",
                         activation_name=value if isinstance(value, str) else None)


def _positive_int(value, what: str, layer_name: str) -> int:
    """Keras's isinstance(value, int) checks: a float or bool is rejected outright."""
    if isinstance(value, (float, bool)):
        raise LayerFault(SHP105, f"{layer_name}: {what} must be a positive integer, got "
                         f"{value!r}").in_keras2(f"{layer_name}: a {type(value).__name__} {what}: "
                                                 "Keras 2 (tf.keras before TensorFlow 2.16) "
                                                 "takes it, Keras 3 refuses it")
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


@dataclass(frozen=True)
class Window:
    """The window arguments of a Keras convolution without causal padding (separable,
    depthwise, ConvLSTM), read and checked in Keras's order."""
    kernel: tuple
    strides: tuple
    dilation: tuple
    padding: str
    data_format: str

    @classmethod
    def read(cls, rank, kernel_size, strides, padding, data_format, dilation_rate) -> "Window":
        return cls(int_tuple(kernel_size, rank, "kernel_size"),
                   int_tuple(strides, rank, "strides"),
                   int_tuple(dilation_rate, rank, "dilation_rate"),
                   choice(padding, ("valid", "same"), "padding"),
                   _data_format(data_format))

    def output(self, layer_name, x: Shape, channels_out=None) -> Shape:
        return _windowed(layer_name, x, len(self.kernel), self.data_format, self.kernel,
                         self.strides, self.padding, self.dilation, channels_out)


def _is_keras_batch(d) -> bool:
    """The batch dim of a keras.Input without batch_size: None in Keras itself."""
    return d == BATCH


def _axes(axis):
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    for a in axes:
        known_int(a, "axis")
    return axes


def _inner_rule(inner, wrapper):
    rule = getattr(inner, "rule", None)
    if rule is None:
        raise NotKnown(f"the layer wrapped by {wrapper} is not known")
    return rule
