"""Keyword arguments of Keras 1 and 2 layers that Keras 3 refuses. Keras 3's Layer.__init__
takes only activity_regularizer, trainable, dtype, autocast, name, input_shape and input_dim
beside a layer's own parameters, and raises ValueError "Unrecognized keyword arguments passed
to Dense: {...}" for any other; old tutorials and notebooks still write these. The layers that
take one of the names as their own parameter are listed against it (tests/test_keras_legacy_
arguments.py derives that list from the installed Keras's constructors and builds the layers)."""
from __future__ import annotations

_EMBEDDINGS = frozenset({"Embedding", "ReversibleEmbedding"})

# name -> (what Keras 3 writes instead, the layers whose own parameter it is)
LEGACY = {
    "batch_input_shape": ("input_shape= without the batch size, or keras.Input(batch_shape=...)",
                          frozenset({"InputLayer"})),
    "batch_size": ("keras.Input(batch_size=...) for the model, or fit(batch_size=...)",
                   frozenset({"InputLayer"})),
    "input_length": ("input_shape=(length,) or keras.Input(shape=(length,))", _EMBEDDINGS),
    "weights": ("layer.set_weights(...) once the layer is built",
                _EMBEDDINGS | {"Bidirectional"}),
    "init": ("kernel_initializer=", frozenset()),
    "output_dim": ("units=", _EMBEDDINGS),
    "border_mode": ("padding=", frozenset()),
    "subsample": ("strides=", frozenset()),
    "nb_filter": ("filters=", frozenset()),
    "nb_row": ("kernel_size=", frozenset()),
    "nb_col": ("kernel_size=", frozenset()),
    "dim_ordering": ("data_format=", frozenset()),
    "W_regularizer": ("kernel_regularizer=", frozenset()),
    "b_regularizer": ("bias_regularizer=", frozenset()),
    "W_constraint": ("kernel_constraint=", frozenset()),
    "b_constraint": ("bias_constraint=", frozenset()),
}


def refused(type_name: str, keywords) -> list:
    """The keyword names of a call of layer class type_name that Keras 3 refuses."""
    return [k for k in keywords if k in LEGACY and type_name not in LEGACY[k][1]]
