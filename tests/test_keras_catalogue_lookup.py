"""Grid cross-checks of catalogue/keras/lookup.py against Keras 3's own layer code.

These layers need TensorFlow, which is not installed beside the torch backend (Keras raises
ImportError in their constructors). Their shapes and vocabulary arithmetic are Keras code, not
TensorFlow's: with `tf` replaced by a stand-in in their modules, and a lookup table that only
knows its size, Keras's constructors, set_vocabulary and compute_output_shape run for real.
They hold no Keras weights, so both counts are 0 in Keras and here."""
from __future__ import annotations

import importlib
import importlib.util
from unittest import mock

import pytest

from conftest import static_keras_layer, weights_size

MODULES = ("hashing", "hashed_crossing", "string_lookup", "integer_lookup",
           "text_vectorization", "index_lookup")


class _Table:
    """What set_vocabulary needs of a tf lookup table: its size, as a tensor would give it."""

    def __init__(self, n):
        self.n = n

    def size(self):
        return mock.Mock(numpy=lambda: self.n)


@pytest.fixture
def keras_without_tf(monkeypatch):
    keras = pytest.importorskip("keras")
    fake = mock.MagicMock(name="tf")
    fake.available = True
    fake.is_tensor = lambda value: False
    fake.executing_eagerly = lambda: True
    for name in MODULES:
        module = importlib.import_module(f"keras.src.layers.preprocessing.{name}")
        monkeypatch.setattr(module, "tf", fake)
    index_lookup = importlib.import_module("keras.src.layers.preprocessing.index_lookup")
    monkeypatch.setattr(index_lookup.IndexLookup, "_lookup_table_from_tokens",
                        lambda self, tokens: _Table(len(tokens)))
    return keras


def _real(keras, type_name, args, kwargs, shapes, dtype):
    try:
        layer = getattr(keras.layers, type_name)(*args, **kwargs)
        inputs = [keras.Input(s, dtype=dtype) for s in shapes]
        out = layer(inputs if len(inputs) > 1 else inputs[0])
    except (ValueError, TypeError) as error:
        return None, None, None, type(error).__name__
    return (list(out.shape), weights_size(layer.trainable_weights),
            weights_size(layer.non_trainable_weights), None)


def _static(type_name, args, kwargs, shapes):
    if len(shapes) == 1:
        return static_keras_layer(type_name, args, kwargs, shapes[0])
    from shapelint.frameworks.layers import apply
    from shapelint.frameworks.keras_values import build_layer, input_shape
    from shapelint.domain.graph import LayerNode
    layer = build_layer(type_name, args, kwargs)
    if layer.fault is not None:
        return None, None, None, layer.fault.code.code
    node = LayerNode(layer, "layer", type_name, "", 0, 0)
    apply(node, [input_shape(s) for s in shapes], True)
    if node.fault is not None:
        return None, None, None, node.fault.code.code
    return node.output_shape.to_json(), node.params, node.frozen, None


C = {}


def case(type_name, args=(), kwargs=None, shapes=((4,),), dtype="string"):
    kwargs = kwargs or {}
    C[f"{type_name}{args}{sorted(kwargs.items())}{shapes}"] = (type_name, args, kwargs,
                                                               list(shapes), dtype)


ENCODINGS = ("int", "one_hot", "multi_hot", "count")
SHAPES = ((4,), (1,), (3, 1), (3, 4))
for shape in SHAPES:
    for mode in ENCODINGS:
        case("Hashing", (10,), {"output_mode": mode}, (shape,))
    for mode in ("int", "one_hot"):
        case("HashedCrossing", (7,), {"output_mode": mode}, (shape, shape))
case("Hashing", (0,), {}, ((4,),))
case("Hashing", (5,), {"output_mode": "tf_idf"}, ((4,),))
case("HashedCrossing", (7,), {}, ((3,), (4,)))
case("HashedCrossing", (7,), {"output_mode": "count"}, ((1,), (1,)))

VOCABULARIES = (["a", "b", "c"], ["[UNK]", "a", "b"], ["", "[UNK]", "a"], ["a", "b", "a"],
                ["a", "", "b"], [])
for shape in SHAPES:
    for mode in ENCODINGS + ("tf_idf",):
        for kw in ({}, {"vocabulary": ["a", "b", "c"]}, {"max_tokens": 9, "pad_to_max_tokens": True},
                   {"vocabulary": ["a", "b"], "mask_token": "", "num_oov_indices": 2}):
            if mode == "tf_idf" and "vocabulary" in kw:
                kw = {**kw, "idf_weights": [1.0] * len(kw["vocabulary"])}
            case("StringLookup", (), {**kw, "output_mode": mode}, (shape,))
for vocabulary in VOCABULARIES:
    for kw in ({}, {"mask_token": ""}, {"num_oov_indices": 0}, {"max_tokens": 3},
               {"output_mode": "multi_hot"}, {"output_mode": "multi_hot", "mask_token": ""},
               {"invert": True}):
        case("StringLookup", (), {"vocabulary": vocabulary, **kw}, ((4,),))
for kw in ({"max_tokens": 1}, {"pad_to_max_tokens": True}, {"num_oov_indices": -1},
           {"invert": True, "output_mode": "count"}, {"idf_weights": [1.0]},
           {"output_mode": "bad"}, {"output_mode": "binary", "max_tokens": 5,
                                    "pad_to_max_tokens": True}):
    case("StringLookup", (), kw, ((4,),))
for vocabulary in ([1, 2, 3], [-1, 5, 6], [0, -1, 4], [2, 2]):
    for kw in ({}, {"mask_token": 0}, {"output_mode": "one_hot"},
               {"output_mode": "count", "num_oov_indices": 3}):
        case("IntegerLookup", (), {"vocabulary": vocabulary, **kw}, ((4,), ), "int64")
case("IntegerLookup", (), {"output_mode": "multi_hot", "max_tokens": 6,
                           "pad_to_max_tokens": True}, ((3, 4),), "int64")
for shape in ((1,), (3,), (2, 3)):
    for kw in ({}, {"output_sequence_length": 7}, {"output_mode": "multi_hot", "max_tokens": 20,
                                                   "pad_to_max_tokens": True},
               {"output_mode": "count", "vocabulary": ["x", "y", "z"]},
               {"output_mode": "one_hot", "vocabulary": ["x", "y"], "split": None},
               {"output_mode": "one_hot", "vocabulary": ["x", "y"]},
               {"output_mode": "tf_idf", "vocabulary": ["x", "y"], "idf_weights": [1.0, 2.0]},
               {"output_mode": "multi_hot", "vocabulary": ["x", "y"], "split": None,
                "ngrams": 2}):
        case("TextVectorization", (), kw, (shape,))
for kw in ({"output_mode": "count", "output_sequence_length": 4},
           {"output_sequence_length": 2.5}, {"output_mode": "bad"},
           {"output_mode": "count", "vocabulary": ["x", "x"]}):
    case("TextVectorization", (), kw, ((1,),))


@pytest.mark.parametrize("key", sorted(C))
def test_entry_matches_keras(key, keras_without_tf):
    type_name, args, kwargs, shapes, dtype = C[key]
    real = _real(keras_without_tf, type_name, args, kwargs, shapes, dtype)
    static = _static(type_name, args, kwargs, shapes)
    if real[3] is not None:
        assert static[3] is not None, (real, static)
        return
    assert static[3] is None, (real, static)
    assert static[:3] == tuple(real[:3])


def test_without_tensorflow_keras_refuses_these_layers():
    """The stand-in is needed: the real constructors refuse to run here."""
    keras = pytest.importorskip("keras")
    if importlib.util.find_spec("tensorflow") is not None:
        pytest.skip("TensorFlow is installed")
    for name, args in (("StringLookup", ()), ("Hashing", (3,)), ("TextVectorization", ())):
        with pytest.raises(ImportError):
            getattr(keras.layers, name)(*args)
