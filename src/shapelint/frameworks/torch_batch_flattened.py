"""A Linear given one vector that holds a whole batch (issue 16): (16, 1, 28, 28) flattened
from dim 0 into (12544,) (`nn.Flatten(start_dim=0)`, `torch.flatten(x)`, `x.view(-1)`) for a
Linear(784), whose in_features is one sample's values. torch raises at the Linear; a larger
in_features would make it run and mix the samples into one prediction, so the fix is the
flatten: the finding sits there and names the Linear. Facts only: every size of the flattened
tensor known, its first axis more than one, the rest exactly the Linear's in_features."""
from __future__ import annotations

from ..domain.dims import is_known


def batch_flattened(layer, fault, tensor, fix_at):
    """A FixAt (built by `fix_at`) on the flatten, or None."""
    source, at = tensor.reshaped_from, tensor.shape_at
    expected = fault.data.get("expected", fault.data.get("in_features"))
    if layer.type_name != "Linear" or source is None or at is None or at[3] != "reshaped" \
            or not at[0] or not is_known(expected):
        return None
    whole, flat = source.shape, tensor.shape
    if not (whole.known_rank and flat.known_rank) or flat.rank != 1 or whole.rank < 2 or \
            not all(is_known(d) for d in whole.dims) or not is_known(flat[0]):
        return None
    per_sample = 1
    for d in whole.dims[1:]:
        per_sample *= d
    if per_sample != expected or whole[0] < 2 or flat[0] != whole[0] * per_sample:
        return None
    fault.data["batch_flattened"] = True  # no in_features to suggest (rules/checks.py)
    sentence = (f"The flatten on this line turns {whole} into {flat}: the {whole[0]} samples "
                f"of the batch become one vector, where the {layer.type_name} takes "
                f"{expected} values per sample; flattened from dim 1 it gets "
                f"({whole[0]}, {expected}): torch.flatten(x, 1), nn.Flatten() or "
                f"x.view(x.size(0), -1).")
    return fix_at(at[0], int(at[1]), int(at[2]), None, sentence)
