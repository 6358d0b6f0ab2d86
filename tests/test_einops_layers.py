"""The einops layers against einops itself.

torch: einops.layers.torch Rearrange, Reduce and EinMix built on the meta device over grids of
constructor arguments and inputs; when einops builds and runs the layer, shapelint gives its
output shape and parameter count exactly; when it raises (building or running), shapelint
reports a fault (SHP1xx), never a number.

Keras: einops.layers.keras imports tensorflow, which this project does not install; its layers
are the same mixins over keras.layers.Layer, so the entries are checked against the mixins
themselves: the constructor's errors (RearrangeMixin, ReduceMixin, _EinmixMixin), the weight
and bias shapes EinMix creates in build() (einops' _EinmixDebugger records them), and its
call() replayed with numpy in place of tf (the pre-rearrange, the einsum einops writes, the
bias, the post-rearrange).
"""
from __future__ import annotations

import math
import warnings

import pytest

torch = pytest.importorskip("torch")
einops = pytest.importorskip("einops")
np = pytest.importorskip("numpy")

from einops.layers import RearrangeMixin, ReduceMixin  # noqa: E402
from einops.layers import torch as einops_torch  # noqa: E402
from einops.layers._einmix import _EinmixDebugger  # noqa: E402

from shapelint.catalogue.einops_layers import ENTRIES  # noqa: E402
from shapelint.frameworks.layers import LayerObject, apply, make_layer_object  # noqa: E402
from shapelint.domain.graph import LayerNode  # noqa: E402
from shapelint.domain.shapes import Shape  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore")


def static(framework, type_name, args, kwargs, shape):
    """(output shape, params, fault code) as shapelint infers them."""
    layer = make_layer_object(LayerObject, framework, type_name, args, kwargs, "m", "", 0, 0,
                              entry=ENTRIES[framework][type_name])
    if layer.fault is not None:
        return None, None, layer.fault.code.code
    assert layer.rule is not None, layer.reason
    node = LayerNode(layer, "m", type_name, "", 0, 0)
    apply(node, [Shape(tuple(shape))], True)
    if node.fault is not None:
        return None, None, node.fault.code.code
    return node.output_shape.to_json(), node.params, None


def real_torch(type_name, args, kwargs, shape):
    """(output shape, params, error) as einops builds and runs the torch layer."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with torch.device("meta"):
                module = getattr(einops_torch, type_name)(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - EinopsError, ValueError, TypeError
            return None, None, error
        params = sum(p.numel() for p in module.parameters())
        try:
            out = module(torch.empty(shape, device="meta"))
        except Exception as error:  # noqa: BLE001 - EinopsError, KeyError, RuntimeError
            return None, params, error
    return list(out.shape), params, None


REARRANGE = [
    (("b c (h p1) (w p2) -> b (h w) (p1 p2 c)",), {"p1": 2, "p2": 2}),
    (("b n (h d) -> b h n d",), {"h": 3}),
    (("b h n d -> b n (h d)",), {}),
    (("b ... -> b (...)",), {}),
    (("... c -> c ...",), {}),
    (("b c h w -> b h w",), {}),
    (("b c h w -> b c h w",), {"q": 2}),
    (("b (h d) -> b h d",), {}),
    (("b c -> b c 1",), {}),
    (("b 1 c -> b c",), {}),
]
REDUCE = [
    (("b c (h h2) (w w2) -> b c h w", "max"), {"h2": 2, "w2": 2}),
    (("b c h w -> b c", "mean"), {}),
    (("b c h w -> b c", "mean"), {"h": 4}),
    (("b ... -> b", "sum"), {}),
    (("b c (h 2) w -> b c h", "min"), {}),
    (("b c -> b", "median"), {}),
    (("b c -> b d", "sum"), {}),
]
EINMIX = [
    (("t b cin -> t b cout", "cin cout", "cout"), {"cin": 6, "cout": 5}),
    (("t b c -> t b c", "c"), {"c": 6}),
    (("b t (head cin) -> b t (head cout)", "head cin cout"), {"head": 2, "cin": 3, "cout": 4}),
    (("b c h w -> b (h w) d", "c d", "d"), {"c": 4, "d": 3}),
    (("b (t g) d -> b t (g e)", "g d e"), {"g": 2, "d": 6, "e": 3}),
    (("... c -> ... d", "c d", "d"), {"c": 6, "d": 3}),
    (("b ... c -> b ... d", "c d", "d"), {"c": 6, "d": 2}),
    (("b t c -> b t c", "c", "t"), {"c": 6, "t": 4}),
    (("h w c -> hout w c", "h hout", "hout"), {"h": 4, "hout": 5}),
    (("b c -> b d", "c d"), {"c": 6}),
    (("b c -> b d", "c d", "x"), {"c": 6, "d": 2}),
    (("b c -> b c", "c"), {"c": 6, "z": 3}),
    (("b c -> b d e", "c d"), {"c": 6, "d": 2}),
    (("b c -> b c", "c k"), {"c": 6, "k": 2}),
    (("b (c 2) -> b c", "c"), {"c": 3}),
    (("b c -> b ... c", "c"), {"c": 6}),
    (("b c -> b d", "c d", "d"), {"c": 6, "d": 2, "p": 1}),
]
SHAPES = [(2, 6), (2, 4, 6), (2, 3, 4, 6), (2, 6, 4, 4), (4, 2, 6), (4, 1, 6), (2, 5, 6),
          (2, 3, 1), (1, 2, 3, 4, 5, 6, 2, 2), (1, 2, 3, 4, 5, 6, 2, 2, 2), (2, 4, 4, 6)]
CASES = [("Rearrange", a, k) for a, k in REARRANGE] + [("Reduce", a, k) for a, k in REDUCE] + [
    ("EinMix", a, k) for a, k in EINMIX]


@pytest.mark.parametrize("type_name,args,kwargs", CASES,
                         ids=[f"{c[0]}{c[1]}{c[2]}" for c in CASES])
def test_torch_layers_agree_with_einops(type_name, args, kwargs):
    for shape in SHAPES:
        want_shape, want_params, error = real_torch(type_name, args, kwargs, shape)
        got_shape, got_params, fault = static("torch", type_name, args, kwargs, shape)
        if error is not None:
            assert fault is not None and fault.startswith("SHP1"), (shape, error)
        else:
            assert fault is None, shape
            assert got_shape == want_shape, shape
            assert got_params == want_params, shape


def test_rearrange_and_reduce_build_no_weights():
    for type_name, args, kwargs in CASES[:len(REARRANGE) + 3]:
        _, params, fault = static("torch", type_name, args, kwargs, (2, 3, 4, 6))
        assert fault is not None or params == 0


# -- Keras: the mixins einops.layers.keras is made of ---------------------------------------

class _Rearrange(RearrangeMixin):
    pass


class _Reduce(ReduceMixin):
    pass


def _built(type_name, args, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        maker = {"Rearrange": _Rearrange, "Reduce": _Reduce, "EinMix": _EinmixDebugger}
        return maker[type_name](*args, **kwargs)


@pytest.mark.parametrize("type_name,args,kwargs", CASES,
                         ids=[f"{c[0]}{c[1]}{c[2]}" for c in CASES])
def test_keras_layers_are_refused_as_the_mixins_refuse_them(type_name, args, kwargs):
    layer = make_layer_object(LayerObject, "keras", type_name, args, kwargs, "m", "", 0, 0,
                              entry=ENTRIES["keras"][type_name])
    try:
        _built(type_name, args, kwargs)
    except Exception:  # noqa: BLE001
        assert layer.fault is not None and layer.fault.code.code.startswith("SHP1")
    else:
        assert layer.fault is None and layer.rule is not None


def _keras_call(mixer, shape):
    """EinMix.call of einops.layers.tensorflow with numpy in place of tf."""
    x = np.zeros(shape)
    if mixer.pre_reshape_pattern is not None:
        x = einops.rearrange(x, mixer.pre_reshape_pattern, **mixer.pre_reshape_lengths)
    x = np.einsum(mixer.einsum_pattern, x, np.zeros(mixer.saved_weight_shape))
    if mixer.saved_bias_shape is not None:
        x = x + np.zeros(mixer.saved_bias_shape)
    if mixer.post_reshape_pattern is not None:
        x = einops.rearrange(x, mixer.post_reshape_pattern)
    return list(x.shape)


@pytest.mark.parametrize("args,kwargs", EINMIX, ids=[f"{a}{k}" for a, k in EINMIX])
def test_keras_einmix_weights_and_shapes(args, kwargs):
    try:
        mixer = _built("EinMix", args, kwargs)
    except Exception:  # noqa: BLE001 - refused: the test above
        return
    weights = math.prod(mixer.saved_weight_shape) + (
        math.prod(mixer.saved_bias_shape) if mixer.saved_bias_shape is not None else 0)
    for shape in SHAPES:
        try:
            want = _keras_call(mixer, shape)
        except Exception:  # noqa: BLE001
            want = None
        got_shape, got_params, fault = static("keras", "EinMix", args, kwargs, shape)
        if want is None:
            assert fault is not None, shape
        else:
            assert fault is None and got_shape == want, shape
            assert got_params == weights
