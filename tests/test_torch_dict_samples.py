"""A map-style Dataset of the file's own whose __getitem__ returns a dict (frameworks/
torchvision_data.user_dataset): a DataLoader's batch is a dict of batched fields, as torch's
default_collate makes it, the same as for a tuple sample. Each batch the analysis reads is
compared with the first batch torch's real DataLoader draws from the same source."""
from __future__ import annotations

import pytest

from shapelint.domain.dims import is_known
from shapelint.frameworks.torch_values import TorchTensor
from static_out import static_out

torch = pytest.importorskip("torch")

HEADER = ("import numpy as np\nimport torch\nfrom torch.utils.data import DataLoader, Dataset\n\n\n"
          "class Pairs(Dataset):\n"
          "    def __init__(self, count=6):\n"
          "        self.images = np.zeros((count, 12, 10, 3), dtype=np.float32)\n"
          "        self.masks = np.zeros((count, 12, 10, 1), dtype=np.int64)\n"
          "        self.scores = torch.zeros(count, 5)\n\n"
          "    def __len__(self):\n"
          "        return len(self.images)\n\n"
          "    def __getitem__(self, i):\n"
          "        return {SAMPLE}\n\n\n")

SAMPLES = [
    ('{"image": torch.from_numpy(self.images[i].transpose(2, 0, 1)), '
     '"mask": torch.from_numpy(self.masks[i].transpose(2, 0, 1))}', "2"),
    ('{"x": torch.from_numpy(self.images[i]), "y": self.scores[i]}', "3"),
    ('{"x": self.scores[i], "label": 3}', "3"),  # an int field: a tensor of (N,)
    ('(torch.from_numpy(self.images[i]), self.scores[i])', "2"),  # the tuple form, as before
]


def _code(batch: str) -> str:  # (batch sizes dividing 6: every batch full)
    return (f"loader = DataLoader(Pairs(), batch_size={batch}, shuffle=True)\n"
            "for out in loader:\n    pass\n")


def _source(sample: str) -> str:
    return HEADER.replace("{SAMPLE}", sample)


def _real_batch(sample: str, batch: str):
    namespace: dict = {}
    exec(_source(sample) + f"loader = DataLoader(Pairs(), batch_size={batch}, shuffle=True)\n",
         namespace)  # noqa: S102 - our own snippet
    return next(iter(namespace["loader"]))


@pytest.mark.parametrize("sample, batch", SAMPLES)
def test_batches_are_collated_as_torch_does(sample, batch):
    real = _real_batch(sample, batch)
    got = static_out(_source(sample), _code(batch))
    pairs = list(real.items()) if isinstance(real, dict) else list(enumerate(real))
    assert type(got) in (dict, list) and (isinstance(got, dict) == isinstance(real, dict))
    assert [k for k, _ in pairs] == (list(got) if isinstance(got, dict) else
                                     list(range(len(got))))
    for key, tensor in pairs:
        field = got[key]
        assert isinstance(field, TorchTensor) and field.shape.dims == tuple(tensor.shape), key


def test_a_field_that_depends_on_the_index_stays_unknown():
    """A field whose size the index decides (a slice up to i) is not the same for every
    sample: that size is not guessed; the field the index does not decide is known."""
    sample = '{"x": self.scores[:i], "y": self.scores[i]}'
    got = static_out(_source(sample), _code("2"))
    assert not is_known(got["x"].shape.dims[1]) and got["y"].shape.dims == (2, 5)
