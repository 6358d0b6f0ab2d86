"""einops.einsum, pack and unpack against einops itself (einsum on torch meta tensors, since it
hands the work to torch.einsum; pack and unpack on numpy), and einops through the whole
lint path: the calls in model code, on torch and Keras tensors, with symbolic sizes; the lint
path never imports einops, and a file that does not use einops never loads its rules."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

torch = pytest.importorskip("torch")
einops = pytest.importorskip("einops")
np = pytest.importorskip("numpy")

from shapelint.pipeline.analysis import analyse  # noqa: E402
from shapelint.catalogue import LayerFault  # noqa: E402
from shapelint.catalogue.einops_einsum import einsum  # noqa: E402
from shapelint.catalogue.einops_packing import pack, unpack  # noqa: E402
from shapelint.domain.codes import enabled  # noqa: E402
from shapelint.domain.dims import NotKnown, Sym  # noqa: E402
from shapelint.domain.shapes import Shape  # noqa: E402

EINSUM = [
    ("b i d, b j d -> b i j", [(2, 3, 4), (2, 5, 4)]),
    ("b i d, b j d -> b i j", [(2, 3, 4), (2, 5, 6)]),
    ("b i d, b j d -> b i j", [(2, 3, 4), (1, 5, 4)]),
    ("b i d, b j d -> b i j", [(2, 3, 4), (5, 4)]),
    ("i i ->", [(3, 3)]),
    ("i i -> i", [(3, 4)]),
    ("out_dim in_dim, ... in_dim -> ... out_dim", [(5, 4), (2, 3, 4)]),
    ("... c, ... c -> ...", [(2, 3, 4), (3, 4)]),
    ("... c, ... c -> ...", [(2, 3, 4), (2, 4)]),
    ("a b, b c -> a c", [(2, 3), (3, 4), (4, 5)]),
    ("a b, b c -> a c", [(2, 3)]),
    ("a b -> a c", [(2, 3)]),
    ("a b c -> c", [(2, 3)]),
    ("a (b c) -> a", [(2, 6)]),
    ("a 1 -> a", [(2, 1)]),
    ("a b", [(2, 3)]),
    ("a 2 -> a", [(2, 2)]),
    ("a b -> ... a", [(2, 3)]),
    ("a b, a b -> a b", [(2, 1), (1, 3)]),
]


def real_einsum(pattern, shapes):
    tensors = [torch.empty(s, device="meta") for s in shapes]
    try:
        return list(einops.einsum(*tensors, pattern).shape)
    except Exception as error:  # noqa: BLE001
        return error


@pytest.mark.parametrize("pattern,shapes", EINSUM)
def test_einsum_agrees_with_einops(pattern, shapes):
    want = real_einsum(pattern, shapes)
    try:
        got = einsum([Shape(s) for s in shapes], pattern).to_json()
    except LayerFault as fault:
        got = fault
    if isinstance(want, Exception):
        assert isinstance(got, LayerFault) and got.code.code.startswith("SHP1"), want
    else:
        assert got == want


def test_einsum_with_symbolic_sizes():
    b, n = Sym("B"), Sym("N")
    out = einsum([Shape((b, n, 8)), Shape((b, n, 8))], "b i d, b j d -> b i j")
    assert out.dims == (b, n, n)
    # a symbolic size against a known one is no finding; two known sizes that differ are
    with pytest.raises(LayerFault):
        einsum([Shape((b, 3, 8)), Shape((b, 4, 9))], "b i d, b j d -> b i j")
    assert einsum([Shape((b, 3, n)), Shape((b, 4, 8))], "b i d, b j d -> b i j").dims == \
        (b, 3, 4)


PACKS = [
    ("b * c", [(2, 3), (2, 4, 3), (2, 4, 5, 3)]),
    ("b * c", [(2, 3), (2, 4, 4)]),
    ("b *", [(2, 3, 4), (2,)]),
    ("* c", [(5, 3), (3,)]),
    ("b * c", [(2,)]),
    ("b c", [(2, 3)]),
    ("b * b", [(2, 3)]),
    ("b * c_", [(2, 3)]),
]


def _real_pack(pattern, shapes):
    try:
        packed, ps = einops.pack([np.zeros(s) for s in shapes], pattern)
    except Exception as error:  # noqa: BLE001
        return error, None
    return list(packed.shape), [tuple(p) for p in ps]


@pytest.mark.parametrize("pattern,shapes", PACKS)
def test_pack_agrees_with_einops(pattern, shapes):
    want, want_ps = _real_pack(pattern, shapes)
    try:
        got, ps = pack([Shape(s) for s in shapes], pattern)
    except LayerFault as fault:
        assert isinstance(want, Exception), fault.message
        return
    assert not isinstance(want, Exception), want
    assert got.to_json() == want and ps == want_ps
    # and back: unpack gives every tensor its shape again
    assert [s.to_json() for s in unpack(got, ps, pattern)] == [list(s) for s in shapes]


UNPACKS = [
    ("b * c", (2, 10, 3), [(), (4,), (1, 5)]),
    ("b * c", (2, 10, 3), [(), (4,), (2, 5)]),
    ("b * c", (2, 10, 3), [(2,), (-1,)]),
    ("b * c", (2, 10, 3), [(2, -1), (2,)]),
    ("b * c", (2, 10, 3), [(-1,), (-1,)]),
    ("b * c", (2, 10), [(10,)]),
    ("b *", (2, 6), [(2, 3)]),
]


@pytest.mark.parametrize("pattern,shape,packed_shapes", UNPACKS)
def test_unpack_agrees_with_einops(pattern, shape, packed_shapes):
    try:
        want = [list(t.shape) for t in einops.unpack(np.zeros(shape), packed_shapes, pattern)]
    except Exception as error:  # noqa: BLE001
        want = error
    try:
        got = [s.to_json() for s in unpack(Shape(shape), packed_shapes, pattern)]
    except LayerFault as fault:
        got = fault
    if isinstance(want, Exception):
        assert isinstance(got, LayerFault)
    else:
        assert got == want


def test_unpack_of_a_symbolic_axis_is_no_finding():
    n = Sym("N")
    out = unpack(Shape((2, n + 1, 8)), [(1,), (n,)], "b * d")
    assert [s.dims for s in out] == [(2, 1, 8), (2, n, 8)]
    with pytest.raises(NotKnown):
        unpack(Shape.unknown("?"), [(1,)], "b * d")


# -- through the lint path ---------------------------------------------------------------------

def _facts(source: str, path="m.py"):
    analysis = analyse(textwrap.dedent(source), path)
    shapes = {}
    for graph in analysis.graphs():
        shapes.update({line: str(s) for (_, line), s in graph.line_shapes.items()})
    found = [(d.line, d.code.code) for d in analysis.diagnostics() if enabled(d.code)]
    return shapes, found, analysis


def test_torch_functions_with_symbolic_sizes():
    shapes, found, _ = _facts("""
        import torch.nn as nn
        import einops

        class Heads(nn.Module):  # shapelint: input=(B, N, 64)
            def forward(self, x):
                q = einops.rearrange(x, "b n (h d) -> b h n d", h=8)
                k = einops.reduce(q, "b h n d -> b n d", "mean")
                p = einops.rearrange(x, "b (n two) d -> b n (two d)", two=2)
                return einops.repeat(k, "b n d -> b n r d", r=x.shape[2])
    """)
    assert shapes[7] == "(B, 8, N, 8)" and shapes[8] == "(B, N, 8)"
    assert shapes[9] == "(B, N // 2, 128)" and shapes[10] == "(B, N, 64, 8)"
    assert found == []  # N might be even: no finding


def test_a_pattern_error_is_found_even_on_a_tensor_of_unknown_rank():
    _, found, analysis = _facts("""
        import torch.nn as nn
        from einops import rearrange

        class Net(nn.Module):
            def forward(self, x):
                return rearrange(x, "b c h w -> b (c h) w2")
    """)
    assert found == [(7, "SHP105")]
    [message] = [d.message for d in analysis.diagnostics() if enabled(d.code)]
    assert "Identifiers only on one side of expression (should be on both)" in message


def test_keras_layers_and_functions():
    _, found, analysis = _facts("""
        import keras
        from keras import layers
        from einops import rearrange
        from einops.layers.keras import EinMix, Rearrange, Reduce

        model = keras.Sequential([
            keras.Input((32, 32, 3)),
            Rearrange("b (h p1) (w p2) c -> b (h w) (p1 p2 c)", p1=4, p2=4),
            layers.Dense(16),
            EinMix("b t c -> b t d", weight_shape="c d", bias_shape="d", c=16, d=8),
            Reduce("b t d -> b d", "mean"),
        ])
        inp = keras.Input((15, 16, 3))
        bad = keras.Model(inp, rearrange(inp, "b (h p) w c -> b h (p w c)", p=2))
    """)
    graphs = {g.entry: g for g in analysis.graphs()}
    rows = [(n.type_name, str(n.output_shape), n.params) for n in graphs["model"].rows]
    # Dense(16) on 48 features: 784; EinMix: a 16x8 weight and a bias of 8
    assert rows == [("Rearrange", "(None, 64, 48)", 0), ("Dense", "(None, 64, 16)", 784),
                    ("EinMix", "(None, 64, 8)", 136), ("Reduce", "(None, 8)", 0)]
    assert graphs["model"].trainable == 920
    assert found == [(15, "SHP104")]


_PROBE = """
import sys
from shapelint import check_source
path = sys.argv[1]
check_source(open(path).read(), path)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("einops", "torch", "keras"))
rules = sorted(m for m in sys.modules if m.startswith("shapelint.catalogue.einops"))
print(loaded, rules)
"""


def _probe(path):
    done = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True,
                          text=True, timeout=120, check=True)
    return done.stdout.strip()


def test_the_lint_path_never_imports_einops(tmp_path):
    import pathlib
    root = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "torch"
    loaded, rules = _probe(root / "einops_vit.py").split("] [")
    assert loaded == "[" and rules.startswith("'shapelint.catalogue.einops_")
    # a model that does not use einops never loads the einops rules
    assert _probe(root / "mnist_cnn.py") == "[] []"


_KERAS_SUBCLASS = '''
import keras
from keras import layers
from einops import einsum, rearrange, reduce, repeat


class Mixer(keras.Model):
    def __init__(self):
        super().__init__()
        self.proj = layers.Dense(24)
        self.head = layers.Dense(7)

    def call(self, x):
        x = rearrange(x, "b (h p) (w q) c -> b (h w) (p q c)", p=2, q=2)
        x = self.proj(x)
        heads = rearrange(x, "b n (h d) -> b h n d", h=4)
        scores = einsum(heads, heads, "b h i d, b h j d -> b h i j")
        x = rearrange(einsum(scores, heads, "b h i j, b h j d -> b h i d"), "b h n d -> b n (h d)")
        x = reduce(x, "b n d -> b d", "max") + reduce(repeat(x, "b n d -> b n r d", r=2),
                                                    "b n r d -> b d", "mean")
        return self.head(x)


model = Mixer()
'''


def test_keras_subclass_calling_einops_matches_keras(tmp_path):
    """Keras 3 runs call() on backend tensors (torch here), which einops reads: the counts and
    the output shape shapelint gives are the ones Keras builds."""
    keras = pytest.importorskip("keras")
    import runpy
    path = tmp_path / "mixer.py"
    path.write_text(_KERAS_SUBCLASS)
    model = runpy.run_path(str(path))["Mixer"]()
    out = model(keras.ops.zeros((2, 8, 12, 3)))
    from shapelint.frameworks.keras_values import input_shape
    analysis = analyse(_KERAS_SUBCLASS, str(path), whole_file=True)
    [graph] = analysis.graphs(override=input_shape((8, 12, 3)))
    assert graph.trainable == model.count_params() == 12 * 24 + 24 + 24 * 7 + 7
    assert graph.outputs[0].output_shape.to_json() == [None] + list(out.shape)[1:]
