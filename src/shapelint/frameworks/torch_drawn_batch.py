"""Issue 16 (torch): a batch a DataLoader draws from a TensorDataset of the script's own tensor
reaches a channels-first layer without its channel axis ((N, H, W) where a Conv2d(1, ...) wants
(N, 1, H, W)). Every batch keeps the axes after the first of the tensor the dataset holds, so the
fix goes where that tensor's shape is written (`images = torch.rand(16, 64, 64)`, or a reshape):
.unsqueeze(1) there gives every batch the axis. Unsqueezing each batch where the model is given
it is the other honest side, named in the message and carried as data["data_at_line"] (the loss
side of the same data is torch_loss_places' "drawn" place)."""
from __future__ import annotations

from ..domain.codes import SHP109
from ..domain.shapes import Shape


def no_channel_axis(fed, shape: Shape, batched: Shape, layer_name: str, fix_at):
    """fix_at(...) on the line that wrote the drawn tensor's shape, or None when the batch was
    not drawn from a tensor written in the file that feeds the model."""
    drawn = getattr(fed, "drawn_at", None)
    if drawn is None or drawn[3] not in ("built", "reshaped") or drawn[0] != fed[0] or \
            not drawn[1] or drawn[1] == fed[1]:
        return None
    sentence = (f"The batches {shape} given to the model at line {fed[1]} are drawn "
                f"(TensorDataset, DataLoader) from the tensor {drawn[3]} on this line, whose "
                f"axes after the first they keep: no channel axis, where {layer_name} takes "
                f"(N, C, ...); .unsqueeze(1) here makes every batch {batched}, as "
                f".unsqueeze(1) of each batch at line {fed[1]} does.")
    return fix_at(drawn[0], int(drawn[1]), int(drawn[2]), SHP109, sentence,
                  data_at=(fed[0], fed[1], fed[2]))
