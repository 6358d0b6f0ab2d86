"""Config objects read as Python builds them: argparse (checked against argparse itself),
namespaces, dataclass fields, dict merges and YAML of literal strings (checked against
PyYAML); values resting on a command-line default are labelled, and `summary` lists them."""
from __future__ import annotations

import json
import sys
import textwrap

import libcst as cst
import pytest

from shapelint.pipeline.analysis import analyse
from shapelint.domain.dims import Unknown
from shapelint.frameworks import Frameworks
from shapelint.domain.assumed import labels
from shapelint.interpreter.core import Interpreter
from shapelint.interpreter.yaml_subset import load


def run_static(source: str):
    source = textwrap.dedent(source)
    interp = Interpreter(Frameworks())
    module = interp.run_module(cst.parse_module(source), "/tmp/config.py", "config", main=True,
                               source=source)
    return module.scope.vars


def run_real(source: str):
    namespace: dict = {}
    saved, sys.argv = sys.argv, ["script.py"]  # the script run without arguments
    try:
        # as Python runs the script: without this test module's __future__ annotations
        exec(compile(textwrap.dedent(source), "config", "exec", dont_inherit=True),  # noqa: S102
             namespace)
    finally:
        sys.argv = saved
    return namespace


PARSERS = {
    "defaults_with_types": """
        p.add_argument("--hidden", type=int, default=100)
        p.add_argument("--side", type=int, default="32")
        p.add_argument("--lr", type=float, default="1e-3")
        p.add_argument("--name", default="gan")
        p.add_argument("--layers", type=int, nargs="+", default=[64, 128])
        p.add_argument("--act", choices=["relu", "tanh"], default="relu")
        """,
    "actions_and_dest": """
        p.add_argument("--cuda", action="store_true")
        p.add_argument("--no-bias", dest="bias", action="store_false")
        p.add_argument("--half", action="store_const", const=2, default=1, dest="div")
        p.add_argument("-v", "--verbose", action="count", default=0)
        p.add_argument("--tag", action="append")
        p.add_argument("--width", "-w", default=16, type=int, dest="w")
        p.add_argument("--nothing")
        """,
    "set_defaults_and_groups": """
        g = p.add_argument_group("model")
        g.add_argument("--depth", type=int, default=3)
        x = p.add_mutually_exclusive_group()
        x.add_argument("--big", action="store_true")
        p.set_defaults(depth=5, classes=10)
        """,
    "positional_optional": """
        p.add_argument("data", nargs="?", default="mnist")
        p.add_argument("files", nargs="*")
        p.add_argument("--size", type=lambda s: int(s) * 2, default="8")
        """,
}
ARGVS = [None, [], ["--hidden", "7", "--cuda"], ["--hidden=9", "-v", "-v", "--half"],
         ["--no-bias", "--tag", "a", "--tag", "b", "-w", "3"], ["--depth", "2", "--big"],
         ["cifar", "--size", "5"], ["--layers", "1", "2", "3", "--act", "tanh"],
         ["--act", "sigmoid"], ["--lr", "0.5", "--side", "4"], ["--hid", "3"]]


@pytest.mark.parametrize("argv", ARGVS, ids=repr)
@pytest.mark.parametrize("name", sorted(PARSERS))
def test_parse_args_matches_argparse(name, argv):
    call = "p.parse_args()" if argv is None else f"p.parse_args({argv!r})"
    source = "import argparse\np = argparse.ArgumentParser()\n" + \
        textwrap.dedent(PARSERS[name]) + f"opt = {call}\nresult = vars(opt)\n"
    try:
        real = run_real(source)["result"]
    except SystemExit:
        real = None  # argparse exits: shapelint must not claim values
    static = run_static(source)["result"]
    if real is None:
        assert isinstance(static, Unknown)
    else:
        assert static == real and all(type(static[k]) is not bool or type(real[k]) is bool
                                      for k in real)


def test_parse_known_args_and_namespaces():
    source = """
        import argparse
        from types import SimpleNamespace
        p = argparse.ArgumentParser()
        p.add_argument("--hidden", type=int, default=12)
        known, rest = p.parse_known_args(["--hidden", "5", "--other", "x"])
        bare, nothing = p.parse_known_args()
        ns = argparse.Namespace(a=1, b="two")
        simple = SimpleNamespace(c=3)
        simple.d = simple.c * 2
        result = (known.hidden, rest, bare.hidden, nothing, ns.a, ns.b, vars(simple),
                  getattr(ns, "missing", 7), hasattr(ns, "a"), p.get_default("hidden"))
        """
    assert run_static(source)["result"] == run_real(source)["result"]


def test_dataclass_fields_factories_post_init_and_replace():
    source = """
        import dataclasses
        from dataclasses import dataclass, field

        @dataclass(frozen=True)
        class Frozen:
            width: int = 8

        @dataclass
        class Config:
            layers: int = 2
            sizes: list = field(default_factory=lambda: [16, 32])
            extra: dict = field(default_factory=dict)
            head: int = field(init=False, default=0)
            frozen: Frozen = field(default_factory=Frozen)

            def __post_init__(self):
                self.head = self.sizes[-1] * self.layers

        a = Config()
        b = Config(layers=3, sizes=[4])
        c = dataclasses.replace(b, layers=5)
        result = (a.layers, a.sizes, a.extra, a.head, a.frozen.width, b.head, c.head,
                  dataclasses.asdict(b)["sizes"], a.sizes is not Config().sizes)
        """
    assert run_static(source)["result"] == run_real(source)["result"]


def test_a_dataclass_subclass_runs_its_own_post_init():
    # the generated __init__ calls self.__post_init__(): a subclass's own, as transformers'
    # configs define it (static printed the base's result before: a wrong count downstream)
    source = """
        from dataclasses import dataclass

        @dataclass
        class Base:
            width: int = 4

            def __post_init__(self):
                self.out = self.width

        class Config(Base):
            depth: int = 2

            def __post_init__(self):
                self.out = self.width * 3

        result = (Config().out, Config(width=5).out, Config(5).out, Base().out)
        """
    assert run_static(source)["result"] == run_real(source)["result"] == (12, 15, 15, 4)


@pytest.mark.parametrize("call", ["Config(depth=3)", "Config(1, 2)"])
def test_a_dataclass_init_refuses_what_python_refuses(call):
    # Base's generated __init__ knows only its own fields: Python raises TypeError, so the
    # value is unknown, never an instance with the argument dropped
    source = f"""
        from dataclasses import dataclass

        @dataclass
        class Base:
            width: int = 4

        class Config(Base):
            depth: int = 2

        made = {call}
        """
    with pytest.raises(TypeError):
        run_real(source)
    assert isinstance(run_static(source)["made"], Unknown)


def test_init_subclass_makes_configs_dataclasses():
    # transformers' PreTrainedConfig pattern in our own words: the base's __init_subclass__
    # turns each subclass into a keyword-only dataclass and wraps its __init__ so that unknown
    # keywords reach __post_init__; fields() drives the wrapper
    source = """
        from dataclasses import MISSING, dataclass, fields
        from functools import wraps

        def accept_extra(cls):
            generated = cls.__init__

            @wraps(generated)
            def __init__(self, **kwargs):
                own = {f.name for f in fields(cls)}
                for f in fields(cls):
                    if f.name in kwargs:
                        setattr(self, f.name, kwargs[f.name])
                    elif f.default is not MISSING:
                        setattr(self, f.name, f.default)
                    elif f.default_factory is not MISSING:
                        setattr(self, f.name, f.default_factory())
                self.__post_init__(**{k: v for k, v in kwargs.items() if k not in own})

            cls.__init__ = __init__
            return cls

        class BaseConfig:
            dropout: float = 0.1

            def __init_subclass__(cls, **kwargs):
                super().__init_subclass__(**kwargs)
                cls = dataclass(cls, kw_only=True)
                cls = accept_extra(cls)

            def __post_init__(self, **kwargs):
                for key, value in kwargs.items():
                    setattr(self, key, value)
                self.has_rope = hasattr(self, "rope")

        class SmallConfig(BaseConfig):
            hidden: int = 768
            layers: int = 12

            def __post_init__(self, **kwargs):
                self.inner = self.hidden * 4
                super().__post_init__(**kwargs)

        a = SmallConfig()
        b = SmallConfig(hidden=64, layers=2)
        c = SmallConfig(hidden=32, extra=5)
        result = (a.hidden, a.inner, a.layers, b.hidden, b.inner, b.layers, c.inner, c.extra,
                  a.dropout, a.has_rope, [f.name for f in fields(b)])
        """
    assert run_static(source)["result"] == run_real(source)["result"]


def test_setattr_by_an_unknown_name_loses_every_data_attribute():
    source = """
        import os

        class Config:
            width = 4

            def double(self):
                return 2

        c = Config()
        c.depth = 3
        setattr(c, os.environ.get("FIELD", "width"), 64)
        result = (c.width, c.depth, getattr(c, "other", 1), hasattr(c, "other"), c.double())
        """
    found = run_static(source)["result"]
    assert all(isinstance(v, Unknown) for v in found[:4]) and found[4] == 2


def test_functools_reduce_folds_as_python_does():
    # timm's csatv2 reduces its channel ratio with reduce(math.gcd, ratio)
    source = """
        import math
        import operator
        from functools import reduce

        ratio = (24, 4, 4)
        g = reduce(math.gcd, ratio)
        result = (g, tuple(r // g for r in ratio), reduce(operator.mul, [2, 3, 4], 1),
                  reduce(lambda a, b: a + [b * 2], range(3), []), reduce(max, [5]))
        """
    assert run_static(source)["result"] == run_real(source)["result"]


def test_attribute_maps_through_getattribute_and_setattr():
    # transformers' PreTrainedConfig: names mapped by attribute_map in __getattribute__ and
    # __setattr__, object's own reached through super(); a mixin reading __dict__
    source = """
        from dataclasses import dataclass
        from typing import ClassVar

        class Mixin:
            def __getattribute__(self, key):
                spec = super().__getattribute__("__dict__").get("_spec")
                return super().__getattribute__(key)

        @dataclass
        class Base(Mixin):
            attribute_map: ClassVar[dict] = {}
            dropout: float = 0.1

            def __setattr__(self, key, value):
                if key in super().__getattribute__("attribute_map"):
                    key = super().__getattribute__("attribute_map")[key]
                super().__setattr__(key, value)

            def __getattribute__(self, key):
                if key != "attribute_map" and key in super().__getattribute__("attribute_map"):
                    key = super().__getattribute__("attribute_map")[key]
                return super().__getattribute__(key)

        @dataclass
        class Small(Base):
            attribute_map: ClassVar[dict] = {"hidden_size": "n_embd"}
            n_embd: int = 768
            dropout: float = 0.2
            layers: int = 2

        a = Small()
        b = Small(0.3, 64)
        b.hidden_size = 32
        result = (a.hidden_size, a.n_embd, b.n_embd, b.dropout, b.hidden_size,
                  sorted(vars(b)), "attribute_map" in Small.__dict__, a.__class__ is Small)
        """
    assert run_static(source)["result"] == run_real(source)["result"]


def test_formatting_an_object_of_the_interpreter_is_unknown_not_its_python_repr():
    # a test grid keyed by f"{args}" with layer objects inside (tests/test_keras_catalogue_extra
    # built 150 of them): Python's repr of the interpreter's own instance is neither the
    # user's text nor small (a class holds its module), and took minutes per key
    source = """
        class L:
            def __init__(self, *args):
                self.args = args

        key = f"{(L(1), 2)}"
        text = str([L(3)])
        plain = f"{(1, 'a')}-{[2.5]}" + str({"k": (1,)})
        """
    found = run_static(source)
    assert isinstance(found["key"], Unknown) and isinstance(found["text"], Unknown)
    assert found["plain"] == run_real(source)["plain"]


def test_dict_merges_and_table_lookups():
    source = """
        BASE = {"hidden": 48, "depth": 2}
        SIZES = {"s": dict(hidden=32), "m": dict(hidden=64)}
        a = {**BASE, **{"hidden": 40}}
        a.update(depth=3)
        b = dict(BASE, hidden=128)
        c = dict(BASE)
        c.update({"extra": 1})
        name = "m"
        result = (a, b, c, SIZES[name]["hidden"], {**SIZES["s"], "depth": 1})
        """
    assert run_static(source)["result"] == run_real(source)["result"]


YAML = [
    "a: 1\nb: [1, 2]\nc:\n  d: x\n  e: 1e-3\n",
    "- 1\n- 2.5\n- -.5\n- .5\n- yes\n- ~\n- 'q'\n- \"r s\"\n",
    "model:\n  layers:\n    - {type: conv, out: 32}\n    - type: linear\n      out: 10\n"
    "      bias: false\n  act: relu  # a comment\non: off\n",
    "x: 1_000\ny: 1.0e-3\nz: 1.0e3\nw: .inf\nv: -.Inf\nu: 0\nt: -3\ns: +4\nr: 3.\n",
    "k:\n- 1\n- 2\nm: []\nn: {}\n", "a: [[1, 2], [3, 4]]\nb: {c: {d: 2}, e: [x, y]}\n",
    "---\nname: run 1\nlr: 0.0002\nbetas: [0.5, 0.999]\nnull_value: null\nempty:\n",
    "1: one\nfalse: f\n'quoted key': 2\n", "text: it's fine\npath: a/b:c\nurl: x#y\n",
]


@pytest.mark.parametrize("text", YAML)
def test_yaml_subset_matches_pyyaml(text):
    yaml = pytest.importorskip("yaml")
    assert load(text) == yaml.safe_load(text)


@pytest.mark.parametrize("text", ["a: &x 1\nb: *x\n", "a: |\n  text\n", "a: !!str 1\n",
                                  "a: 01\n", "a:\n\tb: 1\n", "a: 1\na: 2\n", "a: b\n  c\n"])
def test_yaml_outside_the_subset_is_refused_not_guessed(text):
    assert load(text) is None


def test_yaml_and_json_of_literal_strings_in_code():
    source = '''
        import json
        import yaml
        cfg = yaml.safe_load("""
        model:
          hidden: [32, 16]
          classes: 3
        """)
        other = json.loads('{"a": [1, 2], "b": null}')
        result = (cfg["model"]["hidden"], cfg["model"]["classes"], other)
        '''
    assert run_static(source)["result"] == run_real(source)["result"]
    assert isinstance(run_static("import yaml\ncfg = yaml.safe_load(open('c.yaml'))\n")["cfg"],
                      Unknown)


def test_values_from_defaults_carry_their_assumption():
    found = run_static("""
        import argparse
        p = argparse.ArgumentParser()
        p.add_argument("--hidden", type=int, default=100)
        p.add_argument("--size", default="m", choices=["s", "m"])
        p.add_argument("--lr", type=float, default=0.1)
        opt = p.parse_args()
        given = p.parse_args(["--hidden", "3"])
        SIZES = {"s": 8, "m": 16}
        twice = opt.hidden * 2 + 1
        picked = SIZES[opt.size]
        from_list = given.hidden
        """)
    assert found["twice"] == 201 and labels(found["twice"]) == ("--hidden=100",)
    assert found["picked"] == 16 and labels(found["picked"]) == ("--size=m",)
    assert labels(found["from_list"]) == ()  # given on the (literal) command line


GAN = '''
import argparse
import torch.nn as nn

parser = argparse.ArgumentParser()
parser.add_argument("--latent", type=int, default=20)
parser.add_argument("--hidden", type=int, default=32)
parser.add_argument("--depth", type=int, default=2)
parser.add_argument("--norm", action="store_true")
parser.add_argument("--lr", type=float, default=0.01)
opt = parser.parse_args()


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        layers = [nn.Linear(opt.latent, opt.hidden)]
        for _ in range(opt.depth):
            layers.append(nn.Linear(opt.hidden, opt.hidden))
            if opt.norm:
                layers.append(nn.BatchNorm1d(opt.hidden))
        self.net = nn.Sequential(*layers)

    def forward(self, z):
        return self.net(z)


class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(10, 1)

    def forward(self, x):
        return self.net(x)


generator = Generator()
critic = Critic()
'''


def test_summary_says_which_defaults_a_count_rests_on(tmp_path, capsys):
    torch = pytest.importorskip("torch")
    path = tmp_path / "gan.py"
    path.write_text(GAN)
    graphs = {g.entry: g for g in analyse(GAN, str(path)).graphs()}
    namespace = run_real(GAN)
    for entry in ("generator", "critic"):
        assert graphs[entry].total == sum(p.numel() for p in namespace[entry].parameters())
    assert graphs["generator"].assumptions == ["--latent=20", "--hidden=32", "--depth=2",
                                               "--norm not given"]
    assert graphs["critic"].assumptions == []
    assert isinstance(torch.nn.Module, type)
    from shapelint.adapters.cli import main
    main(["summary", str(path), "--format", "json"])
    models = {m["entry"]: m for m in json.loads(capsys.readouterr().out)["models"]}
    assert models["generator"]["assumptions"] == graphs["generator"].assumptions
    assert models["generator"]["total_params"] == 20 * 32 + 32 + 2 * (32 * 32 + 32)
    main(["summary", f"{path}::generator"])
    assert "Assumes (command-line defaults): --latent=20, --hidden=32, --depth=2, " \
           "--norm not given" in capsys.readouterr().out
