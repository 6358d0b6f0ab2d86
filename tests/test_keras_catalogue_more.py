"""Grid cross-checks of catalogue/keras/ merge.py, conv.py (transposed, separable, depthwise),
reshape.py, norm.py, attention.py, activation.py and wrappers.py against the real layers of
Keras 3 (torch backend): output shape, trainable and non-trainable counts, and rejected
arguments."""
from __future__ import annotations

import re

import pytest

from conftest import real_keras_layer, static_keras_layer

C = {}  # case id -> (type, args, kwargs, input shape without batch)


def case(type_name, args=(), kwargs=None, shape=(8, 8, 3)):
    kwargs = kwargs or {}
    # a function's repr holds its address: the same id in every process (pytest-xdist workers)
    key = re.sub(r" at 0x[0-9a-f]+", "", f"{type_name}{args}{sorted(kwargs.items())}{shape}")
    C[key] = (type_name, args, kwargs, shape)


for rank, shape in ((1, (11, 3)), (2, (9, 10, 3)), (3, (5, 6, 7, 2))):
    name = f"Conv{rank}DTranspose"
    for kw in ({}, {"strides": 2}, {"strides": 2, "padding": "same"}, {"use_bias": False},
               {"strides": 3, "output_padding": 1}, {"dilation_rate": 2},
               {"padding": "same", "strides": 2, "output_padding": 1}):
        case(name, (4, 3), kw, shape)
    case(name, (5, 2), {"data_format": "channels_first"}, shape)
for rank, shape in ((1, (11, 3)), (2, (9, 10, 3))):
    for kw in ({}, {"strides": 2}, {"padding": "same", "depth_multiplier": 2},
               {"use_bias": False}, {"dilation_rate": 2}):
        case(f"SeparableConv{rank}D", (6, 3), kw, shape)
        case(f"DepthwiseConv{rank}D", (3,), kw, shape)
    case(f"SeparableConv{rank}D", (6, 5), {}, shape[:-1][:1] * rank + (2,))
case("SeparableConv1D", (4, 3), {"padding": "causal"}, (10, 2))
case("DepthwiseConv1D", (3,), {"padding": "causal"}, (10, 2))
case("DepthwiseConv2D", (3,), {"data_format": "channels_first"}, (4, 9, 9))
for rank, shape in ((1, (7, 3)), (2, (5, 6, 3)), (3, (4, 5, 6, 2))):
    case(f"UpSampling{rank}D", (), {}, shape)
    case(f"UpSampling{rank}D", (3,), {}, shape)
    case(f"Cropping{rank}D", (), {}, shape)
    case(f"Cropping{rank}D", (1,), {}, shape)
case("Cropping1D", ((1, 2),), {}, (7, 3))
case("Cropping2D", (((1, 2), (0, 1)),), {}, (5, 6, 3))
case("Cropping2D", ((2, 1),), {}, (5, 6, 3))
case("Cropping3D", (((1, 0), (0, 1), (2, 2)),), {}, (4, 5, 6, 2))
case("Cropping2D", ((3, 0),), {}, (5, 6, 3))  # crops everything: Keras refuses
case("UpSampling2D", ((2, 3),), {"data_format": "channels_first"}, (3, 5, 6))
for rank, shape in ((1, (7, 3)), (3, (4, 5, 6, 2))):
    case(f"ZeroPadding{rank}D", (), {}, shape)
    case(f"ZeroPadding{rank}D", (2,), {}, shape)
case("ZeroPadding1D", ((1, 3),), {}, (7, 3))
case("ZeroPadding3D", (((1, 0), (0, 2), (3, 1)),), {}, (4, 5, 6, 2))
case("Permute", ((2, 1),), {}, (4, 5))
case("Permute", ((3, 1, 2),), {}, (4, 5, 6))
case("RepeatVector", (4,), {}, (7,))
for rnn in ("SimpleRNN", "LSTM", "GRU"):
    for kw in ({}, {"return_sequences": True}, {"use_bias": False}, {"go_backwards": True},
               {"return_sequences": True, "return_state": True}, {"return_state": True}):
        case(rnn, (6,), kw, (5, 4))
case("GRU", (6,), {"reset_after": False}, (5, 4))
case("ConvLSTM2D", (4, 3), {}, (3, 8, 8, 2))
case("ConvLSTM2D", (4, 3), {"padding": "same", "return_sequences": True}, (3, 8, 8, 2))
case("ConvLSTM2D", (5, 2), {"strides": 2, "use_bias": False}, (3, 9, 9, 3))
for kw in ({}, {"center": False}, {"scale": False}, {"axis": 1}, {"axis": (1, 2)}):
    case("LayerNormalization", (), kw, (4, 5, 6))
for kw in ({"groups": 2}, {"groups": 3, "center": False}, {"groups": 4}, {"groups": 1}):
    case("GroupNormalization", (), kw, (5, 6))
case("UnitNormalization", (), {}, (4, 5))
case("Normalization", (), {}, (4, 5))
case("Normalization", (), {"axis": 1}, (4, 5))
case("Normalization", (), {"axis": None}, (4, 5))
case("Normalization", (), {"mean": 0.5, "variance": 2.0}, (4, 5))
case("Rescaling", (1 / 255,), {}, (8, 8, 3))
case("Resizing", (4, 5), {}, (8, 8, 3))
case("CenterCrop", (4, 5), {}, (8, 8, 3))
case("Lambda", (lambda x: x,), {"output_shape": (8, 8, 3)}, (8, 8, 3))
for name in ("ReLU", "LeakyReLU", "ELU", "Softmax", "Identity", "Masking"):
    case(name, (), {}, (4, 5))
for name in ("GaussianNoise", "GaussianDropout", "AlphaDropout"):
    case(name, (0.1,), {}, (4, 5))
for rank, shape in ((1, (4, 5)), (2, (4, 5, 6)), (3, (3, 4, 5, 6))):
    case(f"SpatialDropout{rank}D", (0.2,), {}, shape)
case("PReLU", (), {}, (4, 5))
case("EinsumDense", ("ab,bc->ac", 64), {}, (32,))
case("EinsumDense", ("ab,bc->ac", 64), {"bias_axes": "c"}, (32,))
case("EinsumDense", ("abc,cd->abd", (None, 64)), {"bias_axes": "d"}, (7, 32))
case("EinsumDense", ("abc,cde->abde", (None, 4, 8)), {"bias_axes": "de"}, (7, 32))
case("EinsumDense", ("abc,cd->abd", (7, 64)), {}, (7, 32))
case("EinsumDense", ("abc,bcd->ad", (16,)), {"bias_axes": "d"}, (5, 6))
case("PReLU", (), {"shared_axes": [1, 2]}, (4, 5, 3))


@pytest.mark.parametrize("key", sorted(C))
def test_entry_matches_keras(key):
    type_name, args, kwargs, shape = C[key]
    if kwargs.get("return_state"):  # several outputs
        real, ours = _multi(type_name, args, kwargs, [shape], call="args")
        assert ours == real
        return
    real = real_keras_layer(type_name, args, kwargs, shape)
    static = static_keras_layer(type_name, args, kwargs, shape)
    if real[3] is not None:  # Keras refuses: shapelint must report a fault too
        assert static[3] is not None, (real, static)
        return
    real_shape = real[0]
    assert static[:3] == (real_shape, real[1], real[2])


def _multi(type_name, args, kwargs, shapes, call=None):
    """(output shapes, trainable, non-trainable) of a layer called on several inputs."""
    keras = pytest.importorskip("keras")
    from shapelint.frameworks.keras_values import KerasTensor, build_layer, input_shape, input_node
    layer = getattr(keras.layers, type_name)(*args, **kwargs)
    inputs = [keras.Input(shape=s) for s in shapes]
    out = layer(*inputs) if call == "args" else layer(inputs)
    outs = out if isinstance(out, (list, tuple)) else [out]
    real = ([list(o.shape) for o in outs],
            sum(int(w.numpy().size) for w in layer.trainable_weights),
            sum(int(w.numpy().size) for w in layer.non_trainable_weights))
    ours = build_layer(type_name, args, kwargs)
    tensors = [KerasTensor(input_node(_Interp(), input_shape(s), "in", None)) for s in shapes]
    made = ours.shapelint_call(None, tuple(tensors) if call == "args" else (tensors,), {}, None)
    made = made if isinstance(made, list) else [made]
    node = made[0].node
    return real, ([t.shape.to_json() for t in made], node.params, node.frozen)


class _Interp:
    def position(self, node):
        return "", 0, 0


MULTI = [
    ("Add", (), {}, [(4, 5), (4, 5)]), ("Add", (), {}, [(4, 5), (1, 5), (4, 1)]),
    ("Subtract", (), {}, [(3,), (3,)]), ("Multiply", (), {}, [(2, 3), (2, 3), (2, 3)]),
    ("Average", (), {}, [(6,), (6,)]), ("Maximum", (), {}, [(6,), (1,)]),
    ("Minimum", (), {}, [(2, 6), (2, 6)]),
    ("Concatenate", (), {}, [(4, 5), (4, 7)]),
    ("Concatenate", (), {"axis": 1}, [(4, 5), (3, 5), (1, 5)]),
    ("Concatenate", (), {"axis": -2}, [(2, 4, 5), (2, 3, 5)]),
    ("Dot", (), {"axes": 1}, [(5,), (5,)]), ("Dot", (), {"axes": (2, 2)}, [(3, 4), (6, 4)]),
    ("Dot", (), {"axes": -1}, [(3, 4), (2, 4)]),
    ("Attention", (), {}, [(3, 4), (5, 4)]),
    ("Attention", (), {"use_scale": True}, [(3, 4), (5, 4), (5, 4)]),
    ("Attention", (), {"score_mode": "concat"}, [(3, 4), (5, 4)]),
]
MHA = [
    ((2, 4), {}, [(3, 8), (5, 6)]), ((3, 2), {"value_dim": 5, "use_bias": False},
                                     [(3, 8), (5, 6), (5, 7)]),
    ((1, 4), {"output_shape": 10}, [(3, 8), (3, 8)]),
    # Keras 3.15's gate: a query projection to heads x value_dim (was missed: a wrong count)
    ((2, 4), {"use_gate": True}, [(3, 8), (5, 6)]),
    ((3, 2), {"use_gate": True, "value_dim": 5, "use_bias": False}, [(3, 8), (5, 6), (5, 7)]),
]


@pytest.mark.parametrize("case_", MULTI, ids=lambda c: f"{c[0]}{c[2]}{c[3]}")
def test_merge_and_attention_match_keras(case_):
    real, ours = _multi(*case_)
    assert ours == real


@pytest.mark.parametrize("case_", MHA, ids=str)
def test_multi_head_attention_matches_keras(case_):
    args, kwargs, shapes = case_
    real, ours = _multi("MultiHeadAttention", args, kwargs, shapes, call="args")
    assert ours == real


def test_mismatched_merges_are_faults_in_keras_too():
    keras = pytest.importorskip("keras")
    for type_name, kwargs, shapes in (("Add", {}, [(4, 5), (4, 6)]),
                                      ("Concatenate", {}, [(4, 5), (3, 5)])):
        with pytest.raises(ValueError):
            getattr(keras.layers, type_name)(**kwargs)([keras.Input(s) for s in shapes])
        from shapelint.frameworks.layers import apply
        from shapelint.frameworks.keras_values import build_layer, input_shape
        from shapelint.domain.graph import LayerNode
        node = LayerNode(None, "m", type_name, "", 0, 0)
        node.layer = build_layer(type_name, (), kwargs)
        apply(node, [input_shape(s) for s in shapes], True)
        assert node.fault is not None and node.fault.code.code == "SHP107"


WRAPPED = [
    ("Bidirectional", ("LSTM", (6,), {}), {}, (5, 4)),
    ("Bidirectional", ("GRU", (3,), {"return_sequences": True}), {"merge_mode": "sum"},
     (5, 4)),
    ("Bidirectional", ("SimpleRNN", (3,), {}), {"merge_mode": "ave"}, (5, 4)),
    ("Bidirectional", ("LSTM", (2,), {"return_sequences": True}), {"merge_mode": None},
     (5, 4)),
    ("Bidirectional", ("LSTM", (2,), {"return_state": True}), {}, (5, 4)),
    ("TimeDistributed", ("Dense", (7,), {}), {}, (5, 4)),
    ("TimeDistributed", ("Conv2D", (4, 3), {}), {}, (3, 8, 8, 2)),
]


@pytest.mark.parametrize("case_", WRAPPED, ids=str)
def test_wrappers_match_keras(case_):
    keras = pytest.importorskip("keras")
    from shapelint.frameworks.keras_values import build_layer
    wrapper, (inner, args, kwargs), options, shape = case_
    real_layer = getattr(keras.layers, wrapper)(getattr(keras.layers, inner)(*args, **kwargs),
                                                **options)
    out = real_layer(keras.Input(shape))
    outs = out if isinstance(out, (list, tuple)) else [out]
    real = ([list(o.shape) for o in outs],
            sum(int(w.numpy().size) for w in real_layer.trainable_weights), 0)
    ours = build_layer(wrapper, (build_layer(inner, args, kwargs),), options)
    from shapelint.frameworks.keras_values import KerasTensor, input_node, input_shape
    made = ours.shapelint_call(None, (KerasTensor(input_node(_Interp(), input_shape(shape),
                                                             "in", None)),), {}, None)
    made = made if isinstance(made, list) else [made]
    assert ([t.shape.to_json() for t in made], made[0].node.params, made[0].node.frozen) == real
