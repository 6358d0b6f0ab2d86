"""The speed-ups change nothing shapelint says (issue 17).

Two of them hold state across a run: positions resolved only when read (interpreter/spots.py),
and sibling modules' statements parsed one by one, each tree kept per process
(imports.parsed_statements); a third resolves a position from a codegen of the small statement
it was met in rather than of its whole function (positions.statement_positions). Each can be
switched off (Interpreter.lazy_positions, Interpreter.statement_trees,
Interpreter.statement_positions), which is how shapelint read files before them; the proof is an
equivalence, as in test_slicing.py: on every fixture and on a fixed sample of timm's and
transformers' model files, the diagnostics and every model's rows (lines, columns, shapes,
counts, the shapes per line of forward()) are the same with them on and off. Then what they are
for: a file that reports nothing resolves no position, a Keras file does not load the torch
catalogue, and a module two files import is parsed once. The interpreter keeps some of its own
work too (a class's order, a function's parameter names, whether a class mentions `training`)
and merges two branches' identical names without comparing them: the same equivalence holds
with all of that undone (unkept_outcome).
"""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import textwrap

import pytest
from libcst.metadata import MetadataWrapper

from shapelint import check_source
from shapelint.pipeline.analysis import analyse
from shapelint.frameworks import torch_modules
from shapelint.interpreter import calls, imports
from shapelint.interpreter.core import Interpreter
from shapelint.domain.spots import LazyInt, PairsDict, Spot
from shapelint.interpreter.values import Class

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").rglob("*.py")) + sorted((ROOT / "examples").glob("*.py"))


def outcome(path: pathlib.Path):
    """Everything a user can be shown about a file: check's diagnostics, summary's rows."""
    text = path.read_text(encoding="utf-8")
    found = [(d.code.code, d.line, d.column, d.message) for d in
             analyse(text, str(path)).diagnostics()]
    models = []
    for graph in analyse(text, str(path), whole_file=True).graphs():
        rows = [(n.name, n.type_name, n.path, n.line, n.col, str(n.output_shape), str(n.params))
                for n in graph.nodes + graph.applications]
        models.append((graph.entry, graph.line, graph.col, str(graph.total), graph.reasons(),
                       rows, sorted((k, str(v)) for k, v in graph.line_shapes.items())))
    return found, models


def slow_outcome(path: pathlib.Path, monkeypatch):
    """outcome() as shapelint read files before: every position resolved where it is met,
    sibling statements parsed as one part, nothing kept from the files checked before."""
    with monkeypatch.context() as patch:
        patch.setattr(Interpreter, "lazy_positions", False)
        patch.setattr(Interpreter, "statement_trees", False)
        patch.setattr(Interpreter, "statement_positions", False)
        patch.setattr(imports, "_STATEMENT_CACHE", {})
        return outcome(path)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixtures_read_the_same_with_and_without_speedups(path, monkeypatch):
    assert outcome(path) == slow_outcome(path, monkeypatch)


def corpus_sample(name: str, count: int) -> list[pathlib.Path]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpora import corpus_files
        return corpus_files(name, count)
    except Exception as error:  # noqa: BLE001 - no network, no index: the sample is skipped
        pytest.skip(f"{name} sources are not available: {error}")
    finally:
        sys.path.remove(str(ROOT / "bench"))


@pytest.mark.parametrize("name", ["timm", "transformers"])
def test_model_libraries_read_the_same_with_and_without_speedups(name, monkeypatch):
    """A fixed sample (every 40th timm file, every 50th transformers modeling file): files
    that import many sibling modules and build many models, checked one after the other as in
    one run, so that the trees kept from one file serve the next."""
    files = corpus_sample(name, 8 if name == "timm" else 6)
    fast = [outcome(path) for path in files]
    slow = [slow_outcome(path, monkeypatch) for path in files]
    assert fast == slow
    assert any(models for _, models in fast)  # the sample does build models


def _fresh_mro(cls) -> list:
    """Class.mro() as it was before it was kept: made again at every call."""
    out, todo = [], [cls]
    while todo:
        c = todo.pop(0)
        if c not in out:
            out.append(c)
            todo.extend(b for b in c.bases if isinstance(b, Class))
    return out


def unkept_outcome(path: pathlib.Path, monkeypatch):
    """outcome() without what a run keeps of the interpretation (issue 17): class orders made
    at every call, parameter names and a class's mention of `training` read again each time
    (caches of size 0), and two branches' identical names merged through same_value()."""
    with monkeypatch.context() as patch:
        patch.setattr(Class, "mro", _fresh_mro)
        patch.setattr(calls, "_PARAMETERS", {})
        patch.setattr(calls, "_PARAMETERS_SIZE", 0)
        patch.setattr(torch_modules, "_TRAINING", {})
        patch.setattr(torch_modules, "_TRAINING_SIZE", 0)
        patch.setattr(Interpreter, "merge_shortcut", False)
        return outcome(path)


@pytest.mark.parametrize("name", ["timm", "transformers"])
def test_model_libraries_read_the_same_without_kept_interpretation(name, monkeypatch):
    """The same fixed sample as above, with and without the caches of the interpreter's own
    work: diagnostics and every model's rows, checked one file after the other."""
    files = corpus_sample(name, 8 if name == "timm" else 6)
    fast = [outcome(path) for path in files]
    slow = [unkept_outcome(path, monkeypatch) for path in files]
    assert fast == slow
    assert any(models for _, models in fast)


@pytest.mark.parametrize("path", FIXTURES[::4], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixtures_read_the_same_without_kept_interpretation(path, monkeypatch):
    assert outcome(path) == unkept_outcome(path, monkeypatch)


def test_caches_of_the_interpretation_hold_their_nodes():
    """A kept answer is found only for the very node it was made for (ids are reused once a
    node is dropped), and the caches stay within their sizes."""
    import libcst as cst
    first = cst.parse_statement("def f(a, b=1, *rest, c, **more): pass")
    assert calls._parameter_names(first) == (("a", "b"), ("a", "b", "c"), "rest", "more")
    assert calls._PARAMETERS[id(first.params)][0] is first.params
    lam = cst.parse_expression("lambda x, *, y: x")
    assert calls._parameter_names(lam) == (("x",), ("x", "y"), None, None)
    assert len(calls._PARAMETERS) <= calls._PARAMETERS_SIZE
    plain = cst.parse_statement("class A:\n    pass")
    trains = cst.parse_statement("class B:\n    def f(self):\n        return self.training")
    assert (torch_modules._mentions_training(plain), torch_modules._mentions_training(trains)) \
        == (False, True)
    assert torch_modules._TRAINING[id(trains)][0] is trains


TORCH_CLEAN = textwrap.dedent("""\
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3)
            self.fc = nn.Linear(8 * 30 * 30, 10)

        def forward(self, x):  # shapelint: input=(1, 3, 32, 32)
            x = self.conv(x).relu()
            return self.fc(x.flatten(1))
    """)


def test_a_file_that_reports_nothing_resolves_no_position(monkeypatch):
    resolved = []
    original = MetadataWrapper.resolve

    def counted(self, provider):
        resolved.append(provider)
        return original(self, provider)
    monkeypatch.setattr(MetadataWrapper, "resolve", counted)
    assert check_source(TORCH_CLEAN, "clean.py") == []
    assert resolved == []
    broken = TORCH_CLEAN.replace("8 * 30 * 30", "8 * 28 * 28")
    found = check_source(broken, "broken.py")
    # on the Linear's constructor, where its fix goes (issue 16), naming the call at line 11
    assert [(d.code.code, d.line, d.data["seen_at_line"]) for d in found] == [("SHP101", 7, 11)]
    assert resolved  # the finding's position was resolved when it was reported


def test_summary_rows_hold_plain_ints():
    graph, = analyse(TORCH_CLEAN, "clean.py", whole_file=True).graphs()
    rows = [(n.line, n.col) for n in graph.nodes]
    assert all(type(v) is int for row in rows for v in row)
    assert (graph.line, type(graph.line)) == (3, int)
    assert [r for r in rows if r != (3, 0)] == [(6, 20), (7, 18)]  # conv, fc
    assert all(type(line) is int for _, line in graph.line_shapes)
    json.dumps([d.to_json() for d in check_source(TORCH_CLEAN.replace("30 * 30", "1"),
                                                  "b.py")])


def test_lazy_ints_behave_as_the_ints_they_resolve_to():
    calls = []
    spot = Spot(lambda: calls.append(1) or (12, 4))
    line, col = LazyInt(spot, 0), LazyInt(spot, 1)
    assert calls == []
    assert line == 12 and col == 4 and hash(line) == hash(12) and {12: "a"}[line] == "a"
    assert f"{line}:{col + 1}" == "12:5" and line - 2 == 10 and ([0] * 20)[line] == 0
    assert sorted([line, 3, 40]) == [3, 12, 40] and calls == [1]  # resolved once
    pairs = PairsDict([(("a.py", line), "first"), (("a.py", 12), "second")])
    assert dict(pairs) == {("a.py", 12): "second"}


def test_a_keras_file_does_not_load_the_torch_catalogue():
    """Nor the models of what it does not call: numpy, argparse, YAML."""
    code = ("import sys, shapelint; shapelint.check_source(open(sys.argv[1]).read(), "
            "sys.argv[1]); print(sorted(m for m in sys.modules if m.startswith("
            "('shapelint.frameworks.torch', 'shapelint.catalogue.torch', "
            "'shapelint.frameworks.numpy_api', 'shapelint.interpreter.argparse_model', "
            "'shapelint.interpreter.yaml_subset'))))")
    run = subprocess.run([sys.executable, "-c", code, str(ROOT / "examples" / "alexnet.py")],
                         capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
    script = ("import argparse\nimport numpy as np\nimport keras\n"
              "parser = argparse.ArgumentParser()\n"
              "parser.add_argument('--units', type=int, default=2)\n"
              "args = parser.parse_args()\nx = np.zeros((4, 3))\n"
              "model = keras.Sequential([keras.Input((x.shape[1],)), "
              "keras.layers.Dense(args.units)])\n")
    run = subprocess.run([sys.executable, "-c", code.replace("open(sys.argv[1]).read()",
                                                             repr(script)), "script.py"],
                         capture_output=True, text=True, check=True)
    assert run.stdout.strip() == ("['shapelint.frameworks.numpy_api', "
                                  "'shapelint.interpreter.argparse_model']")  # when called


def test_a_module_two_files_import_is_parsed_once(tmp_path, libcst_parses, monkeypatch):
    monkeypatch.setattr(imports, "_STATEMENT_CACHE", {})
    (tmp_path / "blocks.py").write_text(textwrap.dedent("""\
        import torch.nn as nn
        WIDTH = 16
        def block(c_in):
            return nn.Sequential(nn.Conv2d(c_in, WIDTH, 3), nn.ReLU())
        def unused():
            return nn.Linear(1, 2)
        """))
    model = textwrap.dedent("""\
        import torch.nn as nn
        from blocks import block, WIDTH

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = block(3)
                self.head = nn.Linear(WIDTH * 30 * 30, 10)

            def forward(self, x):  # shapelint: input=(1, 3, 32, 32)
                return self.head(self.body(x).flatten(1)){suffix}
        """)
    first = check_source(model.format(suffix=""), str(tmp_path / "a.py"))
    parsed_first = len(libcst_parses)
    libcst_parses.clear()
    second = check_source(model.format(suffix="  # the same model"), str(tmp_path / "b.py"))
    assert first == [] and second == []
    # a.py's own three statements, each alone (kept too, for a file that imports a.py), then
    # blocks.py's three it needs
    assert parsed_first == 3 + 3
    assert len(libcst_parses) == 3  # b.py's own: blocks.py's trees are kept
    broken = model.format(suffix="").replace("30 * 30", "28 * 28")
    found = check_source(broken, str(tmp_path / "c.py"))
    assert [(d.code.code, d.line, d.column) for d in found] == [("SHP101", 8, 20)]  # the ctor


def test_the_garbage_collector_waits_while_a_file_is_analysed(monkeypatch):
    """Full collections, which scan every tree kept for the run, wait for the analysis's end
    (budget.ANALYSIS_GC); Python's own thresholds are back once it ends, even when it fails."""
    import gc
    from shapelint.interpreter.budget import ANALYSIS_GC
    seen, original = [], Interpreter.run_module

    def recorded(self, *args, **kwargs):
        seen.append(gc.get_threshold())
        return original(self, *args, **kwargs)
    monkeypatch.setattr(Interpreter, "run_module", recorded)
    before, limit = gc.get_threshold(), sys.getrecursionlimit()
    assert before != ANALYSIS_GC
    assert check_source(TORCH_CLEAN, "clean.py") == []
    assert seen and set(seen) == {ANALYSIS_GC}
    assert (gc.get_threshold(), sys.getrecursionlimit()) == (before, limit)

    def failing(self, *args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(Interpreter, "run_module", failing)
    found = check_source(TORCH_CLEAN, "clean.py")
    assert [d.code.code for d in found] == ["SHP901"]
    assert (gc.get_threshold(), sys.getrecursionlimit()) == (before, limit)


def test_a_position_costs_a_codegen_of_its_statement_not_of_its_function(monkeypatch):
    """A finding in a long __init__ resolves its line from the statement that built the layer
    (with the class and def headers above it), not from the whole method."""
    generated = []
    original = MetadataWrapper.resolve

    def measured(self, provider):
        generated.append(self.module.code)
        return original(self, provider)
    monkeypatch.setattr(MetadataWrapper, "resolve", measured)
    padding = "".join(f"        self.pad{i} = nn.Identity()\n" for i in range(60))
    source = TORCH_CLEAN.replace("        self.conv = nn.Conv2d(3, 8, 3)\n",
                                 padding + "        self.conv = nn.Conv2d(3, 8, 3)\n")
    broken = source.replace("8 * 30 * 30", "8 * 28 * 28")
    found = check_source(broken, "long.py")
    line = broken.splitlines().index("        self.fc = nn.Linear(8 * 28 * 28, 10)") + 1
    assert [(d.code.code, d.line, d.column) for d in found] == [("SHP101", line, 18)]
    assert generated and all("pad59" not in code for code in generated)
    generated.clear()
    monkeypatch.setattr(Interpreter, "statement_positions", False)
    assert [(d.code.code, d.line, d.column) for d in check_source(broken, "long.py")] == [
        ("SHP101", line, 18)]
    assert any("pad59" in code for code in generated)  # the function's codegen, as before


def test_libcst_trees_are_made_without_the_node_checks_and_are_the_same():
    """parsing.parse makes libcst's nodes without their field checks (a third of a parse): the
    trees are libcst's own, node for node, and nodes made afterwards are checked again."""
    import libcst
    from shapelint.interpreter.parsing import parse
    sources = [p.read_text(encoding="utf-8") for p in FIXTURES[:40]]
    sources.append("x = (a if b else(c))\nasync def f():\n    return [i async for i in g()]\n")
    for source in sources:
        ours, theirs = parse(source), libcst.parse_module(source)
        assert ours.deep_equals(theirs) and ours.code == theirs.code == source
    with pytest.raises(libcst.CSTValidationError):
        libcst.Name("not a name")
    assert "__post_init__" in vars(libcst.CSTNode)
    assert libcst.CSTNode.__post_init__.__qualname__ == "CSTNode.__post_init__"


def test_a_docstring_is_read_as_get_source_segment_reads_it():
    """The claims' SourceMap splits the file's lines once, not at every docstring."""
    import ast
    from shapelint.rules.claims import SourceMap
    sources = [p.read_text(encoding="utf-8") for p in FIXTURES]
    sources += ["x = 1\r\ny = '''a\rb'''\r\n", "'''é\nü''' ; z = 'ä'", "a = 'x'", '"""a\n b"""']
    for source in sources:
        source_map = SourceMap(source)
        for node in ast.walk(source_map.tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert source_map.segment(node) == (ast.get_source_segment(source, node) or "")


# One process checks each file given, one after the other, as `shapelint check DIR` does, and
# prints bench/findings_dump.py's record of each: check's diagnostics with their messages and
# data, the steps the check took, and every model summary builds (rows, totals, reasons and
# shapes per line).
_IN_ONE_PROCESS = """\
import json, pathlib, sys
sys.path.insert(0, sys.argv[1])
from findings_dump import checked, summarised
found = {}
for name in sys.argv[2:]:
    path = pathlib.Path(name)
    found[path.name] = dict(checked(path), models=summarised(path))
print(json.dumps(found, default=str))
"""


def _in_one_process(files: list[pathlib.Path]) -> dict:
    run = subprocess.run([sys.executable, "-c", _IN_ONE_PROCESS, str(ROOT / "bench"),
                          *map(str, files)], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    return json.loads(run.stdout)


def test_a_file_reads_the_same_alone_and_after_other_files():
    """What is kept per process (sibling modules' indexes and trees, literals, a class's
    order...) never carries one file's analysis into the next (issue 17): three timm models
    that read the same helpers of timm.layers and fill the same registry of
    timm/models/_registry.py (`@register_model`) give the same diagnostics, steps and
    models checked in one process in two orders as each checked alone in a new process."""
    models = corpus_sample("timm", 0)[0].parent / "models"  # timm/__init__.py first
    files = [models / name for name in ("sknet.py", "inception_v4.py", "dpn.py")]
    alone = {}
    for path in files:
        alone.update(_in_one_process([path]))
    assert _in_one_process(files) == alone
    assert _in_one_process(files[::-1]) == alone
    # each read timm's helpers and registry (tens of thousands of steps); two build models
    assert all(found["steps"] > 10_000 for found in alone.values())
    assert sum(bool(found["models"]) for found in alone.values()) >= 2
