"""A Flatten that takes the axes a recurrent or convolution layer after it reads (issue 16):
`Conv2D -> Flatten -> GRU` gives the GRU (None, 2560) where it needs (None, steps, features).
The Flatten is given more axes than the layer needs, so moving it does not help (keras_places
reports a Flatten given exactly the rank the layer needs as misplaced); what was meant is a
Reshape that keeps the leading axes as the layer's steps (or rows), in place of the Flatten.

Only when the Flatten's output reaches the layer unchanged (through Dropout, Activation,
BatchNormalization: same shape in and out): a Dense or an Embedding between them makes its own
features, and the fix, a Reshape, goes at the layer that rejects them, where keras_places
leaves the finding."""
from __future__ import annotations

from ..domain.dims import is_known


def replaced_by_reshape(p, node, need: int) -> str | None:
    """The sentence for a Flatten (p) given rank > need whose rank-2 output node rejects:
    the Reshape target that keeps need - 1 axes (the last ones merged), when its sizes are
    known; None when p was given no more than need axes."""
    given = p.input_shapes[0] if len(p.input_shapes) == 1 else None
    if given is None or not given.known_rank or given.rank <= need:
        return None
    dims = tuple(given.dims[1:])
    kept, merged = dims[:need - 2], dims[need - 2:]
    target = ""
    if all(is_known(d) for d in dims):
        size = 1
        for d in merged:
            size *= d
        target = f" Reshape({tuple(kept) + (size,)})"
    return (f"the {p.type_name} applied on this line makes it rank 2 from {given}, merging "
            f"the axes the {node.type_name} reads as {_what(node)}; replace it with a"
            f"{target or ' Reshape'} keeping {need - 1} axes after the batch")


def _what(node) -> str:
    """What the axes after the batch are to the layer that needs them."""
    if node.type_name.endswith(("1D", "2D", "3D")) and "LSTM" not in node.type_name:
        return "its spatial axes and channels"
    return "steps and features"
