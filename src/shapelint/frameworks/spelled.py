"""How the framework call being made was spelled, for checks whose verdict depends on which
package the user imported: tensorflow.keras.* and tf_keras.* are Keras 2 under TensorFlow before
2.16 (Keras 3 after), keras.* is Keras 3. Set around each framework call by
frameworks.Frameworks.call_ref; read where a layer is made (layers.make_layer_object)."""
from __future__ import annotations

from contextvars import ContextVar

SPELLED_FOR_TF_KERAS: ContextVar[bool] = ContextVar("spelled_for_tf_keras", default=False)


def for_tf_keras(qualname: str) -> bool:
    """The name is spelled through TensorFlow's or tf_keras's Keras."""
    return qualname.startswith(("tensorflow.", "tf_keras."))
