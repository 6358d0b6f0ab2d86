"""Where the fault of a product with a hand-made weight is fixed (issue 16): a module that keeps
`self.W = nn.Parameter(torch.randn(n_heads, key_dim, embed_dim))` and multiplies by it in
forward (`torch.mm(x, self.W.view(-1, embed_dim))`, `x @ self.W`) writes a Linear by hand; the
weight's sizes, set where the Parameter is made, are what a Linear's in_features is, so a
product whose inner sizes disagree sits there, as a Linear's fault sits on its constructor
(rules/checks.at_constructor), naming the product where torch raises; with the weight second
(x @ W, mm(x, W)) under a Linear's code, SHP101.

Only a disagreement of sizes (SHP106) moves: an operand of the wrong rank (a 0-d sum before
`s @ self.W`) is that operand's fault. Facts only: exactly one operand is the Parameter, or
a view, reshape, transpose or permute of it, made by nn.Parameter(...) in the same file; the
finding is torch's own fault at the product (the sizes as the operands have them), only its
place moves."""
from __future__ import annotations

from ..domain.codes import SHP101, SHP106

_WHERE = ("torch: a product (`@`, torch.mm, matmul, bmm) whose inner sizes disagree, where one "
          "operand is a weight made by nn.Parameter(...) in the file (or a view or transpose of "
          "it), is reported where the weight is made, as a Linear's fault is on its "
          "constructor: under SHP101 when the weight is the second operand.")
DOC_ADDENDA = {"SHP101": {"what": _WHERE}, "SHP106": {"what": _WHERE}}
_PRODUCTS = frozenset({"mm", "matmul", "bmm", "mv"})
_DEPTH = 6  # views of views: how far back a reshape's source is followed


def made(parameter, at) -> None:
    """nn.Parameter(...) at `at` (path, line, col) made this tensor."""
    if at is not None and at[0] and at[1]:
        parameter.parameter_at = tuple(at[:3])


def product_fault(name: str, fault, operands, fix_at) -> None:
    """Set fix_at of the product's fault to the one weight Parameter among its operands."""
    if name not in _PRODUCTS or fault is None or getattr(fault, "fix_at", None) is not None \
            or fault.code is not SHP106 or len(operands) != 2:
        return
    weights = [_weight(t) for t in operands]
    found = [w for w in weights if w is not None]
    if len(found) != 1:
        return
    parameter, at = found[0]
    side = "second" if weights[1] is not None else "first"
    sentence = (f"The weight {parameter.shape} made by nn.Parameter(...) on this line is the "
                f"{side} operand of the {name} (as it reaches it, "
                f"{operands[weights.index(found[0])].shape}), whose sizes disagree with the "
                f"other's, {operands[1 - weights.index(found[0])].shape}: size it here, as a "
                f"Linear's in_features is sized, or change the other operand.")
    # x @ W: the weight's leading size is the in_features of a Linear written by hand, and the
    # fault is the one a Linear's is (SHP101, last-dim-mismatch); W @ x keeps torch's own code
    code = SHP101 if side == "second" else None
    fault.fix_at = fix_at(at[0], int(at[1]), int(at[2]), code, sentence)


def _weight(tensor):
    """(the Parameter, where it was made) when the tensor is one or a rearrangement of one."""
    for _ in range(_DEPTH):
        if tensor is None:
            return None
        at = getattr(tensor, "parameter_at", None)
        if getattr(tensor, "parameter", False) is True and at is not None:
            return tensor, at
        tensor = getattr(tensor, "reshaped_from", None)
    return None
