"""Issue 16, torch: a loss side drawn from a DataLoader that the loop body binds again before
the loss is placed on that statement, naming the tensor the dataset holds
(frameworks/torch_batch_bound.py). The pair is defect_labels_cast_in_loop_without_output_axis
in fixtures/fix_origins/torch/ (test_fix_pairs.py runs it with torch: BCEWithLogitsLoss raises
at the loss, the twin's `.unsqueeze(1)` where the labels are cast runs); here the message and
the places the rule leaves alone."""
from __future__ import annotations

from fix_pairs import FIX_ORIGINS, findings

PAIR = FIX_ORIGINS / "torch" / "defect_labels_cast_in_loop_without_output_axis.py"


def _only(source: str):
    [d] = findings(source)
    return d


def test_message_names_the_dataset_tensor_and_the_fix():
    d = _only(PAIR.read_text(encoding="utf-8"))
    assert (int(d.line), d.column, d.data["seen_at_line"]) == (27, 4, 29)
    assert "The target batches (8,) are drawn (TensorDataset, DataLoader) from the tensor " \
        "made at line 21 and bound again on this line, before the loss; the input is (8, 1): " \
        ".unsqueeze(1) here makes them agree." in d.message


def test_a_batch_used_as_drawn_stays_on_the_dataset_tensor():
    """Without the loop's own statement the batch is the loader's: the tensor it holds."""
    source = PAIR.read_text(encoding="utf-8").replace(
        "    labels = labels.to(torch.float32)  # error: SHP110\n", "").replace(
        "torch.randint(0, 2, (32,))", "torch.randint(0, 2, (32,)).float()")
    d = _only(source)
    assert int(d.line) == 21 and "from the tensor made on this line" in d.message


def test_a_batch_bound_again_by_keyword_arguments_is_not_read():
    """criterion(input=..., target=...): the argument is not a positional name; the finding
    stays where the drawn tensor was made."""
    source = PAIR.read_text(encoding="utf-8").replace(
        "criterion(logits, labels)", "criterion(input=logits, target=labels)")
    d = _only(source)
    assert int(d.line) == 21 and d.data["seen_at_line"] == 29
