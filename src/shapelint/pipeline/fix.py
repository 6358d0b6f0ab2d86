"""`shapelint fix`: libcst codemods for the faults whose repair is clear.

Planning reads the diagnostics (and, for torch, the graph that says where each Linear was
constructed); applying is one libcst transform per round that edits only the nodes it names,
so formatting and comments elsewhere are kept byte for byte.

Safe and unsafe follow ruff's vocabulary. A fix is *safe* when it builds exactly the model the
diagnostic says was intended and rewrites no number the author wrote:
- Keras SHP201: insert `Flatten()` before the flagged Dense (Dense infers its input width, so
  nothing else changes; the new totals are the ones the diagnostic printed).
- torch SHP101 whose in_features already equals the flattened feature count: flatten the input
  where the Linear is applied (the code crashes as written; afterwards it runs with the
  declared in_features unchanged).
A fix is *unsafe* when it has to choose a number, because the mismatch may lie upstream (a
kernel size, a stride, the input size) rather than in the Linear:
- torch SHP101 with a known received width: set in_features to that width.
- torch SHP201 (a Linear that runs on the last axis of a feature map): flatten the input and set
  in_features to the flattened count; the model as written runs, so this changes its behaviour.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from ..interpreter.imports import dotted as _dotted

MAX_ROUNDS = 8


@dataclass(frozen=True)
class Fix:
    code: str
    line: int
    col: int
    kind: str  # "flatten-keras", "flatten-torch", "in-features", "flatten-and-in-features"
    safe: bool
    title: str
    framework: str
    features: int | None = None  # the in_features to write
    ctor: tuple[int, int] | None = None  # where the Linear is constructed
    # where it is applied, when the diagnostic (line, col) sits on the constructor (issue 16)
    call: tuple[int, int] | None = None


@dataclass(frozen=True)
class FixResult:
    path: str
    before: str
    after: str
    applied: tuple  # Fix records applied, in order
    unsafe_skipped: int  # unsafe fixes left out (no --unsafe-fixes)

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            fromfile=self.path, tofile=self.path))


def plan(text: str, path: str) -> list[Fix]:
    """The fixes shapelint knows for one file's current diagnostics."""
    from .. import check_source
    from .analysis import analyse
    diagnostics = check_source(text, path)
    if not diagnostics:
        return []
    torch_ctors = {}
    if any(d.code.code in ("SHP101", "SHP201") for d in diagnostics):
        for graph in analyse(text, path).graphs():
            for node in graph.applications if graph.framework == "torch" else ():
                layer = node.layer
                torch_ctors[(node.line, node.col)] = (getattr(layer, "line", 0),
                                                      getattr(layer, "col", 0), graph.framework)
    fixes = []
    for d in diagnostics:
        fix = _fix_for(d, torch_ctors)
        if fix is not None:
            fixes.append(fix)
    return fixes


def _fix_for(d, torch_ctors) -> Fix | None:
    data, code = d.data, d.code.code
    # a torch finding placed on the constructor keeps the application in seen_at_line/col
    where = (data.get("seen_at_line", d.line), data.get("seen_at_col", d.column))
    if code == "SHP201" and where not in torch_ctors:
        if data.get("params_intended") is None:
            return None
        return Fix(code, d.line, d.column, "flatten-keras", True,
                   f"insert Flatten() before {data.get('type', 'Dense')}({data.get('units')})",
                   "keras")
    if where not in torch_ctors or data.get("type") != "Linear":
        return None
    ctor = torch_ctors[where][:2]
    call = (int(where[0]), int(where[1]))
    if code == "SHP101" and data.get("missing_flatten"):
        return Fix(code, d.line, d.column, "flatten-torch", True,
                   "flatten the input of this Linear from dim 1", "torch", ctor=ctor,
                   call=call)
    if code == "SHP101" and isinstance(data.get("params_intended"), int) and \
            isinstance(data.get("actual_features"), int):
        n = data["actual_features"]
        return Fix(code, d.line, d.column, "in-features", False,
                   f"set in_features to {n}", "torch", features=n, ctor=ctor, call=call)
    if code == "SHP201" and isinstance(data.get("in_features_intended"), int):
        n = data["in_features_intended"]
        return Fix(code, d.line, d.column, "flatten-and-in-features", False,
                   f"flatten the input from dim 1 and set in_features to {n}", "torch",
                   features=n, ctor=ctor, call=call)
    return None


def fix_source(text: str, path: str, unsafe: bool = False) -> FixResult:
    """Apply fixes round by round until none applies (a fixed Dense can expose no new fault,
    but a file may hold several models)."""
    current, applied, skipped = text, [], 0
    for round_ in range(MAX_ROUNDS):
        fixes = plan(current, path)
        wanted = [f for f in fixes if f.safe or unsafe]
        if round_ == 0:
            skipped = len(fixes) - len(wanted)
        if not wanted:
            break
        new, done = apply(current, wanted)
        if not done or new == current:
            break
        current = new
        applied += done
    return FixResult(path, text, current, tuple(applied), skipped)


# ---- applying -------------------------------------------------------------------------------

class _Edits:
    """Edits keyed by the identity of the original node they rewrite."""

    def __init__(self):
        self.replace: dict = {}  # id(node) -> [callable(updated) -> node]
        self.inserts: dict = {}  # id(parent) -> [(index, attr, new child)]

    def on(self, node, change) -> None:
        self.replace.setdefault(id(node), []).append(change)

    def insert(self, parent, attr: str, index: int, child) -> None:
        self.inserts.setdefault(id(parent), []).append((index, attr, child))


class _Apply(cst.CSTTransformer):
    def __init__(self, edits: _Edits):
        super().__init__()
        self.edits = edits

    def on_leave(self, original, updated):
        for change in self.edits.replace.get(id(original), ()):
            updated = change(updated)
        inserts = self.edits.inserts.get(id(original))
        if inserts:
            for index, attr, child in sorted(inserts, key=lambda t: -t[0]):
                items = list(getattr(updated, attr))
                items.insert(index, child)
                updated = updated.with_changes(**{attr: items})
        return updated


class _Index(cst.CSTVisitor):
    """Calls by start position (outermost first) and the names imports bind."""
    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider)

    def __init__(self):
        super().__init__()
        self.calls: dict = {}
        self.imported: dict = {}  # bound name -> (ImportFrom node, imported name)
        self.binds_torch = False  # `import torch` (or `import torch.nn`, which binds torch)

    def visit_Import(self, node):
        for alias in node.names:
            name = _dotted(alias.name)
            if (alias.asname is None and name.split(".")[0] == "torch") or \
                    (alias.asname and name == "torch" and alias.asname.name.value == "torch"):
                self.binds_torch = True

    def visit_Call(self, node):
        start = self.get_metadata(PositionProvider, node).start
        self.calls.setdefault((start.line, start.column), node)

    def visit_ImportFrom(self, node):
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = _dotted(alias.name)
            bound = _dotted(alias.asname.name) if alias.asname else name
            self.imported[bound] = (node, name)


def apply(text: str, fixes: list[Fix]) -> tuple[str, list[Fix]]:
    """One round: the new text and the fixes that found their nodes (one per node)."""
    module = cst.parse_module(text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    index = _Index()
    wrapper.visit(index)
    parents = wrapper.resolve(ParentNodeProvider)
    edits, done, touched = _Edits(), [], set()
    for fix in fixes:
        call = index.calls.get(fix.call or (fix.line, fix.col))
        if call is None or id(call) in touched:
            continue
        plan_ = _plan_edit(fix, call, index, parents)
        if plan_ is None:
            continue
        touched.add(id(call))
        for step in plan_:
            step(edits)
        done.append(fix)
    if not done:
        return text, []
    return wrapper.module.visit(_Apply(edits)).code, done


def _plan_edit(fix: Fix, call: cst.Call, index: _Index, parents) -> list | None:
    if fix.kind == "flatten-keras":
        ctor = call.func if isinstance(call.func, cst.Call) else call
        flatten = _flatten_layer(ctor.func, index, "Dense")
        if flatten is None:
            return None
        steps = [flatten[1]] if flatten[1] else []
        if isinstance(call.func, cst.Call):  # functional: Dense(...)(Flatten()(x))
            step = _wrap_first_arg(call, lambda x: cst.Call(cst.Call(flatten[0]), [cst.Arg(x)]))
        else:
            step = _insert_sibling(call, cst.Call(flatten[0]), parents)
        return steps + [step] if step else None
    ctor = index.calls.get(fix.ctor) if fix.ctor else None
    if ctor is None:
        return None
    steps = []
    if fix.kind in ("in-features", "flatten-and-in-features"):
        step = _set_in_features(ctor, fix.features)
        if step is None:
            return None
        steps.append(step)
    if fix.kind in ("flatten-torch", "flatten-and-in-features"):
        parent = parents.get(call)
        if call is ctor:  # the Linear sits in an nn.Sequential: insert nn.Flatten() before it
            if not (isinstance(parent, cst.Arg) and _is_sequential(parents.get(parent))):
                return None
            flatten = _flatten_layer(ctor.func, index, "Linear")
            if flatten is None:
                return None
            steps += [flatten[1]] if flatten[1] else []
            steps.append(_insert_sibling(call, cst.Call(flatten[0]), parents))
        else:  # self.fc(x) in forward: flatten x
            flattened = _torch_flatten(index)
            step = _wrap_first_arg(call, flattened)
            if step is None:
                return None
            steps.append(step)
    return [s for s in steps if s is not None] or None


def _flatten_layer(func, index: _Index, layer: str):
    """`Flatten` spelled as the file spells the flagged layer (tf.keras.layers.Dense ->
    tf.keras.layers.Flatten; Dense imported by name -> Flatten, added to that import).
    Returns (callee expression, optional edit adding the import) or None."""
    if isinstance(func, cst.Attribute):
        return func.with_changes(attr=cst.Name("Flatten")), None
    if not isinstance(func, cst.Name) or func.value not in index.imported:
        return None
    node, name = index.imported[func.value]
    if name.rpartition(".")[2] != layer:
        return None
    module = _dotted(node.module) if node.module else ""
    if "Flatten" in index.imported:
        existing, _ = index.imported["Flatten"]
        return (cst.Name("Flatten"), None) if existing.module and \
            _dotted(existing.module).split(".")[0] == module.split(".")[0] else None
    if node.relative or not module:
        return None

    def add_import(edits: _Edits):
        def change(updated):
            names = list(updated.names)
            last = names[-1]
            comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            names[-1] = last.with_changes(comma=comma)
            names.append(cst.ImportAlias(cst.Name("Flatten"), comma=last.comma))
            return updated.with_changes(names=names)
        edits.on(node, change)
    return cst.Name("Flatten"), add_import


def _is_sequential(node) -> bool:
    return isinstance(node, cst.Call) and _dotted(node.func).rpartition(".")[2] == "Sequential"


def _strip_comment(comma):
    """A copy of a separator without the comment it may carry (comments stay where they were)."""
    if not isinstance(comma, cst.Comma):
        return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    after = comma.whitespace_after
    if isinstance(after, cst.ParenthesizedWhitespace):
        after = after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
    return comma.with_changes(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=after)


def _insert_sibling(call, new_call, parents):
    """Insert new_call before call: in a list/tuple, in a call's arguments (nn.Sequential), or
    as a `model.add(...)` statement before the one adding call."""
    parent = parents.get(call)
    if isinstance(parent, (cst.Element, cst.Arg)) and parent.value is call:
        holder = parents.get(parent)
        attr = "elements" if isinstance(parent, cst.Element) else "args"
        items = list(getattr(holder, attr, ()))
        at = next((i for i, item in enumerate(items) if item is parent), None)
        if at is None:
            return None
        if isinstance(holder, cst.Call) and attr == "args":
            if not _is_sequential(holder):
                return _insert_add_statement(holder, parent, new_call, parents)
            if parent.keyword or parent.star:
                return None
        comma = items[at - 1].comma if at else parent.comma
        kind = cst.Element if attr == "elements" else cst.Arg
        child = kind(value=new_call, comma=_strip_comment(comma))
        return lambda edits: edits.insert(holder, attr, at, child)
    return None


def _insert_add_statement(add_call, arg, new_call, parents):
    if not (isinstance(add_call.func, cst.Attribute) and add_call.func.attr.value == "add"
            and len(add_call.args) == 1):
        return None
    expr = parents.get(add_call)
    line = parents.get(expr)
    block = parents.get(line)
    if not (isinstance(expr, cst.Expr) and isinstance(line, cst.SimpleStatementLine)
            and len(line.body) == 1 and hasattr(block, "body")):
        return None
    body = list(block.body)
    at = next((i for i, s in enumerate(body) if s is line), None)
    if at is None:
        return None
    statement = cst.SimpleStatementLine(
        [cst.Expr(cst.Call(add_call.func, [cst.Arg(new_call)]))],
        leading_lines=line.leading_lines)

    def step(edits: _Edits):
        edits.insert(block, "body", at, statement)
        edits.on(line, lambda updated: updated.with_changes(leading_lines=()))
    return step


def _wrap_first_arg(call: cst.Call, wrap):
    if not call.args or call.args[0].keyword or call.args[0].star:
        return None
    first = call.args[0]
    if wrap(first.value) is None:
        return None

    def step(edits: _Edits):
        def change(updated):
            args = list(updated.args)
            args[0] = args[0].with_changes(value=wrap(args[0].value))
            return updated.with_changes(args=args)
        edits.on(call, change)
    return step


def _torch_flatten(index: _Index):
    """torch.flatten(x, 1) when the file binds `torch`; else the tensor method x.flatten(1),
    which is the same operation and needs no new import."""
    def wrap(x):
        if index.binds_torch:
            return cst.Call(cst.Attribute(cst.Name("torch"), cst.Name("flatten")),
                            [cst.Arg(x, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(
                                " "))), cst.Arg(cst.Integer("1"))])
        if not isinstance(x, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
            return None
        return cst.Call(cst.Attribute(x, cst.Name("flatten")), [cst.Arg(cst.Integer("1"))])
    return wrap


def _set_in_features(ctor: cst.Call, n: int | None):
    if n is None:
        return None
    target = next((i for i, a in enumerate(ctor.args)
                   if a.keyword and a.keyword.value == "in_features"), None)
    if target is None and ctor.args and not ctor.args[0].keyword and not ctor.args[0].star:
        target = 0
    if target is None:
        return None

    def step(edits: _Edits):
        def change(updated):
            args = list(updated.args)
            args[target] = args[target].with_changes(value=cst.Integer(str(n)))
            return updated.with_changes(args=args)
        edits.on(ctor, change)
    return step
