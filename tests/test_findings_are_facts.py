"""Findings are facts (docs/design.md): what rests on an assumed value is never a finding."""
from __future__ import annotations

import pathlib
import runpy

import pytest

from shapelint import check_source

ROOT = pathlib.Path(__file__).resolve().parent.parent
FACTORY = ROOT / "fixtures" / "torch" / "factory_follows_arguments.py"


def test_a_block_built_by_nobody_with_its_defaults_is_not_judged_on_them():
    """Block(8, 16) with the default num_experts=0 really fails in torch (timm's CondConv
    blocks do the same), but the file never builds it so: no finding."""
    torch = pytest.importorskip("torch")
    namespace = runpy.run_path(str(FACTORY))
    with pytest.raises(TypeError, match="num_experts"):
        namespace["Block"](8, 16)
    built = namespace["model"]
    assert sum(p.numel() for p in built.parameters()) == 4_608
    assert isinstance(built.conv, torch.nn.Module)
    source = FACTORY.read_text(encoding="utf-8")
    assert [d.code.code for d in check_source(source, str(FACTORY))] == []
    nobody_builds_it = source.replace("model = Block(8, 16, num_experts=4)", "")
    assert [d.code.code for d in check_source(nobody_builds_it, str(FACTORY))] == []


def test_an_unknown_operand_makes_arithmetic_unknown():
    """attn * scale where attn is not known: the result is not scale's shape (it made a head
    count of timm's Swin V2 a softmax axis of size 1, SHP204)."""
    source = '''
import torch
import torch.nn as nn


class Scaled(nn.Module):
    def __init__(self, heads=4):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(heads, 1, 1))
        self.softmax = nn.Softmax(dim=-1)

    def forward(self, x):
        attn = x.mystery_op()
        return self.softmax(attn * self.scale)
'''
    assert [d.code.code for d in check_source(source, "scaled.py")] == []


def test_a_layer_subclass_keeping_the_layer_constructor_is_not_built_without_arguments():
    """class CausalConv(nn.Conv1d) with no __init__: its users pass Conv1d's arguments, so
    nothing is judged on a call without them (transformers' esmc, parakeet, ovis2 do this)."""
    torch = pytest.importorskip("torch")
    source = '''
import torch.nn as nn


class CausalConv(nn.Conv1d):
    def forward(self, x):
        return super().forward(x)
'''
    namespace = {}
    exec(compile(source, "causal.py", "exec"), namespace)
    with pytest.raises(TypeError):
        namespace["CausalConv"]()
    assert tuple(namespace["CausalConv"](2, 3, 1)(torch.zeros(1, 2, 5)).shape) == (1, 3, 5)
    assert [d.code.code for d in check_source(source, "causal.py")] == []
