"""The torch catalogue against torch itself, over grids of constructor arguments and inputs.

For every case: when torch builds and runs the module, shapelint gives exactly its output shape
and parameter count; when torch raises, shapelint reports a fault (SHP1xx), never a number.
Torch runs on the meta device, except where a meta kernel checks less than the real one (then on
the CPU, with tiny inputs): softmax does not check dim, conv_transpose not the input channels.
"""
from __future__ import annotations

import inspect
import itertools
import math
import warnings

import pytest

torch = pytest.importorskip("torch")

from conftest import real_torch_layer, static_torch_layer  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny CPU convolutions run far faster without intra-op threads."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


ERRORS = (ValueError, TypeError, RuntimeError, AssertionError, IndexError, NotImplementedError,
          ZeroDivisionError)


# -- the two answers -------------------------------------------------------------------------

def static_multi(type_name, args, kwargs, shapes):
    """static_torch_layer for modules called with several tensors (all shapes batch-first)."""
    from shapelint.frameworks.layers import LayerObject, apply, make_layer_object
    from shapelint.domain.graph import LayerNode
    from shapelint.domain.shapes import Shape
    layer = make_layer_object(LayerObject, "torch", type_name, args, kwargs, "m", "", 0, 0)
    if layer.fault is not None:
        return None, None, layer.fault.code.code
    node = LayerNode(layer, "m", type_name, "", 0, 0)
    apply(node, [Shape(tuple(s)) for s in shapes], True)
    if node.fault is not None:
        return None, None, node.fault.code.code
    return node.output_shape.to_json(), node.params, None


def real_multi(type_name, args, kwargs, shapes, dtype=None, device="meta"):
    """real_torch_layer for several inputs, integer inputs or another device."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with torch.device(device):
                module = getattr(torch.nn, type_name)(*args, **kwargs)
                out = module(*[torch.empty(s, dtype=dtype) for s in shapes])
    except ERRORS as error:
        return None, None, type(error).__name__
    if isinstance(out, tuple):
        out = out[0]
    return list(out.shape), sum(p.numel() for p in module.parameters()), None


def real(type_name, args, kwargs, shape):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return real_torch_layer(type_name, args, kwargs, shape)
    except (NotImplementedError, ZeroDivisionError) as error:  # not caught by the helper
        return None, None, type(error).__name__


def agree(static, truth):
    s_shape, s_params, s_fault = static
    r_shape, r_params, r_fault = truth
    if r_fault is None:
        assert s_fault is None, f"shapelint reports {s_fault}, torch gives {r_shape}, {r_params}"
        assert (s_shape, s_params) == (r_shape, r_params)
    else:
        assert s_fault is not None and s_fault.startswith("SHP1"), \
            f"torch raises {r_fault}, shapelint gives {s_shape}, {s_params}"


# -- case bookkeeping --------------------------------------------------------------------------

def _text(v):
    return repr(v) if isinstance(v, str) else str(v).replace(" ", "")


def case(type_name, args=(), kwargs=None, shape=(), **how):
    """One grid case; `how` may hold shapes=[...] (multi-input), dtype, device."""
    kwargs = kwargs or {}
    inner = ",".join([_text(a) for a in args] + [f"{k}={_text(v)}" for k, v in kwargs.items()])
    shapes = how.get("shapes") or [shape]
    ident = f"{type_name}({inner})@" + "&".join(_text(tuple(s)) for s in shapes)
    return pytest.param(type_name, tuple(args), kwargs, tuple(shape), how, id=ident)


def check(type_name, args, kwargs, shape, how):
    if "shapes" in how:
        static = static_multi(type_name, args, kwargs, how["shapes"])
        truth = real_multi(type_name, args, kwargs, how["shapes"], how.get("dtype"),
                           how.get("device", "meta"))
    elif how:
        static = static_torch_layer(type_name, args, kwargs, shape)
        truth = real_multi(type_name, args, kwargs, [shape], how.get("dtype"),
                           how.get("device", "meta"))
    else:
        static = static_torch_layer(type_name, args, kwargs, shape)
        truth = real(type_name, args, kwargs, shape)
    agree(static, truth)


def grid(*axes):
    return itertools.product(*axes)


# -- linear ----------------------------------------------------------------------------------

LINEAR = [case("Linear", (i, o), {"bias": b}, s)
          for i, o, b, s in grid((3, 5), (0, 4), (True, False),
                                 [(2, 3), (3,), (2, 4, 3), (2, 5), (), (1, 2, 3, 5)])]
LINEAR += [case("LazyLinear", (o,), {"bias": b}, s)
           for o, b, s in grid((1, 4), (True, False), [(2, 3), (7,), (2, 4, 6), ()])]
LINEAR += [case("Identity", args, kw, s)
           for (args, kw), s in grid([((), {}), ((3,), {"foo": 4})], [(), (2, 3)])]
LINEAR += [case("Bilinear", (3, 4, 5), {"bias": b}, shapes=ss)
           for b, ss in grid((True, False),
                             [[(2, 3), (2, 4)], [(3,), (4,)], [(2, 6, 3), (2, 6, 4)],
                              [(2, 6, 3), (6, 4)], [(2, 3), (3, 4)], [(2, 3), (2, 5)],
                              [(2, 4), (2, 4)], [(), ()]])]


@pytest.mark.parametrize("type_name,args,kwargs,shape,how", LINEAR)
def test_linear(type_name, args, kwargs, shape, how):
    check(type_name, args, kwargs, shape, how)


# -- convolution -----------------------------------------------------------------------------

def _conv_case(n, kind, k, stride, padding, dilation, groups, size, batched, cin=4, cout=6,
               channels=None, **extra):
    shape = ((2,) if batched else ()) + ((cin if channels is None else channels),) + (size,) * n
    kw = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups, **extra}
    args = (cout, k) if kind.startswith("Lazy") else (cin, cout, k)
    # meta kernels check less here (conv_transpose: the input's channels and an empty output;
    # lazy conv: out_channels against groups): ask the CPU
    how = {"device": "cpu"} if "Transpose" in kind or "Lazy" in kind else {}
    return case(f"{kind}{n}d", args, kw, shape, **how)


CONV = [_conv_case(n, kind, k, s, p, d, g, size, bat)
        for n, kind, k, s, p, d, g, size, bat in grid(
            (1, 2, 3), ("Conv", "ConvTranspose", "LazyConv"), (1, 3), (1, 2), (0, 2, "same"),
            (1, 2), (1, 2), (3, 5), (True, False))
        if k > 1 or d == 1]  # a 1-wide kernel ignores dilation
CONV += [_conv_case(n, "LazyConvTranspose", 3, s, p, d, 2, 5, True)
         for n, s, p, d in grid((1, 2), (1, 2), (0, 1), (1, 3))]
# asymmetric kernels, strides and paddings given as tuples; 'valid'; bias off
CONV += [_conv_case(2, kind, k, s, p, 1, 1, 7, True, bias=b)
         for kind, k, s, p, b in grid(("Conv", "ConvTranspose"), [(3, 1), (1, 5), (2, 4)],
                                      [(1, 2), (2, 1)], [(0, 1), "valid", (3, 0)],
                                      (True, False))]
# channel mismatches and groups that divide nothing
CONV += [_conv_case(2, kind, 3, 1, 1, 1, g, 6, bat, cin=4, cout=co, channels=c)
         for kind, g, co, c, bat in grid(("Conv", "ConvTranspose", "LazyConv"), (1, 2, 3, 4),
                                         (4, 6), (3, 4, 8), (True, False))]
# the rank: conv{n}d takes n+1 or n+2 dims
CONV += [case(f"{kind}{n}d", (4, 6, 3) if kind == "Conv" else (6, 3), {}, (2, 4) + (9,) * m)
         for kind, n, m in grid(("Conv", "LazyConv"), (1, 2, 3), (0, 1, 2, 3, 4))]
# padding modes: reflect needs pad < size, circular pad <= size; transposes take only zeros
CONV += [_conv_case(n, "Conv", 3, 1, p, 1, 1, size, True, padding_mode=mode)
         for n, mode, p, size in grid((1, 2), ("zeros", "reflect", "replicate", "circular"),
                                      (1, 2, 3, "same", "valid"), (1, 2, 3, 5))]
CONV += [_conv_case(2, "Conv", 3, 1, 1, 1, 1, 5, True, padding_mode="Reflect"),
         _conv_case(2, "Conv", 3, 1, "full", 1, 1, 5, True),
         _conv_case(2, "ConvTranspose", 3, 1, 1, 1, 1, 5, True, padding_mode="reflect")]
# transposed output_padding: must be smaller than stride or dilation
CONV += [_conv_case(n, kind, 3, s, p, d, 1, 4, True, output_padding=op)
         for n, kind, s, d, op, p in grid((1, 2, 3), ("ConvTranspose", "LazyConvTranspose"),
                                          (1, 2, 3), (1, 2), (0, 1, 2), (0, 4))]


@pytest.mark.parametrize("type_name,args,kwargs,shape,how", CONV)
def test_conv(type_name, args, kwargs, shape, how):
    static = static_torch_layer(type_name, args, kwargs, shape)
    if "Transpose" in type_name and static[0] is not None and None in static[0]:
        # a batched transposed output of size 0: torch returns it or raises depending on its
        # kernel path (threads, dilation), so shapelint leaves exactly those sizes unknown
        r_shape, r_params, r_fault = real_multi(type_name, args, kwargs, [shape], device="cpu")
        if r_fault is None:
            assert ([None if r == 0 else r for r in r_shape], r_params) == static[:2]
        return
    check(type_name, args, kwargs, shape, how)


# -- pooling ---------------------------------------------------------------------------------

POOL = [case(f"MaxPool{n}d", (k,), {"stride": s, "padding": p, "dilation": d, "ceil_mode": c},
             (2, 3) + (size,) * n)
        for n, k, s, p, d, c, size in grid((1, 2, 3), (2, 3), (None, 1, 2), (0, 1, 2), (1, 2),
                                           (False, True), (2, 5, 6))]
POOL += [case(f"AvgPool{n}d", (k,), {"stride": s, "padding": p, "ceil_mode": c,
                                     "count_include_pad": k == 2}, (2, 3) + (size,) * n)
         for n, k, s, p, c, size in grid((1, 2, 3), (2, 3), (None, 2, 3), (0, 1, 2),
                                         (False, True), (1, 5, 6))]
POOL += [case(f"LPPool{n}d", (2, k), {"stride": s, "ceil_mode": c}, (3,) + (size,) * n)
         for n, k, s, c, size in grid((1, 2, 3), (2, 3), (None, 1, 2), (False, True), (2, 5))]
# tuples, unbatched inputs and the ranks the pools refuse
POOL += [case(f"{kind}{n}d", (k,), {"stride": s}, (2, 3, 7, 6)[4 - rank:] if n == 2 else
              (2, 3, 7, 6, 5, 5)[6 - rank:])
         for kind, n, k, s, rank in grid(("MaxPool", "AvgPool"), (2, 3), [(3,), (2, 3)],
                                         (None, (1, 2)), (2, 3, 4, 5))]
ADAPTIVE = (1, 3, 7, 0, -1, None, (2, None), (None, 3, 2), (4,))
POOL += [case(f"Adaptive{kind}Pool{n}d", (o,), {}, (2, 3, 5, 6, 5)[5 - rank:])
         for kind, n, o, rank in grid(("Avg", "Max"), (1, 2, 3), ADAPTIVE, (1, 2, 3, 4, 5))
         if not (isinstance(o, tuple) and len(o) > 3)]


@pytest.mark.parametrize("type_name,args,kwargs,shape,how", POOL)
def test_pool(type_name, args, kwargs, shape, how):
    check(type_name, args, kwargs, shape, how)


# -- normalization ---------------------------------------------------------------------------

NORM = [case(f"BatchNorm{n}d", (3,), {"affine": a, "track_running_stats": t, "bias": b},
             (2, c) + (4,) * m)
        for n, a, t, b, c, m in grid((1, 2, 3), (True, False), (True, False), (True, False),
                                     (3, 4), (0, 1, 2, 3))]
NORM += [case("BatchNorm1d", (4,), {}, s) for s in [(4,), (2, 4), (3, 4, 1), (2, 4, 1, 1)]]
NORM += [case(f"LazyBatchNorm{n}d", (), {"affine": a}, (2, 5) + (3,) * n)
         for n, a in grid((1, 2, 3), (True, False))]
NORM += [case(f"InstanceNorm{n}d", (3,), {"affine": a, "track_running_stats": t, "bias": b},
              (2, c, 1 if one else 4) + (4,) * (n - 1) if bat else (c, 1 if one else 4) +
              (4,) * (n - 1))
         for n, a, t, b, c, one, bat in grid((1, 2, 3), (True, False), (True, False),
                                             (True, False), (3, 5), (False, True),
                                             (True, False))
         if not (one and t)]  # one spatial element with running stats: fails only in training
NORM += [case(f"InstanceNorm{n}d", (3,), {}, (2, 3, 4, 4, 4, 4)[:m])
         for n, m in grid((1, 2, 3), (1, 2, 3, 4, 5, 6))]
NORM += [case(f"LazyInstanceNorm{n}d", (), {"affine": a, "track_running_stats": t}, s)
         for n, a, t, s in grid((1, 2, 3), (True, False), (True, False),
                                [(2, 5, 3, 3, 3), (5, 3, 3, 3), (3, 3, 3, 3)])
         if len(s) - n in (1, 2)]  # unbatched: num_features is read from dim 1 all the same
NORM += [case("LayerNorm", (ns,), {"elementwise_affine": ea, "bias": b}, s)
         for ns, ea, b, s in grid((4, (3, 4), [2, 3, 4], (4, 3)), (True, False), (True, False),
                                  [(2, 3, 4), (4,), (), (2, 3, 5)])]
NORM += [case("RMSNorm", (ns,), {"elementwise_affine": ea}, s)
         for ns, ea, s in grid((4, (3, 4)), (True, False), [(2, 3, 4), (4,), (2, 3, 5)])]
NORM += [case("GroupNorm", (g, 4), {"affine": a, "bias": b}, s)
         for g, a, b, s in grid((1, 2, 3, 4), (True, False), (True, False),
                                [(2, 4, 3), (2, 4), (4,), (2, 6, 3), (2, 5, 3), (1, 4),
                                 (1, 4, 2)])]
NORM += [case("LocalResponseNorm", (2,), {}, (2, 6, 3, 3, 3, 3)[:m]) for m in range(1, 7)]


@pytest.mark.parametrize("type_name,args,kwargs,shape,how", NORM)
def test_norm(type_name, args, kwargs, shape, how):
    check(type_name, args, kwargs, shape, how)


# -- embeddings ------------------------------------------------------------------------------

LONG = {"dtype": torch.long}
EMBED = [case("Embedding", (10, 3), {"padding_idx": p}, s, **LONG)
         for p, s in grid((None, 0, 9, -10, 10, -11), [(2, 5), (), (7,), (2, 3, 4)])]
EMBED += [case("Embedding", (n, d), {"max_norm": 1.0}, (2, 5), **LONG)
          for n, d in grid((0, 4), (0, 3))]
EMBED += [case("EmbeddingBag", (10, 3), kw, s, **LONG)
          for kw, s in grid([{}, {"mode": "max"}, {"mode": "sum", "include_last_offset": True},
                             {"mode": "foo"}, {"padding_idx": 12}, {"padding_idx": 2}],
                            [(2, 5), (2, 2, 5)])]
EMBED += [case("EmbeddingBag", (10, 3), kw, shapes=ss, **LONG)
          for kw, ss in grid([{}, {"include_last_offset": True}],
                             [[(7,), (3,)], [(2, 5), (2,)], [(7,), (3, 1)]])]


@pytest.mark.parametrize("type_name,args,kwargs,shape,how", EMBED)
def test_embedding(type_name, args, kwargs, shape, how):
    check(type_name, args, kwargs, shape, how)


# -- recurrent -------------------------------------------------------------------------------

RNN = [case(kind, (4, 5), {"num_layers": nl, "bidirectional": bi, "batch_first": bf,
                           "bias": b, **({"proj_size": p} if p else {})}, s)
       for kind, nl, bi, bf, b, p, s in grid(("RNN", "LSTM", "GRU"), (1, 2), (False, True),
                                             (False, True), (True, False), (0, 3),
                                             [(3, 2, 4), (3, 4), (3, 2, 5), (4,)])
       if kind == "LSTM" or not p]
RNN += [case("RNN", (4, 5, 2, "relu"), {}, (3, 2, 4)),
        case("RNN", (4, 5), {"nonlinearity": "sigmoid"}, (3, 2, 4)),
        case("LSTM", (4, 5), {"proj_size": 5}, (3, 2, 4)),
        case("GRU", (4, 5), {"dropout": 1.5}, (3, 2, 4)),
        case("GRU", (4, 5), {"bias": 1}, (3, 2, 4)),
        case("LSTM", (4, 5), {"batch_first": None}, (3, 2, 4)),
        case("GRU", (4, 5, 0), {}, (3, 2, 4))]
RNN += [case(kind, (4, 5), {"bias": b}, s)
        for kind, b, s in grid(("RNNCell", "LSTMCell", "GRUCell"), (True, False),
                               [(2, 4), (4,), (2, 5), (2, 2, 4)])]
RNN += [case("RNNCell", (4, 5), {"nonlinearity": nl}, (2, 4)) for nl in ("relu", "foo")]


@pytest.mark.parametrize("type_name,args,kwargs,shape,how", RNN)
def test_recurrent(type_name, args, kwargs, shape, how):
    check(type_name, args, kwargs, shape, how)


# -- attention -------------------------------------------------------------------------------

def _qkv(batched, batch_first, kdim=8, vdim=8, L=3, S=5, N=2, E=8, kN=None):
    kN = N if kN is None else kN

    def make(length, n, width):
        if not batched:
            return (length, width)
        return (n, length, width) if batch_first else (length, n, width)
    return [make(L, N, E), make(S, kN, kdim), make(S, kN, vdim)]


ATTENTION = [case("MultiheadAttention", (8, h),
                  {"bias": b, "add_bias_kv": kv, "batch_first": bf, **dims},
                  shapes=_qkv(bat, bf, dims.get("kdim", 8), dims.get("vdim", 8)))
             for h, b, kv, bf, dims, bat in grid(
                 (1, 2, 3), (True, False), (False, True), (False, True),
                 [{}, {"kdim": 4, "vdim": 6}, {"kdim": 4}], (True, False))]
ATTENTION += [case("MultiheadAttention", (8, 2), {}, shapes=ss)
              for ss in [_qkv(True, False, E=6, kdim=6, vdim=6), _qkv(True, False, kN=3),
                         [(3, 2, 8), (5, 2, 8), (4, 2, 8)], [(3, 2, 8), (5, 8), (5, 8)],
                         [(8,), (8,), (8,)], _qkv(True, False, kdim=4),
                         [(3, 8), (5, 8), (5, 8)], [(3, 1, 2, 8)] * 3]]
ATTENTION += [case("MultiheadAttention", (8, 2), {"kdim": 4, "vdim": 6}, shapes=ss)
              for ss in [[(3, 2, 8), (5, 2, 4), (4, 2, 6)], [(3, 8), (5, 4), (5, 6)],
                         [(3, 8), (5, 4), (4, 6)], [(3, 2, 8), (5, 2, 6), (5, 2, 4)]]]
ATTENTION += [case("TransformerEncoderLayer", (8, h), {"dim_feedforward": ff, "bias": b,
                                                       "norm_first": nf, "batch_first": bf},
                   s)
              for h, ff, b, nf, bf, s in grid((2, 3), (16, 2048), (True, False),
                                              (False, True), (False, True),
                                              [(3, 2, 8), (3, 8), (8,), (3, 2, 6)])]
ATTENTION += [case("TransformerEncoderLayer", (8, 2), {"activation": a}, (3, 2, 8))
              for a in ("gelu", "relu", "tanh")]
ATTENTION += [case("TransformerDecoderLayer", (8, h), {"dim_feedforward": 16, "bias": b,
                                                       "batch_first": bf}, shapes=ss)
              for h, b, bf, ss in grid((2, 3), (True, False), (False, True),
                                       [[(3, 2, 8), (5, 2, 8)], [(3, 8), (5, 8)],
                                        [(3, 2, 8), (5, 8)], [(3, 2, 8), (5, 3, 8)],
                                        [(3, 2, 8), (5, 2, 6)], [(2, 3, 8), (2, 5, 8)]])]
ATTENTION += [case("Transformer", (8, 2, ne, nd, 16), {"batch_first": bf}, shapes=ss)
              for ne, nd, bf, ss in grid((1, 2), (1, 0), (False, True),
                                         [[(5, 2, 8), (3, 2, 8)], [(5, 8), (3, 8)],
                                          [(5, 2, 8), (3, 4, 8)], [(5, 2, 6), (3, 2, 6)],
                                          [(5, 8), (3, 2, 8)]])]


@pytest.mark.parametrize("type_name,args,kwargs,shape,how", ATTENTION)
def test_attention(type_name, args, kwargs, shape, how):
    check(type_name, args, kwargs, shape, how)


# -- resampling and shuffles -------------------------------------------------------------------

CPU = {"device": "cpu"}  # the meta kernels of interpolate let an empty output through
RESAMPLE = [case("Upsample", (), {**sz, "mode": mode}, (1, 3, 5, 6, 7)[:rank], **CPU)
            for sz, mode, rank in grid(
                [{"scale_factor": 2}, {"scale_factor": 1.5}, {"scale_factor": 0.3},
                 {"scale_factor": 0.1}, {"size": 7}, {"size": (7, 8)}, {"size": 0},
                 {"scale_factor": (2.0, 0.5)}, {}, {"size": 4, "scale_factor": 2}],
                ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area",
                 "nearest-exact", "foo"), (2, 3, 4, 5, 6))]
RESAMPLE += [case("Upsample", (), {"scale_factor": 1.7, **kw}, (1, 3, 5, 5), **CPU)
             for kw in [{"recompute_scale_factor": True}, {"align_corners": True},
                        {"mode": "bilinear", "align_corners": True}]]
RESAMPLE += [case(name, (), kw, s, **CPU)
             for name, kw, s in grid(("UpsamplingNearest2d", "UpsamplingBilinear2d"),
                                     [{"size": 3}, {"scale_factor": 2}, {}],
                                     [(1, 3, 5, 5), (1, 3, 5)])]
RESAMPLE += [case("PixelShuffle", (r,), {}, s)
             for r, s in grid((1, 2, 3), [(2, 8, 3, 3), (8, 3, 3), (8, 3), (1, 1, 8, 3, 3),
                                          (2, 18, 3, 3), (2, 9, 2, 2)])]
RESAMPLE += [case("PixelUnshuffle", (r,), {}, s)
             for r, s in grid((1, 2, 3), [(2, 6, 4, 4), (2, 6, 3, 4), (6, 6, 6), (6, 6),
                                          (1, 1, 2, 6, 12)])]
RESAMPLE += [case("ChannelShuffle", (g,), {}, s)
             for g, s in grid((1, 2, 4), [(2, 6, 3), (2, 6), (6,), (2, 8, 3, 3, 3, 3)])]


@pytest.mark.parametrize("type_name,args,kwargs,shape,how", RESAMPLE)
def test_resample(type_name, args, kwargs, shape, how):
    check(type_name, args, kwargs, shape, how)


# -- sliding blocks --------------------------------------------------------------------------

# on the CPU: the meta kernels accept a negative padding that the CPU's forward rejects
BLOCKS = [case("Unfold", (k,), {"dilation": d, "padding": p, "stride": st}, s, **CPU)
          for k, d, p, st, s in grid((1, 2, (2, 3)), (1, 2), (0, 1), (1, (1, 2)),
                                     [(2, 3, 5, 5), (3, 6, 7), (2, 3, 1, 1), (0, 3, 5, 5),
                                      (2, 0, 5, 5), (1, 2, 3, 5, 5), (3, 5)])]
BLOCKS += [case("Unfold", (k,), {"padding": p, "stride": st}, (2, 3, 5, 5), **CPU)
           for k, p, st in [(0, 0, 1), (2, -1, 1), (2, 0, 0)]]
BLOCKS += [case("Fold", (size, k), {"dilation": d, "padding": p, "stride": st}, s, **CPU)
           for size, k, d, p, st, s in grid(((5, 5), (4, 6)), (2, (2, 3)), (1, 2), (0, 1),
                                            (1, 2),
                                            [(2, 12, 16), (12, 16), (2, 12, 15), (2, 10, 16),
                                             (2, 12, 16, 1), (2, 24, 4), (0, 12, 16), (2, 12, 2),
                                             (2, 12, 20), (2, 18, 10), (18, 6)])]


@pytest.mark.parametrize("type_name,args,kwargs,shape,how", BLOCKS)
def test_sliding_blocks(type_name, args, kwargs, shape, how):
    check(type_name, args, kwargs, shape, how)


# -- padding ---------------------------------------------------------------------------------

def _pad_args(kind, p):
    return (p, 0.5) if kind == "ConstantPad" else (p,)


def _pad_value(p, n):
    return {"one": 1, "big": 5, "neg": -1, "short": (1, 2), "crop": (-2, -2) * n,
            "mixed": (1, -2) * n}[p]


PAD = [case(f"{kind}{n}d", _pad_args(kind, _pad_value(p, n)), {}, (2, 3, 5, 4, 6)[5 - rank:])
       for kind, n, p, rank in grid(
           ("ZeroPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "CircularPad"),
           (1, 2, 3), ("one", "big", "neg", "short", "crop", "mixed"), (1, 2, 3, 4, 5))]


@pytest.mark.parametrize("type_name,args,kwargs,shape,how", PAD)
def test_pad(type_name, args, kwargs, shape, how):
    check(type_name, args, kwargs, shape, how)


# -- dropout, activations, reshaping -----------------------------------------------------------

SHAPES = [(), (3,), (2, 3), (2, 3, 4), (2, 3, 4, 5), (2, 3, 4, 5, 2), (1, 2, 3, 4, 5, 2)]
ELEMENTWISE = [case(name, args, {}, s)
               for (name, args), s in grid(
                   [("Dropout", ()), ("Dropout1d", ()), ("Dropout2d", ()), ("Dropout3d", ()),
                    ("AlphaDropout", ()), ("FeatureAlphaDropout", ()), ("Dropout", (1.5,)),
                    ("Dropout2d", (-0.1,)), ("ReLU", ()), ("ReLU6", ()), ("LeakyReLU", (0.2,)),
                    ("ELU", ()), ("SELU", ()), ("CELU", (0.5,)), ("GELU", ("tanh",)),
                    ("GELU", ("foo",)), ("SiLU", ()), ("Mish", ()), ("Sigmoid", ()),
                    ("Tanh", ()), ("Hardtanh", (-2.0, 2.0)), ("Hardtanh", (2.0, 1.0)),
                    ("Hardswish", ()), ("Hardsigmoid", ()), ("Softplus", (2.0,)),
                    ("Softsign", ()), ("Softshrink", ()), ("Hardshrink", ()),
                    ("Tanhshrink", ()), ("Threshold", (0.1, 20.0)), ("LogSigmoid", ()),
                    ("RReLU", ()), ("Softmax2d", ()), ("LocalResponseNorm", (3,))],
                   SHAPES[:6])]
ELEMENTWISE += [case("PReLU", (k,), {}, s) for k, s in grid((1, 3), SHAPES[:5])]
ELEMENTWISE += [case("PReLU", (3,), {}, s) for s in [(2, 4, 5), (3,), (5, 3)]]
ELEMENTWISE += [case("GLU", (d,), {}, s)
                for d, s in grid((-1, 0, 1, 3, -4), [(), (4,), (2, 6), (2, 5), (2, 6, 4)])]
ELEMENTWISE += [case(name, (d,), {}, s, device="cpu")
                for name, d, s in grid(("Softmax", "LogSoftmax", "Softmin"),
                                       (None, 0, 1, 2, -1, -3, 3), [(), (3,), (2, 3, 4)])]
ELEMENTWISE += [case("Flatten", (a, b), {}, s)
                for a, b, s in grid((0, 1, 2, -2), (-1, 1, 2, 5), [(), (4,), (2, 3, 4),
                                                                   (2, 3, 4, 5)])]
ELEMENTWISE += [case("Unflatten", (d, u), {}, s)
                for d, u, s in grid((1, -1, 3), [(2, 3), (-1, 3), (-1, 4), (-1, -1), (6,), ()],
                                    [(2, 6, 4), (2, 6, 6)])]
ELEMENTWISE += [case("Unflatten", (1, [2, 3]), {}, (2, 6, 4)),
                case("Unflatten", (1, 6), {}, (2, 6, 4))]


@pytest.mark.parametrize("type_name,args,kwargs,shape,how", ELEMENTWISE)
def test_elementwise_and_reshape(type_name, args, kwargs, shape, how):
    check(type_name, args, kwargs, shape, how)


# -- signatures ------------------------------------------------------------------------------

def _entries():
    # every module of the catalogue, whatever others tests imported before collection (the
    # same list in every pytest-xdist worker)
    from shapelint.catalogue import CATALOGUES
    from shapelint.catalogue.torch import load
    load()
    return sorted(CATALOGUES["torch"].items())


@pytest.mark.parametrize("name,entry", _entries(), ids=lambda v: v if isinstance(v, str) else "")
def test_signature_matches_torch(name, entry):
    """Names, order, kinds and defaults as in torch 2.13 (RNN/LSTM/GRU: their typed overload;
    a callable default such as F.relu is written as its name)."""
    cls = getattr(torch.nn, name)
    real_sig = inspect.signature(cls.__init__)
    if name in ("RNN", "LSTM", "GRU"):
        real_sig = inspect.signature(torch.nn.RNNBase.__init__)
        params = [p for p in real_sig.parameters.values() if p.name not in ("self", "mode")]
        if name == "RNN":
            params.insert(3, inspect.Parameter("nonlinearity", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                               default="tanh"))
        if name != "LSTM":
            params = [p for p in params if p.name != "proj_size"]
    elif cls.__init__ is torch.nn.Module.__init__:
        params = []  # Module.__init__(*args, **kwargs) raises TypeError for any argument
    else:
        params = [p for p in real_sig.parameters.values() if p.name != "self"]
    ours = list(entry.signature.parameters.values())
    assert [(p.name, p.kind) for p in ours] == [(p.name, p.kind) for p in params]
    for mine, theirs in zip(ours, params):
        default = theirs.default
        if callable(default) and not isinstance(default, type):
            default = default.__name__
        if isinstance(default, float) and isinstance(mine.default, float):
            assert math.isclose(mine.default, default), mine.name
        else:
            assert mine.default == default, mine.name


# -- which fault, and what it says -------------------------------------------------------------

def _fault(type_name, args, kwargs, *shapes):
    """The LayerFault shapelint raises (at construction or on these inputs), or None."""
    from shapelint.frameworks.layers import LayerObject, apply, make_layer_object
    from shapelint.domain.graph import LayerNode
    from shapelint.domain.shapes import Shape
    layer = make_layer_object(LayerObject, "torch", type_name, args, kwargs, "m", "", 0, 0)
    if layer.fault is not None:
        return layer.fault
    node = LayerNode(layer, "m", type_name, "", 0, 0)
    apply(node, [Shape(tuple(s)) for s in shapes], True)
    return node.fault


@pytest.mark.parametrize("type_name,args,kwargs,shapes,code,words", [
    ("Linear", (9216, 10), {}, [(2, 32, 26, 26)], "SHP101", ("9216", "26")),
    ("Bilinear", (3, 4, 5), {}, [(2, 3), (2, 5)], "SHP101", ("in2_features=4", "5")),
    ("Conv2d", (3, 16, 3), {}, [(2, 1, 28, 28)], "SHP106", ("in_channels=3", "1")),
    ("BatchNorm2d", (16,), {}, [(2, 32, 8, 8)], "SHP106", ("num_features=16", "32")),
    ("LayerNorm", ((8, 8),), {}, [(2, 8, 7)], "SHP106", ("7",)),
    ("LSTM", (10, 20), {}, [(5, 2, 12)], "SHP106", ("input_size=10", "12")),
    ("MultiheadAttention", (8, 2), {}, [(3, 2, 6)] * 3, "SHP106", ("embed_dim=8", "6")),
    ("Conv2d", (3, 16, 5), {}, [(2, 3, 4, 4)], "SHP102", ("from 4 to 0", "too small")),
    ("MaxPool2d", (2,), {}, [(2, 3, 1, 1)], "SHP102", ("from 1 to 0",)),
    ("ReflectionPad2d", (3,), {}, [(2, 3, 3, 8)], "SHP102", ("is 3", "reflect")),
    ("Conv2d", (3, 16, 3), {"groups": 2}, [(2, 3, 8, 8)], "SHP105", ("groups (2)", "3")),
    ("Conv2d", (4, 8, 3), {"stride": 2, "padding": "same"}, [(2, 4, 8, 8)], "SHP105",
     ("same",)),
    ("Unflatten", (1, (4, 4)), {}, [(2, 15)], "SHP104", ("16", "15")),
    ("PixelShuffle", (2,), {}, [(2, 6, 3, 3)], "SHP104", ("6", "4")),
    ("Conv2d", (3, 16, 3), {}, [(3, 28)], "SHP103", ("3-D or 4-D", "rank 2")),
])
def test_fault_codes_and_messages(type_name, args, kwargs, shapes, code, words):
    fault = _fault(type_name, args, kwargs, *shapes)
    assert fault is not None and fault.code.code == code
    for word in words:
        assert word in fault.message, fault.message


def test_linear_fault_data():
    fault = _fault("Linear", (9216, 10), {}, (2, 32, 26, 26))
    assert fault.data["in_features"] == 9216 and fault.data["actual"] == 26


# -- symbolic and unknown sizes: no invented numbers, no invented faults -------------------------

def _sym(*names):
    from shapelint.domain.dims import Sym
    return [Sym(n) for n in names]


def test_symbolic_conv_chain():
    b, h, w = _sym("B", "H", "W")
    assert static_torch_layer("Conv2d", (3, 16, 3), {"stride": 2, "padding": 1},
                              (b, 3, h, w)) == (["B", 16, "(H - 1) // 2 + 1",
                                                 "(W - 1) // 2 + 1"], 448, None)
    assert static_torch_layer("MaxPool2d", (2,), {}, (b, 3, h, w))[0] == \
        ["B", 3, "(H - 2) // 2 + 1", "(W - 2) // 2 + 1"]
    assert static_torch_layer("Flatten", (), {}, (b, 3, h, w))[0] == ["B", "3 * H * W"]
    assert static_torch_layer("Upsample", (), {"scale_factor": 2}, (b, 3, h, w))[0] == \
        ["B", 3, "2 * H", "2 * W"]


@pytest.mark.parametrize("type_name,args,kwargs,out", [
    ("MaxPool2d", (2,), {"ceil_mode": True}, ["B", 3, None, None]),
    ("Upsample", (), {"scale_factor": 1.5}, ["B", 3, None, None]),
    ("Conv2d", (3, 8, 3), {}, ["B", 8, "H - 2", "W - 2"]),
])
def test_symbolic_sizes_stay_honest(type_name, args, kwargs, out):
    b, h, w = _sym("B", "H", "W")
    shape, _, fault = static_torch_layer(type_name, args, kwargs, (b, 3, h, w))
    assert fault is None and shape == out


def test_unknown_sizes_are_not_faults():
    from shapelint.domain.dims import Unknown
    u = Unknown("test")
    assert static_torch_layer("Linear", (10, 4), {}, (u, u)) == ([None, 4], 44, None)
    assert static_torch_layer("Conv2d", (3, 8, 3), {}, (u, u, 9, 9))[2] is None
    assert static_torch_layer("BatchNorm2d", (3,), {}, (u, u, u, u))[1:] == (6, None)
    b, f = _sym("B", "F")
    shape, params, fault = static_torch_layer("LazyLinear", (4,), {}, (b, f))
    assert (shape, str(params), fault) == (["B", 4], "4 * F + 4", None)


def test_an_unbatched_input_of_unknown_channels_is_unknown():
    """torch reads a 3-D input to Conv2d as one unbatched (C, H, W) image and runs only when
    C is in_channels; a symbolic C (a batch that lost its channel axis looks the same) gives
    no shape to build on, and no fault either."""
    n, h, w = _sym("N", "H", "W")
    assert static_torch_layer("Conv2d", (1, 8, 3), {}, (n, h, w)) == (None, 80, None)
    assert static_torch_layer("Conv2d", (1, 8, 3), {}, (1, 9, 9)) == ([8, 7, 7], 80, None)
    assert real_torch_layer("Conv2d", (1, 8, 3), {}, (1, 9, 9)) == ([8, 7, 7], 80, None)
    assert real_torch_layer("Conv2d", (1, 8, 3), {}, (4, 9, 9))[2] == "RuntimeError"


def test_embedding_bag_without_offsets_is_unknown_not_a_number():
    """Offsets passed by keyword are not among the positional shapes: no fault, no shape."""
    assert static_multi("EmbeddingBag", (10, 3), {}, [(7,)])[::2] == (None, None)


def test_tags():
    from shapelint.catalogue import lookup
    assert "dense" in lookup("torch", "Linear").rule((3, 4), {}).tags
    assert "dense" in lookup("torch", "LazyLinear").rule((4,), {}).tags
    assert "flattens" in lookup("torch", "Flatten").rule((), {}).tags
    assert "flattens" in lookup("torch", "AdaptiveAvgPool2d").rule((1,), {}).tags
    assert "flattens" not in lookup("torch", "AdaptiveAvgPool2d").rule((7,), {}).tags
    assert "spatial" in lookup("torch", "Conv2d").rule((3, 4, 3), {}).tags
    assert "spatial" in lookup("torch", "MaxPool2d").rule((2,), {}).tags
