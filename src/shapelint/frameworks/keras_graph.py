"""Keras graphs beyond one layer at a time: weights counted once per model (shared layers,
nested models), a model used as a layer of another, and tensor arithmetic inside call()."""
from __future__ import annotations

import copy

from ..catalogue import Rule
from ..domain.dims import NotKnown, Unknown, is_known
from ..domain.shapes import Shape
from .keras import (KerasFunctional, KerasLayer, KerasSequential, KerasTensor, apply)


def recount(order: list) -> list:
    """Copies of a model's nodes in which each weight counts once in this model: a layer at
    its first application, a nested model for the layers not counted before it (a layer
    shared with another model counts in both, as Keras counts it)."""
    seen, mapped, out = set(), {}, []
    for n in order:
        new = copy.copy(n)
        new.original = getattr(n, "original", n)
        new.inputs = [mapped.get(id(i), i) for i in n.inputs]
        new.side_inputs = [mapped.get(id(i), i) for i in n.side_inputs]
        if not n.is_input:
            if not n.counts:
                apply(new, list(n.input_shapes), True)
                if n.__dict__.get("called_output") is not None:
                    new.output_shape = n.called_output
            parts = leaves(new)
            fresh = [p for p in parts if p[0] not in seen]
            seen.update(p[0] for p in parts)
            if not fresh:
                new.counts, new.params, new.frozen = False, 0, 0
            elif len(fresh) < len(parts):
                new.params = sum((p[1].params for p in fresh), 0)
                new.frozen = sum((p[1].frozen for p in fresh), 0)
        mapped[id(n)] = new
        out.append(new)
    return out


def leaves(node) -> list:
    """(layer id, node) for every layer whose weights a node's layer owns."""
    fixed = node.__dict__.get("fixed_leaves")
    if fixed is not None:  # a layer a subclass holds without calling it (keras_tracking)
        return fixed
    inner = getattr(node.layer, "subclass_leaves", None)
    if inner is not None:
        return [(id(node.layer), _ZERO)] + inner(node)
    model = getattr(node.layer, "model", None)
    if model is None or not node.input_shapes:
        return [(id(node.layer), node)]
    override = node.input_shapes[0] if isinstance(model, KerasSequential) else None
    out = [(id(node.layer), _ZERO)]
    for n in model.graph(model.name, override).nodes:
        if n.counts and not n.is_input:
            out.extend(leaves(n))
    return out


class _Zero:
    params = frozen = 0


_ZERO = _Zero()


# -- a model used as a layer of another model -------------------------------------------------

def as_layer(item):
    """The layer object for an item of a Sequential list (a layer, or a nested model)."""
    if isinstance(item, KerasLayer):
        return item
    if isinstance(item, (KerasSequential, KerasFunctional)):
        return model_layer(item)
    from .keras_subclass import Subclass, subclass_layer
    record = getattr(item, "payload", None)
    if isinstance(record, Subclass):
        return subclass_layer(record)
    return None


def model_layer(model) -> KerasLayer:
    """One persistent layer object per nested model, so that sharing it counts it once; its
    params are the nested model's total, as Keras's summary row shows."""
    made = getattr(model, "_as_layer", None)
    if made is None:
        type_name = "Sequential" if isinstance(model, KerasSequential) else "Functional"
        made = KerasLayer(type_name, model.name, model.path, model.line, model.col,
                          rule=_model_rule(model))
        made.model = model
        model._as_layer = made
    return made


def _model_rule(model) -> Rule:
    sequential = isinstance(model, KerasSequential)

    def graph(x):
        return model.graph(model.name, x if sequential else None)

    def output(x):
        if sequential:
            return graph(x).outputs[0].output_shape
        shapes = [t.shape for t in model.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def count(attr):
        def formula(x):
            g = graph(x[0] if isinstance(x, list) else x)
            value = getattr(g, attr)
            if value is None:
                why = "; ".join(g.reasons()) or "params unknown"
                raise NotKnown(f"nested model {model.name}: {why}")
            return value
        return formula
    multi = not sequential and len(model.inputs) > 1
    return Rule(output=output, params=count("trainable"), frozen=count("non_trainable"),
                multi_input=multi)


# -- arithmetic on tensors inside call(): an operation node without weights ---------------------

class TensorOp(KerasLayer):
    hidden = True  # Keras lists operations apart from layers (model.operations)


def broadcast(shapes: list) -> Shape:
    """NumPy broadcasting of full shapes (batch axis included), as keras.ops does."""
    rank = max(len(s) for s in shapes)
    dims = []
    for i in range(rank):
        sizes = [s[len(s) - rank + i] for s in shapes if len(s) - rank + i >= 0]
        known = {d for d in sizes if is_known(d) and d != 1}
        if len(known) > 1:
            from ..catalogue import LayerFault
            from ..domain.codes import SHP107
            raise LayerFault(SHP107, "operands of shapes " + ", ".join(str(s) for s in shapes)
                             + " cannot be broadcast together")
        rest = [d for d in sizes if not (is_known(d) and d == 1)]
        if known:
            dims.append(known.pop())
        elif not rest:
            dims.append(1)
        elif all(d == rest[0] for d in rest):
            dims.append(rest[0])
        else:
            dims.append(Unknown("broadcast of unknown sizes"))
    return Shape(tuple(dims))


def tensor_binary(interp, fn, left, right):
    operands = [left, right]
    tensors = [t for t in operands if isinstance(t, KerasTensor)]
    consts = []
    for value in operands:
        if isinstance(value, KerasTensor):
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            consts.append(Shape(()))
        elif hasattr(value, "shape") and isinstance(value.shape, tuple):
            consts.append(Shape(tuple(value.shape)))
        elif isinstance(getattr(value, "shape", None), Shape):
            consts.append(value.shape)  # a constant tensor (keras_ops.Constant)
        else:
            return Unknown("arithmetic of a tensor with an unknown value")
    if not tensors:  # constants only (weights, keras.ops.arange...): a constant again
        from .keras_ops import Constant
        if not all(c.known_rank for c in consts):
            return Constant(Shape.unknown("operand of unknown rank"))
        try:
            return Constant(broadcast(consts))
        except Exception:  # noqa: BLE001 - a fault between constants is not followed here
            return Unknown("arithmetic of constants that do not broadcast")

    def output(shapes):
        shapes = list(shapes) + consts
        if not all(s.known_rank for s in shapes):
            raise NotKnown("operand of unknown rank")
        return broadcast(shapes)
    op = TensorOp(getattr(fn, "__name__", "op"), getattr(fn, "__name__", "op"), "", 0, 0,
                  rule=Rule(output=output, multi_input=True))
    return op.shapelint_call(interp, (tensors,), {}, None)
