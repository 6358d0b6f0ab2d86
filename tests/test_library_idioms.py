"""Idioms of model libraries (transformers, timm) that the interpreter follows as Python runs
them, each checked against Python or torch: the `re` module on known strings, which attribute
names a torch layer can have, packages that bind names lazily, decorators left half run, and
what a class statement runs."""
from __future__ import annotations

import ast
import re
import textwrap

import pytest

from shapelint.catalogue.torch_attribute_names import may_have
from shapelint.domain.dims import Unknown
from shapelint.interpreter.budget import Limits
from shapelint.interpreter.slicing import ModuleIndex, Reading
from shapelint.pipeline.analysis import analyse
from test_slicing import real_params, static_total, write


def evaluate(source: str, names: list[str]) -> dict:
    analysis = analyse(textwrap.dedent(source), "snippet.py", whole_file=True, discover=False)
    return {name: analysis.module.scope.vars.get(name) for name in names}


REGEX_CASES = [
    (r"^[A-Za-z0-9_.]+(weight|bias)$", "lm_head.weight"),
    (r"^[A-Za-z0-9_.]+(weight)|(bias)$", "bbox_embed.1.layers"),
    (r"blocks\.(\d+)\.attn", "model.blocks.11.attn.qkv"),
    (r"^$", ""),
]


@pytest.mark.parametrize("pattern,subject", REGEX_CASES)
def test_re_on_known_strings_is_python_s(pattern, subject):
    found = evaluate(f"""
        import re
        compiled = re.compile({pattern!r})
        matched = compiled.match({subject!r})
        hit = bool(matched)
        searched = re.search({pattern!r}, {subject!r}) is not None
        found_all = re.findall({pattern!r}, {subject!r})
        replaced = re.sub({pattern!r}, "X", {subject!r})
        """, ["hit", "searched", "found_all", "replaced"])
    assert found == {"hit": bool(re.match(pattern, subject)),
                     "searched": re.search(pattern, subject) is not None,
                     "found_all": re.findall(pattern, subject),
                     "replaced": re.sub(pattern, "X", subject)}


def test_a_pattern_that_may_backtrack_without_bound_is_not_run():
    found = evaluate("""
        import re
        hit = re.match(r"(a+)+$", "a" * 40 + "b")
        """, ["hit"])
    assert "does not run" in found["hit"].reason


def _instances():
    """One instance of every torch.nn module class that builds with no arguments or with the
    sizes most layers take."""
    import inspect

    from make_torch_attribute_names import module_classes
    for cls in sorted(module_classes(), key=lambda c: c.__name__):
        if inspect.isabstract(cls):
            continue
        for args in ((), (4,), (4, 4), (4, 4, 3)):
            try:
                yield cls(*args)
                break
            except Exception:  # noqa: BLE001 - the class needs other arguments
                continue


def test_attribute_names_cover_every_torch_layer_instance():
    torch = pytest.importorskip("torch")
    built = list(_instances())
    assert len(built) > 100
    built += [torch.nn.GRU(4, 4, num_layers=3, bidirectional=True),
              torch.nn.LSTM(4, 8, num_layers=2, proj_size=2)]
    missing = {type(m).__name__: sorted(n for n in dir(m) if not may_have(n)) for m in built}
    assert not {k: v for k, v in missing.items() if v}


def test_getattr_of_a_name_no_torch_layer_has_is_the_default():
    found = evaluate("""
        from torch import nn
        layer = nn.Linear(4, 2)
        keep = getattr(layer, "_keep_in_fp32_modules", None)
        has = hasattr(layer, "_no_split_modules")
        layer.note = "set by the code"
        note = getattr(layer, "note", None)
        padding = getattr(nn.Conv2d(3, 8, 3), "padding_mode", None)
        """, ["keep", "has", "note", "padding"])
    assert found["keep"] is None and found["has"] is False
    assert found["note"] == "set by the code"
    assert found["padding"] == "zeros"


LAZY_PACKAGE = {
    "pkg/__init__.py": """
        import sys
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from .sizes import WIDTH
            from .more import *
        else:
            sys.modules[__name__] = object()
    """,
    "pkg/sizes.py": "WIDTH = 6\n",
    "pkg/more.py": "DEPTH = 3\n",
    "model.py": """
        import torch.nn as nn
        from pkg import WIDTH, DEPTH

        model = nn.Sequential(*[nn.Linear(WIDTH, WIDTH) for _ in range(DEPTH)])
    """,
}


def test_a_lazy_package_binds_what_it_declares_for_type_checkers(tmp_path):
    (tmp_path / "pkg").mkdir()
    path = write(tmp_path, LAZY_PACKAGE)
    assert static_total(path) == 3 * (6 * 6 + 6)


def test_typed_imports_are_read_only_for_lazy_packages():
    plain = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import X\n"
    lazy = plain + "def __getattr__(name):\n    raise AttributeError(name)\n"
    assert ModuleIndex(ast.parse(plain), plain).typed_imports == {}
    assert ModuleIndex(ast.parse(lazy), lazy).typed_imports == {"X": ("a", 1, "X")}


REGISTRY_OF_WIDTHS = {
    "registry.py": """
        WIDTHS = {}


        def register(builder):
            for _ in range(50):
                pass
            WIDTHS[builder.__name__] = 8
            return builder
    """,
    "model.py": """
        import torch.nn as nn
        from registry import WIDTHS, register


        @register
        def wide():
            return nn.Sequential(nn.Linear(WIDTHS.get("wide", 4), 2))


        model = wide()
    """,
}


def test_a_registry_a_decorator_left_half_filled_is_unknown(tmp_path):
    path = write(tmp_path, REGISTRY_OF_WIDTHS)
    assert static_total(path) == real_params(tmp_path) == 8 * 2 + 2
    # a decorator past its share of the budget: what it may have registered is unknown, never
    # the registry as it was before it ran (which would give Linear(4, 2))
    assert static_total(path, Limits(decorator_steps=20)) is None


HOOKS_OVER_THE_TREE = {
    "model.py": """
        import os

        import torch.nn as nn


        def install(module, prefix, tasks):
            # transformers' recursively_install_hooks: a walk over named_children(), here under
            # a condition and with tasks the analysis cannot know
            for name, child in module.named_children():
                install(child, f"{prefix}.{name}", tasks)
            for task in tasks:
                if prefix.endswith(task):
                    module.register_forward_hook(lambda *hook_args: None)


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = nn.Sequential(nn.Linear(4, 8), nn.Sequential(nn.Linear(8, 8)))
                if os.environ.get("HOOKS"):
                    install(self, "", os.environ["HOOKS"].split(","))


        model = Net()
    """,
}


def test_a_recursion_over_the_module_tree_ends_whatever_the_conditions(tmp_path):
    # each level hands on a child no call under way holds: a walk over a finite tree, followed
    # to its end (it was "recurses on values the analysis does not know", the total unknown)
    path = write(tmp_path, HOOKS_OVER_THE_TREE)
    assert static_total(path) == real_params(tmp_path) == 4 * 8 + 8 + 8 * 8 + 8


def test_defining_a_subclass_does_not_run_its_base_s_methods():
    source = textwrap.dedent("""
        STATE = []


        class Base:
            def remember(self):
                STATE.append(1)


        class A(Base):
            pass


        class B(Base):
            pass
    """)
    index = ModuleIndex(ast.parse(source), source)
    order, _ = Reading(index).extend({"A"})
    bound = set().union(*(index.statements[i].binds for i in order))
    assert "A" in bound and "B" not in bound


def test_listed_torch_module_names_are_the_installed_torch_s():
    torch = pytest.importorskip("torch")
    import importlib

    from shapelint.catalogue.torch_module_names import NAMES
    assert torch.__version__.startswith("2.13")
    for name, listed in NAMES.items():
        # every listed name is there; a module may gain more while a process runs (a submodule
        # imported later, __warningregistry__), which shapelint leaves unknown
        missing = listed - frozenset(dir(importlib.import_module(name)))
        assert not missing, (name, sorted(missing))


def test_probes_of_torch_modules_are_decided_from_its_names():
    # timm's create_act: `_has_hardswish = 'hardswish' in dir(torch.nn.functional)`
    found = evaluate("""
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        listed = 'hardswish' in dir(torch.nn.functional)
        aliased = 'silu' in dir(F)
        has = hasattr(nn, 'RMSNorm') and hasattr(nn.utils.parametrizations, 'weight_norm')
        absent = 'no_such_op' in dir(F)
        absent_attr = hasattr(nn, 'NoSuchLayer')
        import copy
        copied = 'relu' in copy.deepcopy({"names": dir(F)})["names"]
        """, ["listed", "aliased", "has", "absent", "absent_attr", "copied"])
    assert (found["listed"], found["aliased"], found["has"], found["copied"]) == (True,) * 4
    # torch 2.13 has none of them, another torch may: unknown, never False
    assert all(isinstance(found[k], Unknown) for k in ("absent", "absent_attr"))


TRY_THE_ARGUMENT = {
    "model.py": """
        import torch.nn as nn


        def make_act(layer, inplace=True):
            # timm's create_act_layer: torch's GELU takes no inplace and raises TypeError
            try:
                return layer(inplace=inplace)
            except TypeError:
                return layer()


        def build(layer):
            return layer(inplace=True)


        def safe(layer):
            try:
                return build(layer)
            except (ValueError, TypeError):
                return nn.Linear(4, 2)


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = make_act(nn.GELU)
                self.b = make_act(nn.ReLU)
                self.c = safe(nn.GELU)
                self.fc = nn.Linear(4, 4)


        model = Net()
    """,
}


def test_a_constructor_s_type_error_is_caught_where_python_catches_it(tmp_path):
    path = write(tmp_path, TRY_THE_ARGUMENT)
    assert static_total(path) == real_params(tmp_path) == 4 * 2 + 2 + 4 * 4 + 4
