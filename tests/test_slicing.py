"""Reading only what a model needs (interpreter/slicing.py) never changes what shapelint says.

The proof is an equivalence: on every fixture, and on keras's own applications, the diagnostics
and every model's counts are the same whether the checked file is read in full or only its model
statements and what they depend on. Then the cases slicing must get right, each checked against
real torch: a registry filled by decorators, a global changed by a function call, a value read
out of order (unknown, never the later value), and the cost: a file whose statements build no
model never reaches libcst.
"""
from __future__ import annotations

import importlib.util
import pathlib
import sys
import textwrap

import pytest

from shapelint import check_source
from shapelint.pipeline.analysis import analyse
from shapelint.interpreter.budget import Limits

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").rglob("*.py"))
WHOLE = Limits(slicing=False)


def keras_applications() -> list[pathlib.Path]:
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        return []
    root = pathlib.Path(list(spec.submodule_search_locations)[0]) / "src" / "applications"
    return sorted(p for p in root.glob("*.py") if not p.name.endswith("_test.py"))


def outcome(path: pathlib.Path, limits: Limits | None):
    text = path.read_text(encoding="utf-8")
    analysis = analyse(text, str(path), limits)
    found = [(d.code.code, d.line, d.column, d.message) for d in analysis.diagnostics()]
    totals = {}
    for graph in analysis.graphs():
        totals[graph.entry] = (graph.total, [(n.line, n.params) for n in graph.nodes])
    return found, totals


@pytest.mark.parametrize("path", FIXTURES + keras_applications(),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_reading_model_statements_only_changes_nothing(path):
    sliced_found, sliced_totals = outcome(path, None)
    whole_found, whole_totals = outcome(path, WHOLE)
    assert sliced_found == whole_found
    # a model bound by a statement that builds none (`model = build()`, the builder imported)
    # is not read when only model statements are; every model read has the same counts
    assert sliced_totals.items() <= whole_totals.items()


def test_fixtures_are_mostly_read_in_full():
    """The equivalence above is not vacuous: the fixtures' models are read when sliced."""
    read = sum(bool(outcome(path, None)[1]) for path in FIXTURES)
    assert read >= 0.9 * sum(bool(outcome(path, WHOLE)[1]) for path in FIXTURES)


def write(tmp_path, files: dict) -> pathlib.Path:
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path / "model.py"


def real_params(tmp_path, module: str = "model", name: str = "model") -> int:
    torch = pytest.importorskip("torch")
    sys.path.insert(0, str(tmp_path))
    try:
        for stale in [m for m in sys.modules if m in ("model", "registry", "cfg", "reg")]:
            del sys.modules[stale]
        built = getattr(importlib.import_module(module), name)
        assert isinstance(built, torch.nn.Module)
        return sum(p.numel() for p in built.parameters())
    finally:
        sys.path.remove(str(tmp_path))


def static_total(path: pathlib.Path, limits: Limits | None = None):
    analysis = analyse(path.read_text(), str(path), limits, whole_file=True)
    [graph] = [g for g in analysis.graphs() if g.entry == "model"]
    return graph.total


REGISTRY = {
    "registry.py": """
        import torch.nn as nn

        MODELS = {}


        def register(builder):
            MODELS[builder.__name__] = builder
            return builder


        def unrelated():
            return 3


        @register
        def small():
            return nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 2))
    """,
    "model.py": """
        import torch.nn as nn
        from registry import MODELS

        model = nn.Sequential(MODELS["small"](), nn.Linear(2, 5))
    """,
}


def test_a_registry_filled_by_a_decorator_is_read(tmp_path):
    path = write(tmp_path, REGISTRY)
    assert static_total(path) == real_params(tmp_path) == 4 * 6 + 6 + 6 * 2 + 2 + 2 * 5 + 5


GLOBAL_CHANGED = {
    "cfg.py": """
        WIDTH = 4


        def widen():
            global WIDTH
            WIDTH = 8


        widen()
    """,
    "model.py": """
        import torch.nn as nn
        from cfg import WIDTH

        model = nn.Sequential(nn.Linear(WIDTH, 3))
    """,
}


def test_a_global_changed_by_a_call_is_read(tmp_path):
    path = write(tmp_path, GLOBAL_CHANGED)
    assert static_total(path) == real_params(tmp_path) == 8 * 3 + 3


ALIASED = {
    "model.py": """
        import torch.nn as nn

        CFG = {"width": 4}
        alias = CFG
        alias["width"] = 8

        model = nn.Sequential(nn.Linear(CFG["width"], 3))
    """,
}


def test_a_value_changed_through_an_alias_is_read(tmp_path):
    path = write(tmp_path, ALIASED)
    real = real_params(tmp_path)
    assert real == 8 * 3 + 3
    [graph] = [g for g in analyse(path.read_text(), str(path)).graphs() if g.entry == "model"]
    assert graph.total == real


OUT_OF_ORDER = {
    # SIZES is asked for first: reading it reads `add()`, which fills it. WIDTH, asked for
    # next, was computed above `add()` from the empty list: Python gives 8, and running its
    # line now would give 16. shapelint says unknown.
    "reg.py": """
        SIZES = []


        def count():
            return 16 if SIZES else 8


        WIDTH = count()


        def add():
            SIZES.append(1)


        add()
    """,
    "model.py": """
        import torch.nn as nn
        import reg

        SEEN = len(reg.SIZES)
        model = nn.Sequential(nn.Linear(reg.WIDTH, 2))
    """,
}


def test_a_value_read_out_of_order_is_unknown_never_the_later_value(tmp_path):
    path = write(tmp_path, OUT_OF_ORDER)
    assert real_params(tmp_path) == 8 * 2 + 2
    assert static_total(path) is None  # not 16 * 2 + 2
    assert static_total(path, WHOLE) == 8 * 2 + 2  # read in full, in order: exact


UTILITIES = """
    import torch


    def pairwise(x):
        return torch.cat([x, x.flip(0)], dim=1)


    class Meter:
        def __init__(self):
            self.total = torch.zeros(())
"""


def test_a_file_that_builds_no_model_never_reaches_libcst(libcst_parses):
    assert check_source(textwrap.dedent(UTILITIES), "utilities.py") == []
    assert libcst_parses == []


def test_a_big_file_parses_only_its_model(libcst_parses):
    model = textwrap.dedent("""
        import torch.nn as nn


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 3)

            def forward(self, x):
                return self.fc(x.view(x.size(0), -1))


        model = nn.Sequential(nn.Linear(10, 3), nn.Linear(4, 2))
    """)
    filler = "".join(f"\n\ndef helper_{i}(x):\n    return x * {i} + len(str(x))\n"
                     for i in range(3000))
    text = model + filler
    found = check_source(text, "big.py")
    assert [d.code.code for d in found] == ["SHP101"]
    assert found[0].line == text[:text.index("nn.Linear(4, 2)")].count("\n") + 1
    assert sum(libcst_parses) < len(model)  # the model's lines only, not the 3,000 helpers
    whole = [(d.code.code, d.line) for d in analyse(text, "big.py", WHOLE).diagnostics()]
    assert [(d.code.code, d.line) for d in analyse(text, "big.py").diagnostics()] == whole


TABLE_OF_CLASSES = """
    import torch.nn as nn


    class Info:
        def __init__(self, module_cls, inputs):
            self.module_cls = module_cls
            self.inputs = inputs


    def inputs_linear():
        return [(4, 3), (8, 2)]


    TABLE = [Info(nn.Linear, inputs_linear), Info(nn.Conv2d, inputs_linear)]
"""


def test_a_table_of_layer_classes_handed_to_a_class_of_the_file_is_not_read(libcst_parses):
    """torch's common_modules.py: a table naming every torch.nn class as data, for a class of
    its own that never constructs one. Nothing there can carry a finding."""
    assert check_source(textwrap.dedent(TABLE_OF_CLASSES), "table.py") == []
    assert libcst_parses == []


HANDED = {
    "model.py": """
        import torch.nn as nn


        def mlp(layer, width):
            return nn.Sequential(layer(4, width), nn.ReLU(), layer(width, 2))


        class Net(nn.Module):
            def __init__(self, layer):
                super().__init__()
                self.body = layer(2, 7)

            def forward(self, x):
                return self.body(x)


        model = mlp(nn.Linear, 9)
        other = Net(nn.Linear)
    """,
}


def test_a_layer_class_handed_to_a_builder_of_the_file_is_read(tmp_path):
    """Handed to a function or class that builds models (it names one), the class is built."""
    path = write(tmp_path, HANDED)
    real = real_params(tmp_path)
    assert real == 4 * 9 + 9 + 9 * 2 + 2
    assert real_params(tmp_path, name="other") == 2 * 7 + 7
    totals = {g.entry: g.total for g in analyse(path.read_text(), str(path)).graphs()}
    assert totals == {"model": real, "other": 2 * 7 + 7}


def test_a_layer_class_handed_to_an_imported_builder_counts(tmp_path):
    """An imported builder may build what it is handed: the statement is read."""
    path = write(tmp_path, {
        "builders.py": """
            import torch.nn as nn


            def mlp(layer, width):
                return nn.Sequential(layer(4, width), nn.ReLU(), layer(width, 2))
        """,
        "model.py": """
            from builders import mlp
            import torch.nn as nn

            model = mlp(nn.Linear, 9)
        """})
    real = real_params(tmp_path)
    assert real == 4 * 9 + 9 + 9 * 2 + 2
    [graph] = analyse(path.read_text(), str(path)).graphs()
    assert (graph.entry, graph.total) == ("model", real)


def test_statements_handing_attributes_of_a_framework_module_are_not_followed(libcst_parses):
    """torch/_decomp/decompositions.py: `aten = torch.ops.aten`, then hundreds of functions
    registered with `@register(aten.some_op)`. Handing aten.some_op to a call may change it in
    Python, but aten is torch's, whose state the analysis does not keep: those statements
    cannot change what a model sees, so they are not read (they were, every one)."""
    model = textwrap.dedent("""
        import torch
        import torch.nn as nn

        aten = torch.ops.aten
        REGISTRY = {}


        def register(op):
            def wrap(fn):
                REGISTRY[op] = fn
                return fn
            return wrap


        def safe_softmax(x):
            return aten.softmax(x) if x.ndim else torch.softmax(x, -1)


        model = nn.Sequential(nn.Linear(10, 3), nn.Linear(4, 2))
    """)
    registered = "".join(f"\n\n@register(aten.op_{i})\ndef op_{i}(x):\n    return x * {i}\n"
                         for i in range(300))
    text = model + registered
    found = [(d.code.code, d.line) for d in analyse(text, "ops.py").diagnostics()]
    assert ("SHP101", text[:text.index("nn.Linear(4, 2)")].count("\n") + 1) in found
    assert sum(libcst_parses) < len(model)
    assert found == [(d.code.code, d.line) for d in analyse(text, "ops.py", WHOLE).diagnostics()]


PLAIN_CALL = """
    import torch


    class Runner:
        def call(self, fn):
            return fn()


    def get_code(fn):
        class DummyModule:
            def call(self, *args):
                pass

        return torch.compile(fn), DummyModule()
"""


def test_a_call_or_forward_of_a_class_deriving_from_nothing_is_no_model(libcst_parses):
    """torch/_inductor/utils.py's get_code defines a DummyModule whose method is named call:
    a class deriving from nothing is neither an nn.Module nor a Keras layer, whatever its
    methods are named (it made the function a seed, and reading it read 179 KB of imports)."""
    assert check_source(textwrap.dedent(PLAIN_CALL), "runner.py") == []
    assert libcst_parses == []


ONLY_NAMED = """
    import torch.nn as nn


    def describe(m: nn.Linear) -> nn.Conv2d:
        kind: nn.Module = type(m)
        return isinstance(m, nn.Linear) or issubclass(kind, nn.Conv2d)
"""


def test_a_layer_class_only_annotated_or_tested_is_not_constructed(libcst_parses):
    assert check_source(textwrap.dedent(ONLY_NAMED), "describe.py") == []
    assert libcst_parses == []
