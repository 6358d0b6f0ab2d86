"""FLOPs of Keras 3 layers on the torch backend, as FlopCounterMode counts the torch ops they
run: Dense and EinsumDense are matmuls (einsum becomes bmm), convolutions are torch
convolutions (depthwise: groups = channels; separable: depthwise then a 1x1 convolution),
MultiHeadAttention is its projections plus Q·Kᵀ and A·V. Layers whose work is elementwise,
normalising, pooling, resampling or moving data count 0. Shapes include the batch dim.
"""
from __future__ import annotations

from ..domain.dims import NotKnown, same
from ..domain.shapes import Shape, product

ZERO = frozenset({
    "InputLayer", "Activation", "ActivityRegularization", "Add", "AlphaDropout", "Average",
    "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "BatchNormalization",
    "CenterCrop", "Concatenate", "Cropping1D", "Cropping2D", "Cropping3D", "Dropout", "ELU",
    "Flatten", "GaussianDropout", "GaussianNoise", "GlobalAveragePooling1D",
    "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalMaxPooling1D",
    "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GroupNormalization", "Identity",
    "LayerNormalization", "LeakyReLU", "Masking", "MaxPooling1D", "MaxPooling2D",
    "MaxPooling3D", "Maximum", "Minimum", "Multiply", "Normalization", "PReLU", "Permute",
    "ReLU", "RepeatVector", "Rescaling", "Reshape", "Resizing", "Softmax", "SpatialDropout1D",
    "SpatialDropout2D", "SpatialDropout3D", "Subtract", "UnitNormalization", "UpSampling1D",
    "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
    "Rearrange", "Reduce",
})


def _arg(args: dict, name: str):
    if name not in args:
        raise NotKnown(f"argument {name} is not known")
    return args[name]


def _tuple(value, n: int, what: str) -> tuple:
    value = (value,) * n if isinstance(value, int) else tuple(value)
    if len(value) != n or not all(isinstance(v, int) for v in value):
        raise NotKnown(f"{what} is not known")
    return value


def _layout(args: dict, x: Shape, y: Shape, channels_out, n: int) -> str:
    """channels_last or channels_first: as given, else read from the shapes the layer made
    (the global data format in force when the model was read is not kept with the graph)."""
    given = args.get("data_format")
    if given in ("channels_last", "channels_first"):
        return given
    fits = [f for f, axis in (("channels_last", -1), ("channels_first", 1))
            if same(y[axis], channels_out) is not False]
    if len(fits) == 1:
        return fits[0]
    if len(fits) == 2 and same(x[-1], x[1]) and same(product(y[1:n + 1]), product(y[2:])):
        return "channels_last"  # both readings give the same figures
    if len(fits) == 2 and "_weights" in args:
        # the kernel's size tells the input channels: keep the reading that agrees with it
        weights = args["_weights"]()
        fits = [f for f in fits if same(weights, _kernel_weights(args, _channels(x, f), n))]
        if len(fits) == 1:
            return fits[0]
    raise NotKnown("the channel axis is not known")


def _kernel_weights(args, channels, n):
    """The weights (bias excluded) a convolution of this many input channels builds."""
    kernel = product(_tuple(_arg(args, "kernel_size"), n, "kernel_size"))
    filters = _arg(args, "filters")
    if "depth_multiplier" in args:  # separable: depthwise then pointwise kernels
        inner = channels * _arg(args, "depth_multiplier")
        return inner * kernel + inner * filters + filters * bool(args.get("use_bias"))
    rows = kernel * channels // _arg(args, "groups")
    return rows * filters + filters * bool(args.get("use_bias")) + \
        _lora(args) * (rows + filters)


def _channels(x: Shape, layout: str):
    return x[-1] if layout == "channels_last" else x[1]


def _positions(y: Shape, layout: str, n: int):
    """Batch times the output's spatial positions."""
    return y[0] * product(y[1:n + 1] if layout == "channels_last" else y[2:])


def _lora(args) -> int:
    """LoRA's rank: each call also multiplies lora_kernel_a (kernel rows, rank) by
    lora_kernel_b (rank, units) to make the kernel it applies."""
    rank = args.get("lora_rank") or 0
    if not isinstance(rank, int):
        raise NotKnown("lora_rank is not known")
    return rank


def dense(args, xs, y):
    x = xs[0]
    return 2 * product(x[:-1]) * x[-1] * y[-1] + 2 * x[-1] * _lora(args) * y[-1]


def conv(n: int):
    def flops(args, xs, y):
        x = xs[0]
        filters, groups = _arg(args, "filters"), _arg(args, "groups")
        layout = _layout(args, x, y, filters, n)
        kernel = product(_tuple(_arg(args, "kernel_size"), n, "kernel_size"))
        rows = kernel * (_channels(x, layout) // groups)  # the kernel's rows: its fan-in
        return 2 * _positions(y, layout, n) * rows * filters + 2 * rows * _lora(args) * filters
    return flops


def conv_transpose(n: int):
    """Each input position spreads over the kernel: 2 * numel(input) * prod(kernel) * filters
    (FlopCounterMode's transposed conv_flop_count), whatever the layout."""
    def flops(args, xs, y):
        kernel = product(_tuple(_arg(args, "kernel_size"), n, "kernel_size"))
        return 2 * product(xs[0][:]) * kernel * _arg(args, "filters")
    return flops


def depthwise(n: int):
    def flops(args, xs, y):
        kernel = product(_tuple(_arg(args, "kernel_size"), n, "kernel_size"))
        return 2 * product(y[:]) * kernel
    return flops


def separable(n: int):
    def flops(args, xs, y):
        x, filters = xs[0], _arg(args, "filters")
        layout = _layout(args, x, y, filters, n)
        kernel = product(_tuple(_arg(args, "kernel_size"), n, "kernel_size"))
        inner = _channels(x, layout) * _arg(args, "depth_multiplier")
        return 2 * _positions(y, layout, n) * inner * (kernel + filters)
    return flops


def embedding(args, xs, y):
    """A lookup costs nothing; with LoRA the table is rebuilt each call (A·B)."""
    return 2 * _arg(args, "input_dim") * _lora(args) * _arg(args, "output_dim")


def einsum_dense(args, xs, y):
    """torch.einsum of two operands runs one bmm over every axis that survives into the
    product: 2 * the sizes of the batch, free and contracted axes (an axis only one side has
    and the output drops is summed first, for free)."""
    equation = _arg(args, "equation")
    if args.get("lora_rank"):
        raise NotKnown("a LoRA EinsumDense is not modelled")
    if not isinstance(equation, str) or "..." in equation or "->" not in equation:
        raise NotKnown("this einsum equation is not modelled")
    left, out_spec = equation.replace(" ", "").split("->")
    in_spec, kernel_spec = left.split(",")
    x = xs[0]
    sizes = {c: x[i] for i, c in enumerate(in_spec)}
    sizes.update({c: y[i] for i, c in enumerate(out_spec) if c not in sizes})
    kept = [c for c in dict.fromkeys(in_spec + kernel_spec)
            if (c in in_spec and c in kernel_spec) or c in out_spec]
    if any(c not in sizes for c in kept):
        raise NotKnown("an einsum axis has no known size")
    return 2 * product(sizes[c] for c in kept)


def multi_head_attention(args, xs, y):
    """Projections of query, key and value, Q·Kᵀ and A·V per head, the output projection."""
    if len(xs) < 2 or any(s.rank != 3 for s in xs[:3]):
        raise NotKnown("MultiHeadAttention FLOPs are modelled for rank-3 inputs")
    if args.get("attention_axes") is not None:
        raise NotKnown("attention_axes is not modelled")
    q, v = xs[0], xs[1]
    k = xs[2] if len(xs) > 2 else v
    heads, kd = _arg(args, "num_heads"), _arg(args, "key_dim")
    vd = args.get("value_dim") or kd
    b, t, s = q[0], q[1], v[1]
    out = y[-1]
    gate = bool(args.get("use_gate"))  # Keras 3.15: a sigmoid projection of the query
    return 2 * b * (t * q[-1] * heads * kd + s * k[-1] * heads * kd + s * v[-1] * heads * vd
                    + heads * t * s * (kd + vd) + t * heads * vd * out
                    + gate * t * q[-1] * heads * vd)


FORMULAS = {"Dense": dense, "EinsumDense": einsum_dense, "Embedding": embedding,
            "MultiHeadAttention": multi_head_attention}
for _n in (1, 2, 3):
    FORMULAS[f"Conv{_n}D"] = conv(_n)
    FORMULAS[f"Conv{_n}DTranspose"] = conv_transpose(_n)
    FORMULAS[f"DepthwiseConv{_n}D"] = depthwise(_n)
    FORMULAS[f"SeparableConv{_n}D"] = separable(_n)
