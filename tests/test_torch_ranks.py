"""Property over a grid of ranks: torch's products (matmul/@, mm, bmm, dot, mv, einsum), its
reductions without a dim, and indexing (ints, slices, None, ..., integer tensors, masks, lists)
give the shape torch gives, for operands of rank 0 to 4; where torch raises, shapelint raises an
SHP1xx fault with torch's words (compared without spaces), or says the result is unknown.

Torch is the judge, on the CPU (the meta device raises some of these in other words).
"""
from __future__ import annotations

import itertools
import re

import pytest

torch = pytest.importorskip("torch")

from shapelint.pipeline.analysis import analyse  # noqa: E402
from shapelint.catalogue import LayerFault  # noqa: E402
from shapelint.catalogue.torch_functional import OPS  # noqa: E402
from shapelint.catalogue.torch_indexing import IndexTensor, index  # noqa: E402
from shapelint.domain.dims import NotKnown, Unknown  # noqa: E402
from shapelint.domain.shapes import Shape  # noqa: E402

LEFT = [(), (3,), (4,), (2, 3), (4, 2, 3), (1, 2, 3), (5, 4, 2, 3), (5, 1, 2, 3)]
RIGHT = [(), (3,), (4,), (3, 5), (4, 5), (4, 3, 5), (1, 3, 5), (2, 3, 5), (5, 1, 3, 5),
         (4, 1, 3, 5), (2, 4, 3)]
UNKNOWN = "unknown"


def _words(text: str) -> str:
    return "".join(text.split())


def real(fn):
    """torch's answer: the output shape (a tuple of shapes for several outputs), or its
    error's first line."""
    try:
        out = fn()
    except Exception as error:  # noqa: BLE001 - torch's refusal is the answer
        return None, str(error).splitlines()[0]
    if isinstance(out, torch.Tensor):
        return tuple(out.shape), None
    return tuple(tuple(o.shape) for o in out), None


def static(fn):
    """shapelint's answer: (shape, None), (None, fault message) or (UNKNOWN, reason)."""
    try:
        out = fn()
    except LayerFault as fault:
        assert fault.code.code.startswith("SHP1")
        return None, fault.message
    except NotKnown as why:
        return UNKNOWN, why.reason
    if isinstance(out, Shape):
        return tuple(out[:]), None
    return tuple(tuple(o[:]) for o in out), None


def agree(truth, mine, wildcard=False) -> bool:
    (shape, error), (my_shape, my_error) = truth, mine
    if my_shape == UNKNOWN:
        return True
    if error is not None:
        return my_shape is None and _words(error) in _words(my_error)
    if my_shape is None or len(my_shape) != len(shape):
        return False
    return all(m == r or (wildcard and isinstance(m, Unknown)) for m, r in zip(my_shape, shape))


@pytest.mark.parametrize("name", ["matmul", "mm", "bmm", "dot", "mv"])
def test_products_over_ranks(name):
    unknown = 0
    for a, b in itertools.product(LEFT, RIGHT):
        truth = real(lambda: getattr(torch, name)(torch.zeros(a), torch.zeros(b)))
        mine = static(lambda: OPS[name](Shape(a), Shape(b)))
        unknown += mine[0] == UNKNOWN
        assert agree(truth, mine), (name, a, b, truth, mine)
    assert unknown == 0


EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 5)]), ("ij,jk->ik", [(2, 3), (4, 5)]),
    ("ij,jk->ik", [(2, 3), (3,)]), ("ij->", [(2, 3)]), ("i,i", [(2,), (3,)]),
    ("i,i", [(3,), (3,)]), ("i,j->ij", [(3,), (4,)]), ("...ij,...jk", [(7, 2, 3), (3, 5)]),
    ("...ij,...jk->...ik", [(7, 2, 3), (6, 3, 5)]), ("bij,bjk->bik", [(7, 2, 3), (1, 3, 5)]),
    ("bij,bjk->bik", [(7, 2, 3), (6, 3, 5)]), ("ii->i", [(3, 4)]), ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]), ("ij->ji", [(2, 3)]), ("bhqd,bhkd->bhqk", [(2, 4, 5, 8), (2, 4, 6, 8)]),
    ("bhqk,bhkd->bhqd", [(2, 4, 5, 6), (2, 4, 6, 8)]),
    ("b i d, b j d -> b i j", [(2, 3, 4), (2, 5, 4)]), ("ij,jk->ik", [(2, 3)]),
    ("ij->ik", [(2, 3)]), ("ij->ii", [(2, 3)]), ("i...->...", [(2, 3, 4)]),
    ("...,...->...", [(2, 3), (3,)]), ("ijk->", [(2, 3)]), ("...ijk->", [(2, 3)]),
    ("ij,ij->i", [(2, 3), (1, 3)]), ("Ab,bA->", [(2, 3), (3, 2)]), ("ba,ab", [(2, 3), (3, 2)]),
    ("bA,Ab", [(2, 3), (3, 2)]), ("i,->i", [(3,), ()]), ("ij,j", [(2, 3), (3,)]),
]


@pytest.mark.parametrize("equation, shapes", EINSUM, ids=[f"{e}|{s}" for e, s in EINSUM])
def test_einsum(equation, shapes):
    truth = real(lambda: torch.einsum(equation, *[torch.zeros(s) for s in shapes]))
    mine = static(lambda: OPS["einsum"](equation, *[Shape(s) for s in shapes]))
    assert mine[0] != UNKNOWN and agree(truth, mine), (truth, mine)


REDUCTIONS = ["sum", "mean", "amax", "amin", "std", "var", "all", "any", "argmax", "argmin",
              "max", "min", "prod", "logsumexp", "nansum"]


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_over_ranks(name):
    """x.op(), x.op(dim, keepdim) for dims in and out of range, tuples and empty lists, over
    ranks 0 to 3; logsumexp over an empty list is unknown (torch's own answer depends on
    keepdim in a way no rule states)."""
    one_dim = name in ("argmax", "argmin", "max", "min", "prod")
    for rank in range(4):
        shape = (2, 3, 4)[:rank]
        x = torch.rand(shape) > 0.5 if name in ("all", "any") else torch.rand(shape)
        dims = [0, -1, 1, rank, -rank - 1] + ([] if one_dim else [(0, 1), [], ()])
        calls = [{}] + [{"dim": d, "keepdim": k} for d in dims for k in (False, True)]
        if name in ("argmax", "argmin"):
            calls.append({"keepdim": True})
        for kwargs in calls:
            if name == "logsumexp" and not kwargs:
                continue
            truth = real(lambda: getattr(x, name)(**kwargs))
            mine = static(lambda: OPS[name](Shape(shape), **kwargs))
            assert agree(truth, mine), (name, shape, kwargs, truth, mine)
            assert mine[0] != UNKNOWN or name == "logsumexp", (name, shape, kwargs, mine)


@pytest.mark.parametrize("name, args", [("t", ()), ("unsqueeze", (0,)), ("unsqueeze", (-1,)),
                                        ("flatten", (0,)), ("flatten", (1,)), ("squeeze", (0,)),
                                        ("squeeze", (-1,)), ("transpose", (0, -1)),
                                        ("transpose", (0, 1))])
def test_shape_ops_on_scalars_and_vectors(name, args):
    for rank in range(4):
        shape = (2, 1, 4)[:rank]
        truth = real(lambda: getattr(torch.zeros(shape), name)(*args))
        mine = static(lambda: OPS[name](Shape(shape), *args))
        assert mine[0] != UNKNOWN and agree(truth, mine), (name, shape, args, truth, mine)


# Index entries: ints in and out of range, slices, None, ..., lists, and tensors given as
# ("T", shape, dtype); masks are all True so torch's count is their size.
ATOMS = [0, 3, -1, 7, slice(None), slice(1, 3), None, Ellipsis, [0, 1], [[0], [1]],
         [True, False, True, True], ("T", (2,), "int64"), ("T", (3,), "int64"),
         ("T", (2, 1), "int64"), ("T", (), "int64"), ("T", (2,), "int32"), ("T", (4,), "bool"),
         ("T", (4, 5), "bool"), ("T", (5,), "bool"), ("T", (2,), "float32")]
INDEXED = [(), (4,), (4, 5), (4, 5, 6)]


def _real_key(k):
    if isinstance(k, tuple) and k[:1] == ("T",):
        _, shape, dtype = k
        return torch.ones(shape, dtype=torch.bool) if dtype == "bool" else \
            torch.zeros(shape, dtype=getattr(torch, dtype))
    return k


def _static_key(k):
    return IndexTensor(Shape(k[1]), k[2]) if isinstance(k, tuple) and k[:1] == ("T",) else k


def _is_mask(k) -> bool:
    return isinstance(k, tuple) and k[2] == "bool" or isinstance(k, list) and k[:1] == [True]


def test_indexing_over_ranks():
    """Every key of one or two entries and a 1-in-5 sample of three, on tensors of rank 0 to
    3. A mask picks as many elements as the data says: that dim is unknown to shapelint, and
    so is whether it broadcasts with another tensor index (torch's error there is data)."""
    checked = unknown = 0
    for shape in INDEXED:
        x = torch.zeros(shape)
        keys = [k for n in (1, 2, 3) for i, k in enumerate(itertools.product(ATOMS, repeat=n))
                if n < 3 or i % 5 == 0]
        for key in keys:
            truth = real(lambda: x[tuple(_real_key(k) for k in key) if len(key) > 1
                                   else _real_key(key[0])])
            mine = static(lambda: index(Shape(shape), tuple(_static_key(k) for k in key)
                                        if len(key) > 1 else _static_key(key[0])))
            checked += 1
            unknown += mine[0] == UNKNOWN
            data = any(_is_mask(k) for k in key) and truth[1] is not None and \
                "could not be broadcast" in truth[1]
            if data:
                assert mine[0] is not None or "could not be broadcast" in mine[1]
                continue
            assert agree(truth, mine, wildcard=True), (shape, key, truth, mine)
    assert unknown < checked // 20  # several ellipses and the like, a few percent


ANALYSED = """import torch
import torch.nn as nn


class Picks(nn.Module):
    def forward(self, x):
        b = x.shape[0]
        idx = x[:, :4, 0].argmax(1)
        picked = x[torch.arange(b), idx]  # line 9
        scale = x.sum().item()
        best = x.argmax()
        flat = x[x > 0]
        return {result}


model = Picks()
out = model(torch.randn(4, 5, 6))
"""


@pytest.mark.parametrize("result", ["picked", "best", "flat", "x.sum()", "x[:, idx]",
                                    "x[idx, ..., None]", "picked @ x[0].T", "x @ x[0, 0]"])
def test_the_interpreter_reads_them_as_torch_runs_them(result):
    """Through the whole analysis (an nn.Module's forward): advanced indexing with arange and an
    argmax, item(), argmax() with no dim, masks; the output shape is torch's."""
    source = ANALYSED.format(result=result)
    namespace: dict = {}
    exec(compile(source, "picks.py", "exec"), namespace)  # noqa: S102 - our own model
    expected = list(namespace["out"].shape)
    [(_, model)] = analyse(source, "picks.py", whole_file=True).models
    got = model.graph("model").outputs[0].output_shape.to_json()
    assert got == [None if result == "flat" else d for d in expected]


@pytest.mark.parametrize("expression, code, words", [
    ("x.sum() @ self.w", "SHP103", "both arguments to matmul need to be at least 1D, but "
     "they are 0D and 2D"),
    ("x.item()", "SHP104", "a Tensor with 12 elements cannot be converted to Scalar"),
    ("x[0, 0, 0]", "SHP103", "too many indices for tensor of dimension 2"),
    ("x[:, 7]", "SHP105", "index 7 is out of bounds for dimension 1 with size 4"),
    ("x + self.w", "SHP107", "The size of tensor a (4) must match the size of tensor b (2) "
     "at non-singleton dimension 1"),
    ("torch.mv(x, self.w[0])", "SHP106", "size mismatch, got input (3), mat (3x4), vec (2)"),
    ("torch.einsum('ij,jk->ik', x, x)", "SHP106", "einsum(): subscript j has size 3 for "
     "operand 1 which does not broadcast with previously seen size 4"),
])
def test_faults_are_reported_where_torch_raises(expression, code, words):
    """A (3, 4) input and a (4, 2) parameter; torch raises on line 11 with these words."""
    source = ("import torch\nimport torch.nn as nn\n\n\nclass M(nn.Module):\n"
              "    def __init__(self):\n        super().__init__()\n"
              "        self.w = nn.Parameter(torch.empty(4, 2))\n\n"
              f"    def forward(self, x):\n        return {expression}\n\n\n"
              "model = M()\nout = model(torch.randn(3, 4))\n")
    with pytest.raises((RuntimeError, IndexError), match=re.escape(words)):
        exec(compile(source, "m.py", "exec"), {})  # noqa: S102 - our own model
    found = [(d.code.code, d.line, d.message) for d in analyse(source, "m.py").diagnostics()]
    assert [(c, n) for c, n, _ in found] == [(code, 11)], found
    assert _words(words) in _words(found[0][2])
