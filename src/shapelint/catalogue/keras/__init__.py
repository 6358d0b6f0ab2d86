"""Keras 3 layers: constructor signatures, shape rules and parameter formulas, one module per
family: core (Dense, EinsumDense, Embedding, Lambda), activation (shape-preserving layers,
dropout, noise), reshape, conv, pool, norm, attention, merge, wrappers, preprocessing,
augmentation, lookup (hashing, lookups, text), conv_lstm and recurrent; shared helpers and the
image data format in _common.py.

Shapes are batch-first tuples; the batch dim is usually Unknown (Keras prints None). Formulas
follow keras/src/ops/operation_utils.py and each layer's build() and compute_output_shape() in
keras/src/layers/; the entries are cross-checked against real Keras in the
tests/test_keras_catalogue*.py and tests/test_keras_recurrent.py tests.
"""
from __future__ import annotations


def load() -> None:
    """Registers every entry (catalogue._load: a listing of them all; a lookup imports only
    the module registering its name, catalogue/index.py). The lint path imports _common.py
    (the data format) and merge.py (the functional forms) for every Keras file; they alone do
    not load the rest."""
    from . import core, activation, reshape, conv, pool, norm, attention  # noqa: F401
    from . import merge, wrappers, preprocessing, augmentation, lookup, conv_lstm  # noqa: F401
    # last: its RNN, cells and StackedRNNCells also say which initial states a call takes
    from . import recurrent  # noqa: F401
