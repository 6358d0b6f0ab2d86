"""The abstract interpreter: runs model-building Python on known and unknown values."""
from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..domain.dims import NotKnown, Unknown
from .budget import Budget, Limits
from .builtins import make_builtins
from .calls import CallsMixin
from .expressions import ExpressionsMixin, mutates
from .imports import ImportsMixin, bound_name
from .positions import (DEFINITIONS, definition_position, function_positions, starts_inside,
                        python_twin, statement_positions)
from ..domain.spots import LazyInt, Spot
from .statements import ContentsLost, RaiseSignal, ReturnSignal, StatementsMixin
from .values import (PLAIN, BoundMethod, Builtin, Class, Function, Ref, Scope, UserModule,
                     is_indefinite)

_PLAIN_ARGS = PLAIN + (tuple, list, dict, set, frozenset, range)
# values that are never a module or a parameter (a class, a function, a module of code)
_NOT_WEIGHTS = (Ref, Builtin, Function, Class, BoundMethod, UserModule)


class Interpreter(ExpressionsMixin, StatementsMixin, CallsMixin, ImportsMixin):
    max_file_bytes = 2_000_000
    # Speed-ups that change no result (tests/test_speed.py runs with them off and compares):
    # positions resolved when first read (spots.py), and sibling modules' statements parsed
    # one by one, each tree kept per process (imports.parsed_statements).
    lazy_positions = True
    statement_trees = True
    # a node's position from a codegen of the small statement it was met in, with the headers
    # above it, rather than of its whole function (positions.statement_positions)
    statement_positions = True
    # two branches' names that hold the same object kept without same_value() (undecided)
    merge_shortcut = True

    def __init__(self, frameworks, limits: Limits | None = None):
        self.frameworks = frameworks
        self.budget = Budget(limits or Limits())
        self.builtins = make_builtins()
        self.modules: dict[str, UserModule] = {}
        self.module_stack: list[UserModule] = []
        self.frames: list = []  # (Function, Scope) of the calls under way, for super()
        # (position, passes arguments) of the call that began each of those frames: data a
        # helper builds is made, for its caller, where the helper is called (arrays.stamp)
        self.call_sites: list = []
        # kind of libcst node -> the bound expr_/stmt_ method that runs it (eval, exec)
        self.expression_handlers: dict = {}
        self.statement_handlers: dict = {}
        self.depth = 0
        self.uncertain = 0
        self.handlers: list = []  # the except clauses of the try statements under way
        self.loop_undecided = False
        self.pending_returns: list = []
        self._generator_cache: dict = {}
        self._star_lookups: set = set()
        self._top = None  # (module, top-level statement) running, for positions
        self.statement = None  # the small statement running (statements.py), for positions
        self._top_frames = 0  # len(self.frames) when the top-level statement running began
        self.called: set = set()  # ids of the function nodes that have run
        self.running: dict[int, list] = {}  # function node id -> arguments of its calls under way
        self.loose: dict[int, str] = {}  # function node id -> why its next call binds loosely
        self.instantiated: set = set()  # ids of the classes instantiated
        self.trace = None  # trace(statement, value) after assignments and returns, if set
        self.visit = None  # visit(node) before each call or binary operation runs, if set
        self.assumed_frames: list = []  # assumed.note(): defaults decisions rested on, per call
        self.operator_node = None  # the `a @ b` / `x[i]` whose hook runs (faults point there)
        self.tainted: dict[int, object] = {}  # containers mutated under undecided conditions
        # containers mutated during the one pass read of a loop of unknown length (Repeated):
        # those bound before it are tainted after it (statements._repeated); None outside
        self.pass_mutated: list | None = None
        self.state = frameworks.new_state(self)  # the framework objects this run creates

    # -- modules --
    def run_module(self, tree: cst.Module | None, path: str, name: str, main: bool = False,
                   source: str = "", reading=None, line_numbers: list | None = None,
                   firsts: list | None = None, pieces: list | None = None):
        """Run a module's statements (tree: those read so far, or pieces as run_pieces takes
        them; reading: which they are)."""
        module = UserModule(name, path)
        module.lines = source.splitlines()
        module.reading = reading
        module.scope = Scope({"__name__": "__main__" if main else name, "__file__": path},
                             None, module)
        self.modules[path] = module
        if tree is not None:
            self.run_statements(module, tree, line_numbers, firsts)
        elif pieces is not None:
            self.run_pieces(module, pieces)
        return module

    def run_statements(self, module: UserModule, tree: cst.Module,
                       line_numbers: list | None = None, firsts: list | None = None) -> None:
        """Run a part of module; firsts: the original first line of each of its statements."""
        self.run_pieces(module, [(tree, line_numbers, firsts)])

    def run_pieces(self, module: UserModule, pieces: list) -> None:
        """Run parts of module in order, each (tree, line numbers, firsts), where firsts is the
        original first line of each statement of tree (or of its one statement)."""
        statements = []
        for tree, line_numbers, firsts in pieces:
            module.parts.append([MetadataWrapper(tree, unsafe_skip_copy=True), line_numbers,
                                 None])
            if isinstance(firsts, int):
                firsts = [firsts]
            if firsts is not None and len(firsts) == len(tree.body):
                for statement, first in zip(tree.body, firsts):
                    module.tops[id(statement)] = [statement, first, None, tree]
            statements.extend(tree.body)
        saved = self._top, self._top_frames
        self._top_frames = len(self.frames)
        self.module_stack.append(module)
        try:
            for statement in statements:
                self._top = (module, statement)
                if self._defer_imports(statement, module):
                    continue
                top = module.tops.get(id(statement))
                module.running.append(top[1] if top else None)
                before = dict(module.scope.vars) if module.state_lost is not None else None
                try:
                    self.exec(statement, module.scope)
                except (ReturnSignal, RaiseSignal):
                    break  # a module-level raise ends the module, as it would in Python
                except ContentsLost as lost:
                    for name, value in list(module.scope.vars.items()):
                        if value is lost.container:
                            module.scope.vars[name] = Unknown(str(lost))
                finally:
                    module.running.pop()
                    if before is not None:
                        self._lose_state(module, before, top[1] if top else None)
        finally:
            self._top, self._top_frames = saved
            self.module_stack.pop()

    @staticmethod
    def _lose_state(module: UserModule, before: dict, line: int | None) -> None:
        """The lists, dicts and sets a statement just bound, if a half-run decorator may have
        changed them already (in Python the statement ran before the decorator did)."""
        why, last = module.state_lost
        if last is not None and line is not None and line >= last:
            return
        for name, value in list(module.scope.vars.items()):
            if isinstance(value, (list, dict, set)) and before.get(name) is not value:
                module.scope.vars[name] = why

    def current_top(self):
        """(module, top-level statement) of the code running now: a function's definition's."""
        # A module read on first use inside a call runs its statements under the caller's
        # frame: what runs then is the module's statement (its functions are defined there).
        if self.frames and (self._top is None or len(self.frames) > self._top_frames):
            return self.frames[-1][0].top
        return self._top

    def read_more(self, module: UserModule, name: str | None = None) -> bool:
        """Read the statements of module that bind name (every statement when name is None),
        with what they depend on; False when no unread statement binds it."""
        reading = module.reading
        if reading is None or (name is not None and not reading.unread_binder(name)):
            return False
        if name is None:
            order, hazard = reading.extend(statements=reading.index.everything)
        else:
            order, hazard = reading.extend({name})
        if not order:
            return False
        unread = None
        if hazard:
            unread = f"'{name}' of {module.name} was not read: {hazard}"
        else:
            text, numbers = reading.index.source_of(order)
            refused = self.budget.read("import_bytes", len(text))
            if refused:
                unread = f"'{name}' of {module.name} was not read: {refused}"
            else:
                from .imports import parsed_part, parsed_statements
                if self.statement_trees:
                    pieces = parsed_statements(module.path, reading.index, order)
                else:  # the whole part at once, as before the statement trees were kept
                    tree = parsed_part(module.path, order, text)
                    pieces = None if tree is None else [
                        (tree, numbers, reading.index.firsts(order))]
                if pieces is None:
                    unread = f"'{name}' of {module.name} could not be parsed"
                else:
                    with self.budget.unshared():
                        self.run_pieces(module, pieces)
                    if name in module.pending:  # bound by an import, deferred as it ran
                        self.resolve_pending(module, name)
        if unread is not None and name is not None:
            module.scope.vars[name] = Unknown(unread)
        return True

    def _defer_imports(self, statement, module: UserModule) -> bool:
        """Top-level imports run when a name they bind is first used: reading one model from
        a package must not mean reading every module its __init__ imports."""
        if not isinstance(statement, cst.SimpleStatementLine) or not all(
                isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body):
            return False
        for small in statement.body:
            if isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar):
                return False
        for small in statement.body:
            for alias in small.names:
                bound = bound_name(small, alias)
                module.pending[bound] = small
                module.scope.vars.pop(bound, None)
        return True

    def resolve_pending(self, module: UserModule, name: str) -> bool:
        """Run the deferred import that binds name in module; False if there is none."""
        statement = module.pending.pop(name, None)
        if statement is None:
            read = self.read_more(module, name)
            # the statement read may be a star import, deferred: ask the modules it names
            return self._from_star(module, name) if name not in module.scope.vars else read
        self.module_stack.append(module)
        try:
            if isinstance(statement, cst.ImportFrom) and len(statement.names) > 1:
                # `from m import a, b, c` binds only the name asked for; the others stay
                # deferred. Each may pull in a module of its own (transformers' utils import
                # dozens of names from one module), and a name nobody uses is never read.
                self.import_names(statement, [a for a in statement.names
                                              if bound_name(statement, a) == name], module.scope)
                return True
            for other in [k for k, v in module.pending.items() if v is statement]:
                module.pending.pop(other)
            self.exec(statement, module.scope)
        finally:
            self.module_stack.pop()
        return True

    def module_attribute(self, module: UserModule, name: str):
        """module.name, read on demand; Unknown while a statement of module runs above the
        one binding name (Python has no such attribute yet there; a later read would lie)."""
        if name in module.scope.vars:
            return module.scope.vars[name]
        if module.running and module.reading is not None and (
                module.running[-1] is None or
                module.reading.bound_only_after(name, module.running[-1])):
            return Unknown(f"'{name}' of {module.name} is bound below the statement running")
        if self.resolve_pending(module, name):
            return module.scope.vars.get(name, Unknown(f"'{name}' is not known"))
        return self.lazily_bound(module, name)

    def _from_star(self, module: UserModule, name: str) -> bool:
        """A public name of a module star-imported into module, read when first asked for."""
        if name.startswith("_") or not module.star_modules:
            return False
        key = (id(module), name)
        if key in self._star_lookups:
            return False  # star imports in a cycle
        self._star_lookups.add(key)
        try:
            for source in reversed(module.star_modules):  # the last import wins, as in Python
                if name in source.scope.vars or self.resolve_pending(source, name):
                    if name in source.scope.vars:
                        module.scope.vars[name] = source.scope.vars[name]
                        return True
        finally:
            self._star_lookups.discard(key)
        return False

    @property
    def current_module(self) -> UserModule | None:
        return self.module_stack[-1] if self.module_stack else None

    def position(self, node) -> tuple[str, int, int]:
        """(path, line, col) of a node of the module now running; ("", 0, 0) for a node of no
        module (an ENTRY expression). Line and column are LazyInts (spots.py): resolved when
        first read, from what is running now, so a layer nobody reports costs no codegen."""
        return self.position_in(self.current_module, node)

    def position_in(self, module, node) -> tuple[str, int, int]:
        if module is None or node is None:
            return "", 0, 0
        function = self.frames[-1][0] if self.frames else None
        spot = Spot(self._resolve_position, module, node, function, self.current_top(),
                    self._top, self.statement)
        if not self.lazy_positions:
            line, col = spot.where()
            return (module.path if line else ""), line, col
        return module.path, LazyInt(spot, 0), LazyInt(spot, 1)

    def call_site(self, node) -> tuple[str, int, int] | None:
        """position(node) of a call whose result is unknown (Unknown.where), kept with what
        runs now, which makes its line cheap to resolve later; None for no node."""
        return self.position(node) if node is not None else None

    def position_or(self, node, module, fallback) -> tuple[str, int, int]:
        """position(node), or where node is in no code of the running module (its line is
        0), position_in(module, fallback). Lazily too: then the path is the running module's,
        for a node met while it runs is one of its statements' (an ENTRY expression's, the one
        node the analysis makes itself, runs with no module: no LazyInt, decided now)."""
        path, line, col = self.position(node)
        if type(line) is not LazyInt:
            return (path, line, col) if line else self.position_in(module, fallback)
        _, other, _ = self.position_in(module, fallback)
        first = line._spot
        second = other._spot if type(other) is LazyInt else None

        def either():
            found = first.where()
            return found if found[0] or second is None else second.where()
        spot = Spot(either)
        return path, LazyInt(spot, 0), LazyInt(spot, 1)

    def _resolve_position(self, module, node, function, current_top, running,
                          statement=None) -> tuple[int, int]:
        """(line, col) of node, with function, current_top, running and statement what was
        running when the node was met; (0, 0) when no part of module holds it."""
        # Resolving positions costs a codegen of the code around the node, so the smallest
        # code likely to hold it goes first: a class or def statement's own line from CPython's
        # tree; the running function; the top-level statement the node is likely in (the node
        # itself, the running function's, the running statement); then the whole parts.
        found = self._definition_position(module, node, current_top, running) \
            if isinstance(node, DEFINITIONS) else None
        if found is None and self.statement_positions and statement is not None:
            found = self._position_in_statement(module, node, statement, current_top) or \
                self._position_in_statement(module, node, statement, running)
        found = found or self._position_in_function(module, node, function)
        if found is not None:
            return found[1], found[2]
        tops = module.tops
        for top in (tops.get(id(node)), self._top_record(module, current_top),
                    self._top_record(module, running)):
            if top is None:
                continue
            if top[2] is None:
                alone = top[3].with_changes(body=[top[0]], header=[], footer=[])
                top[2] = MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)
            if node in top[2]:
                start = top[2][node].start
                return top[1] + start.line - 1, start.column
        for part in module.parts:
            if part[2] is None:
                part[2] = part[0].resolve(PositionProvider)
            if node in part[2]:
                start = part[2][node].start
                line = part[1][start.line - 1] if part[1] is not None else start.line
                return line, start.column
        return 0, 0

    def _definition_position(self, module, node, current_top=None,
                             running=None) -> tuple[str, int, int] | None:
        """A class or def statement's position, from CPython's parse of its top-level
        statement (positions.py): the likely ones first, then every one read."""
        known = module.definitions.get(id(node))
        if known is None and module.reading is not None:
            tree_at = module.reading.index.tree_at
            candidates = [module.tops.get(id(node)), self._top_record(module, current_top),
                          self._top_record(module, running)]
            for top in candidates + list(module.tops.values()):
                found = definition_position(top[0], tree_at, top[1], node) if top else None
                if found is not None:
                    known = module.definitions[id(node)] = (module.path,) + found
                    break
        return known

    def _position_in_function(self, module, node, function) -> tuple[str, int, int] | None:
        """A node of function (the one running when node was met), from a codegen of that
        function alone."""
        if function is None or function.module is not module or \
                not isinstance(function.node, cst.FunctionDef):
            return None
        scoped = module.functions.get(id(function.node))
        if scoped is None:
            scoped = module.functions[id(function.node)] = self._function_positions(function)
        positions, offset = scoped
        if positions is None or not starts_inside(positions, function.node, node):
            return None
        start = positions[node].start
        return module.path, start.line + offset, start.column

    def _position_in_statement(self, module, node, statement, current_top):
        """A node of the small statement running when it was met, from a codegen of that
        statement and the headers of the blocks around it; its line from CPython's tree of the
        top-level statement (positions.py). None when node is not the statement's."""
        top = self._top_record(module, current_top)  # or the top-level statement running:
        # a module read on first use inside a function runs its statements under that frame
        if top is None or top[0] is statement or module.reading is None:
            return None  # a top-level simple statement: its own codegen is as small
        cached = module.statements.get(id(statement))
        if cached is None:
            cached = module.statements[id(statement)] = self._statement_positions(
                module, top, statement)
        positions, offset = cached
        if positions is None or node not in positions:
            return None
        start, first, end = positions[node].start, positions[statement].start, \
            positions[statement].end
        if not (first.line, first.column) <= (start.line, start.column) <= (end.line,
                                                                            end.column):
            return None  # a node of the headers kept around the statement
        return module.path, start.line + offset, start.column

    @staticmethod
    def _statement_positions(module, top, statement):
        """(positions, what turns their lines into the file's) of a small statement inside
        top, a top-level record; (None, 0) when they cannot be had alone."""
        index = module.reading.index
        found = python_twin(top[0], index.tree_at, top[1], statement)
        if found is None:
            return None, 0  # the two trees disagree: let the function's codegen say
        line = top[1] + found.lineno - 1
        text = index.lines[line - 1] if 0 < line <= len(index.lines) else ""
        column = len(text.encode("utf-8")[:found.col_offset].decode("utf-8", "replace"))
        positions = statement_positions(top[3], top[0], statement)
        if positions is None or statement not in positions or \
                positions[statement].start.column != column:
            return None, 0  # not the first statement of its line: its column would differ
        return positions, line - positions[statement].start.line

    def _function_positions(self, function):
        """libcst's positions of a function's nodes, and what turns their lines into the
        file's; (None, 0) when they cannot be had alone."""
        top = self._top_record(function.module, function.top)
        where = self._definition_position(function.module, function.node, function.top,
                                          function.top) if top else None
        positions = function_positions(top[3], top[0], function.node) if where else None
        if positions is None or function.node not in positions:
            return None, 0
        return positions, where[1] - positions[function.node].start.line

    @staticmethod
    def _top_record(module, top):
        return module.tops.get(id(top[1])) if top is not None and top[0] is module else None

    def line_of(self, node) -> int:
        return self.position(node)[1]

    # -- helpers for the mixins --
    def loop_guard(self, count: int) -> None:
        if count >= self.budget.limits.loop_iterations:
            from .budget import BudgetExhausted
            raise BudgetExhausted(f"a loop ran more than {count} iterations")

    def lost_write(self, value, what: str) -> None:
        """value was stored where the analysis cannot follow (an attribute of an unknown
        object, setattr with an unknown name). If it may be a module or a parameter, any
        model built so far may have changed: the frameworks make their counts unknown."""
        if isinstance(value, _PLAIN_ARGS + _NOT_WEIGHTS) or \
                isinstance(value, Unknown) and not value.opaque:
            return
        module = self.current_module
        where = f" in {module.name}" if module is not None else ""
        self.frameworks.lost_write(self, f"{what} was set{where}; it may be a module or a "
                                   "parameter of this model")

    def note_mutation(self, container) -> None:
        if self.uncertain:
            self.tainted[id(container)] = container
        elif self.pass_mutated is not None:
            self.pass_mutated.append(container)

    def is_tainted(self, container) -> bool:
        return id(container) in self.tainted

    def plain_method(self, obj, name: str):
        method = getattr(obj, name)
        mutating = mutates(obj, name)

        def run(interp, args, kwargs, node):
            if not mutating and any(is_indefinite(v) or not isinstance(v, _PLAIN_ARGS)
                                    for v in (*args, *kwargs.values())):
                return Unknown(f"{type(obj).__name__}.{name}() of an unknown value")
            if mutating:
                interp.note_mutation(obj)
                if name in ("sort",) and kwargs:
                    return Unknown("sort with a key")
            try:
                return method(*args, **kwargs)
            except NotKnown as why:
                if mutating:  # the container's contents are lost: nothing after may read it
                    interp.tainted[id(obj)] = obj
                    raise ContentsLost(f"{type(obj).__name__}.{name}() of an unknown value "
                                       f"({why})", obj)
                return Unknown(f"{type(obj).__name__}.{name}() of an unknown value")
            except Exception:  # noqa: BLE001 - the user's call fails or is unknown
                return Unknown(f"{type(obj).__name__}.{name}() failed")
        return Builtin(f"{type(obj).__name__}.{name}", run)
