"""The Keras catalogue against Keras 3 itself (torch backend), over grids of constructor
arguments and inputs.

For every case: when Keras builds the layer on keras.Input(shape), shapelint gives exactly its
output shape and its trainable and non-trainable counts; when Keras raises, shapelint reports a
fault (SHP1xx), never a number; when shapelint reports a fault, Keras raises.
"""
from __future__ import annotations

import itertools
import warnings

import pytest

keras = pytest.importorskip("keras")

from conftest import real_keras_layer, static_keras_layer  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore")

LAST, FIRST = "channels_last", "channels_first"


# -- the two answers -------------------------------------------------------------------------

def real(type_name, args, kwargs, shape):
    """real_keras_layer, also catching what Keras raises outside ValueError/TypeError: an
    IndexError for an axis out of range, ZeroDivisionError for a zero pooling stride,
    NotImplementedError for a quantization mode a layer lacks."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return real_keras_layer(type_name, args, kwargs, shape)
    except (IndexError, ZeroDivisionError, NotImplementedError) as error:
        return None, None, None, type(error).__name__


def agree(static, truth):
    s_shape, s_trainable, s_frozen, s_fault = static
    r_shape, r_trainable, r_frozen, r_fault = truth
    if r_fault is None:
        assert s_fault is None, \
            f"shapelint reports {s_fault}, Keras builds {r_shape}, {r_trainable} + {r_frozen}"
        assert (s_shape, s_trainable, s_frozen) == (r_shape, r_trainable, r_frozen)
    else:
        assert s_fault is not None and s_fault.startswith("SHP1"), \
            f"Keras raises {r_fault}, shapelint gives {s_shape}, {s_trainable} + {s_frozen}"


# -- case bookkeeping --------------------------------------------------------------------------

def _text(v):
    return repr(v) if isinstance(v, str) else str(v).replace(" ", "")


def case(type_name, args=(), kwargs=None, shape=()):
    """One grid case: a layer's constructor arguments and the input shape after the batch."""
    kwargs = {k: v for k, v in (kwargs or {}).items()}
    inner = ",".join([_text(a) for a in args] + [f"{k}={_text(v)}" for k, v in kwargs.items()])
    ident = f"{type_name}({inner})@{_text(tuple(shape))}"
    return pytest.param(type_name, tuple(args), kwargs, tuple(shape), id=ident)


def check(type_name, args, kwargs, shape):
    agree(static_keras_layer(type_name, args, kwargs, shape),
          real(type_name, args, kwargs, shape))


def grid(*axes):
    return itertools.product(*axes)


def image(n, size, channels, data_format):
    """An input shape (after the batch) with n spatial axes of `size`."""
    spatial = (size,) * n if isinstance(size, int) else tuple(size)
    return spatial + (channels,) if data_format != FIRST else (channels,) + spatial


def fmt_kw(data_format):
    return {} if data_format is None else {"data_format": data_format}


# -- convolution -------------------------------------------------------------------------------

CONV = [case(f"Conv{n}D", (4, k), {"strides": s, "padding": p, "dilation_rate": d,
                                   **fmt_kw(f)}, image(n, size, 3, f))
        for n, k, s, p, d, f, size in grid(
            (1, 2, 3), (1, 3), (1, 2), ("valid", "same", "SAME", "causal"), (1, 2),
            (LAST, FIRST), (2, 5))
        if (k > 1 or d == 1) and (p != "causal" or n == 1)]
# asymmetric kernels, strides and dilations as tuples; bias off; a 5-wide kernel overhangs 4
CONV += [case("Conv2D", (5, k), {"strides": s, "dilation_rate": d, "use_bias": b,
                                 "padding": p}, (7, 4, 3))
         for k, s, d, b, p in grid([(3, 1), (1, 5), (2, 2)], [(1, 2), (2, 1), (1, 1)],
                                   [(1, 1), (2, 1)], (True, False), ("valid", "same"))]
# groups: filters and input channels both divisible, or not
CONV += [case(f"Conv{n}D", (co, 3), {"groups": g, **fmt_kw(f)}, image(n, 5, c, f))
         for n, g, co, c, f in grid((1, 2), (1, 2, 3, 4), (4, 6), (3, 4, 8), (None, FIRST))]
# the rank: Conv{n}D takes exactly n + 2 dims, batch included
CONV += [case(f"Conv{n}D", (4, 1), {}, (6,) * m + (3,))
         for n, m in grid((1, 2, 3), (0, 1, 2, 3, 4))]
# arguments Keras rejects (or, for "Same", lower-cases)
CONV += [case("Conv2D", (f, k), {"strides": s, "padding": p}, (6, 6, 3))
         for f, k, s, p in grid((0, 4), (0, 3, (3, 3, 3)), (0, 1, -1), ("Same", "causal", "full"))]
CONV += [case("Conv2D", (4, 3), kw, (6, 6, 3))
         for kw in ({"padding": (1, 1)}, {"data_format": "NCHW"},
                    {"data_format": "Channels_First"}, {"dilation_rate": (2, 2), "strides": 2},
                    {"dilation_rate": 0}, {"groups": 0}, {"groups": -1},
                    {"activation": "relu"}, {"activation": "Relu"}, {"activation": "swish"},
                    {"activation": "nope"}, {"lora_rank": 2}, {"lora_rank": 2, "groups": 3},
                    {"lora_rank": 2, "kernel_constraint": "non_neg"})]
CONV += [case("Conv2D", (), {"filters": f, "kernel_size": 3}, (6, 6, 3)) for f in (-2, 6)]


@pytest.mark.parametrize("type_name,args,kwargs,shape", CONV)
def test_conv(type_name, args, kwargs, shape):
    check(type_name, args, kwargs, shape)


# -- pooling -----------------------------------------------------------------------------------

POOL = [case(f"{kind}{n}D", (k,), {"strides": s, "padding": p, **fmt_kw(f)},
             image(n, size, 3, f))
        for kind, n, k, s, p, f, size in grid(
            ("MaxPooling", "AveragePooling"), (1, 2, 3), (2, 3), (None, 1, 2), ("valid", "same"),
            (None, FIRST), (2, 5))]
# too-small inputs, tuple sizes, strides larger than the window
POOL += [case(f"{kind}2D", (k,), {"strides": s, "padding": p}, (h, w, 2))
         for kind, k, s, p, (h, w) in grid(
             ("MaxPooling", "AveragePooling"), ((2, 1), (1, 3), (3, 3)), (None, 3, (1, 2)),
             ("valid", "same"), ((1, 1), (1, 4), (3, 2)))]
# arguments: zero or negative sizes and strides, padding Keras does not lower-case here
POOL += [case(f"MaxPooling{n}D", (), kw, image(n, 4, 3, None))
         for n, kw in grid((1, 2), ({"pool_size": 0}, {"pool_size": -1}, {"strides": 0},
                                    {"strides": -1}, {"padding": "SAME"}, {"padding": "Valid"},
                                    {"padding": "causal"}, {"pool_size": (2, 2, 2)},
                                    {"data_format": "channels_middle"}, {}))]
# the rank: pooling takes exactly n + 2 dims
POOL += [case(f"{kind}{n}D", (2,), {}, (4,) * m + (3,))
         for kind, n, m in grid(("MaxPooling", "AveragePooling"), (1, 2, 3), (0, 1, 2, 3, 4))]


@pytest.mark.parametrize("type_name,args,kwargs,shape", POOL)
def test_pool(type_name, args, kwargs, shape):
    check(type_name, args, kwargs, shape)


GLOBAL = [case(f"Global{kind}Pooling{n}D", (), {"keepdims": keep, **fmt_kw(f)},
               image(n, 3, 5, f) if m == n else (4,) * m + (5,))
          for kind, n, keep, f, m in grid(("Average", "Max"), (1, 2, 3), (False, True),
                                          (None, FIRST), (1, 2, 3))]
GLOBAL += [case("GlobalMaxPooling1D", (), {"data_format": "NWC"}, (4, 3)),
           case("GlobalAveragePooling2D", (), {"data_format": "CHANNELS_FIRST"}, (3, 4, 5)),
           case("GlobalAveragePooling1D", (), {}, (0, 3))]


@pytest.mark.parametrize("type_name,args,kwargs,shape", GLOBAL)
def test_global_pool(type_name, args, kwargs, shape):
    check(type_name, args, kwargs, shape)


# -- core --------------------------------------------------------------------------------------

DENSE = [case("Dense", (u,), {"use_bias": b, "activation": a}, s)
         for u, b, a, s in grid((1, 4), (True, False), (None, "relu", "Relu"),
                                [(), (3,), (2, 3), (2, 3, 5), (0,)])]
DENSE += [case("Dense", (u,), kw, (2, 3))
          for u, kw in grid((0, -3, 4.0, 5),
                            ({}, {"lora_rank": 2}, {"lora_rank": 2, "use_bias": False}))]
DENSE += [case("Dense", (4,), {"lora_rank": 2, "kernel_constraint": "max_norm"}, (3,)),
          case("Dense", (4,), {"lora_rank": 0}, (3,)),
          case("Dense", (4,), {"input_dim": 3}, (3,))]


@pytest.mark.parametrize("type_name,args,kwargs,shape", DENSE)
def test_dense(type_name, args, kwargs, shape):
    check(type_name, args, kwargs, shape)


FLATTEN = [case("Flatten", (), fmt_kw(f), s)
           for f, s in grid((None, FIRST, "channels_middle"),
                            [(), (3,), (2, 3), (2, 3, 4), (0, 5), (2, 1, 3, 1)])]
DROPOUT = [case("Dropout", (r,), {}, s) for r, s in grid((0, 0.5, 1, 1.5, -0.1), [(3,), (2, 3)])]
DROPOUT += [case("Dropout", (0.5,), {"noise_shape": ns}, (2, 3))
            for ns in ((None, 1, 3), (None, 0, 3), (None, 2.0, 3), "batch", [None, 1, 1])]
DROPOUT += [case("Dropout", (0.2,), {"seed": 3}, (4, 4, 2))]
ACTIVATION = [case("Activation", (a,), {}, s)
              for a, s in grid(("relu", "softmax", "swish", "linear", "hard_silu", "Relu", "nope",
                                None), [(3,), (2, 3, 4)])]

ACTIVATION += [case("ReLU", (), {k: v}, (2, 3))
               for k, v in grid(("max_value", "negative_slope", "threshold"), (None, 0, 0.5, -1))]


@pytest.mark.parametrize("type_name,args,kwargs,shape", FLATTEN + DROPOUT + ACTIVATION)
def test_flatten_dropout_activation(type_name, args, kwargs, shape):
    check(type_name, args, kwargs, shape)


BATCHNORM = [case("BatchNormalization", (), {"axis": a, "center": c, "scale": sc}, s)
             for a, c, sc, s in grid((-1, 1, 2, 3, -2, -3, -4, 0, 5, 2.0, (1, 2), [1]),
                                     (True, False), (True, False), [(4, 5, 6), (6,)])]
BATCHNORM += [case("BatchNormalization", (), {"axis": a, "renorm": True, "center": c}, s)
              for a, c, s in grid((-1, 1), (True, False), [(4, 5, 6), (7,)])]


@pytest.mark.parametrize("type_name,args,kwargs,shape", BATCHNORM)
def test_batch_normalization(type_name, args, kwargs, shape):
    check(type_name, args, kwargs, shape)


RESHAPE = [case("Reshape", (t,), {}, s)
           for t, s in grid([(6,), (-1,), (2, 3), (3, -1), (-1, 2, 3), (4, -1), (-1, -1), (0,),
                             (-2, -3), (2, 2), (1, 6, 1), (-1, 0), (3, 2, 1, 1), [2, -1]],
                            [(6,), (2, 3), (3, 2, 1), (4,), (0, 3)])]
RESHAPE += [case("Reshape", (6,), {}, (6,))]


@pytest.mark.parametrize("type_name,args,kwargs,shape", RESHAPE)
def test_reshape(type_name, args, kwargs, shape):
    check(type_name, args, kwargs, shape)


ZEROPAD = [case("ZeroPadding2D", (p,), fmt_kw(f), s)
           for p, f, s in grid((0, 1, 2, -1, -2, -3, (1, 2), (0, 3), ((1, 0), (2, 3)),
                                (1, (0, 2)), ((0, 0), (0, -1)), (1, 2, 3), ((1, 2),), (-1, 0)),
                               (None, FIRST), [(4, 5, 3), (5, 3)])]
ZEROPAD += [case("ZeroPadding2D", (), {}, (2, 2, 1)),
            case("ZeroPadding2D", (1,), {"data_format": "NHWC"}, (2, 2, 1))]


@pytest.mark.parametrize("type_name,args,kwargs,shape", ZEROPAD)
def test_zero_padding2d(type_name, args, kwargs, shape):
    check(type_name, args, kwargs, shape)


EMBEDDING = [case("Embedding", (n, d), {}, s)
             for n, d, s in grid((1, 10), (1, 4), [(), (3,), (3, 5), (2, 3, 4)])]
EMBEDDING += [case("Embedding", (n, d), kw, (3,))
              for (n, d), kw in grid([(0, 4), (10, 0), (-1, 4), (10.0, 4), (10, 4.0), (True, 4),
                                      (10, 4)], ({}, {"lora_rank": 3}))]
EMBEDDING += [case("Embedding", (10, 4), {"mask_zero": True}, (3,))]


@pytest.mark.parametrize("type_name,args,kwargs,shape", EMBEDDING)
def test_embedding(type_name, args, kwargs, shape):
    check(type_name, args, kwargs, shape)


# -- aliases and the options every layer takes ----------------------------------------------------

ALIASES = [case(name, args, kw, s)
           for (name, args), kw, s in grid(
               [("Convolution1D", (4, 3)), ("Convolution2D", (4, 3)), ("Convolution3D", (4, 3)),
                ("MaxPool1D", ()), ("MaxPool2D", ()), ("MaxPool3D", ()), ("AvgPool1D", (2,)),
                ("AvgPool2D", (2,)), ("AvgPool3D", (3,)), ("GlobalAvgPool1D", ()),
                ("GlobalAvgPool2D", ()), ("GlobalAvgPool3D", ()), ("GlobalMaxPool2D", ())],
               ({}, {"padding": "same"}, {"data_format": FIRST}),
               [(5, 3), (5, 5, 3), (5, 5, 5, 3)])
           if "padding" not in kw or "Global" not in name]


@pytest.mark.parametrize("type_name,args,kwargs,shape", ALIASES)
def test_aliases(type_name, args, kwargs, shape):
    check(type_name, args, kwargs, shape)


WEIGHTED = [("Dense", (4,), (5, 3)), ("Conv2D", (4, 3), (5, 5, 3)),
            ("Conv1D", (4, 3), (5, 3)), ("BatchNormalization", (), (5, 3)),
            ("Embedding", (10, 4), (3,)), ("Flatten", (), (2, 3))]
OPTIONS = [case(name, args, {"trainable": t, "dtype": dt, **extra}, s)
           for (name, args, s), t, dt, extra in grid(
               WEIGHTED, (True, False), (None, "float32", "mixed_float16", "bfloat16"),
               ({}, {"name": "named"}))]


OPTIONS += [case(name, args, {"trainable": t}, s)
            for (name, args, s), t in grid(WEIGHTED[::2], (1, 0, None, "no"))]


@pytest.mark.parametrize("type_name,args,kwargs,shape", OPTIONS)
def test_base_layer_options(type_name, args, kwargs, shape):
    check(type_name, args, kwargs, shape)


@pytest.mark.parametrize("type_name,args,shape",
                         [pytest.param(n, a, s, id=n) for n, a, s in WEIGHTED[:5]])
@pytest.mark.parametrize("dtype", ("int8_from_float32", "int4_from_float32",
                                   "float8_from_float32"))
def test_quantized_dtype_counts_are_unknown_not_a_number(type_name, args, shape, dtype):
    """A quantized dtype policy rebuilds Dense's and Embedding's weights: the shape stays known,
    the counts are not (shapelint never guesses them)."""
    from shapelint.domain.dims import is_known
    s_shape, s_trainable, s_frozen, s_fault = static_keras_layer(
        type_name, args, {"dtype": dtype}, shape)
    r_shape, *_, r_fault = real(type_name, args, {"dtype": dtype}, shape)
    if r_fault is not None:  # Embedding has no float8 mode: not a fault shapelint knows of
        assert s_fault is not None or not (is_known(s_trainable) or is_known(s_frozen))
        return
    assert s_fault is None and s_shape == r_shape
    assert not is_known(s_trainable) and not is_known(s_frozen)


# -- signatures, missing arguments ---------------------------------------------------------------

def _entries():
    from shapelint.catalogue import CATALOGUES, _load
    _load("keras")
    return sorted(CATALOGUES["keras"].items())


def _same_default(ours, theirs):
    """Equal, or the same int written as an n-tuple (Conv1D's strides=1 vs (1,))."""
    return ours == theirs or isinstance(theirs, int) and isinstance(ours, tuple) and \
        ours == (theirs,) * len(ours)


@pytest.mark.parametrize("name,entry", _entries(), ids=lambda v: v if isinstance(v, str) else "")
def test_signature_matches_keras(name, entry):
    """Every catalogue name is a Keras layer, and its named parameters come in Keras's order with
    Keras's defaults, so positional arguments bind as Keras binds them. An entry may add the
    parameters Keras's base class takes by keyword (Conv's lora_rank)."""
    import inspect
    cls = getattr(keras.layers, name)

    def named(signature, kinds=("POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY")):
        return [p for p in signature.parameters.values()
                if p.name != "self" and p.kind.name in kinds]
    real = {p.name: p for p in named(inspect.signature(cls.__init__))}
    for mine in named(entry.signature, ("KEYWORD_ONLY",)):  # by name only: never misbound
        # (names Keras takes through **kwargs, like rms_scaling, are not in its signature)
        if mine.name in real:
            assert _same_default(mine.default, real[mine.name].default), mine.name
    theirs = named(inspect.signature(cls.__init__))
    ours = named(entry.signature, ("POSITIONAL_OR_KEYWORD",))
    open_ended = any(p.kind.name in ("VAR_KEYWORD", "VAR_POSITIONAL")
                     for p in entry.signature.parameters.values())
    if open_ended and len(ours) < len(theirs):
        # A prefix of Keras's parameters, the rest taken by **kwargs: positional arguments past
        # the prefix leave the layer unknown (frameworks/layers.py), never misbound.
        theirs = theirs[:len(ours)]
    assert [p.name for p in ours[:len(theirs)]] == [p.name for p in theirs]
    for mine, real_one in zip(ours, theirs):
        assert _same_default(mine.default, real_one.default), mine.name


MISSING = [case("AveragePooling2D", (), {}, (4, 4, 3)), case("Dense", (), {}, (3,)),
           case("Conv2D", (4,), {}, (5, 5, 3)), case("Reshape", (), {}, (6,)),
           case("Embedding", (10,), {}, (3,)), case("Dropout", (), {}, (3,))]


@pytest.mark.parametrize("type_name,args,kwargs,shape", MISSING)
def test_missing_required_argument_gives_no_number(type_name, args, kwargs, shape):
    from shapelint.domain.dims import is_known
    assert real(type_name, args, kwargs, shape)[3] == "TypeError"
    s_shape, s_trainable, s_frozen, s_fault = static_keras_layer(type_name, args, kwargs, shape)
    assert s_fault is not None or (s_shape is None and not is_known(s_trainable))


@pytest.mark.parametrize("type_name,args,kwargs,shape", MISSING)
def test_missing_required_argument_is_a_fault(type_name, args, kwargs, shape):
    assert static_keras_layer(type_name, args, kwargs, shape)[3] == "SHP105"
    assert real_keras_layer(type_name, args, kwargs, shape)[3] == "TypeError"


# -- which code each kind of fault gets --------------------------------------------------------------

@pytest.mark.parametrize("type_name,args,kwargs,shape,code", [
    ("Conv2D", (4, 3), {}, (6, 3), "SHP103"),
    ("Conv2D", (4, 3), {}, (6, 6, 6, 3), "SHP103"),
    ("MaxPooling1D", (), {}, (6, 6, 3), "SHP103"),
    ("GlobalAveragePooling2D", (), {}, (6, 3), "SHP103"),
    ("Dense", (4,), {}, (), "SHP103"),
    ("ZeroPadding2D", (), {}, (5, 3), "SHP103"),
    ("BatchNormalization", (), {"axis": 3}, (4, 5), "SHP103"),
    ("Conv2D", (4, 3), {}, (2, 6, 3), "SHP102"),
    ("MaxPooling2D", (3,), {}, (2, 6, 3), "SHP102"),
    ("ZeroPadding2D", (-2,), {}, (3, 6, 3), "SHP102"),
    ("Reshape", ((4, -1),), {}, (2, 3), "SHP104"),
    ("Reshape", ((5,),), {}, (2, 3), "SHP104"),
    ("Conv2D", (4, 3), {"groups": 2}, (6, 6, 3), "SHP105"),
    ("Conv2D", (4, 3), {"strides": 2, "dilation_rate": 2}, (9, 9, 3), "SHP105"),
    ("MaxPooling2D", (), {"padding": "SAME"}, (6, 6, 3), "SHP105"),
    ("Dense", (4,), {"activation": "Relu"}, (3,), "SHP105"),
])
def test_fault_codes(type_name, args, kwargs, shape, code):
    assert real(type_name, args, kwargs, shape)[3] is not None
    assert static_keras_layer(type_name, args, kwargs, shape)[3] == code


def test_grid_size():
    """Real grids, not hand picks: a few hundred cases in all."""
    total = sum(map(len, (CONV, POOL, GLOBAL, DENSE, FLATTEN, DROPOUT, ACTIVATION, BATCHNORM,
                          RESHAPE, ZEROPAD, EMBEDDING, ALIASES, OPTIONS)))
    assert total >= 500
