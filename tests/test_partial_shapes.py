"""An undeclared torch input is (N, ...) and the code teaches the rest (frameworks/
torch_partial.py). Each block of fixtures/torch/undeclared_inputs_are_learned.py is run for
real on inputs of the shape shapelint learned, with several sizes for its symbols and several
lengths for an unknown middle: each must run and give the output shape shapelint printed."""
from __future__ import annotations

import itertools
import pathlib
import runpy

import pytest

from shapelint.pipeline.analysis import analyse
from shapelint.domain.dims import SymDim, is_known
from shapelint.frameworks import torch_partial
from shapelint.domain.shapes import Rest, Shape

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "torch" / "undeclared_inputs_are_learned.py"
# What shapelint must learn, from the code alone, for each block (None: nothing to learn).
LEARNED = {
    "Pooler": "(N, ...)",
    "ChannelsLastSqueezeExcite": "(N, ...)",
    "AttentionPool": "(N, C, H, W)",
    "ConvNeXtStyleBlock": "(N, 16, H, W)",
    "Attention": "(N, L, 32)",
    "TokenMLP": "(N, ..., 32)",
}
# Inputs each block is meant for, to show that no finding is owed where nothing was learned.
MEANT = {"Pooler": (2, 5, 32), "ChannelsLastSqueezeExcite": (2, 6, 6, 16),
         "AttentionPool": (2, 16, 5, 7)}


def _graphs():
    analysis = analyse(FIXTURE.read_text(encoding="utf-8"), str(FIXTURE))
    return analysis, {g.name: g for g in analysis.graphs()}


def _concrete(shape: Shape, env: dict, middle: int) -> tuple | None:
    dims = shape.dims if shape.known_rank else \
        shape.head + tuple(SymDimSize(i) for i in range(middle)) + shape.tail
    out = []
    for d in dims:
        if isinstance(d, SymDimSize):
            out.append(3 + d.index)
        elif is_known(d):
            out.append(d)
        elif isinstance(d, SymDim):
            out.append(d.evaluate(env))
        else:
            return None
    return tuple(out)


class SymDimSize:
    """A size standing in for one dim of an unknown middle."""

    def __init__(self, index):
        self.index = index


def test_no_finding_on_blocks_whose_input_is_not_declared():
    analysis, _ = _graphs()
    assert [d for d in analysis.diagnostics() if d.code.code[3] in "12"] == []


@pytest.mark.parametrize("name", sorted(LEARNED))
def test_the_input_learned_is_what_the_code_proves(name):
    _, graphs = _graphs()
    assert str(graphs[name].inputs[0].output_shape) == LEARNED[name]


@pytest.mark.parametrize("name", sorted(LEARNED))
def test_learned_shapes_hold_at_runtime(name):
    torch = pytest.importorskip("torch")
    _, graphs = _graphs()
    graph = graphs[name]
    model = runpy.run_path(str(FIXTURE))[name]().eval()
    given, printed = graph.inputs[0].output_shape, graph.outputs[0].output_shape
    if not given.known_rank and not given.is_partial:
        pytest.fail(f"{name}: nothing known of the input")
    tried = 0
    for n, size, middle in itertools.product((1, 2), (4, 8), (0, 1, 2)):
        if given.known_rank and middle:
            continue
        env = {"N": n, "L": size, "H": size, "W": size + 1, "C": 16}
        shape = _concrete(given, env, middle)
        if name in MEANT and not given.known_rank:
            shape = MEANT[name] if middle == 0 else None
        if shape is None:
            continue
        out = model(torch.zeros(shape))
        tried += 1
        if printed.known_rank or printed.is_partial:
            expected = _concrete(printed, env, middle)
            assert expected is None or tuple(out.shape) == expected, (shape, printed)
    assert tried


def test_a_partial_shape_prints_its_unknown_middle():
    shape = Shape.partial((torch_partial.BATCH,), (256,), Rest(), "")
    assert str(shape) == "(N, ..., 256)"
    assert shape[0] == torch_partial.BATCH and shape[-1] == 256
    assert shape.with_last(10).tail == (10,)
    assert not shape.known_rank and shape.to_json() is None
