"""A DataLoader's short last batch (frameworks/torch_last_batch.py, torch_rnn_hidden.py): the
faults that only the last batch meets, placed on the DataLoader where drop_last=True goes. The
shapes and torch's messages asserted here were read from torch 2 running these sources (the
fixture pairs pooled_batchnorm_on_last_batch_of_one and gru_state_built_for_full_batches run
in tests/test_fix_pairs.py)."""
from __future__ import annotations

from fix_pairs import findings

BATCH_NORM = """\
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 6)
        self.bn = nn.BatchNorm1d(6{stats})

    def forward(self, x):
        return self.bn(self.fc(x{unsqueeze}))


data = TensorDataset(torch.randn({n}, 8), torch.randint(0, 3, ({n},)))
loader = DataLoader(data, batch_size=5{drop})
model = Net()
{mode}
for x, y in loader:
    out = model(x)
"""


def _bn(n=11, drop="", mode="model.train()", stats="", unsqueeze=""):
    return findings(BATCH_NORM.format(n=n, drop=drop, mode=mode, stats=stats,
                                      unsqueeze=unsqueeze))


def test_batch_norm_on_a_last_batch_of_one_sits_on_the_loader():
    """11 samples in batches of 5 end with one: BatchNorm1d in training gets (1, 6) and torch
    raises ValueError "Expected more than 1 value per channel when training, got input size
    torch.Size([1, 6])"; the full batches pass."""
    [d] = _bn()
    assert (d.code.code, int(d.line), d.data["seen_at_line"]) == ("SHP109", 17, 13)
    assert d.data["last_batch"] == 1 and d.data["batch_size"] == 5
    assert "got input size torch.Size([1, 6])" in d.message
    assert "drop_last=True here" in d.message and "does not divide 10" in d.message


def test_batch_norm_stays_silent_unless_the_last_batch_has_one_value_per_channel():
    assert _bn(drop=", drop_last=True") == []
    assert _bn(n=12) == []  # a last batch of 2
    assert _bn(n=10) == []  # every batch full
    # (N, 1, 6) after unsqueeze(1): BatchNorm1d(6) reads 1 channel on every batch, its own
    # finding, not one of the last batch
    assert all(d.data.get("last_batch") is None for d in _bn(unsqueeze=".unsqueeze(1)"))


def test_batch_norm_needs_training_mode_known():
    """torch raises in training mode only: without an explicit .train(), or after .eval(), the
    mode is not a fact here, unless track_running_stats=False (batch statistics in eval too)."""
    assert _bn(mode="") == []
    assert _bn(mode="model.train()\nmodel.eval()") == []
    assert _bn(mode="model.train(False)") == []
    assert [int(d.line) for d in _bn(mode="model.eval()\nmodel.train()")] == [17]
    assert [int(d.line) for d in _bn(mode="model.eval()",
                                     stats=", track_running_stats=False")] == [17]


GRU = """\
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

data = TensorDataset(torch.randn({n}, 12, 6), torch.randn({n}, 1))
loader = DataLoader(data, batch_size=16)
gru = nn.GRU(6, 24, 2, batch_first=True)
h = torch.zeros(2, 16, 24)
for x, y in loader:
    {state}
    out, h = gru(x, h)
"""


def test_rnn_state_built_for_the_full_batches():
    """70 in batches of 16 end with 6: torch raises RuntimeError "Expected hidden size
    (2, 6, 24), got [2, 16, 24]" at the GRU; on the DataLoader, naming where h is built."""
    [d] = findings(GRU.format(n=70, state="pass"))
    assert (d.code.code, int(d.line), d.data["seen_at_line"], d.data["data_at_line"]) == \
        ("SHP109", 6, 11, 8)
    assert "Expected hidden size (2, 6, 24), got [2, 16, 24]" in d.message
    assert d.data["expected_shape"] == [2, 6, 24] and d.data["given_shape"] == [2, 16, 24]


def test_rnn_state_silent_when_every_batch_fits():
    assert findings(GRU.format(n=64, state="pass")) == []
    assert findings(GRU.format(n=70, state="h = torch.zeros(2, x.size(0), 24)")) == []


def test_next_parameters_and_legacy_new_give_a_sized_state():
    """next(self.parameters()) is the first parameter even when a later layer's are not read;
    weight.new(2, 16, 24) is an uninitialised (2, 16, 24) tensor (torch's legacy new), which
    the GRU check reads like torch.zeros."""
    source = GRU.format(n=70, state="pass").replace(
        "h = torch.zeros(2, 16, 24)",
        "lin = nn.Sequential(nn.Linear(6, 6), nn.GRU(6, 6))\n"
        "h = next(lin.parameters()).new(2, 16, 24).zero_()")
    [d] = findings(source)
    assert (int(d.line), d.data["given_shape"]) == (6, [2, 16, 24])


ONE_BATCH = """\
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

data = TensorDataset(torch.randn({n}, 3, 16, 16), torch.zeros({n}))
conv = nn.Conv2d(1, 4, 3)
for x, _ in DataLoader(data, batch_size=8):
{body}
"""


def _one_batch(body: str, n: int = 20):
    return findings(ONE_BATCH.format(n=n, body=body))


def test_a_loop_ending_in_break_draws_the_first_full_batch():
    """20 in batches of 8: the first batch is 8 whatever the last; x[:, 0] is (8, 16, 16),
    which Conv2d(1, ...) reads as one unbatched image of 8 channels (torch raises "expected
    input[1, 8, 16, 16] to have 1 channels, but got 8 channels"); the finding sits on the loop
    header that binds the batch given to the layer (torch_fix_origins' channel-axis rule)."""
    [d] = _one_batch("    out = conv(x[:, 0])\n    break")
    assert (d.code.code, int(d.line)) == ("SHP109", 8) and "(8, 16, 16)" in d.message


def test_a_loop_that_may_go_on_keeps_the_batch_symbolic():
    """Without the break, or with a continue or a conditional break, the batch may be the last,
    of 4: its size is not one number, and nothing is reported."""
    assert _one_batch("    out = conv(x[:, 0])") == []
    assert _one_batch("    if x.sum() > 0:\n        continue\n    out = conv(x[:, 0])\n"
                      "    break") == []
    assert _one_batch("    out = conv(x[:, 0])\n    if x.sum() > 0:\n        break") == []
