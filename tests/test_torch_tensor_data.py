"""torch.tensor(data) and its kin: the shape of the tensor made, checked against torch from the
same code. rasbt/deeplearning-models' weight-sharing CNN made its bias with
`torch.tensor(torch.zeros(num_classes), ...)`, read as a scalar: the logits plus that bias kept
one column, and softmax over them got a false SHP204."""
import pytest

from shapelint.frameworks.torch_values import TorchTensor
from static_out import static_out

torch = pytest.importorskip("torch")

HEADER = "import torch\n"

CASES = [
    "out = torch.tensor(torch.zeros(10), dtype=torch.float32)",
    "out = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])",
    "out = torch.tensor([])",
    "out = torch.tensor(5.0)",
    "out = torch.tensor([torch.tensor(1.0), torch.tensor(2.0)])",
    "out = torch.randn(4, 1) + torch.nn.Parameter(torch.tensor(torch.zeros(10)))",
    "out = torch.as_tensor(torch.zeros(4, 6))",
]


@pytest.mark.parametrize("code", CASES)
def test_the_tensor_made_has_torchs_shape(code):
    real = {}
    exec(HEADER + code, real)  # noqa: S102 - our own snippet
    got = static_out(HEADER, code)
    assert isinstance(got, TorchTensor) and got.shape.known_rank, got
    assert got.shape.dims == tuple(real["out"].shape)


def test_data_it_cannot_read_leaves_the_shape_unknown():
    """An object of the user's (torch reads its __len__ / __getitem__ or refuses it), or a
    list of tensors of several elements, which torch refuses."""
    for code in ("class Rows:\n    pass\n\nout = torch.tensor(Rows())",
                 "out = torch.tensor([torch.zeros(3), torch.zeros(3)])"):
        got = static_out(HEADER, code)
        assert not isinstance(got, TorchTensor) or not got.shape.known_rank, (code, got)
    with pytest.raises((ValueError, TypeError, RuntimeError)):
        torch.tensor([torch.zeros(3), torch.zeros(3)])
