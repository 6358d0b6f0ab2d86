"""FLOPs and activation sizes (shapelint.cost) against torch's own FlopCounterMode.

Every catalogue grid of tests/test_torch_catalogue.py and tests/test_keras_catalogue*.py runs
again here: wherever the framework builds and runs the layer, shapelint's FLOPs are either
exactly FlopCounterMode's or unknown, and for every layer with a formula or declared free of
counted ops they are known. torch modules run on the meta device (the convention: there
scaled_dot_product_attention and the recurrent layers decompose into counted bmm/mm); Keras 3
runs on the CPU with the torch backend, its CPU attention kernel counted with torch's own sdpa
formula (FlopCounterMode leaves that one kernel out).
"""
from __future__ import annotations

import warnings

import pytest

torch = pytest.importorskip("torch")
from torch.utils import flop_counter  # noqa: E402

import test_keras_catalogue as kc  # noqa: E402
import test_keras_catalogue_more as kcm  # noqa: E402
import test_torch_catalogue as tc  # noqa: E402
from shapelint.cost import keras_flops, node_activation_bytes, node_flops, torch_flops  # noqa
from shapelint.domain.dims import NotKnown  # noqa: E402
from shapelint.domain.graph import LayerNode  # noqa: E402
from shapelint.domain.shapes import Shape  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore")


def _cpu_sdpa(query_shape, key_shape, value_shape, *args, out_shape=None, **kwargs):
    return flop_counter.sdpa_flop_count(query_shape, key_shape, value_shape)


def counter():
    """FlopCounterMode, also counting the CPU attention kernel with torch's sdpa formula."""
    op = getattr(torch.ops.aten, "_scaled_dot_product_flash_attention_for_cpu", None)
    mapping = {op: _cpu_sdpa} if op is not None else {}
    return flop_counter.FlopCounterMode(display=False, custom_mapping=mapping)


def static_cost(framework, type_name, args, kwargs, shapes):
    """(flops or None, activation bytes or None, fault) for one layer application."""
    if framework == "torch":
        from shapelint.frameworks.layers import LayerObject, apply, make_layer_object
        layer = make_layer_object(LayerObject, "torch", type_name, args, kwargs, "m", "", 0, 0)
    else:
        from shapelint.frameworks.layers import apply
        from shapelint.frameworks.keras_values import build_layer
        layer = build_layer(type_name, args, kwargs)
    if layer.fault is not None:
        return None, None, layer.fault
    node = LayerNode(layer, "m", type_name, "", 0, 0)
    apply(node, [Shape(tuple(s)) for s in shapes], True)
    if node.fault is not None:
        return None, None, node.fault
    out = []
    for function in (lambda: node_flops(node, framework), lambda: node_activation_bytes(node)):
        try:
            out.append(function())
        except NotKnown:
            out.append(None)
    return out[0], out[1], None


def real_torch(type_name, args, kwargs, shapes, dtype=None):
    """FlopCounterMode's total for one forward call on the meta device; None if torch raises."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with torch.device("meta"):
                module = getattr(torch.nn, type_name)(*args, **kwargs)
                inputs = [torch.empty(s, dtype=dtype) for s in shapes]
                with counter() as count:
                    out = module(*inputs)
    except Exception:  # noqa: BLE001 - a case torch rejects has no figure to compare
        return None, None
    out = out[0] if isinstance(out, tuple) else out
    return count.get_total_flops(), out.numel() * out.element_size()


def compare(framework, table, type_name, static, real):
    s_flops, s_bytes, fault = static
    r_flops, r_bytes = real
    if r_flops is None or fault is not None:
        return  # the framework or shapelint rejects the layer: no figure either way
    if type_name in table.ZERO or type_name in table.FORMULAS:
        assert s_flops is not None, f"{type_name}: shapelint's FLOPs are unknown"
    if s_flops is not None:
        assert s_flops == r_flops, f"{type_name}: shapelint {s_flops}, {framework} {r_flops}"
    if s_bytes is not None:
        assert s_bytes == r_bytes


TORCH_GRIDS = (tc.LINEAR + tc.CONV + tc.POOL + tc.NORM + tc.EMBED + tc.RNN + tc.ATTENTION +
               tc.RESAMPLE + tc.PAD + tc.ELEMENTWISE)


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize("type_name,args,kwargs,shape,how", TORCH_GRIDS)
def test_torch_layer_flops_equal_flop_counter(type_name, args, kwargs, shape, how):
    shapes = how.get("shapes") or [shape]
    static = static_cost("torch", type_name, args, kwargs, shapes)
    real = real_torch(type_name, args, kwargs, shapes, how.get("dtype"))
    if how.get("device") == "cpu" and static[2] is None and real[0] is not None:
        # cases whose meta kernel checks less than the CPU one: torch on CPU must accept too
        if tc.real_multi(type_name, args, kwargs, shapes, how.get("dtype"), "cpu")[2]:
            return
    compare("torch", torch_flops, type_name, static, real)


def test_torch_grids_give_figures():
    """Not hollow: the grids reach every formula with known figures."""
    seen = set()
    for param in TORCH_GRIDS:
        type_name, args, kwargs, shape, how = param.values
        if type_name in torch_flops.FORMULAS:
            flops = static_cost("torch", type_name, args, kwargs, how.get("shapes") or [shape])[0]
            if flops:
                seen.add(type_name)
    assert {"Linear", "Conv2d", "ConvTranspose3d", "LazyConv1d", "LSTM", "GRUCell",
            "MultiheadAttention", "TransformerEncoderLayer", "TransformerDecoderLayer",
            "Transformer"} <= seen


# -- Keras ---------------------------------------------------------------------------------------

BATCH = 2


def real_keras(type_name, args, kwargs, shapes, call="one"):
    keras = pytest.importorskip("keras")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layer = getattr(keras.layers, type_name)(*args, **kwargs)
            inputs = [torch.zeros((BATCH,) + tuple(s)) for s in shapes]
            layer(*inputs) if call == "args" else layer(inputs if len(inputs) > 1 else inputs[0])
            with counter() as count:
                out = layer(*inputs) if call == "args" else \
                    layer(inputs if len(inputs) > 1 else inputs[0])
    except Exception:  # noqa: BLE001 - a case Keras rejects has no figure to compare
        return None, None
    out = out[0] if isinstance(out, (list, tuple)) else out
    return count.get_total_flops(), out.numel() * out.element_size()


def _keras_cases():
    out = []
    for grid in (kc.CONV, kc.POOL, kc.GLOBAL, kc.DENSE, kc.FLATTEN, kc.DROPOUT, kc.ACTIVATION,
                 kc.BATCHNORM, kc.RESHAPE, kc.ZEROPAD, kc.EMBEDDING):
        for param in grid:
            type_name, args, kwargs, shape = param.values
            out.append(pytest.param(type_name, args, kwargs, [shape], "one", id=param.id))
    for key, (type_name, args, kwargs, shape) in sorted(kcm.C.items()):
        out.append(pytest.param(type_name, tuple(args), kwargs, [shape], "one", id=key))
    for type_name, args, kwargs, shapes in kcm.MULTI:
        out.append(pytest.param(type_name, args, kwargs, shapes, "list",
                                id=f"{type_name}{kwargs}{shapes}"))
    for args, kwargs, shapes in kcm.MHA:
        out.append(pytest.param("MultiHeadAttention", args, kwargs, shapes, "args",
                                id=f"MultiHeadAttention{args}{kwargs}{shapes}"))
    return out


KERAS_CASES = _keras_cases()


@pytest.mark.parametrize("type_name,args,kwargs,shapes,call", KERAS_CASES)
def test_keras_layer_flops_equal_flop_counter(type_name, args, kwargs, shapes, call):
    static = static_cost("keras", type_name, args, kwargs, [(BATCH,) + tuple(s) for s in shapes])
    real = real_keras(type_name, args, kwargs, shapes, call)
    compare("keras", keras_flops, type_name, static, real)


def test_keras_grids_give_figures():
    seen = set()
    for param in KERAS_CASES:
        type_name, args, kwargs, shapes, _ = param.values
        if type_name in keras_flops.FORMULAS and static_cost(
                "keras", type_name, args, kwargs, [(BATCH,) + tuple(s) for s in shapes])[0]:
            seen.add(type_name)
    assert {"Dense", "Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "SeparableConv1D",
            "DepthwiseConv2D", "MultiHeadAttention"} <= seen


# -- whole models --------------------------------------------------------------------------------

import pathlib  # noqa: E402

from shapelint.pipeline.analysis import analyse  # noqa: E402
from shapelint.cost import model_cost  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
TORCH_FIXTURES = sorted((ROOT / "fixtures" / "torch").glob("*.py"))
KERAS_FIXTURES = sorted((ROOT / "fixtures" / "keras").glob("*.py"))


def _graphs(path, inputs: dict):
    """name -> graph of every model found in the file, with its input when one is given."""
    analysis = analyse(path.read_text(), str(path), discover=True, whole_file=True)
    out = {}
    for name, model in analysis.models:
        shape = inputs.get(name)
        out[name] = model.graph(name, Shape(tuple(shape)) if shape else None)
    return out


def _torch_runtime_flops(path, name, shape):
    import runpy
    namespace = runpy.run_path(str(path))
    try:
        with torch.device("meta"):
            model = namespace[name]()
            x = torch.empty(shape)
            with counter() as count:
                try:
                    model(x)
                except RuntimeError as error:
                    if "Long" not in str(error) and "Int" not in str(error):
                        raise
                    model(torch.empty(shape, dtype=torch.long))
    except Exception:  # noqa: BLE001 - a fixture that fails at runtime has no figure
        return None
    return count.get_total_flops()


@pytest.mark.parametrize("path", TORCH_FIXTURES, ids=lambda p: p.name)
def test_torch_fixture_totals_equal_flop_counter_or_are_unknown(path):
    from torch_runtime import declared_inputs
    inputs = declared_inputs(path)
    graphs = _graphs(path, inputs)
    for name, shape in inputs.items():
        if name not in graphs:
            continue
        cost = model_cost(graphs[name])
        real = _torch_runtime_flops(path, name, shape)
        if cost.flops.known and real is not None:
            assert cost.flops.value == real, f"{name}: static {cost.flops.value}, torch {real}"


def test_torch_fixtures_give_totals():
    """Not hollow: most fixtures with a declared input have a known total, checked above."""
    from torch_runtime import declared_inputs
    known = []
    for path in TORCH_FIXTURES:
        inputs = declared_inputs(path)
        for name, graph in _graphs(path, inputs).items():
            if name not in inputs:
                continue
            cost = model_cost(graph)
            if cost.flops.known:
                known.append(name)
            elif _torch_runtime_flops(path, name, inputs[name]) is not None:
                # a model that runs is unknown only for the ops its forward() does itself, a
                # layer with no formula (einops' EinMix), or a module whose construction
                # shapelint cannot read (its total is unknown)
                assert "outside a layer" in cost.flops.reason or \
                    cost.flops.reason == "no FLOP formula for EinMix" or \
                    (graph.uncertain and cost.flops.reason == graph.uncertain), \
                    (name, cost.flops.reason)
    assert len(known) >= 9, known


def _keras_runtime_flops(model):
    shape = model.input_shape
    if isinstance(shape, list) or any(d is None for d in shape[1:]):
        return None
    x = torch.zeros((1,) + tuple(shape[1:]))
    try:
        with counter() as count:
            model(x)
    except Exception:  # noqa: BLE001 - integer inputs and the like: no figure
        return None
    return count.get_total_flops()


@pytest.mark.parametrize("path", KERAS_FIXTURES, ids=lambda p: p.name)
def test_keras_fixture_totals_equal_flop_counter_or_are_unknown(path):
    from conftest import real_keras_models
    try:
        models = real_keras_models(path)
    except Exception:  # noqa: BLE001 - fixtures that fail in Keras (SHP1xx) have no figure
        return
    for name, graph in _graphs(path, {}).items():
        cost = model_cost(graph)
        if name in models and cost.flops.known:
            real = _keras_runtime_flops(models[name])
            if real is not None:
                # a symbolic batch gives the figure for a batch of 1, the runtime input here
                assert cost.per_sample or graph.inputs[0].output_shape.dims[0] == 1
                assert cost.flops.value == real, f"{name}: static {cost.flops.value}, " \
                    f"keras {real}"


def test_the_seed_example_costs_what_keras_counts():
    """ORACLES.md: examples/alexnet.py at 1x227x227x3 runs 9,562,833,984 FLOPs."""
    graph = _graphs(ROOT / "examples" / "alexnet.py", {})["model"]
    cost = model_cost(graph)
    assert (cost.flops.value, cost.macs.value, cost.per_sample) == \
        (9_562_833_984, 4_781_416_992, True)
    assert cost.param_bytes.value == 4 * 25_678_184
    from conftest import real_keras_models
    model = real_keras_models(ROOT / "examples" / "alexnet.py")["model"]
    assert _keras_runtime_flops(model) == cost.flops.value
    outputs = sum(4 * int(torch.Size(layer.output.shape[1:]).numel()) for layer in model.layers)
    assert cost.activation_bytes.value == outputs


def test_ops_outside_layers_are_counted_or_make_the_total_unknown(tmp_path):
    """The attention products einops_vit.py writes with `@` in forward() are counted
    (tests/test_cost_functional.py has the op-by-op cases, and the ones left unknown)."""
    source = (ROOT / "fixtures" / "torch" / "einops_vit.py")
    cost = model_cost(_graphs(source, {})["TinyViT"])
    real = _torch_runtime_flops(source, "TinyViT", (1, 3, 32, 32))
    assert cost.per_sample and cost.flops.value == real > 0
    assert all(row[0].known for row in cost.rows)
    mixer = ROOT / "fixtures" / "torch" / "einops_ops_that_fit.py"
    cost = model_cost(_graphs(mixer, {})["Mixer"])
    assert cost.flops.value is None and "no FLOP formula for EinMix" in cost.flops.reason


@pytest.mark.parametrize("name", ["MobileNetV2", "ResNet50"])
def test_keras_applications_cost_what_keras_counts(name):
    """keras's own builders read as text, at 224 px, against the built model under
    FlopCounterMode (VGG16, InceptionV3 and Xception at 299, DenseNet121, EfficientNetB0 and
    EfficientNetV2B0 agree too; each takes 15-60 s here, so they are not run every time)."""
    keras = pytest.importorskip("keras")
    from make_keras_applications_table import BUILDERS
    from test_keras_applications import _applications_dir
    from shapelint.pipeline.analysis import evaluate_entry
    file = next(f for f, names in BUILDERS.items() if name in names)
    path = str(_applications_dir() / file)
    analysis = analyse(pathlib.Path(path).read_text(), path, discover=False)
    graph = evaluate_entry(analysis, f"{name}(weights=None)").graph(name, Shape((1, 224, 224, 3)))
    cost = model_cost(graph)
    assert cost.flops.known  # for the input given, or a batch of 1: the same here
    real = _keras_runtime_flops(getattr(keras.applications, name)(weights=None))
    assert cost.flops.value == real
    assert cost.param_bytes.value == 4 * graph.total


def test_summary_json_and_table_carry_the_cost(capsys):
    from shapelint.adapters.cli import main
    main(["summary", str(ROOT / "examples" / "alexnet.py"), "--format", "json"])
    import json
    model = json.loads(capsys.readouterr().out)["models"][0]
    assert (model["flops"], model["macs"], model["param_bytes"], model["cost_batch"]) == \
        (9_562_833_984, 4_781_416_992, 102_712_736, 1)
    assert model["layers"][0]["flops"] == 2 * 55 * 55 * 96 * 11 * 11 * 3
    assert model["layers"][0]["activation_bytes"] == 4 * 55 * 55 * 96
    main(["summary", str(ROOT / "fixtures" / "torch" / "einops_ops_that_fit.py"), "--format",
          "json"])
    mixer = json.loads(capsys.readouterr().out)["models"][0]
    assert mixer["flops"] is None and mixer["macs"] is None and mixer["cost_unknown_reasons"]
    main(["summary", str(ROOT / "examples" / "alexnet.py")])
    assert "FLOPs (batch of 1): 9.56 GFLOPs (9,562,833,984" in capsys.readouterr().out


def test_a_module_forward_lost_on_the_way_is_not_free(tmp_path):
    """`out` runs on the value of an undecided branch: its call is not recorded, and its row
    must say unknown, not 0 FLOPs and 0 bytes (found while adding ops in forward())."""
    path = tmp_path / "undecided.py"
    path.write_text(
        "import torch.nn as nn\n\n\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(8, 8)\n"
        "        self.out = nn.Linear(8, 2)\n\n"
        "    def forward(self, x):\n"
        "        if x.sum() > 0:\n"
        "            x = self.fc(x)\n"
        "        return self.out(x)\n")
    cost = model_cost(_graphs(path, {"Net": (4, 8)})["Net"])
    assert [(f.value, a.value) for f, a in cost.rows] == [(None, None), (None, None)]
    assert cost.flops.value is None and cost.activation_bytes.value is None
    import runpy
    from torch.utils.flop_counter import FlopCounterMode
    net = runpy.run_path(str(path))["Net"]()
    with FlopCounterMode(display=False) as counter:  # the real figure depends on the data
        net(torch.ones(4, 8))
    ones = counter.get_total_flops()
    with FlopCounterMode(display=False) as counter:
        net(-torch.ones(4, 8))
    assert ones != counter.get_total_flops()
