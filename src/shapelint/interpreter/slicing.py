"""Reading only what a model needs: which top-level statements of a module to parse and run.

libcst's parse is the largest cost of a check, and most of a big file (a test suite, a table of
operators, a package's utilities) never touches a model. CPython's own parser (about a tenth of
libcst's cost) gives every top-level statement's lines, the names it binds and loads, and the
module-level names it may change. From that:

- the checked file runs its *seeds*, the statements that build, define, train or score a model
  (vocabulary.py; a layer class only handed to a class or function of the module that builds
  no model, as in a table of test cases, does not count), plus every statement they depend
  on: those binding a name they load, those that may change such a name (`CFG["w"] = 8`,
  `CFG.update(...)`, `register(CFG)`, a call of a function whose body does so, a decorator
  that registers into it), and those that call or configure a model read (`model = Net()`,
  `model.build(...)`);
- an imported module runs nothing until a name is asked of it, then that name's statements and
  their dependencies, the same way (a star import, one name at a time).

Statements run in file order, as Python runs them. A statement read later than its neighbours
could see a value Python would not have shown it (a name rebound further down); `extend`
reports that, and the name stays unknown rather than wrong.

libcst parses the statements read as one text; a table maps its lines back to the file's, so
every position reported is the original's (columns need none: top-level statements start at 0).

"May change" follows names (an alias bound at module level included), not references kept
elsewhere: a function that stores CFG in an object and changes it through that object later is
not followed.
"""
from __future__ import annotations

import ast
import heapq
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property

from .vocabulary import (FRAMEWORK_WORDS, MODEL_BASES, MODEL_METHODS, NOT_MODELS,
                         TRAINING_METHODS, layer_names)

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # lines as Python numbers them
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Modules whose objects user code does not reconfigure in ways that change a model's shapes:
# statements that only call into them (torch.manual_seed, logging.basicConfig) are not followed.
_UNTRACKED_ROOTS = frozenset(sys.stdlib_module_names) | {
    "keras", "tensorflow", "tf_keras", "torch", "torchvision", "numpy", "jax", "sklearn",
    "scipy", "pandas", "einops"}


_FOREIGN_ROOTS = frozenset(sys.stdlib_module_names) | {"numpy", "sympy", "scipy", "pandas",
                                                       "sklearn", "jax"}


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
    alias_of: str | None = None  # `aten = torch.ops.aten`: the root of the attribute chain
    eager: set = field(default_factory=set)  # names a def/class statement reads as it runs
    # ... and calls as it runs: its decorators, calls in defaults and the class body, a
    # metaclass; a base only when its __init_subclass__ runs (subclass_hook)
    eager_runs: set = field(default_factory=set)
    subclass_hook: bool = False  # a class defining __init_subclass__
    bases: set = field(default_factory=set)  # a class's base names
    calls: set = field(default_factory=set)  # names it calls, or calls a method of
    passed: set = field(default_factory=set)  # names it hands to a call (or calls a method of)
    later_passed: set = field(default_factory=set)  # ... when what it defines is called
    is_definition: bool = False
    imports: bool = False
    assigns_call: bool = False  # `name = call(...)`
    framework: bool = False  # mentions a framework name (vocabulary.FRAMEWORK_WORDS)
    star: bool = False  # `from m import *`: binds names nobody can list
    seed: bool = False
    mentions: bool = False  # trains a model or defines a forward/call
    hits: set = field(default_factory=set)  # roots of the layer/loss names it uses
    # callee -> roots of the layer names it only hands, uncalled, to that callee by name
    # (`ModuleInfo(nn.Linear)`: a table of classes, constructed only if the callee does)
    handed: dict = field(default_factory=dict)
    foreign_binds: set = field(default_factory=set)  # names it binds to something not a layer
    # `NAME = "5.0"`: names bound to an immutable literal
    constant_binds: set = field(default_factory=set)
    is_class: bool = False
    model_class: bool = False  # derives from a model base, or defines forward/call
    adds_layers: bool = False  # a subclass whose __init__/build (or body) may add layers
    builds: set = field(default_factory=set)  # a class: the layer roots any of its methods use


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
        only_imported = _untracked(self.statements)
        self.tracked = bound - only_imported  # names whose values a statement might change
        # names of values (not functions, classes or modules): a statement that uses one may
        # change it (`setup(CFG)`); a function or class is changed only by name (`Net.x = 1`)
        self.variables = {name for s in self.statements
                          if not s.is_definition and not s.imports for name in s.binds}
        # ... but not a name only ever bound to an immutable literal (`__version__ = "5.0"`):
        # no call it is handed to can change it
        constants = {name for s in self.statements for name in s.constant_binds}
        self.variables -= constants - {name for s in self.statements
                                       for name in s.binds - s.constant_binds}
        # A call may change what it is handed: a value, or an imported name that is not a class
        # (`cfg.merge_from_file(...)`, `setup(CONFIG)`), not `isinstance(x, TensorBox)`.
        imported = {name for s in self.statements if s.imports for name in s.binds} - \
            only_imported
        mutable = self.variables | {name for name in imported if not _class_like(name)}
        for s in self.statements:
            s.touches |= s.passed & mutable
            s.later |= s.later_passed & mutable
        self._mutations(bound)
        # a layer name counts unless every binding of its root here is not a layer: a class or
        # function of this module, or an import from a module with no layers (sympy.Add)
        plain = {name for s in self.statements for name in s.binds - s.foreign_binds}
        foreign = {name for s in self.statements for name in s.foreign_binds} - plain
        for s in self.statements:
            layers = bool(s.hits - foreign)
            if s.is_class:
                s.seed = s.model_class or s.adds_layers or layers
            else:
                s.seed = s.mentions or layers
        while self._model_subclasses() | self._handed_layers(foreign, plain):
            pass  # each may make seeds the other follows
        self._builder_users(foreign)
        self._factory_callers()
        self.seeds = [i for i, s in enumerate(self.statements) if s.seed]
        self.everything = list(range(len(self.statements)))
        # names of the functions worth running unasked (they mention a framework)
        self.framework_names = {name for s in self.statements
                                if s.framework or s.loads & FRAMEWORK_WORDS for name in s.binds}
        self.binders: dict[str, list[int]] = {}
        for i, s in enumerate(self.statements):
            for name in s.binds:
                self.binders.setdefault(name, []).append(i)
        self.stars = [i for i, s in enumerate(self.statements) if s.star]
        # `name = call(...)` at module level: what a claim in a comment may speak of
        self.module_level = [i for i, s in enumerate(self.statements) if s.assigns_call]
        self._trees: dict = {}  # first line -> CPython's tree of that statement alone
        self._takers = None  # Reading.extend's lookups by name, made on its first use
        self.typed_imports = _typed_imports(tree) if _lazy_package(tree) else {}

    def takers(self) -> tuple:
        """name -> the statements that bind it, that may change it, and (outside definitions)
        that use it and that call it: what Reading.extend takes for a needed name, a watched
        one, a used value and a model, in file order."""
        if self._takers is None:
            binders: dict = {}
            changers: dict = {}
            users: dict = {}
            callers: dict = {}
            for i, s in enumerate(self.statements):
                for name in s.binds:
                    binders.setdefault(name, []).append(i)
                for name in s.touches:
                    changers.setdefault(name, []).append(i)
                if not s.is_definition:
                    for name in s.loads:
                        users.setdefault(name, []).append(i)
                    for name in s.calls:
                        callers.setdefault(name, []).append(i)
            self._takers = (binders, changers, users, callers)
        return self._takers

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
                # a function reads what the functions it names read; a statement, what the
                # functions it calls read
                for name in (s.loads if s.is_definition else s.calls) & defines.keys():
                    extra = defines[name].later - s.later if s.is_definition else set()
                    more = defines[name].reach - s.reach
                    if extra or more:
                        s.later |= extra
                        s.reach |= more
                        changed = True
        for s in self.statements:
            # what runs now: a definition's decorators; a statement's calls
            if s.is_definition:
                runs = s.eager_runs | {b for b in s.bases
                                       if b in defines and defines[b].subclass_hook}
            else:
                runs = s.calls | s.later
            for name in runs & defines.keys():
                s.touches |= defines[name].later
            if not s.is_definition:
                s.touches |= s.later  # its lambdas and nested functions
            s.touches &= bound

    def _model_subclasses(self) -> bool:
        """A class deriving from a model class of this module is a model class too."""
        model_classes = {name for s in self.statements if s.seed for name in s.binds}
        changed = False
        for s in self.statements:
            if not s.seed and s.bases & model_classes:
                s.seed = changed = True
        return changed

    def _builder_users(self, foreign: set) -> None:
        """A class that is no model but whose methods build one (a trainer or an agent keeping
        `self.model = Sequential()`, a factory with `def build_model(self)`) runs only when the
        file uses it: the statements and functions that name it are seeds, and read it."""
        builders = {name for s in self.statements
                    if s.is_class and not s.seed and s.builds - foreign for name in s.binds}
        if not builders:
            return
        for s in self.statements:
            if not s.seed and not s.is_class and not s.imports and s.loads & builders:
                s.seed = True

    def _factory_callers(self) -> None:
        """A function of this module that makes a model of a class defined here (`def
        vit_2_4_32(...): return ViTLite(...)`, or one that calls such a function) builds it only
        when called: the statements that call it are seeds, as `model = ViTLite()` is read."""
        makers = {name for s in self.statements if s.is_class and s.seed for name in s.binds}
        functions = [s for s in self.statements if s.is_definition and not s.is_class]
        factories: set = set()
        while True:
            more = {name for s in functions if s.loads & (makers | factories)
                    for name in s.binds} - factories
            if not more:
                break
            factories |= more
        for s in self.statements:
            if not s.seed and not s.is_definition and not s.imports and s.calls & factories:
                s.seed = True

    def _handed_layers(self, foreign: set, plain: set) -> bool:
        """A layer class handed uncalled to a class or function of this module is built only
        if that callee builds it, and a callee that builds layers names one (or a model base,
        a forward) itself, so it is read for itself: `ModuleInfo(nn.Linear, ...)` in a table of
        hundreds does not make the table a seed. Nor does one only tested (isinstance) or
        annotated. Handed to anything else (an imported builder), it counts as named."""
        local = {name for s in self.statements if s.is_definition for name in s.binds} - plain
        seeds = {name for s in self.statements if s.seed for name in s.binds}
        changed = False
        for s in self.statements:
            if not s.seed and any(
                    roots - foreign and callee not in _INERT_CALLEES and (
                        callee not in local or callee in seeds)
                    for callee, roots in s.handed.items()):
                s.seed = changed = True
        return changed

    def source_of(self, order: list[int]) -> tuple[str, list[int]]:
        """The source of the statements in order, and the original line of each of its lines."""
        numbers = [n for i in order
                   for n in range(self.statements[i].first, self.statements[i].last + 1)]
        return self._text(numbers), numbers

    def tree_at(self, first: int) -> ast.stmt | None:
        """CPython's tree of the statement starting at line first, parsed alone (its lines
        count from 1)."""
        if first not in self._trees:
            statement = self._starts.get(first)
            tree = None
            if statement is not None:
                try:
                    tree = ast.parse(self._text(range(statement.first, statement.last + 1)))
                except (SyntaxError, ValueError):
                    pass
            self._trees[first] = tree.body[0] if tree is not None and tree.body else None
        return self._trees[first]

    @cached_property
    def _starts(self) -> dict:
        return {s.first: s for s in self.statements}

    def statement_at(self, first: int) -> "Statement | None":
        """The statement starting at line first."""
        return self._starts.get(first)

    def firsts(self, order: list[int]) -> list[int]:
        """The first line of each statement in order."""
        return [self.statements[i].first for i in order]

    def text_of(self, numbers) -> str:
        """The source of lines numbers (1-based), ending with a line end."""
        return self._text(numbers)

    def _text(self, numbers: list[int]) -> str:
        lines = self.lines
        if type(numbers) is range and numbers.step == 1 and numbers.start >= 1:
            # one statement's lines: a slice of them (this is read for every statement parsed)
            text = "".join(lines[numbers.start - 1:min(numbers.stop - 1, len(lines))])
        else:
            text = "".join(lines[n - 1] for n in numbers if n <= len(lines))
        if text and not text.endswith(("\n", "\r")):
            text += "\n"
        return text


class Reading:
    """Which statements of a module one analysis has read, and the names they depend on."""

    def __init__(self, index: ModuleIndex, lazy_bodies: bool = False):
        self.index = index
        # An imported module's functions and methods read the names their bodies use when
        # they are called (as Python looks globals up at call time), not when they are read:
        # a class with a hundred methods does not read every helper each of them names.
        self.lazy_bodies = lazy_bodies
        self.read: set[int] = set()
        self.needed: set[str] = set()
        self.models: set[str] = set()  # names bound by the statements read for themselves

    def unread_binder(self, name: str) -> bool:
        index = self.index
        return any(i not in self.read for i in index.binders.get(name, ())) or any(
            i not in self.read for i in index.stars)

    def bound_only_after(self, name: str, line: int) -> bool:
        """Is every unread statement binding name below line (so, at line, not bound yet)?"""
        index = self.index
        unread = [i for i in index.binders.get(name, ()) if i not in self.read]
        return bool(unread) and not any(i not in self.read for i in index.stars) and all(
            index.statements[i].first > line for i in unread)

    def extend(self, names=(), statements=()) -> tuple[list[int], str | None]:
        """The statements to read next, in file order, so that names are bound and statements
        can run; and why reading them now would be unsound (None when it is not)."""
        index = self.index
        take = set(statements) - self.read
        needed = set(self.needed) | set(names)
        models = self.models
        for i in take:
            needed |= self._needs(index.statements[i])
            models |= index.statements[i].binds
        # Each pass takes, in file order, every statement not read yet that binds or may
        # change a needed name, uses a needed value (it may change it), or calls or configures
        # a model read here (`model = Net()`, `model.build(...)`); what it takes adds to what
        # is needed for the statements below it in the same pass, and the passes go on until
        # one takes nothing. The statements a pass looks at are found from the names, through
        # the index (ModuleIndex.takers): those the names meet as the pass begins, then those
        # below that each statement taken brings in, lowest first. That takes the same
        # statements in the same order as testing every statement of the module in turn (a
        # statement's test only turns true as names are added), at a cost of the names, not of
        # the module's length times the passes (transformers' modeling_utils: 300 statements).
        binders, changers, users, callers = index.takers()
        statements_of, read = index.statements, self.read
        tracked, variables = index.tracked, index.variables
        changed = True
        while changed:
            changed = False
            watched = needed & tracked
            used = watched & variables
            ahead = set(index.stars)
            for name in needed:
                ahead.update(binders.get(name, ()))
            for name in watched:
                ahead.update(changers.get(name, ()))
            for name in used:
                ahead.update(users.get(name, ()))
            for name in models:
                ahead.update(callers.get(name, ()))
            ahead -= take
            ahead -= read
            queue = list(ahead)
            heapq.heapify(queue)
            while queue:
                i = heapq.heappop(queue)
                if i in take:
                    continue  # brought in twice
                s = statements_of[i]
                take.add(i)
                added = self._needs(s) - needed
                added_models = ()
                if not s.is_definition:
                    added |= s.binds - needed  # an alias (`alias = CFG`) is followed like CFG
                    if s.calls & models:
                        added_models = s.binds - models
                        models |= added_models
                needed |= added
                added_watched = added & tracked
                added_used = added_watched & variables
                changed = True
                for names_added, takers in ((added, binders), (added_watched, changers),
                                            (added_used, users), (added_models, callers)):
                    for name in names_added:
                        for j in takers.get(name, ()):
                            if j > i and j not in take and j not in read:
                                heapq.heappush(queue, j)
        order = sorted(take)
        hazard = self._hazard(order)
        self.read |= take
        self.needed = needed
        return order, hazard

    def _needs(self, s: Statement) -> set:
        return s.eager if self.lazy_bodies and s.is_definition else s.loads

    def _hazard(self, order: list[int]) -> str | None:
        """A statement read now, above a statement already read that rebinds or changes a name
        it uses, would see that later value where Python shows it the earlier one; below a
        statement already run that reads (through the functions it calls) a name it binds or
        changes, it would show that statement a value Python had not yet made."""
        statements = self.index.statements
        for i in order:
            s = statements[i]
            uses = s.eager if s.is_definition else s.reach
            made = s.binds | s.touches
            for j in self.read:
                other = statements[j]
                changed = (other.binds | other.touches) & uses if j > i else ()
                if changed:
                    return (f"line {s.first} would read '{sorted(changed)[0]}' after line "
                            f"{other.first} changed it")
                early = made & other.reach if j < i and not other.is_definition else ()
                if early:
                    return (f"line {other.first} would read '{sorted(early)[0]}' as line "
                            f"{s.first} changes it, before that line runs")
        return None


def _merge(into: Statement, other: Statement) -> None:
    into.last = max(into.last, other.last)
    for name in ("binds", "loads", "reach", "touches", "later", "untracked_imports", "eager",
                 "bases", "calls", "passed", "later_passed", "hits", "foreign_binds"):
        getattr(into, name).update(getattr(other, name))
    for callee, roots in other.handed.items():
        into.handed.setdefault(callee, set()).update(roots)
    into.is_definition = into.is_definition and other.is_definition
    into.imports = into.imports and other.imports
    into.assigns_call |= other.assigns_call
    into.framework |= other.framework
    into.star |= other.star
    into.seed |= other.seed
    into.mentions |= other.mentions
    into.model_class |= other.model_class
    into.adds_layers |= other.adds_layers


def _describe(node: ast.stmt) -> Statement:
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())])
    s = Statement(first, node.end_lineno or node.lineno)
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        s.imports = True
        _imports(node, s)
        return s
    s.is_definition = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    if not s.is_definition:
        s.mentions = _scan(node, s, s.touches, s.passed, s.hits, top=True)
        s.assigns_call = isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(
            node.value, ast.Call)
        if isinstance(node, ast.Assign) and _immutable_literal(node.value) and all(
                isinstance(t, ast.Name) for t in node.targets):
            s.constant_binds = {t.id for t in node.targets}
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Attribute):
            chain = node.value
            while isinstance(chain, ast.Attribute):
                chain = chain.value
            s.alias_of = chain.id if isinstance(chain, ast.Name) else None
        return s
    s.binds.add(node.name)
    eager = Statement(0, 0)  # what runs as the statement itself runs
    for part in _eager_parts(node):
        _scan(part, eager, s.touches, s.passed, set(), top=False)
    s.eager = eager.loads
    s.eager_runs = eager.calls
    for called in list(node.decorator_list) + [k.value for k in getattr(node, "keywords", ())]:
        _add_root(called, s.eager_runs)
    s.foreign_binds.add(node.name)  # a class or function of this module, not a framework layer
    s.mentions = _scan(node, s, s.later, s.later_passed, s.hits, top=False)
    if isinstance(node, ast.ClassDef):
        s.is_class = True
        s.bases = {_last_name(b) for b in node.bases} - {None}
        s.subclass_hook = any(isinstance(b, _FUNCTIONS) and b.name == "__init_subclass__"
                              for b in node.body)
        s.model_class = bool(s.bases & MODEL_BASES) or bool(s.bases - {"object"}) and any(
            isinstance(b, _FUNCTIONS) and b.name in MODEL_METHODS for b in node.body)
        s.builds = set(s.hits)
        if not s.model_class and s.bases - {"object"}:
            # a subclass of an imported model that adds layers as torch and Keras build them;
            # not a test case whose test methods build some
            scratch = Statement(0, 0)
            for part in node.body:
                if not isinstance(part, _FUNCTIONS) or part.name in ("__init__", "build"):
                    s.adds_layers |= _scan(part, scratch, set(), set(), scratch.hits, top=False)
            s.hits, s.handed = scratch.hits, scratch.handed  # only these count for a class
        else:
            s.hits, s.handed = set(), {}
    return s


def _untracked(statements: list) -> set:
    """Names bound only to modules we do not read (`import torch`) or attributes of them
    (`aten = torch.ops.aten`): the interpreter's values for them are references whose state it
    does not keep, so no statement can change what a model built from them sees."""
    untracked: set = set()
    changed = True
    while changed:
        changed = False
        candidates = {name for s in statements for name in s.untracked_imports}
        candidates |= {name for s in statements if s.alias_of in untracked for name in s.binds}
        ruled_out = {name for s in statements
                     if not s.untracked_imports and s.alias_of not in untracked
                     for name in s.binds}
        found = candidates - ruled_out
        if found != untracked:
            untracked, changed = found, True
    return untracked


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
        if not relative and _foreign_module(module):
            s.foreign_binds.add(bound)


def _eager_parts(node) -> list:
    """What runs when a def or class statement itself runs: decorators, defaults, bases, and a
    class body outside its methods."""
    parts = list(node.decorator_list)
    if isinstance(node, ast.ClassDef):
        parts += node.bases + [k.value for k in node.keywords]
        for statement in node.body:
            if isinstance(statement, _FUNCTIONS + (ast.ClassDef,)):
                parts += _eager_parts(statement)  # a method's decorators run, its body not
            else:
                parts.append(statement)
    else:
        parts += node.args.defaults + [d for d in node.args.kw_defaults if d is not None]
    return parts


_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.GeneratorExp,
           ast.ListComp, ast.SetComp, ast.DictComp)


def _scan(root, s: Statement, changes: set, passed: set, hits: set, top: bool) -> bool:
    """One pass over root: the names it loads (anywhere), binds (at module level, when top),
    may change (into changes), and calls (s.calls, outside nested scopes); the roots of the
    layer, loss and softmax names it uses (into hits: `nn` of nn.Linear); True when it trains a
    model or defines a forward/call (vocabulary.py)."""
    vocabulary = layer_names()
    mentions = False
    plain_methods: set = set()  # ids of the methods of nested classes that derive from nothing
    load, name_type, attribute_type = ast.Load, ast.Name, ast.Attribute
    todo = [(root, False, None)]  # (node, inside a nested scope, the callee it is handed to)
    while todo:
        node, inner, callee = todo.pop()
        kind = type(node)
        if kind is name_type:
            if type(node.ctx) is load:
                s.loads.add(node.id)
                if node.id in vocabulary and node.id[:1].isupper():
                    _add_root(node, hits if callee is None else
                              s.handed.setdefault(callee, set()))
            elif top and not inner:
                s.binds.add(node.id)
            continue
        if kind is attribute_type:
            if type(node.ctx) is load:
                attr = node.attr
                if attr in FRAMEWORK_WORDS:
                    s.framework = True
                if attr in vocabulary and attr[:1].isupper():
                    _add_root(node.value, hits if callee is None else
                              s.handed.setdefault(callee, set()))
                elif attr in TRAINING_METHODS and not (
                        type(node.value) is name_type and node.value.id in NOT_MODELS):
                    mentions = True
            else:
                _add_root(node.value, changes)
                # `base.trainable = False` at module level changes the trainable count a
                # summary prints, though no statement reads the model after it
                if top and node.attr == "trainable":
                    mentions = True
        elif kind is ast.Subscript:
            if type(node.ctx) is not load:
                _add_root(node.value, changes)
        elif kind is ast.Call:
            func = node.func
            if _last_name(func) in vocabulary:  # F.softmax(...): called, not referenced
                if type(func) is attribute_type:
                    _add_root(func.value, hits)
                elif type(func) is name_type:
                    hits.add(func.id)
            if not inner:
                _add_root(func, s.calls)
            if type(func) is attribute_type:
                _add_root(func.value, passed)  # a method may change its receiver
            if inner or not top:
                for arg in node.args:  # ... and a function what it is given
                    _add_root(arg, passed)
                for keyword in node.keywords:
                    _add_root(keyword.value, passed)
            # what a call hands a callee named in this module is that callee's to construct
            handed_to = func.id if type(func) is name_type else None
            todo.append((func, inner, callee))
            todo.extend((arg, inner, handed_to) for arg in node.args)
            todo.extend((keyword.value, inner, handed_to) for keyword in node.keywords)
            continue
        elif kind is ast.AugAssign:
            _add_root(node.target, changes)
        elif kind is ast.arg or kind is ast.AnnAssign:
            # an annotation names a class without constructing it
            for child in _children(node):
                todo.append((child, inner, ANNOTATION if child is node.annotation else callee))
            continue
        elif kind is ast.Global or kind is ast.Nonlocal:
            changes.update(node.names)
        elif kind in _NESTED:
            if kind is not ast.Lambda and kind not in _COMPREHENSIONS:
                if top and not inner:
                    s.binds.add(node.name)
                if node is not root and kind is not ast.ClassDef and \
                        node.name in MODEL_METHODS and id(node) not in plain_methods:
                    mentions = True
                if kind is ast.ClassDef and not {_last_name(b) for b in node.bases} - {"object"}:
                    # a class deriving from nothing is no model, whatever its methods are named
                    plain_methods.update(id(b) for b in node.body if isinstance(b, _FUNCTIONS))
            returns = getattr(node, "returns", None)
            for child in _children(node):
                todo.append((child, True, ANNOTATION if child is returns else callee))
            continue
        elif (kind is ast.Import or kind is ast.ImportFrom) and top and not inner:
            _imports(node, s)
        elif kind is ast.If and _type_checking(node.test):
            # typing.TYPE_CHECKING is False when the code runs: the body never does
            todo.extend((child, inner, callee) for child in [node.test] + node.orelse)
            continue
        for child in _children(node):
            todo.append((child, inner, callee))
    return mentions


def _children(node):
    """node's child nodes, as ast.iter_child_nodes gives them, less those with no fields (a
    Load or Store context, an operator), in which _scan finds nothing: they are most of a
    tree's nodes, and indexing every sibling module a file reads walks many trees."""
    nodes = _FIELDED
    for name in node._fields:
        value = getattr(node, name, None)
        if type(value) is list:
            for item in value:
                if type(item) in nodes:
                    yield item
        elif type(value) in nodes:
            yield value


def _ast_classes(base=ast.AST):
    yield base
    for sub in base.__subclasses__():
        yield from _ast_classes(sub)


# Every class of CPython's tree that has fields: `type(x) in _FIELDED` is `isinstance(x,
# ast.AST) and x._fields` for the nodes ast.parse makes, without the isinstance chain.
_FIELDED = frozenset(c for c in _ast_classes() if c._fields)


_COMPREHENSIONS = (ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)
# Where a layer class is named without being constructed: an annotation, isinstance's test.
ANNOTATION = "<annotation>"
_INERT_CALLEES = frozenset({ANNOTATION, "isinstance", "issubclass"})


def _lazy_package(tree: ast.Module) -> bool:
    """A module whose names come from a lazy loader: it puts another object in its place in
    sys.modules (`sys.modules[__name__] = _LazyModule(...)`, transformers) or defines a
    module-level __getattr__ (PEP 562)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, _FUNCTIONS) and node.name == "__getattr__":
            return True
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Subscript) and ast.unparse(t.value) == "sys.modules"
                for t in node.targets):
            return True
        if isinstance(node, (ast.If, ast.Try)):
            todo.extend(node.body + node.orelse + getattr(node, "finalbody", []) +
                        [s for h in getattr(node, "handlers", []) for s in h.body])
    return False


def _typed_imports(tree: ast.Module) -> dict:
    """What a lazy package declares for type checkers (`if TYPE_CHECKING: from .sub import
    X`): name -> (module, level, name there), with "*" -> [(module, level), ...] for star
    imports. Such a package binds these names only when first asked for, from the same places."""
    found: dict = {}
    for node in tree.body:
        if not (isinstance(node, ast.If) and _type_checking(node.test)):
            continue
        for statement in ast.walk(node):
            if not isinstance(statement, ast.ImportFrom):
                continue
            for alias in statement.names:
                where = (statement.module or "", statement.level)
                if alias.name == "*":
                    found.setdefault("*", []).append(where)
                else:
                    found[alias.asname or alias.name] = where + (alias.name,)
    return found


def _type_checking(test) -> bool:
    """`TYPE_CHECKING` or `typing.TYPE_CHECKING`."""
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING" or \
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING" and \
        isinstance(test.value, ast.Name) and test.value.id == "typing"


def _immutable_literal(node) -> bool:
    """A str, bytes, number, bool or None literal, or a tuple of them."""
    if isinstance(node, ast.Constant):
        return True
    return isinstance(node, ast.Tuple) and all(_immutable_literal(e) for e in node.elts)


def _add_root(node, into: set) -> None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call, ast.Starred)):
        node = node.func if isinstance(node, ast.Call) else node.value
    if isinstance(node, ast.Name):
        into.add(node.id)


def _foreign_module(module: str) -> bool:
    """A module none of whose names is a framework layer, loss or softmax (sympy's Add,
    torch.utils._sympy's Identity)."""
    root = module.split(".")[0]
    if root == "torch":
        return module != "torch" and not module.startswith("torch.nn")
    return root in _FOREIGN_ROOTS


def _class_like(name: str) -> bool:
    return name[:1].isupper() and not name.isupper()


def _last_name(node):
    while isinstance(node, (ast.Subscript, ast.Call)):
        node = node.value if isinstance(node, ast.Subscript) else node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None
