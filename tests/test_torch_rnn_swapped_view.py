"""Issue 16, torch: an RNN's initial states rejected for the batch, while the input's shape was
written by a reshape whose batch and step axes swapped give exactly the states torch checks
for, are reported on that reshape, naming the line that built the states
(frameworks/torch_rnn_swapped_view.py). The pair is gru_window_reshape_puts_windows_on_step_axis
in fixtures/fix_origins/torch/ (test_fix_pairs.py runs it with torch); here the message, the
places the rule leaves alone, and the shape fact it rests on, proven with torch."""
from __future__ import annotations

import pytest

from fix_pairs import FIX_ORIGINS, findings

PAIR = FIX_ORIGINS / "torch" / "gru_window_reshape_puts_windows_on_step_axis.py"


def _only(source: str):
    [d] = findings(source)
    return d


def test_message_gives_the_swapped_reshape_and_names_the_states():
    d = _only(PAIR.read_text(encoding="utf-8"))
    assert (int(d.line), d.data["seen_at_line"], d.data["data_at_line"]) == (19, 20, 18)
    assert "The input (16, 4, 3) is written on this line by a reshape, whose batch axis " \
        "(first, as GRU reads it) holds 16 while the states are built for a batch of 4, the " \
        "size it puts on the steps axis: the reshape to (4, 16, 3) gives the batch the states " \
        "have. The state is built at line 18." in d.message


def test_an_input_built_from_sizes_leaves_the_finding_on_the_state():
    source = PAIR.read_text(encoding="utf-8").replace(
        "readings.reshape(STEPS, self.windows, self.channels)",
        "torch.rand(STEPS, self.windows, self.channels)")
    d = _only(source)
    assert int(d.line) == 18 and "reshape" not in d.message


def test_states_that_no_swap_fits_stay_on_the_state():
    """h0 built for 5 windows: neither 16 nor 4, so the reshape is not what is off."""
    source = PAIR.read_text(encoding="utf-8").replace(
        "torch.zeros(1, self.windows, self.hidden)", "torch.zeros(1, 5, self.hidden)")
    assert int(_only(source).line) == 18


@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("batch_first", [True, False])
def test_torch_checks_the_states_against_the_batch_axis_it_reads(kind, batch_first):
    torch = pytest.importorskip("torch")
    layer = getattr(torch.nn, kind)(3, 12, num_layers=2, batch_first=batch_first)
    windows, steps = 4, 16
    state = torch.zeros(2, windows, 12)
    hx = (state, state.clone()) if kind == "LSTM" else state
    readings = torch.rand(windows * steps, 3)
    wrong = readings.reshape(steps, windows, 3) if batch_first else \
        readings.reshape(windows, steps, 3)
    with pytest.raises(RuntimeError, match="Expected hidden"):
        layer(wrong, hx)
    swapped = readings.reshape(wrong.shape[1], wrong.shape[0], 3)  # its first two sizes swapped
    out, _ = layer(swapped, hx)
    assert out.shape[0 if batch_first else 1] == windows
