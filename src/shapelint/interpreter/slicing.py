"""Reading only what a model needs: which top-level statements of a module to parse and run.

libcst's parse is the largest cost of a check, and most of a big file (a test suite, a table of
operators, a package's utilities) never touches a model. CPython's own parser (about a tenth of
libcst's cost) gives every top-level statement's lines, the names it binds and loads, and the
module-level names it may change. From that:

- the checked file runs its *seeds*, the statements that build, define, train or score a model
  (vocabulary.py), plus every statement they depend on: those binding a name they load, and
  those that may change such a name (`CFG["w"] = 8`, `CFG.update(...)`, `register(CFG)`, a call
  of a function whose body does so, a decorator that registers into it);
- an imported module runs nothing until a name is asked of it, then that name's statements and
  their dependencies, the same way.

Statements run in file order, as Python runs them. A statement read later than its neighbours
could see a value Python would not have shown it (a name rebound further down); `extend`
reports that, and the name stays unknown rather than wrong.

The rest of the file becomes blank lines, so every position libcst reports is the original's.
"""
from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field

from ..vocabulary import MODEL_BASES, MODEL_METHODS, NOT_MODELS, TRAINING_METHODS, layer_names

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # lines as Python numbers them
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
# Modules whose objects user code does not reconfigure in ways that change a model's shapes:
# statements that only call into them (torch.manual_seed, logging.basicConfig) are not followed.
_UNTRACKED_ROOTS = frozenset(sys.stdlib_module_names) | {
    "keras", "tensorflow", "tf_keras", "torch", "torchvision", "numpy", "jax", "sklearn",
    "scipy", "pandas"}


@dataclass
class Statement:
    first: int  # first line, decorators included (1-based)
    last: int
    binds: set = field(default_factory=set)  # module-level names it binds or deletes
    loads: set = field(default_factory=set)  # names it reads, anywhere inside (over-approximate)
    reach: set = field(default_factory=set)  # ... and what the functions it calls read
    touches: set = field(default_factory=set)  # names it may change when it runs
    later: set = field(default_factory=set)  # names a call of what it defines may change
    untracked_imports: set = field(default_factory=set)
    eager: set = field(default_factory=set)  # names a def/class statement reads as it runs
    bases: set = field(default_factory=set)  # a class's base names
    is_definition: bool = False
    star: bool = False  # `from m import *`: binds names nobody can list
    seed: bool = False


class ModuleIndex:
    """The top-level statements of one module: what each binds, reads and may change."""

    def __init__(self, tree: ast.Module, source: str):
        self.lines = _LINE.findall(source)
        self.statements: list[Statement] = []
        for node in tree.body:
            statement = _describe(node)
            previous = self.statements[-1] if self.statements else None
            if previous is not None and statement.first <= previous.last:
                _merge(previous, statement)  # `a = 1; b = 2` share a line: read both or neither
            else:
                self.statements.append(statement)
        bound = {name for s in self.statements for name in s.binds}
        only_imported = {name for s in self.statements for name in s.untracked_imports}
        only_imported -= {name for s in self.statements if not s.untracked_imports
                          for name in s.binds}
        self.tracked = bound - only_imported  # names whose values a statement might change
        self._mutations(bound)
        self._model_subclasses()
        self.seeds = [i for i, s in enumerate(self.statements) if s.seed]
        self.everything = list(range(len(self.statements)))

    def _mutations(self, bound: set) -> None:
        """Close `later` and `reach` over calls: a function that calls one changing (reading)
        X changes (reads) X too."""
        defines = {name: s for s in self.statements if s.is_definition for name in s.binds}
        for s in self.statements:
            s.reach = set(s.loads)
        changed = True
        while changed:
            changed = False
            for s in self.statements:
                for name in s.loads & defines.keys():
                    extra = defines[name].later - s.later
                    more = defines[name].reach - s.reach
                    if extra or more:
                        s.later |= extra
                        s.reach |= more
                        changed = True
        for s in self.statements:
            if s.is_definition:  # its decorators run now, and may register into a name
                for name in s.eager & defines.keys():
                    s.touches |= defines[name].later
            else:
                s.touches |= s.later  # running it runs whatever it calls
            s.touches &= bound

    def _model_subclasses(self) -> None:
        """A class deriving from a model class of this module is a model class too."""
        model_classes = {name for s in self.statements if s.seed for name in s.binds}
        changed = True
        while changed:
            changed = False
            for s in self.statements:
                if not s.seed and s.bases & model_classes:
                    s.seed = True
                    model_classes |= s.binds
                    changed = True

    def source_of(self, order: list[int]) -> tuple[str, list[int]]:
        """The source of the statements in order, and the original line of each of its lines."""
        numbers = [n for i in order
                   for n in range(self.statements[i].first, self.statements[i].last + 1)]
        text = "".join(self.lines[n - 1] for n in numbers if n <= len(self.lines))
        if text and not text.endswith(("\n", "\r")):
            text += "\n"
        return text, numbers


class Reading:
    """Which statements of a module one analysis has read, and the names they depend on."""

    def __init__(self, index: ModuleIndex):
        self.index = index
        self.read: set[int] = set()
        self.needed: set[str] = set()

    def unread_binder(self, name: str) -> bool:
        return any(name in s.binds or s.star for i, s in enumerate(self.index.statements)
                   if i not in self.read)

    def extend(self, names=(), statements=()) -> tuple[list[int], str | None]:
        """The statements to read next, in file order, so that names are bound and statements
        can run; and why reading them now would be unsound (None when it is not)."""
        index = self.index
        take = set(statements) - self.read
        needed = set(self.needed) | set(names)
        for i in take:
            needed |= index.statements[i].loads | index.statements[i].binds
        changed = True
        while changed:
            changed = False
            watched = needed & index.tracked
            for i, s in enumerate(index.statements):
                if i in take or i in self.read:
                    continue
                # what binds or may change a needed name; and a statement that uses one (it may
                # change it, or use a model read: `model = Net()`, `model.build(...)`)
                if s.star or s.binds & needed or s.touches & watched or (
                        not s.is_definition and s.loads & watched):
                    take.add(i)
                    needed |= s.loads | s.binds
                    watched = needed & index.tracked
                    changed = True
        order = sorted(take)
        hazard = self._hazard(order)
        self.read |= take
        self.needed = needed
        return order, hazard

    def _hazard(self, order: list[int]) -> str | None:
        """A statement read now, above a statement already read that rebinds or changes a name
        it uses, would see that later value where Python shows it the earlier one."""
        statements = self.index.statements
        for i in order:
            s = statements[i]
            uses = s.eager if s.is_definition else s.reach
            for j in self.read:
                changed = (statements[j].binds | statements[j].touches) & uses if j > i else ()
                if changed:
                    return (f"line {s.first} would read '{sorted(changed)[0]}' after line "
                            f"{statements[j].first} changed it")
        return None


def _merge(into: Statement, other: Statement) -> None:
    into.last = max(into.last, other.last)
    for name in ("binds", "loads", "reach", "touches", "later", "untracked_imports", "eager",
                 "bases"):
        getattr(into, name).update(getattr(other, name))
    into.is_definition = into.is_definition and other.is_definition
    into.star |= other.star
    into.seed |= other.seed


def _describe(node: ast.stmt) -> Statement:
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())])
    s = Statement(first, node.end_lineno or node.lineno)
    vocabulary = layer_names()
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        _imports(node, s)
        return s
    s.is_definition = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    if s.is_definition:
        s.binds.add(node.name)
        eager = _eager_parts(node)
        s.eager = {n.id for part in eager for n in ast.walk(part) if isinstance(n, ast.Name)}
        for part in eager:
            _collect(part, s, s.touches, top=False)
        _collect_body(node, s)
        if isinstance(node, ast.ClassDef):
            s.bases = {_last_name(b) for b in node.bases} - {None}
            s.seed = bool(s.bases & MODEL_BASES) or any(
                isinstance(b, (ast.FunctionDef, ast.AsyncFunctionDef)) and b.name in MODEL_METHODS
                for b in node.body)
            if not s.seed and s.bases - {"object"}:
                s.seed = _mentions(node, vocabulary)  # a subclass of an imported model
        else:
            s.seed = _mentions(node, vocabulary)
        return s
    _collect(node, s, s.touches, top=True)
    s.seed = _mentions(node, vocabulary)
    return s


def _imports(node, s: Statement) -> None:
    for alias in node.names:
        if alias.name == "*":
            s.star = True
            continue
        bound = alias.asname or alias.name.split(".")[0]
        s.binds.add(bound)
        module = (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        relative = isinstance(node, ast.ImportFrom) and node.level
        if not relative and module.split(".")[0] in _UNTRACKED_ROOTS:
            s.untracked_imports.add(bound)


def _eager_parts(node) -> list:
    """What runs when a def or class statement itself runs: decorators, defaults, bases, and a
    class body outside its methods."""
    parts = list(node.decorator_list)
    if isinstance(node, ast.ClassDef):
        parts += node.bases + [k.value for k in node.keywords]
        parts += [b for b in node.body if not isinstance(b, _FUNCTIONS)]
    else:
        parts += node.args.defaults + [d for d in node.args.kw_defaults if d is not None]
    return parts


def _collect(node, s: Statement, touches: set, top: bool) -> None:
    """Names node binds (at module level when top), loads, and may change."""
    for sub in _walk_outside_scopes(node) if top else ast.walk(node):
        if isinstance(sub, ast.Name):
            if isinstance(sub.ctx, ast.Load):
                s.loads.add(sub.id)
            elif top:
                s.binds.add(sub.id)
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and top:
            s.binds.add(sub.name)
        elif isinstance(sub, (ast.Attribute, ast.Subscript)) and _stores(sub):
            _add_root(sub.value, touches)
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
            _add_root(sub.func.value, touches)  # a method may change its receiver
        elif isinstance(sub, ast.AugAssign) and isinstance(sub.target, ast.Name):
            touches.add(sub.target.id)
        elif isinstance(sub, (ast.Import, ast.ImportFrom)) and top:
            _imports(sub, s)
    if top:
        # names loaded inside nested functions and lambdas are loads too (over-approximate)
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
                s.loads.add(sub.id)
            elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                _collect_body(sub, s)


def _collect_body(node, s: Statement) -> None:
    """Loads anywhere in a def or class; what calling it may change (its `later` set)."""
    declared = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            if isinstance(sub.ctx, ast.Load):
                s.loads.add(sub.id)
            elif sub.id in declared:
                s.later.add(sub.id)
        elif isinstance(sub, (ast.Global, ast.Nonlocal)):
            declared.update(sub.names)
            s.later.update(sub.names)
        elif isinstance(sub, (ast.Attribute, ast.Subscript)) and _stores(sub):
            _add_root(sub.value, s.later)
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
            _add_root(sub.func.value, s.later)
        elif isinstance(sub, ast.Call):
            for arg in list(sub.args) + [k.value for k in sub.keywords]:
                _add_root(arg, s.later)  # passed to a call that may change it


def _stores(node) -> bool:
    return not isinstance(node.ctx, ast.Load)


def _walk_outside_scopes(node):
    todo = [node]
    while todo:
        current = todo.pop()
        yield current
        if current is not node and isinstance(current, _SCOPES + (ast.GeneratorExp, ast.ListComp,
                                                                  ast.SetComp, ast.DictComp)):
            continue
        todo.extend(ast.iter_child_nodes(current))


def _add_root(node, into: set) -> None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call, ast.Starred)):
        node = node.func if isinstance(node, ast.Call) else node.value
    if isinstance(node, ast.Name):
        into.add(node.id)


def _last_name(node):
    while isinstance(node, (ast.Subscript, ast.Call)):
        node = node.value if isinstance(node, ast.Subscript) else node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _mentions(node, vocabulary) -> bool:
    """Does node construct a layer or model, compute a loss or softmax, or train a model?"""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            if sub.id in vocabulary and isinstance(sub.ctx, ast.Load):
                return True
        elif isinstance(sub, ast.Attribute):
            if sub.attr in vocabulary and isinstance(sub.ctx, ast.Load):
                return True
            if sub.attr in TRAINING_METHODS and not (
                    isinstance(sub.value, ast.Name) and sub.value.id in NOT_MODELS):
                return True
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                sub.name in MODEL_METHODS and sub is not node:
            return True
    return False
