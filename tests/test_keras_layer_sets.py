"""The layer names shapelint gives Keras layers are the names Keras gives them (issue 20).

Whether the layers shapelint counts in each functional and Sequential model are the layers
Keras holds is checked on the run each fixture already gets: tests/totals_truth.py
`assert_layers_keras_holds`, called by tests/test_totals.py (the fixtures) and
tests/test_runtime_cases.py (the public cases). keras.applications are checked the same way in
test_keras_applications.py, against the recorded table."""
from __future__ import annotations

import pytest


def test_aliases_are_named_after_their_class():
    """An alias (MaxPool2D) builds a layer named after its class (max_pooling2d)."""
    keras = pytest.importorskip("keras")
    from shapelint.frameworks.keras_values import CLASS_OF_ALIAS
    layers = {name: getattr(keras.layers, name) for name in dir(keras.layers)}
    aliases = {name: cls.__name__ for name, cls in layers.items()
               if isinstance(cls, type) and cls.__name__ != name}
    assert CLASS_OF_ALIAS == aliases
