"""Keras as the interpreter meets it: the hooks frameworks/__init__ calls (knows, call,
instantiate, ...), answered for keras names. Layers and tensors live in keras_values, models
in keras_models, keras.ops in keras_ops, subclassed layers and models in keras_subclass."""
from __future__ import annotations

from ..catalogue import lookup
from ..catalogue.keras.merge import FUNCTIONAL_FORMS
from ..domain.dims import Unknown
from . import keras_subclass
from .keras_models import as_model, make_functional, make_input, make_input_layer, make_sequential
from .keras_subclass import external_super, instance_attribute, instantiate
from .keras_values import OPERATIONS, make_layer

ROOT = "keras."
_MODEL_NAMES = {"Sequential": "sequential", "Model": "functional", "Functional": "functional"}

# The hooks frameworks/__init__ looks up on this module.
__all__ = ["ROOT", "knows", "call", "instantiate", "instance_attribute",
           "external_super", "as_model"]


def _keras_ops():
    # keras.ops borrows torch's shape rules (catalogue/keras_ops_rules): imported when first
    # used, so that a file without keras.ops never loads the torch catalogue
    from . import keras_ops
    return keras_ops


# What Keras values do that makes new values (keras_values.Operations): plugged in here, the
# module frameworks/__init__ imports (once a source read names keras or tensorflow, or a name
# asked is one of theirs) before any Keras value exists.
OPERATIONS.apply_op = lambda *args, **kwargs: _keras_ops().apply_op(*args, **kwargs)
OPERATIONS.tensor_binary = lambda *args: _keras_ops().tensor_binary(*args)
OPERATIONS.join_tensors = lambda values: _keras_ops().join_tensors(values)
OPERATIONS.tensors_for_constants = lambda value: _keras_ops().tensors_for_constants(value)
OPERATIONS.subclass_layer = keras_subclass.subclass_layer
OPERATIONS.trace_subclass = keras_subclass.trace


def knows(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return name.startswith("keras.") and (last in _MODEL_NAMES or last in ("Input", "InputLayer")
                                          or lookup("keras", last) is not None)


def call(interp, name: str, args, kwargs, node):
    parts = name.split(".")
    last = parts[-1]
    if last in ("Sequential",):
        return make_sequential(interp, args, kwargs, node)
    if last in ("Model", "Functional") and "layers" not in parts:
        return make_functional(interp, args, kwargs, node)
    if last == "Input":
        return make_input(interp, args, kwargs, node)
    if last == "InputLayer":
        return make_input_layer(interp, args, kwargs, node)
    if name in ("keras.backend.image_data_format", "keras.config.image_data_format"):
        from ..catalogue.keras import _common as keras_common
        return keras_common.DEFAULT_DATA_FORMAT
    if len(parts) > 2 and parts[1] in ("ops", "activations"):
        from . import keras_ops  # stateless operations: graph nodes without weights
        return keras_ops.call(interp, name, args, kwargs, node)
    if "layers" in parts and last[:1].isupper():
        return make_layer(interp, last, args, kwargs, node)
    if "layers" in parts and last in FUNCTIONAL_FORMS:
        inputs = args[0] if args else kwargs.get("inputs")
        rest = {k: v for k, v in kwargs.items() if k != "inputs"}
        made = make_layer(interp, FUNCTIONAL_FORMS[last], args[1:], rest, node)
        return made.shapelint_call(interp, (inputs,), {}, node)
    if name.startswith("keras.applications."):  # a backbone's features (predict)
        from . import keras_backbones
        builder = keras_backbones.backbone_name(name)
        if builder is not None:
            return keras_backbones.make(builder, args, kwargs)
    return Unknown(f"{name}() is outside the analysis")
