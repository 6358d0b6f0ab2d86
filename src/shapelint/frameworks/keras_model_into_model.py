"""Where a Keras model's output that a second model's declared input refuses is fixed (issue
16): a GAN's generator, a Sequential, upsamples to 128 pixels and its output is passed to a
discriminator built with input_shape=(96, 96, 3). Keras raises ValueError at that call (a built
Sequential checks a symbolic tensor against its InputLayer: keras_models._declared_takes). The
discriminator's input is a shape written out, what it is meant to take; the generator's
output size is worked out by its layers, and the one that last changed the refused axes wrote
the size that is wrong. The finding (SHP109) goes to that layer, naming the call where Keras
raises (data["seen_at_line"]) and the declared input as the other honest fix.

Facts only: the tensor comes from a model called in this file (a Sequential or keras.Model
applied as a layer), and inside it one layer, on a line of its own in this file and applied
to an input of the same rank, was the last to change every refused axis. Otherwise None, and
the finding stays where it was."""
from __future__ import annotations

from ..domain.codes import SHP109, Diagnostic
from ..domain.dims import is_known


def at_producing_layer(node, diagnostic: Diagnostic) -> Diagnostic | None:
    """node: the application of the model whose declared input refuses its input tensor."""
    data = diagnostic.data or {}
    declared, given = data.get("declared"), data.get("given")
    if diagnostic.code is not SHP109 or not declared or not given or len(node.inputs) != 1:
        return None
    axes = [i for i, (a, b) in enumerate(zip(declared, given))
            if i and a is not None and b is not None and a != b]
    producer = node.inputs[0]
    model = getattr(producer.layer, "model", None)
    if not axes or model is None or not producer.input_shapes:
        return None
    override = producer.input_shapes[0] if getattr(model, "graph_takes_input", False) \
        else None
    layer = _last_to_change(model.graph(model.name, override).nodes, axes)
    shows = node.__dict__.get("call_at") or (node.path, node.line, node.col)
    if layer is None or layer.path != shows[0] or not layer.line or \
            int(layer.line) == int(shows[1]):
        return None
    made = ", ".join(str(layer.output_shape.dims[i]) for i in axes)
    wanted = ", ".join(str(declared[i]) for i in axes)
    where = ", ".join(map(str, axes))
    message = (f"{model.name!r} outputs {tuple(given)}, passed at line {shows[1]} to "
               f"{node.name!r}, whose input is declared {tuple(declared)} (line "
               f"{data['input_at'][1]}): Keras raises ValueError there. This {layer.type_name} "
               f"is the last layer of {model.name!r} to change axis {where} (to {made}): make "
               f"it give {wanted}, or declare that input for {tuple(given)}")
    out = {**data, "seen_at_line": int(shows[1]), "seen_at_col": int(shows[2])}
    return Diagnostic(SHP109, layer.line, layer.col, message, out, layer.path)


def _last_to_change(nodes, axes):
    """The last node of a chain whose output differs from its input on any of axes; None when
    that node does not change them all, or changes the rank (a Reshape: the sizes it writes
    are another question)."""
    for n in reversed(nodes):
        if n.is_input:
            continue
        if len(n.inputs) != 1 or not n.input_shapes or not n.input_shapes[0].known_rank or \
                not n.output_shape.known_rank:
            return None
        before, after = n.input_shapes[0].dims, n.output_shape.dims
        if len(before) != len(after):
            return None
        changed = [i for i in axes if before[i] != after[i]]
        if changed:
            return n if changed == axes and all(is_known(after[i]) for i in axes) else None
    return None


def placed_refusal(interp, node) -> None:
    """Records node's refusal where its fix goes, when this rule places it: a call no model
    holds is in no graph to report it (one that is reports the same finding, kept once)."""
    fault = node.fault  # as rules/checks.fault_diagnostic reports it, before it is placed
    shown = Diagnostic(fault.code, node.line, node.col, fault.message,
                       {"layer": node.name, "type": node.type_name, **fault.data}, node.path)
    placed = at_producing_layer(node, shown)
    if placed is not None:
        interp.state.findings.append(placed)
