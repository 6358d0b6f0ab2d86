"""FLOPs of torch.nn modules, as torch.utils.flop_counter.FlopCounterMode counts them on the
meta device: 2 per multiply-accumulate of a matmul (mm/addmm/bmm/baddbmm, so Linear, attention
and recurrent gates) or a convolution; 0 for everything else (elementwise ops, norms, pooling,
embeddings, resampling). Each formula reads the module's bound constructor arguments and its
input and output shapes (batch included); a size it needs but does not know raises NotKnown.
"""
from __future__ import annotations

from ..domain.dims import NotKnown
from ..domain.shapes import Shape, product

# Modules whose forward runs no op FlopCounterMode counts (each checked in tests/test_cost.py
# over the catalogue's own grids).
ZERO = frozenset({
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "AlphaDropout", "AvgPool1d", "AvgPool2d",
    "AvgPool3d", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "CELU", "ChannelShuffle",
    "CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d",
    "ConstantPad3d", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "ELU", "Embedding",
    "EmbeddingBag", "FeatureAlphaDropout", "Flatten", "GELU", "GLU", "GroupNorm", "Hardshrink",
    "Hardsigmoid", "Hardswish", "Hardtanh", "Identity", "InstanceNorm1d", "InstanceNorm2d",
    "InstanceNorm3d", "LPPool1d", "LPPool2d", "LPPool3d", "LayerNorm", "LazyBatchNorm1d",
    "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
    "LazyInstanceNorm3d", "LeakyReLU", "LocalResponseNorm", "LogSigmoid", "LogSoftmax",
    "MaxPool1d", "MaxPool2d", "MaxPool3d", "Mish", "PReLU", "PixelShuffle", "PixelUnshuffle",
    "RMSNorm", "RReLU", "ReLU", "ReLU6", "ReflectionPad1d", "ReflectionPad2d",
    "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "SELU",
    "SiLU", "Sigmoid", "Softmax", "Softmax2d", "Softmin", "Softplus", "Softshrink", "Softsign",
    "Tanh", "Tanhshrink", "Threshold", "Unflatten", "Upsample", "UpsamplingBilinear2d",
    "UpsamplingNearest2d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
    # einops' weightless layers only rearrange or reduce
    "Rearrange", "Reduce",
})

# Modules whose FLOPs FlopCounterMode does not see (so no figure would be checkable).
UNCOUNTED = {
    "Bilinear": "torch runs Bilinear as aten._trilinear, which FlopCounterMode does not count",
}


def _arg(args: dict, name: str):
    if name not in args:
        raise NotKnown(f"argument {name} is not known")
    return args[name]


def _batched(x: Shape, unbatched_rank: int):
    """The batch size torch sees: 1 for an unbatched input (torch unsqueezes it)."""
    return 1 if x.rank == unbatched_rank else x[0]


def linear(args, xs, y):
    x = xs[0]
    return 2 * product(x[:-1]) * x[-1] * y[-1]


def conv(n: int, transposed: bool):
    """FlopCounterMode's conv_flop_count: 2 * N * C_in * C_out / groups * prod(kernel) * the
    output positions (the input positions for a transposed convolution)."""
    def flops(args, xs, y):
        x = xs[0]
        groups = _arg(args, "groups")
        positions = product((x if transposed else y)[-n:])
        kernel = product(_kernel(args, n))
        return 2 * _batched(x, n + 1) * positions * kernel * x[-n - 1] * (y[-n - 1] // groups)
    return flops


def _kernel(args, n):
    k = _arg(args, "kernel_size")
    k = (k,) * n if isinstance(k, int) else tuple(k)
    if len(k) != n:
        raise NotKnown("kernel_size is not known")
    return k


_GATES = {"RNN": 1, "LSTM": 4, "GRU": 3, "RNNCell": 1, "LSTMCell": 4, "GRUCell": 3}


def recurrent(kind: str):
    """Per time step, layer and direction: the input and the hidden matmuls of every gate, and
    LSTM's projection (torch runs them step by step on the meta device)."""
    def flops(args, xs, y):
        x = xs[0]
        gates, hidden = _GATES[kind], _arg(args, "hidden_size")
        proj = args.get("proj_size") or 0
        out = proj or hidden
        layers, dirs = _arg(args, "num_layers"), 2 if args.get("bidirectional") else 1
        if x.rank == 2:
            steps, batch = x[0], 1
        elif args.get("batch_first"):
            batch, steps = x[0], x[1]
        else:
            steps, batch = x[0], x[1]
        total = 0
        for layer in range(layers):
            width = x[-1] if layer == 0 else out * dirs
            step = 2 * batch * (width + out) * gates * hidden + 2 * batch * hidden * proj
            total = total + dirs * steps * step
        return total
    return flops


def cell(kind: str):
    def flops(args, xs, y):
        x = xs[0]
        batch = 1 if x.rank == 1 else x[0]
        return 2 * batch * (x[-1] + _arg(args, "hidden_size")) * _GATES[kind] * \
            _arg(args, "hidden_size")
    return flops


def _attention(args, q: Shape, k: Shape, v: Shape, embed, heads, batch_first: bool):
    """nn.MultiheadAttention: q/k/v projections, Q·Kᵀ and A·V per head, the output projection."""
    batched = q.rank == 3
    if batched:
        (n, length), source = ((q[0], q[1]), k[1]) if batch_first else ((q[1], q[0]), k[0])
    else:
        n, length, source = 1, q[0], k[0]
    extra = bool(args.get("add_bias_kv")) + bool(args.get("add_zero_attn"))
    attended = source + extra
    projections = 2 * n * (length * embed + source * k[-1] + source * v[-1]) * embed
    scores = 2 * 2 * n * length * attended * embed  # heads * head_dim = embed
    return projections + scores + 2 * n * length * embed * embed


def multihead_attention(args, xs, y):
    if len(xs) < 3:
        raise NotKnown("MultiheadAttention needs query, key and value")
    q, k, v = xs[:3]
    return _attention(args, q, k, v, _arg(args, "embed_dim"), _arg(args, "num_heads"),
                      bool(args.get("batch_first")))


def _feedforward(args, x: Shape, d_model):
    return 2 * 2 * product(x[:-1]) * d_model * _arg(args, "dim_feedforward")


def encoder_layer(args, xs, y):
    x, d, h = xs[0], _arg(args, "d_model"), _arg(args, "nhead")
    bf = bool(args.get("batch_first"))
    return _attention({}, x, x, x, d, h, bf) + _feedforward(args, x, d)


def decoder_layer(args, xs, y):
    if len(xs) < 2:
        raise NotKnown("TransformerDecoderLayer needs tgt and memory")
    tgt, memory = xs[:2]
    d, h, bf = _arg(args, "d_model"), _arg(args, "nhead"), bool(args.get("batch_first"))
    return (_attention({}, tgt, tgt, tgt, d, h, bf)
            + _attention({}, tgt, memory, memory, d, h, bf) + _feedforward(args, tgt, d))


def transformer(args, xs, y):
    if len(xs) < 2:
        raise NotKnown("Transformer needs src and tgt")
    src, tgt = xs[:2]
    encoders, decoders = _arg(args, "num_encoder_layers"), _arg(args, "num_decoder_layers")
    if args.get("custom_encoder") is not None or args.get("custom_decoder") is not None:
        raise NotKnown("a custom encoder or decoder")
    return encoders * encoder_layer(args, [src], y) + \
        decoders * decoder_layer(args, [tgt, src], y)


FORMULAS = {"Linear": linear, "LazyLinear": linear,
            "MultiheadAttention": multihead_attention,
            "TransformerEncoderLayer": encoder_layer,
            "TransformerDecoderLayer": decoder_layer, "Transformer": transformer}
for _n in (1, 2, 3):
    for _prefix in ("", "Lazy"):
        FORMULAS[f"{_prefix}Conv{_n}d"] = conv(_n, False)
        FORMULAS[f"{_prefix}ConvTranspose{_n}d"] = conv(_n, True)
for _kind in ("RNN", "LSTM", "GRU"):
    FORMULAS[_kind] = recurrent(_kind)
    FORMULAS[f"{_kind}Cell"] = cell(f"{_kind}Cell")
