"""Grid cross-checks of catalogue/keras/ recurrent.py (cells, RNN), conv_lstm.py and the newer
entries of pool.py, attention.py, norm.py, core.py and wrappers.py against the real layers of
Keras 3 (torch backend), including layers that hold layers (RNN over cells, Pipeline,
SpectralNormalization, TorchModuleWrapper)."""
from __future__ import annotations

import pytest

from conftest import real_keras_layer, static_keras_layer, weights_size


class L:
    """A layer argument of a case: built by Keras for the truth, by shapelint for the rule."""

    def __init__(self, type_name, *args, framework="keras", **kwargs):
        self.type_name, self.args, self.kwargs, self.framework = (type_name, args, kwargs,
                                                                  framework)

    def real(self):
        if self.framework == "torch":
            import torch
            return getattr(torch.nn, self.type_name)(*self.args, **self.kwargs)
        import keras
        return getattr(keras.layers, self.type_name)(*_real(self.args), **_real(self.kwargs))

    def ours(self):
        if self.framework == "torch":
            from shapelint.frameworks.layers import make_layer_object
            from shapelint.frameworks.torch import TorchLayer
            return make_layer_object(TorchLayer, "torch", self.type_name, self.args,
                                     self.kwargs, "m", "", 0, 0)
        from shapelint.frameworks.keras_values import build_layer
        return build_layer(self.type_name, _ours(self.args), _ours(self.kwargs))

    def __repr__(self):
        return f"{self.type_name}{self.args}{self.kwargs}"


def _map(value, fn):
    if isinstance(value, L):
        return fn(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_map(v, fn) for v in value)
    if isinstance(value, dict):
        return {k: _map(v, fn) for k, v in value.items()}
    return value


def _real(value):
    return _map(value, L.real)


def _ours(value):
    return _map(value, L.ours)


C = {}


def case(type_name, args=(), kwargs=None, shape=(5, 4)):
    kwargs = kwargs or {}
    C[f"{type_name}{args}{sorted(kwargs.items())}{shape}"] = (type_name, args, kwargs, shape)


for rank, shape in ((1, (9, 3)), (2, (8, 9, 3)), (3, (5, 6, 7, 2))):
    for kind in ("Average", "Max"):
        name = f"Adaptive{kind}Pooling{rank}D"
        case(name, (3,), {}, shape)
        case(name, ((2,) * rank,), {"data_format": "channels_first"}, shape)
        case(name, ((2,) * (rank + 1),), {}, shape)
case("AdaptiveMaxPooling2D", ((4, 1),), {}, (8, 9, 3))
case("AdaptiveMaxPooling2D", ((4, 1),), {"data_format": "Channels_Last"}, (8, 9, 3))
for shape in ((5, 4), (3, 4, 6)):
    for axis in (-1, 1, [1, -1]):
        case("RMSNormalization", (), {"axis": axis}, shape)
for units in (3, 6):
    for cell, kws in (("SimpleRNNCell", ({}, {"use_bias": False})),
                      ("LSTMCell", ({}, {"use_bias": False})),
                      ("GRUCell", ({}, {"reset_after": False}, {"use_bias": False}))):
        for kw in kws:
            for rnn_kw in ({}, {"return_sequences": True}, {"go_backwards": True}):
                case("RNN", (L(cell, units, **kw),), rnn_kw, (5, 4))
case("RNN", ([L("LSTMCell", 3), L("GRUCell", 5)],), {}, (5, 4))
case("RNN", ([L("SimpleRNNCell", 2), L("LSTMCell", 3), L("SimpleRNNCell", 4)],),
     {"return_sequences": True}, (6, 7))
case("RNN", (L("StackedRNNCells", [L("GRUCell", 3), L("LSTMCell", 2)]),), {}, (5, 4))
for rank, shape in ((1, (3, 9, 2)), (3, (2, 5, 6, 7, 2))):
    name = f"ConvLSTM{rank}D"
    for kw in ({}, {"padding": "same", "return_sequences": True}, {"strides": 2},
               {"use_bias": False, "dilation_rate": 2}, {"data_format": "channels_first"}):
        case(name, (4, 3), kw, shape)
case("ConvLSTM2D", (4, 3), {"dilation_rate": 2}, (3, 8, 8, 2))
case("Pipeline", ([L("Rescaling", 0.5), L("Resizing", 4, 4), L("Conv2D", 2, 3)],), {},
     (8, 8, 3))
case("Pipeline", ([L("Dense", 3), L("BatchNormalization"), L("Dense", 2)],), {}, (4,))
for inner in (L("Dense", 5), L("Conv2D", 4, 3), L("Conv1D", 6, 2, use_bias=False),
              L("Embedding", 10, 3)):
    shape = {"Dense": (4,), "Conv2D": (8, 8, 3), "Conv1D": (9, 2), "Embedding": (5,)}[
        inner.type_name]
    case("SpectralNormalization", (inner,), {}, shape)
    case("SpectralNormalization", (inner,), {"power_iterations": 3}, shape)
case("SpectralNormalization", (L("Dense", 5),), {"power_iterations": 0}, (4,))
for module, shape, out in ((L("Linear", 4, 8, framework="torch"), (4,), (None, 8)),
                           (L("BatchNorm1d", 4, framework="torch"), (4,), (None, 4)),
                           (L("Conv2d", 3, 5, 3, framework="torch"), (3, 8, 8), (None, 5, 6, 6))):
    case("TorchModuleWrapper", (module,), {"output_shape": out}, shape)


def _as_keras(shape):
    return None if shape is None else [d if isinstance(d, int) else None for d in shape]


@pytest.mark.parametrize("key", sorted(C))
def test_entry_matches_keras(key):
    type_name, args, kwargs, shape = C[key]
    real = real_keras_layer(type_name, _real(args), _real(kwargs), shape)
    static = static_keras_layer(type_name, _ours(args), _ours(kwargs), shape)
    if real[3] is not None:
        assert static[3] is not None, (real, static)
        return
    assert static[3] is None, (real, static)
    assert (_as_keras(static[0]),) + static[1:3] == tuple(real[:3])


def _many(type_name, args, kwargs, shapes):
    """(output shapes, trainable, non-trainable): Keras's, then shapelint's."""
    keras = pytest.importorskip("keras")
    from shapelint.frameworks.keras_values import KerasTensor, input_node, build_layer, input_shape
    layer = getattr(keras.layers, type_name)(*_real(args), **_real(kwargs))
    outs = layer(*[keras.Input(s) for s in shapes]) if type_name == "GroupQueryAttention" \
        else layer([keras.Input(s) for s in shapes]) if len(shapes) > 1 \
        else layer(keras.Input(shapes[0]))
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    real = ([list(o.shape) for o in outs], weights_size(layer.trainable_weights),
            weights_size(layer.non_trainable_weights))
    ours = build_layer(type_name, _ours(args), _ours(kwargs))
    tensors = [KerasTensor(input_node(_Interp(), input_shape(s), "in", None)) for s in shapes]
    call = tuple(tensors) if type_name == "GroupQueryAttention" or len(shapes) == 1 \
        else (tensors,)
    made = ours.shapelint_call(None, call, {}, None)
    made = made if isinstance(made, list) else [made]
    node = made[0].node
    return real, ([t.shape.to_json() for t in made], node.params, node.frozen)


class _Interp:
    def position(self, node):
        return "", 0, 0


MANY = [
    ("AdditiveAttention", (), {}, [(3, 4), (5, 4)]),
    ("AdditiveAttention", (), {"use_scale": False}, [(3, 4), (5, 4), (5, 4)]),
    ("AdditiveAttention", (), {}, [(2, 3, 6), (2, 5, 6)]),
    ("GroupQueryAttention", (8, 4, 2), {}, [(5, 16), (7, 16)]),
    ("GroupQueryAttention", (8, 4, 2), {"use_gate": True, "use_bias": False},
     [(5, 16), (7, 16), (7, 12)]),
    ("GroupQueryAttention", (4, 6, 3), {}, [(5, 10), (5, 10)]),
    ("GroupQueryAttention", (4, 2, 2), {"use_gate": True}, [(5, 10), (3, 10), (3, 7)]),
    ("RNN", (L("LSTMCell", 3),), {"return_state": True}, [(5, 4)]),
    ("RNN", (L("GRUCell", 3),), {"return_state": True, "return_sequences": True}, [(5, 4)]),
    ("RNN", (L("SimpleRNNCell", 2),), {"return_state": True}, [(5, 4)]),
    ("ConvLSTM1D", (4, 3), {"return_state": True}, [(3, 9, 2)]),
    ("ConvLSTM3D", (2, 2), {"return_state": True, "return_sequences": True}, [(2, 4, 5, 6, 3)]),
]


@pytest.mark.parametrize("case_", MANY, ids=str)
def test_layers_with_several_inputs_or_outputs_match_keras(case_):
    real, ours = _many(*case_)
    assert ours == real


def test_group_query_attention_refuses_heads_that_do_not_group():
    keras = pytest.importorskip("keras")
    with pytest.raises(ValueError):
        keras.layers.GroupQueryAttention(8, 4, 3)
    assert static_keras_layer("GroupQueryAttention", (8, 4, 3), {}, (5, 16))[3] == "SHP105"


def test_what_the_call_decides_is_unknown_not_guessed():
    """ReversibleEmbedding(reverse=True) and a cell called by hand: the counts hold, the
    output shape is unknown (the rule does not see the call's keywords or states)."""
    keras = pytest.importorskip("keras")
    for kw in ({}, {"tie_weights": False}):
        real = real_keras_layer("ReversibleEmbedding", (10, 6), kw, (5,))
        assert real[0] == [None, 5, 6]  # without reverse=True
        assert static_keras_layer("ReversibleEmbedding", (10, 6), kw, (5,)) == (
            None, real[1], real[2], None)
    # a cell's rule is one step (catalogue/keras/recurrent.py), which RNN runs; its count is the cell's
    _, params, _, fault = static_keras_layer("LSTMCell", (3,), {}, (4,))
    cell = keras.layers.LSTMCell(3)
    cell.build((None, 4))
    assert (params, fault) == (weights_size(cell.trainable_weights), None)


def test_torch_module_wrapper_without_output_shape():
    """Keras cannot trace the module symbolically: the shape is unknown, the count is not."""
    import torch
    keras = pytest.importorskip("keras")
    with pytest.raises(NotImplementedError):
        keras.layers.TorchModuleWrapper(torch.nn.Linear(4, 8))(keras.Input((4,)))
    out, params, _, fault = static_keras_layer(
        "TorchModuleWrapper", (L("Linear", 4, 8, framework="torch").ours(),), {}, (4,))
    assert (out, params, fault) == (None, 40, None)
