"""How the framework call being made was spelled, and what its file registers, for checks
whose verdict depends on them: tensorflow.keras.* and tf_keras.* are Keras 2 under TensorFlow
before 2.16 (Keras 3 after), keras.* is Keras 3; under Keras 2, a file that registers custom
objects may name its own activations by string. Set around each framework call by
frameworks.Frameworks.call_ref; read where a layer is made (layers.make_layer_object)."""
from __future__ import annotations

import re
from contextvars import ContextVar

SPELLED_FOR_TF_KERAS: ContextVar[bool] = ContextVar("spelled_for_tf_keras", default=False)
CUSTOM_OBJECTS: ContextVar[bool] = ContextVar("custom_objects", default=False)

# get_custom_objects().update({...}), custom_object_scope(...), @register_keras_serializable:
# Keras 2 then finds a string such as Activation("softplusk") among them (Keras 3's
# activations.get reads only its own names)
_REGISTERS = re.compile(r"\b(?:get_custom_objects|custom_object_scope|CustomObjectScope|"
                        r"register_keras_serializable)\b")


def registers_custom_objects(module) -> bool:
    """Does the module's text register Keras custom objects anywhere? Cached on the module."""
    if module is None:
        return False
    found = module.__dict__.get("shapelint_custom_objects")
    if found is None:
        found = any(_REGISTERS.search(line) for line in getattr(module, "lines", None) or ())
        module.__dict__["shapelint_custom_objects"] = found
    return found


def for_tf_keras(qualname: str) -> bool:
    """The name is spelled through TensorFlow's or tf_keras's Keras."""
    return qualname.startswith(("tensorflow.", "tf_keras."))
