"""Property: for Keras models made of randomly chosen layers and arguments, every output shape
and every trainable / non-trainable count shapelint infers statically equals what Keras 3
(torch backend) builds; when Keras refuses the model, shapelint reports an SHP1xx error or an
unknown, never a clean number.

A chain of layers is drawn while a rough idea of the tensor (image, sequence, vector, tokens)
is kept, so that most chains are valid; the sizes are only estimates and Keras is the judge.
The same chain is written once as a Sequential model and once as a functional one.
"""
from __future__ import annotations

import runpy
import warnings

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

keras = pytest.importorskip("keras")

from conftest import weights_size  # noqa: E402
from shapelint.pipeline.analysis import analyse  # noqa: E402

PROFILE = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))
PADDING = st.sampled_from(["valid", "same"])
ACTIVATION = st.sampled_from([None, "relu", "tanh", "softmax"])


def _call(name, *args, **kwargs) -> str:
    inner = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items() if v is not None]
    return f"layers.{name}({', '.join(inner)})"


def _shrink(n, k, s, padding):
    """Estimated output length of a window; Keras decides the truth."""
    return -(-n // s) if padding == "same" else max(0, (n - k) // s + 1)


@st.composite
def image_layer(draw, state):
    _, h, w, c = state
    kind = draw(st.sampled_from(["conv", "depthwise", "separable", "transpose", "pool", "norm",
                                 "pad", "upsample", "dropout", "activation", "flatten", "global"]))
    k, s, pad = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(PADDING)
    bias = draw(st.booleans())
    if kind in ("conv", "separable"):
        f = draw(st.integers(1, 12))
        name = "Conv2D" if kind == "conv" else "SeparableConv2D"
        dilation = draw(st.sampled_from([1, 1, 2]))  # with strides > 1 Keras refuses
        return _call(name, f, k, strides=s, padding=pad, use_bias=bias, dilation_rate=dilation
                     if dilation > 1 else None, activation=draw(ACTIVATION)), \
            ("image", _shrink(h, k + (k - 1) * (dilation - 1), s, pad),
             _shrink(w, k + (k - 1) * (dilation - 1), s, pad), f)
    if kind == "depthwise":
        m = draw(st.integers(1, 3))
        return _call("DepthwiseConv2D", k, strides=s, padding=pad, depth_multiplier=m,
                     use_bias=bias), ("image", _shrink(h, k, s, pad), _shrink(w, k, s, pad), c * m)
    if kind == "transpose":
        f = draw(st.integers(1, 8))
        grow = (lambda n: n * s) if pad == "same" else (lambda n: n * s + max(k - s, 0))
        return _call("Conv2DTranspose", f, k, strides=s, padding=pad, use_bias=bias), \
            ("image", grow(h), grow(w), f)
    if kind == "pool":
        name = draw(st.sampled_from(["MaxPooling2D", "AveragePooling2D"]))
        p = draw(st.integers(1, 3))
        stride = draw(st.sampled_from([None, 1, 2]))
        s = stride or p
        return _call(name, p, strides=stride, padding=pad), \
            ("image", _shrink(h, p, s, pad), _shrink(w, p, s, pad), c)
    if kind == "norm":
        name = draw(st.sampled_from(["BatchNormalization", "LayerNormalization"]))
        return _call(name, center=draw(st.booleans()), scale=draw(st.booleans())), state
    if kind == "pad":
        p = draw(st.integers(0, 2))
        return _call("ZeroPadding2D", p), ("image", h + 2 * p, w + 2 * p, c)
    if kind == "upsample":
        f = draw(st.integers(1, 2))
        return _call("UpSampling2D", f), ("image", h * f, w * f, c)
    if kind == "dropout":
        return _call("Dropout", 0.25), state
    if kind == "activation":
        return _call("Activation", draw(st.sampled_from(["relu", "sigmoid", "gelu"]))), state
    if kind == "global":
        name = draw(st.sampled_from(["GlobalAveragePooling2D", "GlobalMaxPooling2D"]))
        return _call(name), ("vector", c)
    return _call("Flatten"), ("vector", h * w * c)


@st.composite
def sequence_layer(draw, state):
    _, t, f = state
    kind = draw(st.sampled_from(["conv", "pool", "rnn", "dense", "norm", "flatten", "global"]))
    if kind == "conv":
        n, k, s, pad = draw(st.integers(1, 8)), draw(st.integers(1, 4)), draw(st.integers(1, 2)), \
            draw(st.sampled_from(["valid", "same", "causal"]))
        return _call("Conv1D", n, k, strides=s, padding=pad, use_bias=draw(st.booleans())), \
            ("sequence", _shrink(t, k, s, "same" if pad == "causal" else pad), n)
    if kind == "pool":
        p = draw(st.integers(1, 3))
        return _call("MaxPooling1D", p), ("sequence", _shrink(t, p, p, "valid"), f)
    if kind == "rnn":
        name = draw(st.sampled_from(["LSTM", "GRU", "SimpleRNN"]))
        units, back = draw(st.integers(1, 8)), draw(st.booleans())
        kwargs = {"return_sequences": back, "use_bias": draw(st.booleans())}
        if name == "GRU":
            kwargs["reset_after"] = draw(st.booleans())
        layer = _call(name, units, **kwargs)
        if draw(st.booleans()):
            layer = f"layers.Bidirectional({layer})"
            units *= 2
        return layer, ("sequence", t, units) if back else ("vector", units)
    if kind == "dense":
        n = draw(st.integers(1, 8))
        return _call("Dense", n, use_bias=draw(st.booleans())), ("sequence", t, n)
    if kind == "norm":
        return _call("LayerNormalization"), state
    if kind == "global":
        return _call("GlobalAveragePooling1D"), ("vector", f)
    return _call("Flatten"), ("vector", t * f)


@st.composite
def vector_layer(draw, state):
    kind = draw(st.sampled_from(["dense", "dense", "norm", "dropout", "repeat"]))
    if kind == "dense":
        n = draw(st.integers(1, 16))
        return _call("Dense", n, use_bias=draw(st.booleans()), activation=draw(ACTIVATION)), \
            ("vector", n)
    if kind == "norm":
        name = draw(st.sampled_from(["BatchNormalization", "LayerNormalization"]))
        return _call(name), state
    if kind == "dropout":
        return _call("Dropout", 0.5), state
    n = draw(st.integers(1, 4))
    return _call("RepeatVector", n), ("sequence", n, state[1])


@st.composite
def keras_chain(draw):
    """(input line, [layer source, ...]) for a random chain of 1..6 layers."""
    start = draw(st.sampled_from(["image", "sequence", "vector", "tokens"]))
    if start == "image":
        h, w, c = draw(st.integers(4, 24)), draw(st.integers(4, 24)), draw(st.integers(1, 4))
        head, state = f"keras.Input(({h}, {w}, {c}))", ("image", h, w, c)
    elif start == "sequence":
        t, f = draw(st.integers(2, 12)), draw(st.integers(1, 8))
        head, state = f"keras.Input(({t}, {f}))", ("sequence", t, f)
    elif start == "vector":
        f = draw(st.integers(1, 32))
        head, state = f"keras.Input(({f},))", ("vector", f)
    else:
        t, vocab, dim = draw(st.integers(2, 12)), draw(st.integers(2, 50)), draw(st.integers(1, 8))
        head, state = f"keras.Input(({t},), dtype='int32')", ("sequence", t, dim)
    chain = [_call("Embedding", vocab, dim)] if start == "tokens" else []
    for _ in range(draw(st.integers(1, 6))):
        pick = {"image": image_layer, "sequence": sequence_layer, "vector": vector_layer}
        layer, state = draw(pick[state[0]](state))
        chain.append(layer)
    return head, chain


def sequential_source(head, chain) -> str:
    body = "".join(f"    {layer},\n" for layer in chain)
    return f"import keras\nfrom keras import layers\n\nmodel = keras.Sequential([\n    {head},\n" \
           f"{body}])\n"


def functional_source(head, chain) -> str:
    body = "".join(f"x = {layer}(x)\n" for layer in chain)
    return f"import keras\nfrom keras import layers\n\ninputs = {head}\nx = inputs\n{body}" \
           "model = keras.Model(inputs, x)\n"


def real_rows(path):
    """Keras's layers as (output shape, trainable, non-trainable), or the error it raises."""
    keras.backend.clear_session(free_memory=False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = runpy.run_path(str(path))["model"]
    except (ValueError, TypeError, IndexError, ZeroDivisionError, RuntimeError) as error:
        return None, type(error).__name__
    rows = [(list(layer.output.shape), weights_size(layer.trainable_weights),
             weights_size(layer.non_trainable_weights))
            for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    return rows, None


def static_rows(path):
    """shapelint's rows for `model`, whether the graph is exact, and its SHP1xx codes."""
    analysis = analyse(path.read_text(), str(path))
    errors = [d.code.code for d in analysis.diagnostics() if d.code.code.startswith("SHP1")]
    graphs = [g for g in analysis.graphs() if g.entry == "model"]
    if not graphs:
        return None, False, errors
    graph = graphs[0]
    rows = [(n.output_shape.to_json(), n.params, n.frozen) for n in graph.nodes
            if not n.is_input]
    return rows, graph.exact, errors


def assert_agrees(source, tmp_path):
    path = tmp_path / "model.py"
    path.write_text(source)
    truth, refused = real_rows(path)
    rows, exact, errors = static_rows(path)
    event(f"Keras raises {refused}" if refused else "Keras builds")
    if refused:
        assert errors or not exact, f"Keras raises {refused}; shapelint gives {rows}\n{source}"
        return
    assert not errors, f"Keras builds {truth}; shapelint reports {errors}\n{source}"
    assert exact, f"Keras builds {truth}; shapelint is unsure\n{source}"
    assert rows == truth, source


@PROFILE
@given(keras_chain())
def test_random_sequential_models_match_keras(tmp_path_factory, chain):
    assert_agrees(sequential_source(*chain), tmp_path_factory.mktemp("seq"))


@PROFILE
@given(keras_chain())
def test_random_functional_models_match_keras(tmp_path_factory, chain):
    assert_agrees(functional_source(*chain), tmp_path_factory.mktemp("fn"))
