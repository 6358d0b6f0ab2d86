"""The einops pattern language against einops itself, over a grid of patterns, keyword lengths
and input shapes (numpy arrays: einops' shape logic is the same for every backend).

For every case: when einops runs, shapelint gives exactly its output shape; when einops raises,
shapelint raises a fault (SHP1xx) carrying einops' own words. Then the same cases with sizes
made symbolic (an unknown batch, an unknown spatial size, a length from a symbolic keyword):
a fault only when einops fails for every value tried, and otherwise a shape that, for every
value einops runs with, evaluates to what einops gives.
"""
from __future__ import annotations

import re

import pytest

np = pytest.importorskip("numpy")
einops = pytest.importorskip("einops")

from shapelint.catalogue import LayerFault  # noqa: E402
from shapelint.catalogue.einops_patterns import parse_shape, transform  # noqa: E402
from shapelint.domain.dims import NotKnown, Sym, SymDim, is_known  # noqa: E402

# (operation, pattern, keyword lengths); reduce's reduction is the operation
PATTERNS = [
    ("rearrange", "b c h w -> b h w c", {}),
    ("rearrange", "b c h w -> b (c h w)", {}),
    ("rearrange", "b c (h p1) (w p2) -> b (h w) (p1 p2 c)", {"p1": 2, "p2": 2}),
    ("rearrange", "b c (h p1) (w p2) -> b (h w) (p1 p2 c)", {"p1": 3, "p2": 2}),
    ("rearrange", "b n (h d) -> b h n d", {"h": 2}),
    ("rearrange", "b n (h d) -> b h n d", {"h": 4}),
    ("rearrange", "b n (h d) -> b h n d", {"h": 2, "d": 3}),
    ("rearrange", "b n (h d) -> b h n d", {}),
    ("rearrange", "b h n d -> b n (h d)", {}),
    ("rearrange", "(b t) c -> b t c", {"t": 3}),
    ("rearrange", "b ... c -> b c ...", {}),
    ("rearrange", "... c -> (...) c", {}),
    ("rearrange", "b ... -> b (...)", {}),
    ("rearrange", "b c h w -> b c (h w) 1", {}),
    ("rearrange", "b 1 h w -> b h w", {}),
    ("rearrange", "b () h w -> b h w ()", {}),
    ("rearrange", "b c h w -> b h w", {}),
    ("rearrange", "b c h w -> b c h w", {"h": 4}),
    ("rearrange", "b c h w -> b c h w", {"x": 4}),
    ("rearrange", "b c h w -> b c h w 2", {}),
    ("rearrange", "b c -> c b ...", {}),
    ("rearrange", "b (...) -> b ...", {}),
    ("rearrange", "b c c -> b c", {}),
    ("rearrange", "b (c (h w)) -> b c h w", {}),
    ("rearrange", "b c h w", {}),
    ("rearrange", "b c -> b c -> b", {}),
    ("rearrange", "b c! -> b c", {}),
    ("rearrange", "b _c -> b _c", {}),
    ("rearrange", "b c. -> b c", {}),
    ("rearrange", "b (c h -> b c h", {}),
    ("rearrange", "b c) -> b c", {}),
    ("rearrange", "b 0 -> b", {}),
    ("repeat", "h w -> h w c", {"c": 3}),
    ("repeat", "h w -> (r h) w", {"r": 2}),
    ("repeat", "h w -> (h h2) (w w2)", {"h2": 2, "w2": 3}),
    ("repeat", "1 1 d -> b 1 d", {"b": 5}),
    ("repeat", "b d -> b 3 d", {}),
    ("repeat", "h w -> h w c", {}),
    ("repeat", "h w -> h", {}),
    ("repeat", "... d -> ... r d", {"r": 2}),
    ("repeat", "(h h2) w -> h w h2", {"h2": 2}),
    ("max", "b c (h h2) (w w2) -> b c h w", {"h2": 2, "w2": 2}),
    ("mean", "b c h w -> b c", {}),
    ("sum", "b c h w -> b c 1 1", {}),
    ("min", "b c h w -> b c () ()", {}),
    ("prod", "b c (h 2) (w 2) -> b c h w", {}),
    ("any", "b ... -> b", {}),
    ("all", "b c h w -> c", {}),
    ("mean", "b c (h1 h2) (w1 w2) -> b c h1 w1", {"h1": 2, "w1": 3}),
    ("sum", "b c -> b c d", {}),
    ("median", "b c -> b", {}),
]
SHAPES = [(2,), (2, 3), (2, 6, 4), (2, 3, 4, 6), (2, 1, 4, 6), (1, 1, 6), (3, 5, 7),
          (2, 3, 6, 4), (4, 2, 8, 9), (6, 4), (2, 3, 4, 6, 2), (2, 3, 3)]


def real(operation, pattern, shape, lengths):
    x = np.zeros(shape)
    try:
        if operation == "rearrange":
            return einops.rearrange(x, pattern, **lengths).shape
        if operation == "repeat":
            return einops.repeat(x, pattern, **lengths).shape
        return einops.reduce(x, pattern, operation, **lengths).shape
    except Exception as error:  # noqa: BLE001 - einops' errors and Python's
        return error


def static(operation, pattern, shape, lengths):
    try:
        return transform(shape, pattern, operation, lengths)
    except (LayerFault, NotKnown) as outcome:
        return outcome


def words(error: Exception) -> str:
    """The message einops raises inside its own wrapping (its last line), its sets sorted
    (einops prints Python sets, whose order changes from run to run)."""
    return _sorted_sets(str(error).strip().splitlines()[-1].strip())


def _sorted_sets(text: str) -> str:
    return re.sub(r"\{([^{}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", ")))
                  + "}", text)


CASES = [(op, pattern, lengths, shape) for op, pattern, lengths in PATTERNS for shape in SHAPES]


@pytest.mark.parametrize("operation,pattern,lengths,shape", CASES,
                         ids=[f"{c[0]}:{c[1]}:{c[2]}:{c[3]}" for c in CASES])
def test_known_sizes_agree_with_einops(operation, pattern, lengths, shape):
    want, got = real(operation, pattern, shape, lengths), static(operation, pattern, shape,
                                                                 lengths)
    if isinstance(want, Exception):
        assert isinstance(got, LayerFault), (want, got)
        assert got.code.code.startswith("SHP1")
        if isinstance(want, einops.EinopsError) and "Invalid name" not in str(want):
            assert words(want) in _sorted_sets(got.message)
    else:
        assert got == tuple(want)


def _symbolic_variants(shape, lengths):
    """(shape, lengths, symbol) with one size or one keyword length made symbolic."""
    for i in range(len(shape)):
        yield shape[:i] + (Sym("S"),) + shape[i + 1:], lengths, i
    for name in lengths:
        yield shape, {**lengths, name: Sym("S")}, name


def _evaluate(d, value):
    return d.evaluate({"S": value}) if isinstance(d, SymDim) else d


@pytest.mark.parametrize("operation,pattern,lengths,shape", CASES,
                         ids=[f"{c[0]}:{c[1]}:{c[2]}:{c[3]}" for c in CASES])
def test_symbolic_sizes_hold_for_every_value(operation, pattern, lengths, shape):
    for sym_shape, sym_lengths, where in _symbolic_variants(shape, lengths):
        got = static(operation, pattern, sym_shape, sym_lengths)
        if isinstance(got, NotKnown):
            continue
        for value in range(1, 13):
            concrete = tuple(value if isinstance(d, SymDim) else d for d in sym_shape)
            given = {k: value if isinstance(v, SymDim) else v for k, v in sym_lengths.items()}
            want = real(operation, pattern, concrete, given)
            if isinstance(got, LayerFault):
                assert isinstance(want, Exception), (where, value, got.message)
            elif not isinstance(want, Exception):
                out = tuple(_evaluate(d, value) for d in got)
                assert all(is_known(d) for d in out) and out == tuple(want), (where, value, got)


def test_a_symbolic_batch_and_heads_from_a_keyword():
    b, n = Sym("B"), Sym("N")
    assert transform((b, n, 64), "b n (h d) -> b h n d", "rearrange", {"h": 8}) == (b, 8, n, 8)
    # the heads merged back: the symbolic product of the two lengths
    h = Sym("h")
    out = transform((b, n, h * 16), "b n (h d) -> b h n d", "rearrange", {"h": h})
    assert out == (b, h, n, 16)
    assert str(transform(out, "b h n d -> b n (h d)", "rearrange", {})[2]) == "16 * h"


def test_composed_axes_give_the_symbolic_product():
    b, H, W = Sym("B"), Sym("H"), Sym("W")
    out = transform((b, 3, H, W), "b c (h p1) (w p2) -> b (h w) (p1 p2 c)", "rearrange",
                    {"p1": 16, "p2": 16})
    assert out[0] == b and out[2] == 768
    assert str(out[1]) == "H // 16 * (W // 16)"
    assert out[1].evaluate({"H": 224, "W": 160}) == 14 * 10
    assert str(transform((b, H, W, 3), "b h w c -> b (h w) c", "rearrange", {})[1]) == "H * W"


def test_a_size_that_might_divide_is_no_finding():
    # 30 cannot be split in chunks of 8, but H might be: unknown, not a finding
    with pytest.raises(LayerFault):
        transform((2, 3, 30, 32), "b c (h p) w -> b c h p w", "rearrange", {"p": 8})
    out = transform((2, 3, Sym("H"), 32), "b c (h p) w -> b c h p w", "rearrange", {"p": 8})
    assert str(out[2]) == "H // 8"


def test_an_unknown_rank_is_unknown():
    with pytest.raises(NotKnown):
        transform(None, "b c h w -> b (c h w)", "rearrange", {})


PARSE_SHAPE = [("b c h w", (2, 3, 4, 5)), ("b _ h w", (2, 3, 4, 5)), ("b ... w", (2, 3, 4, 5)),
               ("b ... w", (2,)), ("b 1 w", (2, 1, 5)), ("b 1 w", (2, 3, 5)),
               ("b 3 w", (2, 3, 5)), ("b 3 w", (2, 4, 5)), ("b (h w)", (2, 6)),
               ("b h", (2, 3, 4)), ("_ _ c", (2, 3, 4)), ("b () c", (2, 1, 4))]


@pytest.mark.parametrize("pattern,shape", PARSE_SHAPE)
def test_parse_shape_agrees_with_einops(pattern, shape):
    try:
        want = einops.parse_shape(np.zeros(shape), pattern)
    except Exception as error:  # noqa: BLE001
        want = error
    try:
        got = parse_shape(shape, pattern)
    except LayerFault as fault:
        got = fault
    if isinstance(want, Exception):
        assert isinstance(got, LayerFault) and str(want) in got.message
    else:
        assert got == want
