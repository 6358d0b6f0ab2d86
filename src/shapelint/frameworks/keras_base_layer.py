"""A user's subclass of a Keras layer of the catalogue (class Cached(layers.MultiHeadAttention)).

Keras builds the base layer's weights with the base's build(), from the shapes of the call's
tensor arguments (Layer._maybe_build), whatever the subclass's call() then does with them; so
the weights are the catalogue's formula for those shapes, counted once, and the subclass's own
sublayers and add_weight come on top. A subclass that overrides build() is not followed (the
base's weights then depend on whether it calls super().build()).

For call(): a subclass that does not override it is the base layer itself. One that does may
use the base's documented internals; for MultiHeadAttention (whose _compute_attention Keras
invites subclasses to override or call) these are the projections `_query_dense`,
`_key_dense`, `_value_dense`, `_output_dense` and `_compute_attention`, read here as weightless
shape rules (their weights are the formula's). Anything else of the base is not known."""
from __future__ import annotations

from ..catalogue import Rule, lookup
from ..domain.dims import NotKnown, Unknown, is_known
from ..domain.graph import LayerNode
from ..interpreter.values import Builtin
from ..domain.shapes import Shape
from .keras_tracking import tracked
from .keras_values import KerasTensor, TensorOp, build_layer


def catalogue_base(name: str) -> str | None:
    """The catalogue type a canonical base name is, for a user class deriving from it."""
    parts = name.split(".")
    if len(parts) < 3 or parts[0] != "keras" or "layers" not in parts:
        return None
    last = parts[-1]
    if last in ("Layer", "InputLayer") or lookup("keras", last) is None:
        return None
    return last


def make_base(record, interp, args, kwargs, node) -> None:
    """super().__init__(...) of a subclass of a catalogue layer: the base layer object."""
    record.base = build_layer(record.base_type, tuple(args), dict(kwargs), record.name,
                              record.path, record.line, record.col)


def delegate(record) -> bool:
    """May a call go straight to the base layer? Only when the subclass adds nothing Keras
    would count or run: no call(), no build(), no weights or layers of its own."""
    cls = record.instance.cls
    for name in ("call", "build"):
        try:
            cls.lookup(name)
            return False
        except KeyError:
            pass
    held = [obj for value in record.instance.attrs.values() for obj in tracked(value)]
    return not held and not getattr(record, "init_weights", [])


def base_weights(record, first, more: tuple, named: dict) -> LayerNode | str:
    """A hidden row with the base layer's weights for the shapes this call builds it with,
    or why they are not known."""
    base = record.base
    try:
        record.instance.cls.lookup("build")
        return f"{record.type_name} overrides build() of {record.base_type}"
    except KeyError:
        pass
    node = LayerNode(base, f"{record.name} ({record.base_type})", record.base_type,
                     record.path, record.line, record.col)
    node.hidden = True
    if base.rule is None or base.fault is not None:
        return base.reason or f"{record.base_type} is not understood here"
    shapes = [first.shape]
    if base.rule.multi_input:
        given = dict(named)
        call_params = _call_params(record)
        given.update(zip(call_params[1:], more))
        shapes += [given[name].shape for name in ("value", "key")
                   if isinstance(given.get(name), KerasTensor)]
    x = shapes if base.rule.multi_input else shapes[0]
    try:
        node.params, node.frozen = base.rule.params(x), base.rule.frozen(x)
    except NotKnown as why:
        return why.reason
    node.input_shapes, node.output_shape = shapes, Shape.unknown("weights of the base layer")
    return node


def _call_params(record) -> list:
    try:
        return [p.name.value for p in record.instance.cls.lookup("call").node.params.params[1:]]
    except (KeyError, AttributeError):
        return []


# -- the documented internals of MultiHeadAttention, as weightless shape rules -----------------

def internal(record, name: str):
    """An internal attribute of the base layer a subclass's call() may use, or None."""
    if getattr(record, "base", None) is None or record.base_type != "MultiHeadAttention":
        return None
    args = record.base.arguments or {}
    heads, key_dim = args.get("num_heads"), args.get("key_dim")
    value_dim = args.get("value_dim") or key_dim
    if not all(isinstance(v, int) for v in (heads, key_dim, value_dim)):
        return None
    out_dim = args.get("output_shape")
    projections = {"_query_dense": (heads, key_dim), "_key_dense": (heads, key_dim),
                   "_value_dense": (heads, value_dim)}
    if name in projections:
        h, d = projections[name]
        return _shape_op(name, lambda s: Shape(tuple(s[:-1]) + (h, d)))
    if name == "_output_dense":
        if out_dim is not None and not isinstance(out_dim, int):
            return None
        query = getattr(record, "query_shape", None)
        width = out_dim if out_dim is not None else (query[-1] if query is not None else None)
        if width is None or not is_known(width):
            return None
        return _shape_op(name, lambda s: Shape(tuple(s[:-2]) + (width,)))
    if name == "_compute_attention":
        return Builtin("MultiHeadAttention._compute_attention",
                       lambda i, a, kw, n: _compute_attention(i, a, kw))
    return None


def _shape_op(name, rule):
    from .keras_ops import apply_op  # noqa: F401 (keeps the import order of keras_ops)

    def run(interp, args, kwargs, node):
        x = args[0] if args else kwargs.get("inputs")
        return _tensor_op(interp, name, [x], lambda shapes: rule(shapes[0]))
    return Builtin(f"MultiHeadAttention.{name}", run)


def _tensor_op(interp, name, tensors, rule):
    if not tensors or not all(isinstance(t, KerasTensor) for t in tensors):
        return Unknown(f"MultiHeadAttention.{name} applied to an unknown value")

    def output(shapes):
        if not all(s.known_rank for s in shapes):
            raise NotKnown("operand of unknown rank")
        return rule(shapes)
    op = TensorOp(name, name, "", 0, 0, rule=Rule(output=output, multi_input=True))
    return op.shapelint_call(interp, (list(tensors),), {}, None)


def _compute_attention(interp, args, kwargs):
    """(attention_output (B, T, N, Dv), attention_scores (B, N, T, S)) for projected
    query (B, T, N, Dk), key (B, S, N, Dk), value (B, S, N, Dv); the mask is an edge."""
    names = ("query", "key", "value", "attention_mask")
    given = dict(zip(names, args))
    given.update({k: v for k, v in kwargs.items() if k in names})
    q, key, v = given.get("query"), given.get("key"), given.get("value")
    mask = given.get("attention_mask")
    tensors = [q, key, v] + ([mask] if isinstance(mask, KerasTensor) else [])
    if mask is not None and not isinstance(mask, KerasTensor):
        return Unknown("an attention mask that is not known")

    def output(shapes):
        qs, vs = shapes[0], shapes[2]
        if qs.rank != 4 or vs.rank != 4:
            raise NotKnown("attention over more than one axis is not modelled")
        return Shape(tuple(qs[:-1]) + (vs[-1],))

    def scores(shapes):
        qs, ks = shapes[0], shapes[1]
        if qs.rank != 4 or ks.rank != 4:
            raise NotKnown("attention over more than one axis is not modelled")
        return Shape((qs[0], qs[2], qs[1], ks[1]))
    wanted = kwargs.get("return_attention_scores", args[5] if len(args) > 5 else False)
    if wanted is not True:  # Keras's fused path returns None for them, the other a tensor
        return (_tensor_op(interp, "attention", tensors, output),
                Unknown("attention scores not asked for (None or a tensor)"))
    return (_tensor_op(interp, "attention", tensors, output),
            _tensor_op(interp, "attention_scores", tensors, scores))
