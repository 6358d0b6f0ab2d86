"""More Keras 3 layers: merging, transposed and separable convolutions, resampling, wrappers,
normalization, attention, preprocessing, activations, noise.

Formulas follow each layer's build() and compute_output_shape() in keras/src/layers/; every
entry is cross-checked against real Keras in tests/test_keras_catalogue_more.py.
"""
from __future__ import annotations

import inspect

from ...codes import SHP105, SHP107
from ...dims import NotKnown, Unknown, is_known
from ...shapes import Shape, product
from .. import LayerFault, Rule, choice, flag, int_tuple, known_int, layer
from .core import _channel_axis, _data_format, _spatial_axes, _windowed
from .recurrent import _inner_rule

# -- merging (keras/src/layers/merging/) ----------------------------------------------------


def _mismatch(type_name, shapes, detail):
    text = ", ".join(str(s) for s in shapes)
    return LayerFault(SHP107, f"{type_name} cannot merge inputs of shapes {text}: {detail}",
                      input_shapes=[s.to_json() for s in shapes])


def _broadcast(type_name, shapes):
    """base_merge._compute_elemwise_op_output_shape over the non-batch axes."""
    out = tuple(shapes[0][1:])
    for shape in shapes[1:]:
        a, b = out, tuple(shape[1:])
        if len(a) < len(b):
            a, b = b, a
        if not b:
            out = a
            continue
        dims = list(a[:len(a) - len(b)])
        for i, j in zip(a[len(a) - len(b):], b):
            if not is_known(i) or not is_known(j):
                if i == 1 or j == 1:
                    dims.append(j if i == 1 else i)
                else:
                    dims.append(i if i == j else Unknown("merged size"))
            elif i == 1:
                dims.append(j)
            elif j == 1:
                dims.append(i)
            elif i != j:
                raise _mismatch(type_name, shapes, f"sizes {i} and {j} differ")
            else:
                dims.append(i)
        out = tuple(dims)
    batch = shapes[0][0]
    return Shape((batch,) + out)


def _merge_entry(type_name):
    def entry(**kwargs):
        def output(shapes):
            if len(shapes) < (2 if type_name in ("Subtract",) else 1):
                raise LayerFault(SHP105, f"{type_name} needs a list of inputs")
            if type_name == "Subtract" and len(shapes) != 2:
                raise LayerFault(SHP105, "Subtract takes exactly 2 inputs")
            return _broadcast(type_name, shapes)
        return Rule(output=output, multi_input=True, tags=frozenset({"merge"}))
    entry.__doc__ = f"keras.layers.{type_name}: element-wise over broadcast shapes; no weights."
    return entry


for _name in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"):
    layer("keras", _name)(_merge_entry(_name))


@layer("keras", "Concatenate")
def concatenate(axis=-1, **kwargs):
    """Sizes add on `axis`; every other axis must agree (concatenate.py build/compute)."""
    axis = known_int(axis, "axis")

    def output(shapes):
        if not shapes:
            raise LayerFault(SHP105, "Concatenate needs a list of inputs")
        rank = shapes[0].rank
        if any(s.rank != rank for s in shapes):
            raise _mismatch("Concatenate", shapes, "ranks differ")
        ax = axis % rank
        if ax == 0:
            raise NotKnown("concatenation on the batch axis")
        dims = list(shapes[0][:])
        for i in range(1, rank):
            if i == ax:
                continue
            sizes = [s[i] for s in shapes]
            known = {d for d in sizes if is_known(d)}
            if len(known) > 1:
                raise _mismatch("Concatenate", shapes,
                                f"axis {i} sizes {sorted(known)} differ (concatenation axis "
                                f"is {axis})")
            if known and not is_known(dims[i]):
                dims[i] = known.pop()
        total = 0
        for s in shapes:
            total = total + s[ax]
        dims[ax] = total
        return Shape(tuple(dims))
    return Rule(output=output, multi_input=True, tags=frozenset({"merge"}))


@layer("keras", "Dot")
def dot(axes, normalize=False, **kwargs):
    """Dot.compute_output_shape: drop the contracted axes, then the second batch axis."""
    pair = axes if isinstance(axes, (tuple, list)) else None
    if pair is None:
        known_int(axes, "axes")
    elif len(pair) != 2 or not all(is_known(a) for a in pair):
        raise NotKnown("axes is not known")

    def output(shapes):
        if len(shapes) != 2:
            raise LayerFault(SHP105, "Dot takes exactly 2 inputs")
        s1, s2 = list(shapes[0][:]), list(shapes[1][:])
        if pair is None:
            ax = [axes % len(s1), axes % len(s2)] if axes < 0 else [axes, axes]
        else:
            ax = [a % len(s) for a, s in zip(pair, (s1, s2))]
        a, b = s1[ax[0]], s2[ax[1]]
        if is_known(a) and is_known(b) and a != b:
            raise _mismatch("Dot", shapes, f"contracted sizes {a} and {b} differ")
        s1.pop(ax[0])
        s2.pop(ax[1])
        s2.pop(0)
        out = s1 + s2
        if len(out) == 1:
            out.append(1)
        return Shape(tuple(out))
    return Rule(output=output, multi_input=True, tags=frozenset({"merge"}))


# The functional forms: keras.layers.add([...]) is Add()([...]).
FUNCTIONAL_FORMS = {"add": "Add", "subtract": "Subtract", "multiply": "Multiply",
                    "average": "Average", "maximum": "Maximum", "minimum": "Minimum",
                    "concatenate": "Concatenate", "dot": "Dot"}


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
    kernel = int_tuple(kernel_size, rank, "kernel_size")
    steps = int_tuple(strides, rank, "strides")
    dil = int_tuple(dilation_rate, rank, "dilation_rate")
    pad = choice(padding, ("valid", "same"), "padding")
    fmt = _data_format(data_format)
    bias = flag(use_bias, "use_bias")

    def channels(x):
        return x[_channel_axis(fmt)] * mult

    def output(x, filters):
        return _windowed(type_name, x, rank, fmt, kernel, steps, pad, dil, filters)
    return product(kernel), channels, bias, output


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


# -- resampling: upsampling, cropping, padding ------------------------------------------------

def _pairs(value, rank, what):
    """int, (a, b, ...) symmetric per axis, or ((a0, a1), ...) per side."""
    if is_known(value):
        return ((value, value),) * rank
    if isinstance(value, (tuple, list)) and len(value) == rank:
        out = []
        for v in value:
            if is_known(v):
                out.append((v, v))
            else:
                out.append(int_tuple(v, 2, what, allow_zero=True))
        return tuple(out)
    if rank == 1 and isinstance(value, (tuple, list)) and len(value) == 2:
        return (int_tuple(value, 2, what, allow_zero=True),)
    raise NotKnown(f"{what} is not known")


def _resample_entry(rank, kind, default):
    def entry(*args, **kwargs):
        names = ("size",) if kind == "up" else ("cropping",) if kind == "crop" else ("padding",)
        value = args[0] if args else kwargs.get(names[0], default)
        fmt = _data_format(args[1] if len(args) > 1 else kwargs.get("data_format"))
        if rank == 1:
            fmt = "channels_last"
        if kind == "up":
            sizes = int_tuple(value, rank, "size")
        else:
            pairs = _pairs(value, rank, names[0])

        def output(x):
            dims = list(x[:])
            for i, axis in enumerate(_spatial_axes(rank, fmt)):
                if kind == "up":
                    dims[axis] = dims[axis] * sizes[i]
                elif kind == "crop":
                    dims[axis] = dims[axis] - pairs[i][0] - pairs[i][1]
                    if is_known(dims[axis]) and dims[axis] <= 0:
                        raise LayerFault(SHP105, f"Cropping{rank}D{value} removes all of axis "
                                         f"{axis} of {x}", input_shape=x.to_json())
                else:
                    dims[axis] = dims[axis] + pairs[i][0] + pairs[i][1]
            return Shape(tuple(dims))
        return Rule(output=output, ndim=rank + 2, tags=frozenset({"spatial"}))
    return entry


for _rank in (1, 2, 3):
    layer("keras", f"UpSampling{_rank}D")(_resample_entry(_rank, "up", 2 if _rank == 1
                                                          else (2,) * _rank))
    layer("keras", f"Cropping{_rank}D")(_resample_entry(_rank, "crop", 0 if _rank == 2
                                                        else 1))
for _rank in (1, 3):
    layer("keras", f"ZeroPadding{_rank}D")(_resample_entry(_rank, "pad", 1))


@layer("keras", "Permute")
def permute(dims, **kwargs):
    """dims are 1-based axes after the batch axis."""
    if not isinstance(dims, (tuple, list)) or not all(is_known(d) for d in dims):
        raise NotKnown("dims is not known")
    order = tuple(dims)
    if sorted(order) != list(range(1, len(order) + 1)):
        raise LayerFault(SHP105, f"Permute dims {order} are not a permutation of 1..{len(order)}")
    return Rule(output=lambda x: Shape((x[0],) + tuple(x[d] for d in order)),
                ndim=len(order) + 1)


@layer("keras", "RepeatVector")
def repeat_vector(n, **kwargs):
    n = known_int(n, "n")
    return Rule(output=lambda x: Shape((x[0], n, x[1])), ndim=2)


# -- recurrent (SimpleRNN, LSTM, GRU, cells, RNN, Bidirectional: keras_recurrent.py) ---------

@layer("keras", "TimeDistributed")
def time_distributed(layer, **kwargs):
    """Applies the wrapped layer to every step: (batch, steps, ...) -> (batch, steps, ...')."""
    inner = _inner_rule(layer, "TimeDistributed")

    def step(x):
        return Shape((x[0],) + tuple(x[2:]))

    def output(x):
        out = inner.output(step(x))
        if isinstance(out, list):
            raise NotKnown("TimeDistributed of a layer with several outputs")
        return Shape((x[0], x[1]) + tuple(out[1:]))
    return Rule(output=output, params=lambda x: inner.params(step(x)),
                frozen=lambda x: inner.frozen(step(x)), min_ndim=3)


# ConvLSTM1D/2D/3D: see keras_conv_lstm.py


# -- normalization ----------------------------------------------------------------------------

def _axes(axis):
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    for a in axes:
        known_int(a, "axis")
    return axes


@layer("keras", "LayerNormalization")
def layer_normalization(axis=-1, epsilon=1e-3, center=True, scale=True, *, rms_scaling=False,
                        **kwargs):
    """gamma and beta over the normalized axes."""
    axes = _axes(axis)
    if flag(rms_scaling, "rms_scaling"):
        raise NotKnown("rms_scaling is not modelled")
    n = flag(center, "center") + flag(scale, "scale")
    return Rule(output=lambda x: x, params=lambda x: n * product(x[a] for a in axes))


@layer("keras", "GroupNormalization")
def group_normalization(groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, **kwargs):
    groups = known_int(groups, "groups")
    axis = known_int(axis, "axis")
    n = flag(center, "center") + flag(scale, "scale")

    def output(x):
        c = x[axis]
        if is_known(c) and (c < groups or c % groups):
            raise LayerFault(SHP105, f"GroupNormalization: {c} channels cannot form {groups} "
                             "groups", input_shape=x.to_json())
        return x
    return Rule(output=output, params=lambda x: n * x[axis])


@layer("keras", "UnitNormalization")
def unit_normalization(axis=-1, **kwargs):
    """Divides by the L2 norm over axis; its call() refuses an axis outside the input."""
    axes = _axes(axis)

    def output(x):
        for a in axes:
            if x.known_rank and not -x.rank <= a < x.rank:
                raise LayerFault(SHP105, f"UnitNormalization: axis {a} is out of range for a "
                                 f"rank-{x.rank} input {x}")
        return x
    return Rule(output=output)


# -- attention --------------------------------------------------------------------------------

@layer("keras", "MultiHeadAttention")
def multi_head_attention(num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                         output_shape=None, attention_axes=None, **kwargs):
    """query/key/value projections (EinsumDense per head) and an output projection."""
    heads, kd = known_int(num_heads, "num_heads"), known_int(key_dim, "key_dim")
    vd = kd if value_dim is None else known_int(value_dim, "value_dim")
    bias = flag(use_bias, "use_bias")
    if output_shape is not None and not is_known(output_shape):
        raise NotKnown("output_shape is not modelled unless an int")

    def output(shapes):
        if len(shapes) < 2:
            raise NotKnown("MultiHeadAttention needs query and value")
        q = shapes[0]
        return q.with_last(q[-1] if output_shape is None else output_shape)

    def params(shapes):
        q, v = shapes[0], shapes[1]
        k = shapes[2] if len(shapes) > 2 else v
        out = q[-1] if output_shape is None else output_shape
        return (q[-1] * heads * kd + heads * kd * bias + k[-1] * heads * kd + heads * kd * bias
                + v[-1] * heads * vd + heads * vd * bias + heads * vd * out + out * bias)
    return Rule(output=output, params=params, multi_input=True, min_ndim=3)


@layer("keras", "Attention")
def attention(use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
    mode = choice(score_mode, ("dot", "concat"), "score_mode")
    n = flag(use_scale, "use_scale") + (mode == "concat")

    def output(shapes):
        if len(shapes) < 2:
            raise NotKnown("Attention needs [query, value]")
        return shapes[0].with_last(shapes[1][-1])
    return Rule(output=output, params=lambda shapes: n, multi_input=True, min_ndim=3)


# -- preprocessing ----------------------------------------------------------------------------

# Rescaling, Resizing, CenterCrop and Normalization: see keras_preprocessing.py


@layer("keras", "Lambda")
def lambda_layer(function, output_shape=None, mask=None, arguments=None, **kwargs):
    """No weights; the output shape is known only when output_shape is given as a tuple."""
    if isinstance(output_shape, (tuple, list)) and all(
            is_known(d) or d is None for d in output_shape):
        dims = tuple(Unknown("Lambda output") if d is None else d for d in output_shape)
        return Rule(output=lambda x: Shape((x[0],) + dims))

    def output(x):
        raise NotKnown("a Lambda layer's output shape is not inferred")
    return Rule(output=output)


# -- activations, noise, masking: shape-preserving -----------------------------------------

def _same_entry(type_name, required=None):
    """required: the name of the one argument the constructor cannot do without (rate,
    stddev); leaving it out is a TypeError in Keras."""
    def entry(*args, **kwargs):
        value = args[0] if required and args else 0
        if value is None or isinstance(value, (str, tuple, list)) or (
                isinstance(value, (int, float)) and not 0 <= value <= 1):
            raise LayerFault(SHP105, f"{type_name}: {required} must be a number between 0 and "
                             f"1, got {value!r}")
        return Rule(output=lambda x: x, tags=frozenset({"elementwise"}))
    entry.__doc__ = f"keras.layers.{type_name}: output shape equals input shape; no weights."
    if required:
        kinds = inspect.Parameter
        entry.__signature__ = inspect.Signature([
            kinds(required, kinds.POSITIONAL_OR_KEYWORD), kinds("args", kinds.VAR_POSITIONAL),
            kinds("kwargs", kinds.VAR_KEYWORD)])
    return entry


for _name in ("LeakyReLU", "ELU", "Softmax", "Masking", "Identity", "ActivityRegularization"):
    layer("keras", _name)(_same_entry(_name))
for _name, _required in (("GaussianNoise", "stddev"), ("GaussianDropout", "rate"),
                         ("AlphaDropout", "rate")):
    layer("keras", _name)(_same_entry(_name, _required))
for _rank in (1, 2, 3):
    layer("keras", f"SpatialDropout{_rank}D")(_same_entry(f"SpatialDropout{_rank}D", "rate"))


@layer("keras", "PReLU")
def prelu(alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
          shared_axes=None, **kwargs):
    """alpha has the input's shape (batch excluded) with shared axes set to 1: Keras's build
    sets param_shape[i - 1] = 1, plain Python indexing, so axis 0 shares the last axis."""
    shared = () if shared_axes is None else _axes(shared_axes)

    def alpha_shape(x):
        shape = list(x[1:])
        for i in shared:
            if not -len(shape) <= i - 1 < len(shape):
                raise LayerFault(SHP105, f"PReLU: shared axis {i} is outside the input {x} "
                                 "(Keras raises IndexError)")
            shape[i - 1] = 1
        return shape

    def output(x):
        alpha_shape(x)
        return x
    return Rule(output=output, params=lambda x: product(alpha_shape(x)))


@layer("keras", "EinsumDense")
def einsum_dense(equation, output_shape, activation=None, bias_axes=None, **kwargs):
    """equation "in,kernel->out" (no ellipsis): kernel sizes come from the input or from
    output_shape (batch excluded); the bias spans bias_axes (einsum_dense.py)."""
    if not isinstance(equation, str) or "..." in equation or "->" not in equation:
        raise NotKnown("this einsum equation is not modelled")
    left, out_spec = equation.replace(" ", "").split("->")
    if left.count(",") != 1:
        raise NotKnown("this einsum equation is not modelled")
    in_spec, kernel_spec = left.split(",")
    wanted = (output_shape,) if is_known(output_shape) or output_shape is None else output_shape
    if not isinstance(wanted, (tuple, list)) or len(wanted) != len(out_spec) - 1:
        raise NotKnown("output_shape is not known")
    bias = bias_axes or ""
    if not isinstance(bias, str):
        raise NotKnown("bias_axes is not known")

    def shapes(x):
        if x.rank != len(in_spec):
            raise LayerFault(SHP105, f"EinsumDense equation {equation!r} needs a rank-"
                             f"{len(in_spec)} input, got {x}", input_shape=x.to_json())
        # Keras prints output_shape as given (a None stays None even where the input knows)
        out = [x[0]] + [Unknown("EinsumDense output") if d is None else d for d in wanted]
        sizes = {c: x[i] for i, c in enumerate(in_spec)}
        sizes.update({c: out[i] for i, c in enumerate(out_spec) if c not in sizes})
        return Shape(tuple(out)), sizes

    def params(x):
        _, sizes = shapes(x)
        if any(c not in sizes for c in kernel_spec + bias):
            raise NotKnown("an einsum axis is neither in the input nor in the output")
        return product(sizes[c] for c in kernel_spec) + (product(sizes[c] for c in bias)
                                                         if bias else 0)
    return Rule(output=lambda x: shapes(x)[0], params=params)
