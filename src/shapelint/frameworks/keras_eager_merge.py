"""A Keras merge layer called eagerly on concrete tensors (issue 16): `Concatenate()([scores,
offsets])` where scores is ops.convert_to_tensor of a (1024,) array and offsets of a (1024, 2)
one. Keras's Concatenate requires inputs of one rank, every axis but the concatenation axis
equal, and raises ValueError when it builds (keras/src/layers/merging/concatenate.py build),
whatever values the tensors hold. No model holds such a call, so the finding is recorded here.

When one input is the others' shape less its last axis (a vector of scores beside rows of
pairs) and the layer joins on the last axis, that input lacks the axis to join on: the fix is
that tensor, reshaped to (..., 1), and the finding (SHP107) goes to the statement that made it,
naming the layer call where Keras raises (data["seen_at_line"]). Facts only: every input a
constant the file made (Constant.made_at), all sizes known; anything else says nothing."""
from __future__ import annotations

from ..domain.codes import SHP107, Diagnostic
from ..domain.dims import is_known


def eager_concatenate(interp, applied, tensors) -> None:
    if interp is None or interp.uncertain or applied.type_name != "Concatenate" or \
            len(tensors) < 2 or getattr(interp.state, "keras_tracing", 0):
        return
    nodes = [t.node for t in tensors]
    if not all(n.type_name == "constant" and n.__dict__.get("made_at") for n in nodes):
        return
    shapes = [t.shape for t in tensors]
    if not all(s.known_rank and all(is_known(d) for d in s.dims) for s in shapes):
        return
    axis = (getattr(applied.layer, "arguments", None) or {}).get("axis", -1)
    rank = max(s.rank for s in shapes)
    if axis not in (-1, rank - 1):
        return
    short = [i for i, s in enumerate(shapes) if s.rank == rank - 1]
    full = [s for s in shapes if s.rank == rank]
    if len(short) != 1 or len(short) + len(full) != len(shapes) or \
            any(tuple(s.dims[:-1]) != tuple(shapes[short[0]].dims) for s in full):
        return
    made = nodes[short[0]].__dict__["made_at"]
    at = applied.__dict__.get("call_at")
    if not at or made[0] != at[0] or int(made[1]) == int(at[1]):
        return
    given = tuple(shapes[short[0]].dims)
    others = ", ".join(str(tuple(s.dims)) for s in full)
    message = (f"Concatenate at line {at[1]} joins on the last axis a tensor of shape {given} "
               f"with {others}: a Concatenate requires inputs of one rank, equal on every "
               f"axis but the last, and Keras raises ValueError. The tensor made on this line "
               f"has no last axis to join on: give it one, shape {given + (1,)} "
               f"(ops.reshape(..., (-1, 1)) or ops.expand_dims(..., -1))")
    data = {"shapes": [list(s.dims) for s in shapes], "seen_at_line": int(at[1]),
            "seen_at_col": int(at[2])}
    interp.state.findings.append(Diagnostic(SHP107, made[1], made[2], message, data, made[0]))
