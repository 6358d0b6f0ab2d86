"""Layer objects of any framework, and how one application of a layer to input shapes becomes
a graph node: output shape, parameter counts, or the fault the framework would raise."""
from __future__ import annotations

from dataclasses import dataclass

from ..catalogue import LayerFault, Rule, lookup
from ..domain.codes import SHP103, SHP105
from ..domain.dims import NotKnown, Unknown
from ..domain.graph import LayerNode
from ..domain.shapes import AFTER_ERROR, Shape
from .spelled import CUSTOM_OBJECTS, SPELLED_FOR_TF_KERAS


@dataclass(eq=False)
class LayerObject:
    type_name: str
    name: str
    path: str
    line: int
    col: int
    rule: Rule | None
    reason: str = ""
    fault: LayerFault | None = None
    input_shape: Shape | None = None  # declared on the layer (Keras input_shape= / input_dim=)
    shape_fault: LayerFault | None = None  # that input_shape= a Sequential cannot take
    built: bool = False
    unresolved: bool = False  # not in the catalogue at all (SHP301)
    arguments: dict | None = None  # the constructor's arguments, bound by its signature
    raises: str | None = None  # the exception its constructor raises (a binding TypeError)
    positional: int = 0  # how many constructor arguments were given by position


def make_layer_object(cls, framework: str, type_name: str, args, kwargs, name, path, line, col,
                      entry=None):
    """Bind constructor arguments to the catalogue entry (or the entry given, for layers of
    packages outside the framework's own catalogue); keep what could not be known."""
    entry = entry or lookup(framework, type_name)
    layer = cls(type_name, name, path, line, col, rule=None)
    if entry is None:
        layer.reason = f"{type_name} is not in shapelint's {framework} catalogue"
        layer.unresolved = True
        return layer
    layer.type_name = entry.type_name
    layer.positional = len(args)  # Conv2D(32, 3, 3): Keras 1's kernel read as strides
    try:  # entries carry the framework's own signature: a binding error is the user's error
        layer.arguments = dict(entry.bind(tuple(args), dict(kwargs)).arguments)
    except TypeError as error:
        if SPELLED_FOR_TF_KERAS.get() and "missing" in str(error):
            # Keras 2 gave some of them defaults (AveragePooling2D's pool_size=(2, 2))
            layer.reason = f"{type_name}(...): {error} in Keras 3; Keras 2 (tf.keras before " \
                "TensorFlow 2.16) may give it a default"
            return layer
        layer.fault = LayerFault(SHP105, f"{type_name}(...) is called wrongly: {error}; "
                                 f"{framework} raises TypeError here")
        layer.raises = "TypeError"
        return layer
    if framework == "keras" and not SPELLED_FOR_TF_KERAS.get():
        # Keras 1/2 keywords its entries' **kwargs would swallow (tf.keras may be Keras 2)
        from ..catalogue.keras.legacy_arguments import LEGACY, refused
        old = refused(entry.type_name, kwargs)
        if old:
            given = ", ".join(f"{k}=" for k in old)
            instead = "; ".join(f"{LEGACY[k][0]} for {k}=" for k in old)
            layer.fault = LayerFault(SHP105, f"{entry.type_name} is given {given}, which Keras "
                                     f"3 refuses: \"Unrecognized keyword arguments passed to "
                                     f"{entry.type_name}\" (ValueError; Keras 2 took it). "
                                     f"Write {instead}", refused_arguments=old)
            layer.raises = "ValueError"
            return layer
    try:
        layer.rule = entry.rule(tuple(args), dict(kwargs))
    except (TypeError, ValueError, ArithmeticError):
        layer.reason = f"the arguments of {type_name}(...) are not understood"
    except NotKnown as why:
        layer.reason = f"{type_name} argument unknown: {why.reason}"
    except LayerFault as fault:
        if fault.data.get("activation_name") is not None and CUSTOM_OBJECTS.get() and \
                SPELLED_FOR_TF_KERAS.get():
            # Keras 2 looks a string up among the custom objects the file registers; Keras 3
            # reads only its own names
            layer.reason = f"activation {fault.data['activation_name']!r} may be a custom " \
                "object this file registers, which Keras 2 (tf.keras before TensorFlow 2.16) finds"
        elif fault.keras2 is None or not SPELLED_FOR_TF_KERAS.get():
            layer.fault = fault
        elif isinstance(fault.keras2, str):  # which Keras tf.keras is, is not known
            layer.reason = fault.keras2
        else:
            layer.rule = fault.keras2
    return layer


def apply(node: LayerNode, shapes: list, first: bool) -> None:
    """Fill in a layer application's output shape and params from its input shapes."""
    try:
        _apply(node, shapes, first)
    except (LayerFault, NotKnown):
        raise
    except Exception as error:  # noqa: BLE001 - a rule that cannot handle this input says so
        why = f"shapelint could not evaluate {node.type_name} here ({type(error).__name__})"
        node.output_shape = Shape.unknown(why)
        node.params = node.frozen = Unknown(why)
        node.reason = why


def _apply(node: LayerNode, shapes: list, first: bool) -> None:
    layer = node.layer
    node.input_shapes = list(shapes)
    node.counts = first
    node.params = node.frozen = 0
    node.fault = None  # a replay (graph.replay's what-if) judges the node afresh
    if isinstance(layer, InputMarker):
        node.output_shape, node.fault = layer.shape, layer.fault
        return
    unknown = Shape.unknown(AFTER_ERROR)
    if layer.fault is not None:
        node.fault, node.output_shape = layer.fault, unknown
        node.params = node.frozen = Unknown("after-error")
        return
    if layer.rule is None:
        node.output_shape = Shape.unknown(layer.reason)
        node.params = node.frozen = Unknown(layer.reason)
        node.reason = layer.reason
        return
    rule = layer.rule
    x = shapes if rule.multi_input else shapes[0]
    if any(s.reason == AFTER_ERROR for s in shapes):
        node.output_shape = unknown
        node.params = node.frozen = Unknown("after-error")
        return
    try:
        _check_rank(layer, rule, shapes)
        out = rule.output(x)
        if isinstance(out, (list, tuple)):  # a layer with several outputs (LSTM states...)
            node.output_shapes = list(out)
            out = out[0]
        node.output_shape = out
    except LayerFault as fault:
        node.fault, node.output_shape = fault, unknown
        node.params = node.frozen = Unknown("after-error")
        return
    except NotKnown as why:
        node.output_shape = Shape.unknown(why.reason)
        node.reason = why.reason
    for attr, formula in (("params", rule.params), ("frozen", rule.frozen)):
        try:
            setattr(node, attr, formula(x) if first else 0)
        except NotKnown as why:
            setattr(node, attr, Unknown(why.reason))
            node.reason = node.reason or why.reason
        except LayerFault as fault:
            node.fault = fault


def _check_rank(layer: LayerObject, rule: Rule, shapes: list) -> None:
    for shape in shapes:
        if not shape.known_rank:
            continue
        rank = len(shape.dims)
        if rule.ndim is not None and rank != rule.ndim or \
                rule.min_ndim is not None and rank < rule.min_ndim:
            want = f"ndim={rule.ndim}" if rule.ndim is not None else f"min_ndim={rule.min_ndim}"
            rank_text = f"{rule.ndim}" if rule.ndim is not None else f"{rule.min_ndim}+"
            raise LayerFault(SHP103, f"{layer.type_name} expects a rank-{rank_text} input "
                             f"({want}) but receives {shape}, of rank {rank}",
                             input_shape=shape.to_json(), expected=want)


@dataclass(eq=False)
class InputMarker:
    """The layer behind a keras.Input tensor (an InputLayer row in functional summaries)."""
    shape: Shape
    name: str
    rule: Rule | None = None
    fault: LayerFault | None = None  # the Input itself does not build (keras_values.shape_fault)
