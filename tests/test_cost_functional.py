"""FLOPs of the ops a forward() runs itself (shapelint.cost.functional_flops), end to end: each
case is a small nn.Module written to a file, analysed statically, then built and run on the
meta device under torch's FlopCounterMode. Static totals must equal torch's; the cases marked
known must be known (not hollow); the others must be unknown with the reason given."""
from __future__ import annotations

import runpy

import pytest

torch = pytest.importorskip("torch")
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from shapelint.pipeline.analysis import analyse  # noqa: E402
from shapelint.cost import model_cost  # noqa: E402
from shapelint.domain.shapes import Shape  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore")

# (id, input shape, {parameter: shape}, forward body; the input is `x`), all known statically
KNOWN = [
    ("matmul-3d-2d", (2, 3, 4), {"w": (4, 5)}, "return x @ self.w"),
    ("matmul-vector", (3, 4), {"v": (4,)}, "return torch.matmul(x, self.v)"),
    ("matmul-vector-left", (4,), {"w": (4, 5)}, "return x @ self.w"),
    ("matmul-dot", (4,), {"v": (4,)}, "return x @ self.v"),
    ("matmul-broadcast", (2, 1, 3, 4), {"w": (6, 4, 5)}, "return x @ self.w"),
    ("matmul-2d-3d", (3, 4), {"w": (2, 4, 5)}, "return torch.matmul(x, self.w)"),
    ("method-matmul", (7, 4), {"w": (4, 5)}, "return x.matmul(self.w)"),
    ("mm", (3, 4), {"w": (4, 5)}, "return torch.mm(x, self.w)"),
    ("method-mm", (3, 4), {"w": (4, 6)}, "return x.mm(self.w)"),
    ("bmm", (2, 3, 4), {"w": (2, 4, 5)}, "return torch.bmm(x, self.w)"),
    ("addmm", (3, 4), {"w": (4, 5), "b": (5,)}, "return torch.addmm(self.b, x, self.w)"),
    ("baddbmm", (2, 3, 4), {"w": (2, 4, 5), "b": (2, 3, 5)},
     "return torch.baddbmm(self.b, x, self.w, alpha=0.5)"),
    ("linear-3d", (2, 3, 4), {"w": (5, 4), "b": (5,)}, "return F.linear(x, self.w, self.b)"),
    ("linear-1d", (4,), {"w": (5, 4)}, "return F.linear(x, self.w)"),
    ("einsum-bmm", (2, 3, 4), {"w": (2, 4, 5)}, 'return torch.einsum("bij,bjk->bik", x, self.w)'),
    ("einsum-mul", (3, 4), {"w": (3, 4)}, 'return torch.einsum("ij,ij->ij", x, self.w)'),
    ("einsum-outer", (3,), {"w": (4,)}, 'return torch.einsum("i,j->ij", x, self.w)'),
    ("einsum-summed", (3, 4), {"w": (4, 5)}, 'return torch.einsum("ij,jk->i", x, self.w)'),
    ("einsum-implicit", (3, 4), {"w": (4, 5)}, 'return torch.einsum("ij,jk", x, self.w)'),
    ("einsum-list", (3, 4), {"w": (4, 5)}, 'return torch.einsum("ij,jk->ik", [x, self.w])'),
    ("einsum-one", (3, 4), {}, 'return torch.einsum("ij->ji", x)'),
    ("einsum-attention", (2, 3, 5, 8), {"k": (2, 3, 7, 8)},
     'return torch.einsum("bhqd,bhkd->bhqk", x, self.k)'),
    ("einsum-ellipsis", (2, 3, 5, 8), {"k": (2, 3, 8, 6)},
     'return torch.einsum("...ij,...jk->...ik", x, self.k)'),
    ("einops-einsum", (2, 3, 4), {"w": (2, 4, 5)},
     'return einops.einsum(x, self.w, "batch i j, batch j k -> batch i k")'),
    ("einops-einsum-ellipsis", (2, 3, 5, 8), {"k": (2, 3, 7, 8)},
     'return einops.einsum(x, self.k, "... q d, ... k d -> ... q k")'),
    ("sdpa", (2, 3, 5, 8), {"k": (2, 3, 7, 8), "v": (2, 3, 7, 6)},
     "return F.scaled_dot_product_attention(x, self.k, self.v)"),
    ("sdpa-3d", (3, 5, 8), {"k": (3, 7, 8), "v": (3, 7, 8)},
     "return F.scaled_dot_product_attention(x, self.k, self.v)"),
    ("sdpa-causal", (2, 3, 5, 8), {},
     "return F.scaled_dot_product_attention(x, x, x, is_causal=True)"),
    ("sdpa-mask", (2, 3, 5, 8), {"k": (2, 3, 7, 8), "m": (5, 7)},
     "return F.scaled_dot_product_attention(x, self.k, self.k, attn_mask=self.m)"),
    ("sdpa-dropout-scale", (2, 3, 5, 8), {"k": (2, 3, 7, 8), "v": (2, 3, 7, 6)},
     "return F.scaled_dot_product_attention(x, self.k, self.v, dropout_p=0.1, scale=0.3)"),
    ("conv2d", (2, 3, 8, 8), {"w": (6, 3, 3, 3)},
     "return F.conv2d(x, self.w, stride=2, padding=1)"),
    ("conv2d-groups", (2, 4, 8, 8), {"w": (6, 2, 3, 3), "b": (6,)},
     "return F.conv2d(x, self.w, self.b, groups=2, dilation=2)"),
    ("conv2d-same", (1, 3, 9, 9), {"w": (4, 3, 5, 3)}, 'return F.conv2d(x, self.w, padding="same")'),
    ("conv2d-unbatched", (3, 8, 8), {"w": (5, 3, 3, 3)}, "return F.conv2d(x, self.w)"),
    ("conv1d", (2, 3, 16), {"w": (6, 3, 5)}, "return F.conv1d(x, self.w, stride=3, padding=2)"),
    ("conv3d", (1, 2, 6, 6, 6), {"w": (4, 2, 3, 3, 3)}, "return F.conv3d(x, self.w, padding=(1, 0, 1))"),
    ("loop", (2, 4), {"w": (4, 4)}, "for _ in range(3):\n            x = x @ self.w\n        return x"),
    ("helper", (2, 4), {"w": (4, 4)}, "return _twice(x, self.w)"),
    ("with-layer", (2, 4), {"w": (4, 4)}, "return self.fc(x @ self.w)"),
]

# (id, input shape, params, body, words of the reason): unknown, never a partial sum
UNKNOWN = [
    ("einsum-three", (3, 4), {"w": (4, 5), "u": (5, 6)},
     'return torch.einsum("ij,jk,kl->il", x, self.w, self.u)', "contraction order"),
    ("undecided", (2, 4), {"w": (4, 4)},
     "if x.sum() > 0:\n            return x @ self.w\n        return x", "condition"),
    ("unknown-operand", (2, 4), {}, "return x @ self.missing", "not known"),
    # torch folds these into mv (0 FLOPs) or runs bmm, by strides and requires_grad
    ("vector-batch", (2, 4, 5), {"v": (4,)}, "return self.v @ x", "mv or bmm"),
    ("batch-vector", (2, 3, 4), {"v": (4,)}, "return torch.matmul(x, self.v)", "mv or bmm"),
    ("no-formula", (2, 3, 8), {"w": (3, 6, 3)}, "return F.conv_transpose1d(x, self.w)",
     "no FLOP formula"),
]

HEADER = '''import einops
import torch
import torch.nn as nn
import torch.nn.functional as F


def _twice(x, w):
    return torch.mm(torch.mm(x, w), w)


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
'''


def _source(params: dict, body: str) -> str:
    lines = [HEADER]
    for name, shape in params.items():
        lines.append(f"        self.{name} = nn.Parameter(torch.randn{tuple(shape)})\n")
    lines.append(f"\n    def forward(self, x):\n        {body}\n")
    return "".join(lines)


def _static(tmp_path, shape, params, body):
    path = tmp_path / "model.py"
    path.write_text(_source(params, body))
    analysis = analyse(path.read_text(), str(path), discover=True, whole_file=True)
    graph = dict(analysis.models)["M"].graph("M", Shape(tuple(shape)))
    return path, graph, model_cost(graph)


def _runtime(path, shape):
    namespace = runpy.run_path(str(path))
    with torch.device("meta"):
        model = namespace["M"]()
        with FlopCounterMode(display=False) as count:
            out = model(torch.empty(shape))
    return count.get_total_flops(), tuple(out.shape)


@pytest.mark.parametrize("case", KNOWN, ids=[c[0] for c in KNOWN])
def test_functional_flops_equal_flop_counter(tmp_path, case):
    _, shape, params, body = case
    path, graph, cost = _static(tmp_path, shape, params, body)
    real, out = _runtime(path, shape)
    assert cost.flops.known, cost.flops.reason
    assert cost.flops.value == real
    assert graph.outputs[0].output_shape.to_json() == list(out)


@pytest.mark.parametrize("case", UNKNOWN, ids=[c[0] for c in UNKNOWN])
def test_functional_flops_unknown_with_reason(tmp_path, case):
    _, shape, params, body, words = case
    _, _, cost = _static(tmp_path, shape, params, body)
    assert not cost.flops.known
    assert words in cost.flops.reason and "outside a layer" in cost.flops.reason


def test_known_cases_are_not_all_zero():
    """Not hollow: most cases count real multiply-accumulates."""
    zero = {"matmul-vector", "matmul-dot", "einsum-mul", "einsum-outer", "einsum-one"}
    assert len(KNOWN) - len(zero) >= 25


def test_a_module_under_an_undecided_condition_leaves_the_total_unknown(tmp_path):
    """fc may or may not run: its FLOPs are neither in nor out of the total."""
    body = "if x.sum() > 0:\n            y = self.fc(x)\n        return x @ self.w"
    _, _, cost = _static(tmp_path, (2, 4), {"w": (4, 4)}, body)
    assert not cost.flops.known and "fc runs under a condition" in cost.flops.reason
    _, _, cost = _static(tmp_path, (2, 4), {"w": (4, 4)}, "y = self.fc(x)\n        return x @ self.w")
    assert cost.flops.value == 2 * 2 * 4 * 3 + 2 * 2 * 4 * 4
