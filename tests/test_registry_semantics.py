"""Python the model registries of real libraries rely on (timm's register_model and
build_model_with_cfg, issue 14): collections.defaultdict and deque, sys.modules[fn.__module__],
module attributes, isinstance against type / functools.partial / collections.abc kinds,
issubclass, itertools.repeat. Each snippet sizes a Linear from the value computed; the total
shapelint prints is the one torch builds, or unknown where the value cannot be known."""
from __future__ import annotations

import textwrap

import pytest

from shapelint.pipeline.analysis import analyse

torch = pytest.importorskip("torch")

HEAD = "import torch.nn as nn\n"
TAIL = "\nmodel = nn.Sequential(nn.Linear(1, OUT))\n"

EXACT = {
    "defaultdict_of_lists_and_classes": """
        from collections import defaultdict
        class Box:
            def __init__(self):
                self.items = [1]
        lists = defaultdict(list)
        lists["a"].append(3)
        lists["a"].append(4)
        lists["b"].extend([5])
        boxes = defaultdict(Box)
        boxes["x"].items.append(2)
        OUT = sum(lists["a"]) + len(lists) + sum(boxes["x"].items) + len(boxes["y"].items)
        OUT += len(defaultdict(int, a=1, b=2))
        """,
    "deque_left_methods": """
        import collections
        q = collections.deque([1, 2])
        q.appendleft(7)
        q.extendleft([8, 9])
        q.rotate(1)
        first = q.popleft()
        OUT = first * 10 + q[0] + len(q)
        """,
    "module_found_through_sys_modules": """
        import sys
        REGISTRY = {}
        SIZES = {"small": 6}
        def register(fn):
            module = sys.modules[fn.__module__]
            REGISTRY[fn.__name__] = module.SIZES[fn.__name__] if hasattr(module, "SIZES") else 0
            module.LAST = fn.__name__
            return fn
        @register
        def small():
            return None
        OUT = REGISTRY["small"] + len(LAST)
        """,
    "callable_kinds": """
        import collections.abc
        import functools
        import itertools
        import numbers
        import types
        class Block:
            pass
        class Wide(Block):
            pass
        def fn():
            return 1
        part = functools.partial(nn.Linear, bias=False)
        kinds = [isinstance(Block, type), isinstance(fn, type), isinstance(nn.Conv2d, type),
                 isinstance(fn, types.FunctionType), isinstance(Block, types.FunctionType),
                 isinstance(part, functools.partial), isinstance(Block, functools.partial),
                 isinstance((1, 2), collections.abc.Iterable), isinstance(3, collections.abc.Iterable),
                 isinstance("ab", collections.abc.Sequence), isinstance({}, collections.abc.Mapping),
                 issubclass(Wide, Block), issubclass(Block, Wide), issubclass(Wide, (int, Block)),
                 issubclass(Block, nn.Module), issubclass(nn.Conv2d, Block), issubclass(Wide, object)]
        OUT = sum(2 ** i for i, k in enumerate(kinds) if k) + len(part.keywords)
        OUT += len(tuple(itertools.repeat(0, 3))) + len(nn.BatchNorm2d.__name__.lower())
        OUT += 100 * isinstance(7, numbers.Integral) + 200 * isinstance(0.5, numbers.Integral)
        OUT += 400 * isinstance(True, numbers.Number) + 800 * isinstance(Block, numbers.Number)
        """,
}

EXACT["abc_kinds_of_user_instances"] = """
    import typing
    from collections.abc import Callable, Iterable, Mapping, Sequence, Sized
    from dataclasses import dataclass

    @dataclass
    class Cfg:
        d: int = 2

    class Bag:
        def __iter__(self):
            return iter([1])

        def __len__(self):
            return 1

    class Fn:
        def __call__(self):
            return 1

    kinds = [isinstance(Cfg(), Sequence), isinstance(Cfg(), typing.Sequence),
             isinstance(Cfg(), Mapping), isinstance(Bag(), Iterable), isinstance(Bag(), Sized),
             isinstance(Cfg(), Iterable), isinstance(Fn(), Callable), isinstance(Cfg(), Callable),
             isinstance(None, typing.Callable), isinstance(len, Callable),
             isinstance(Cfg, Callable), isinstance(Bag(), Sequence)]
    OUT = sum(2 ** i for i, k in enumerate(kinds) if k)
    """

EXACT["list_slice_assignment"] = """
    x = [4, 5]
    x[-1:-1] = [x[-1] for _ in range(2)]
    x[:1] = (1, 2, 3)
    x[::2] = [0] * len(x[::2])
    OUT = sum(v * 10 ** i for i, v in enumerate(x))
    """

EXACT["sequential_named_children"] = """
    stem = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.MaxPool2d(2))
    names = [name for name, _ in stem.named_children()]
    OUT = names.index("1") + 10 * len(names)
    """

EXACT["partial_of_a_partial_is_flattened"] = """
    import functools
    inner = functools.partial(nn.Linear, bias=False)
    outer = functools.partial(inner, 4)
    OUT = (outer.func is nn.Linear) + 2 * len(outer.args) + 4 * len(outer.keywords)
    OUT += 8 * isinstance(outer.func, functools.partial)
    """

EXACT["external_classes_compared"] = """
    import torch
    kinds = [nn.ReLU is nn.ReLU, nn.ReLU == nn.GELU, nn.ReLU in (nn.GELU, nn.ReLU),
             nn.SiLU in [nn.GELU], torch.nn.Linear is nn.Linear, nn.ReLU is not nn.GELU]
    OUT = sum(2 ** i for i, k in enumerate(kinds) if k)
    """

UNKNOWN = {
    # a list extended by a comprehension over an unknown count: its length is lost, in a
    # function (timm's _scale_stage_depth: 1,304,504 printed for mnasnet_050, 2,218,512 built)
    "list_extended_by_an_unknown_count_in_a_function": """
        import os
        def scaled(args, repeats):
            out = []
            for a, r in zip(args, repeats):
                out.extend([a for _ in range(r)])
            return out
        blocks = scaled([1], [int(os.environ.get("SHAPELINT_REPEATS", "2"))])
        OUT = 1 + len(blocks)
        """,
    "list_extended_by_an_unknown_count_at_module_level": """
        import os
        blocks = [1]
        blocks.extend([2] * int(os.environ.get("SHAPELINT_REPEATS", "2")))
        OUT = len(blocks)
        """,
    # hasattr on a module while the statement binding the name is still below: Python says
    # False there; reading the later statement first would say True
    "module_attribute_bound_below": """
        import sys
        def register(fn):
            module = sys.modules[fn.__module__]
            fn.size = 9 if hasattr(module, "LATER") else 4
            return fn
        @register
        def small():
            return None
        LATER = 1
        OUT = small.size
        """,
    # a keyword set in one branch of an undecided condition may or may not be passed
    "kwargs_changed_under_an_undecided_condition": """
        import os
        def make(**kwargs):
            return nn.Linear(1, **kwargs)
        options = {"out_features": 3}
        if os.environ.get("SHAPELINT_NEVER_SET_THIS"):
            options["out_features"] = 5
        layer = make(**options)
        model = nn.Sequential(layer)
        """,
    # a list grown in a loop of unknown length, spread into a container: the container is
    # unknown, never dropped from the total as if it were not a module
    "args_grown_in_a_loop_of_unknown_length": """
        import os
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                layers = []
                for _ in range(int(os.environ.get("SHAPELINT_NEVER_SET_THIS", "2"))):
                    layers.append(nn.Linear(2, 2))
                self.body = nn.Sequential(*layers)
                self.head = nn.Linear(2, 1)
        model = Net()
        """,
}


def _run(source: str) -> int:
    namespace: dict = {"__name__": "snippet"}
    import sys
    import types
    module = types.ModuleType("snippet")
    sys.modules["snippet"] = module
    try:
        exec(compile(source, "snippet.py", "exec"), module.__dict__)
    finally:
        del sys.modules["snippet"]
    namespace = module.__dict__
    return sum(p.numel() for p in namespace["model"].parameters())


def _printed(source: str, tmp_path) -> int | None:
    path = tmp_path / "snippet.py"
    path.write_text(source)
    graphs = [g for g in analyse(source, str(path)).graphs() if g.entry == "model"]
    assert len(graphs) == 1
    return graphs[0].total


@pytest.mark.parametrize("name", sorted(EXACT))
def test_exact(name, tmp_path):
    source = HEAD + textwrap.dedent(EXACT[name]) + TAIL
    assert _printed(source, tmp_path) == _run(source)


@pytest.mark.parametrize("name", sorted(UNKNOWN))
def test_unknown(name, tmp_path):
    source = HEAD + textwrap.dedent(UNKNOWN[name])
    source += "" if "model =" in source else TAIL
    _run(source)  # it runs in Python
    assert _printed(source, tmp_path) is None
