"""Every public layer class of the installed Keras has a catalogue entry, and the entries of
the newer modules take the real constructor's signature (names, order, defaults)."""
from __future__ import annotations

import inspect

import pytest

# Public layer classes with no entry, each for a reason the catalogue cannot change.
EXCLUDED = {
    # the abstract base: a user's subclass is read by frameworks/keras_subclass.py
    "Layer": "abstract base; subclasses are interpreted (build/call)",
    # keras.Input's layer: frameworks/keras_models.py turns it into the model's input node
    "InputLayer": "an input, handled by frameworks/keras_models.py (make_input_layer)",
    # abstract base of Bidirectional, TimeDistributed, SpectralNormalization (all catalogued)
    "Wrapper": "abstract base of the catalogued wrappers; build() raises on its own",
    # load a TensorFlow SavedModel from disk; Keras refuses them on any other backend
    "TFSMLayer": "its shapes and weights come from a SavedModel file on disk",
    # wrap JAX functions and Flax modules: their shapes are those of arbitrary JAX code, and
    # Keras builds them only with the JAX backend
    "JaxLayer": "arbitrary JAX code; JAX backend only",
    "FlaxLayer": "an arbitrary Flax module; JAX backend only",
}

# The entries written against the real constructors' signatures: every entry of these modules of
# catalogue/keras/, and the ones added with them to modules that also hold older entries.
NEW_MODULES = ("preprocessing", "augmentation", "lookup", "conv_lstm")
NEW_ELSEWHERE = ("AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D",
                 "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D",
                 "AdaptiveMaxPooling3D", "AdditiveAttention", "GroupQueryAttention",
                 "RMSNormalization", "ReversibleEmbedding", "SpectralNormalization",
                 "TorchModuleWrapper")


def _public_layers():
    keras = pytest.importorskip("keras")
    return {name: cls for name in dir(keras.layers)
            if inspect.isclass(cls := getattr(keras.layers, name))
            and issubclass(cls, keras.layers.Layer)}


def test_every_public_keras_layer_has_an_entry():
    from shapelint.catalogue import lookup
    layers = _public_layers()
    missing = sorted(n for n in layers if n not in EXCLUDED and lookup("keras", n) is None)
    assert not missing, f"Keras layers without a catalogue entry: {missing}"
    assert set(EXCLUDED) <= set(layers), "an excluded name is no longer a Keras layer"
    assert not [n for n in EXCLUDED if lookup("keras", n) is not None]


def _new_entries():
    from shapelint.catalogue import CATALOGUES, _load
    _load("keras")
    return sorted(name for name, entry in CATALOGUES["keras"].items()
                  if entry.factory.__module__.rsplit(".", 1)[-1] in NEW_MODULES
                  or name in NEW_ELSEWHERE)


def test_new_modules_cover_the_issue_list():
    wanted = {"RandomFlip", "RandomRotation", "RandomZoom", "RandomCrop", "RandomTranslation",
              "RandomContrast", "RandomBrightness", "Rescaling", "Resizing", "CenterCrop",
              "Normalization", "TextVectorization", "StringLookup", "IntegerLookup",
              "Discretization", "CategoryEncoding", "HashedCrossing", "Hashing"}
    assert wanted <= set(_new_entries())


@pytest.mark.parametrize("name", _new_entries())
def test_entry_signature_is_the_constructor_signature(name):
    """Same parameter names in the same order with the same defaults; **kwargs where Keras
    takes them (the base Layer's name, dtype, trainable...)."""
    from shapelint.catalogue import lookup
    real = inspect.signature(_public_layers()[name].__init__)
    real = [p for p in real.parameters.values() if p.name != "self"]
    ours = list(lookup("keras", name).signature.parameters.values())
    assert [(p.name, p.kind) for p in ours] == [(p.name, p.kind) for p in real]
    assert [p.default for p in ours] == [p.default for p in real]
