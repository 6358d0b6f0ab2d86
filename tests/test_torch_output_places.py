"""Issue 16, torch: a loss given the model's output in a layout the targets do not have is
reported on the script's call of the model, after which the fix reshapes the output
(frameworks/torch_output_places.py): class scores kept as a 1x1 map against class indices
(.flatten(1)), a map at 1/k of the target's (F.interpolate). The pairs are
all_conv_logits_keep_1x1_map_at_cross_entropy and saliency_map_at_quarter_of_target_at_l1 in
fixtures/fix_origins/torch/ (test_fix_pairs.py runs them with torch); here the messages, the
places the rule leaves alone, and the shape facts it rests on, proven with torch."""
from __future__ import annotations

import pytest

from fix_pairs import FIX_ORIGINS, findings

FIXTURES = FIX_ORIGINS / "torch"
KEPT_MAP = FIXTURES / "all_conv_logits_keep_1x1_map_at_cross_entropy.py"
DOWNSAMPLED = FIXTURES / "saliency_map_at_quarter_of_target_at_l1.py"


def _only(source: str):
    [d] = findings(source)
    return d


def test_messages_say_how_the_output_is_off_and_the_fix():
    [kept] = findings(KEPT_MAP)
    assert (int(kept.line), kept.column, kept.data["seen_at_line"]) == (26, 0, 27)
    assert "The input (8, 10, 1, 1) is the model's output, made on this line: its 2 trailing " \
        "axes of 1 are a pooled map kept spatial, which the loss reads as positions; the " \
        "targets (8,) hold one class index per sample: .flatten(1) of the output here gives " \
        "(8, 10)." in kept.message
    [down] = findings(DOWNSAMPLED)
    assert (int(down.line), down.data["seen_at_line"]) == (26, 27)
    assert "its map is 1/4 of the target's (2, 1, 96, 128) on every side; F.interpolate of " \
        "the output to the target's size (size=(96, 128)) here makes them agree." in \
        down.message


def test_an_output_changed_after_the_call_stays_on_the_loss():
    """An op on the output makes a new tensor: the call no longer made what the loss gets."""
    source = KEPT_MAP.read_text(encoding="utf-8").replace(
        "logits = net(images)  # error: SHP110\n",
        "logits = net(images)\nlogits = logits * 2.0\n")
    assert int(_only(source).line) == 28


def test_a_model_called_inside_the_loss_call_stays_there():
    source = KEPT_MAP.read_text(encoding="utf-8").replace(
        "logits = net(images)  # error: SHP110\nloss = F.cross_entropy(logits, labels)",
        "loss = F.cross_entropy(net(images), labels)")
    d = _only(source)
    assert int(d.line) == 26 and "seen_at_line" not in d.data


def test_sizes_apart_by_no_one_factor_stay_on_the_loss():
    """96 x 100 against 24 x 32: the sides are not one multiple of the output's."""
    source = DOWNSAMPLED.read_text(encoding="utf-8").replace(
        "torch.rand(2, 1, 96, 128)", "torch.rand(2, 1, 96, 100)")
    assert int(_only(source).line) == 27


def test_a_target_of_another_batch_stays_on_the_loss():
    source = KEPT_MAP.read_text(encoding="utf-8").replace("(8,))", "(6,))")
    assert int(_only(source).line) == 27


@pytest.mark.parametrize("n, c, trailing", [(8, 10, 2), (3, 1000, 2), (4, 5, 1), (2, 7, 3)])
def test_torch_reads_kept_1x1_scores_as_a_map_and_flatten_fixes_it(n, c, trailing):
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F
    scores = torch.randn(n, c, *(1,) * trailing)
    labels = torch.randint(0, c, (n,))
    with pytest.raises(RuntimeError):
        F.cross_entropy(scores, labels)
    with pytest.raises(RuntimeError):
        F.nll_loss(F.log_softmax(scores, 1), labels)
    assert scores.flatten(1).shape == (n, c)
    F.cross_entropy(scores.flatten(1), labels)


@pytest.mark.parametrize("shape, k", [((2, 1, 24, 32), 4), ((1, 1, 32, 32), 8),
                                      ((3, 2, 5, 7), 2), ((2, 1, 16), 3)])
def test_torch_refuses_a_map_at_1_over_k_and_interpolate_fixes_it(shape, k):
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F
    out = torch.rand(*shape)
    target = torch.rand(*shape[:2], *(d * k for d in shape[2:]))
    for loss in (F.mse_loss, F.l1_loss, F.smooth_l1_loss):
        with pytest.raises(RuntimeError):
            loss(out, target)
    mode = "linear" if len(shape) == 3 else "bilinear"
    up = F.interpolate(out, size=target.shape[2:], mode=mode, align_corners=False)
    assert up.shape == target.shape
    F.mse_loss(up, target)


def test_each_call_notes_its_own_output():
    """A second call of the model on the next line makes another output: the loss's input is
    still the first call's."""
    source = KEPT_MAP.read_text(encoding="utf-8").replace(
        "logits = net(images)  # error: SHP110\n", "logits = net(images)\nagain = net(images)\n")
    assert int(_only(source).line) == 26
