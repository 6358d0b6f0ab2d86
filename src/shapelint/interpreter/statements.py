"""Executing statements: assignment, control flow with honest joins, definitions, imports."""
from __future__ import annotations

import libcst as cst

from ..domain.dims import Unknown
from .budget import BudgetExhausted
from .expressions import AUGMENTED, known_length, user_override, truth
from .loop_names import bound_names, target_names
from .values import (Class, Function, Instance, Repeated, Scope, UserModule, as_repeated,
                     is_indefinite, merge, same_value)


class ReturnSignal(Exception):
    def __init__(self, value):
        self.value = value


class RaiseSignal(Exception):
    """The user's code raises here; this path yields no value. kind: the exception class's
    name when the analysis knows it (a constructor's TypeError), else None."""

    def __init__(self, kind: str | None = None):
        super().__init__(kind)
        self.kind = kind


_CATCH_ALL = frozenset({"Exception", "BaseException"})


def handler_names(handler) -> frozenset | None:
    """The exception class names an except clause names; None for a bare except."""
    if handler.type is None:
        return None
    types = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    names = set()
    for t in types:
        value = t.value if isinstance(t, cst.Element) else t
        if isinstance(value, cst.Name):
            names.add(value.value)
        elif isinstance(value, cst.Attribute):
            names.add(value.attr.value)
    return frozenset(names)


def _catches(handler, kind: str) -> bool:
    names = handler_names(handler)
    return names is None or kind in names or bool(names & _CATCH_ALL)


class ContentsLost(Exception):
    """A list, dict or set was changed by an operation on unknown values (`xs.extend(u)`): its
    contents are no longer known, so the function running it has no known result (at module
    level, the names bound to it become unknown)."""

    def __init__(self, reason: str, container):
        super().__init__(reason)
        self.container = container


class BreakSignal(Exception):
    pass


class ContinueSignal(Exception):
    pass


def _ignored(node, scope):
    """A statement of no effect on what is built (pass, nonlocal, ...)."""


class StatementsMixin:

    def exec_block(self, statements, scope: Scope) -> None:
        for statement in statements:
            self.exec(statement, scope)

    def exec(self, node, scope: Scope) -> None:
        budget = self.budget  # Budget.step() inlined, as in eval
        budget.steps += 1
        if budget.steps > budget.ceiling:
            raise BudgetExhausted(f"more than {budget.ceiling} analysis steps")
        kind = type(node)
        handler = self.statement_handlers.get(kind)
        if handler is None:  # looked up by name once per kind of statement and run
            handler = self.statement_handlers[kind] = getattr(self, "stmt_" + kind.__name__,
                                                              _ignored)
        handler(node, scope)

    def body_of(self, node):
        body = node.body
        return body.body if isinstance(body, (cst.IndentedBlock, cst.SimpleStatementSuite)) \
            else [body]

    # -- simple statements --
    def stmt_SimpleStatementLine(self, node, scope):
        saved = self.statement  # the caller's, while a function called here runs
        try:
            for small in node.body:
                self.statement = small  # positions are found from it (core.position_in)
                self.exec(small, scope)
        finally:
            self.statement = saved

    stmt_SimpleStatementSuite = stmt_SimpleStatementLine

    def stmt_Expr(self, node, scope):
        value = self.eval(node.value, scope)
        if getattr(value, "reshaped_from", None) is not None:  # x.view(...) dropped
            self.frameworks.dropped_value(self, node, value, scope)

    def stmt_Assign(self, node, scope):
        value = self.eval(node.value, scope)
        for target in node.targets:
            self.assign(target.target, value, scope)
        if getattr(value, "reshaped_from", None) is not None:  # kept under a name never read?
            self.frameworks.dropped_value(self, node, value, scope)
        if self.trace is not None:
            self.trace(node, value)

    def stmt_AnnAssign(self, node, scope):
        if node.value is not None:
            self.assign(node.target, self.eval(node.value, scope), scope)

    def stmt_AugAssign(self, node, scope):
        current = self.eval(node.target, scope)
        value = self.eval(node.value, scope)
        op = AUGMENTED[type(node.operator)]()
        if isinstance(current, list) and isinstance(op, cst.Add) and isinstance(value, list):
            self.note_mutation(current)
            current.extend(value)  # += on a list mutates it in place
            return
        self.assign(node.target, self.binary(op, current, value, node), scope)

    def stmt_Return(self, node, scope):
        value = None if node.value is None else self.eval(node.value, scope)
        if self.trace is not None:
            self.trace(node, value)
        raise ReturnSignal(value)

    def stmt_Raise(self, node, scope):
        raise RaiseSignal()

    def stmt_Break(self, node, scope):
        raise BreakSignal()

    def stmt_Continue(self, node, scope):
        raise ContinueSignal()

    def stmt_Global(self, node, scope):
        scope.globals_declared.update(n.name.value for n in node.names)

    def stmt_Del(self, node, scope):
        if isinstance(node.target, cst.Name):
            scope.vars.pop(node.target.value, None)

    def stmt_Import(self, node, scope):
        self.do_import(node, scope)

    def stmt_ImportFrom(self, node, scope):
        self.do_import_from(node, scope)

    # -- assignment targets --
    def assign(self, target, value, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            scope.assign(target.value, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            self.unpack(target.elements, value, scope)
        elif isinstance(target, cst.Attribute):
            obj = self.eval(target.value, scope)
            self.set_attribute(obj, target.attr.value, value)
        elif isinstance(target, cst.Subscript):
            container = self.eval(target.value, scope)
            self.set_item(container, target, value, scope)
        elif isinstance(target, cst.StarredElement):
            self.assign(target.value, value, scope)

    def unpack(self, elements, value, scope):
        hook = getattr(value, "shapelint_unpack", None)  # B, C, H, W = x.shape teaches the rank
        items = hook(self, len(elements)) if hook is not None and not any(
            isinstance(e.value, cst.StarredElement) for e in elements) else self.iterate(value)
        starred = [i for i, e in enumerate(elements) if isinstance(e.value, cst.StarredElement)
                   or isinstance(e, cst.StarredElement)]
        if items is None or (not starred and len(items) != len(elements)) or \
                (starred and len(items) < len(elements) - 1):
            for element in elements:
                self.assign(element.value, Unknown("unpacking of an unknown value"), scope)
            return
        if starred:
            s = starred[0]
            tail = len(elements) - s - 1
            items = items[:s] + [list(items[s:len(items) - tail])] + items[len(items) - tail:]
        for element, item in zip(elements, items):
            self.assign(element.value, item, scope)

    def set_attribute(self, obj, name, value):
        if isinstance(obj, Instance):
            override = user_override(obj, "__setattr__")
            if override is not None:
                self.call(override, (obj, name, value), {}, None)
                return
            self.set_instance_attribute(obj, name, value)
        else:
            self._set_attribute_of_other(obj, name, value)

    def set_instance_attribute(self, obj, name, value):
        """object.__setattr__."""
        if self.frameworks.set_instance_attribute(self, obj, name, value):
            return
        if self.uncertain and not same_value(obj.attrs.get(name), value):
            value = Unknown(f"attribute '{name}' set under an undecided condition")
        obj.attrs[name] = value

    def _set_attribute_of_other(self, obj, name, value):
        if isinstance(obj, Class):
            obj.namespace[name] = value
        elif isinstance(obj, UserModule):  # `mod.__all__ = [...]` on a module read by path
            if self.uncertain and not same_value(obj.scope.vars.get(name), value):
                value = Unknown(f"'{name}' set under an undecided condition")
            obj.scope.vars[name] = value
        else:
            hook = getattr(obj, "shapelint_setattr", None)
            if hook is not None:
                hook(self, name, value)
            elif isinstance(obj, Unknown):
                self.lost_write(value, f"an attribute '{name}' of an unknown object")

    def set_item(self, container, target, value, scope):
        elements = target.slice
        written = getattr(container, "shapelint_item_written", None)
        if written is not None:  # `y[40:] = 2` on a label array: its class count may change
            written(self, lambda: self._rows_written(container, elements, scope), value)
        if len(elements) == 1 and isinstance(elements[0].slice, cst.Slice) and \
                isinstance(container, list):
            self._set_slice(container, elements[0].slice, value, scope)
            return
        if len(elements) != 1 or not isinstance(elements[0].slice, cst.Index):
            self.note_mutation(container)
            return
        key = self.eval(elements[0].slice.value, scope)
        self.note_mutation(container)
        if isinstance(container, dict) and not isinstance(key, (Unknown, list, dict)):
            try:
                container[key] = value
            except TypeError:
                pass
        elif isinstance(container, list) and isinstance(key, int):
            if -len(container) <= key < len(container):
                container[key] = value
        else:
            hook = getattr(container, "shapelint_setitem", None)
            if hook is not None:
                hook(self, key, value)

    def _rows_written(self, container, elements, scope) -> bool | None:
        """True when `container[key] = ...` certainly writes at least one row of an array of
        known length (an int in range, a slice of known bounds that is not empty), whatever
        branch this is; None when that is not certain. Only names and numbers are read (no
        call is evaluated twice)."""
        length = getattr(container, "shapelint_len", None)
        length = length(self) if length is not None and not self.uncertain else None
        if not isinstance(length, int) or isinstance(length, bool) or len(elements) != 1:
            return None
        part = elements[0].slice
        parts = [part.value] if isinstance(part, cst.Index) else \
            [p for p in (part.lower, part.upper, part.step) if p is not None]
        if any(not _plain_number(p) for p in parts):
            return None
        if isinstance(part, cst.Index):
            key = self.eval(part.value, scope)
            ok = isinstance(key, int) and not isinstance(key, bool) and -length <= key < length
            return True if ok else None
        bounds = [None if p is None else self.eval(p, scope)
                  for p in (part.lower, part.upper, part.step)]
        if any(b is not None and (not isinstance(b, int) or isinstance(b, bool))
               for b in bounds) or bounds[2] == 0:
            return None
        return True if len(range(*slice(*bounds).indices(length))) > 0 else None

    def _set_slice(self, container: list, part, value, scope) -> None:
        """`items[i:j] = values` on a list; a slice or values not known leave the list
        unknown to calls that spread it (tainted), never silently unchanged."""
        bounds = [None if p is None else self.eval(p, scope)
                  for p in (part.lower, part.upper, part.step)]
        items = self.iterate(value)
        self.note_mutation(container)
        if items is None or any(b is not None and (not isinstance(b, int) or is_indefinite(b))
                                for b in bounds):
            self.tainted[id(container)] = container
            return
        try:
            container[slice(*bounds)] = list(items)
        except (ValueError, TypeError):  # an extended slice of another length: Python raises
            self.tainted[id(container)] = container

    # -- control flow --
    def stmt_If(self, node, scope):
        t = truth(self.eval(node.test, scope))
        orelse = node.orelse
        else_body = [] if orelse is None else (
            [orelse] if isinstance(orelse, cst.If) else self.body_of(orelse))
        if t is True:
            self.exec_block(self.body_of(node), scope)
        elif t is False:
            self.exec_block(else_body, scope)
        else:
            self.undecided(scope, self.body_of(node), else_body, node)

    def undecided(self, scope: Scope, first, second, node) -> None:
        """Run both branches of an undecided condition and keep what they agree on."""
        before = dict(scope.vars)
        outcomes = []
        self.uncertain += 1
        try:
            for branch in (first, second):
                scope.vars.clear()
                scope.vars.update(before)
                outcomes.append(self._run_branch(branch, scope))
        finally:
            self.uncertain -= 1
        live = [o for o in outcomes if o[0] in ("fell-through", "returned")]
        falls = [o for o in live if o[0] == "fell-through"]
        scope.vars.clear()
        if not live:
            scope.vars.update(before)
            raise RaiseSignal()
        if not falls:
            values = [o[1] for o in live]
            raise ReturnSignal(merge(values, "return value depends on an undecided condition"))
        for o in live:
            if o[0] == "returned":
                self.pending_returns.append(o[1])
        envs = [o[2] for o in falls]
        names = set().union(*envs)
        # Most names hold the same object after both branches (one branch rarely binds many):
        # those are kept as same_value() would keep them, without building their lists.
        one, other = envs[0], envs[-1]
        shortcut = self.merge_shortcut and len(envs) <= 2
        for name in names:
            value = one.get(name, _ABSENT)
            if shortcut and value is other.get(name, _ABSENT):
                scope.vars[name] = value  # in one env at least, so not _ABSENT
                continue
            vals = [env.get(name, _ABSENT) for env in envs]
            if all(same_value(vals[0], v) for v in vals):
                if vals[0] is not _ABSENT:
                    scope.vars[name] = vals[0]
            else:
                scope.vars[name] = Unknown(
                    f"'{name}' depends on a condition the analysis cannot decide") \
                    if any(v is _ABSENT for v in vals) else \
                    merge(vals, f"'{name}' depends on a condition the analysis cannot decide")

    def _run_branch(self, body, scope):
        try:
            self.exec_block(body, scope)
        except ReturnSignal as r:
            return ("returned", r.value, None)
        except RaiseSignal:
            return ("raised", None, None)
        except (BreakSignal, ContinueSignal):
            self.loop_undecided = True
            return ("fell-through", None, dict(scope.vars))
        return ("fell-through", None, dict(scope.vars))

    def stmt_For(self, node, scope):
        # the loop whose iterable is being read: `for i, batch in enumerate(loader)` draws
        # the loader's batches in this loop (builtins._over_items)
        outer, self.for_header = getattr(self, "for_header", None), node
        try:
            value = self.eval(node.iter, scope)
        finally:
            self.for_header = outer
        iterable = as_repeated(self, value, node)
        if isinstance(iterable, Repeated):
            self._repeated(node, scope, iterable)
            return
        items = self.iterate(iterable)
        if items is None:
            self.undecided(scope, [_Assign(node.target)] + list(self.body_of(node)), [], node)
            return
        broke = False
        total, start = known_length(items), self.budget.steps
        for count, item in enumerate(items):
            self.loop_guard(count)
            if node.orelse is None and self.budget.outruns(start, count, total):
                # the passes left, as one that may or may not run: what they change is
                # unknown (or the join of what it was and what one more pass makes)
                self.undecided(scope, [_Assign(node.target)] + list(self.body_of(node)), [],
                               node)
                return
            self.assign(node.target, item, scope)
            if self._loop_body(node, scope):
                broke = True
                break
        if not broke and node.orelse is not None:
            self.exec_block(self.body_of(node.orelse), scope)

    def _repeated(self, node, scope, iterable) -> None:
        """A loop over items of one form, how many unknown: when it certainly runs, its first
        pass is certain (what it finds holds for the first batch); afterwards a name the pass
        changed is its join with the value before (a later pass may change it again), unless
        the pass broke out of the loop."""
        body = list(self.body_of(node))
        if not iterable.nonempty:
            self.undecided(scope, [_Assign(node.target, iterable.item)] + body, [], node)
            return
        before = dict(scope.vars)
        self.assign(node.target, iterable.item, scope)
        outer, self.pass_mutated = self.pass_mutated, []
        try:
            broke = self._loop_body(node, scope)
        finally:
            mutated, self.pass_mutated = self.pass_mutated, outer
            if outer is not None:
                outer.extend(mutated)
        if broke:
            return
        # a list appended once per batch holds one pass's items, not every pass's: one bound
        # before the loop (by name, or one level inside a value so bound) has no known
        # contents after it
        held = {id(v) for v in before.values()} | {
            id(item) for v in before.values() for item in _one_level(v)}
        for container in mutated:
            if id(container) in held:
                self.tainted[id(container)] = container
        targets = set(target_names(node.target))
        bound = bound_names(node.body)  # a name read lazily meanwhile (an import) is not the loop's
        for name, value in list(scope.vars.items()):
            if name in targets or name not in bound or (
                    name in before and same_value(before[name], value)):
                continue
            reason = f"'{name}' after a loop of unknown length"
            scope.vars[name] = merge([before[name], value], reason) if name in before else \
                Unknown(reason)
        if node.orelse is not None:
            self.exec_block(self.body_of(node.orelse), scope)

    def _loop_body(self, node, scope) -> bool:
        """Run one iteration; True when the loop breaks."""
        saved, self.loop_undecided = self.loop_undecided, False
        try:
            self.exec_block(self.body_of(node), scope)
        except BreakSignal:
            return True
        except ContinueSignal:
            return False
        finally:
            undecided, self.loop_undecided = self.loop_undecided, saved
        if undecided:  # a break or continue under an undecided condition: stop knowing
            raise RaiseSignal()
        return False

    def stmt_While(self, node, scope):
        count = 0
        while True:
            t = truth(self.eval(node.test, scope))
            if t is False:
                if node.orelse is not None:
                    self.exec_block(self.body_of(node.orelse), scope)
                return
            if t is None:
                self.undecided(scope, list(self.body_of(node)), [], node)
                return
            self.loop_guard(count)
            count += 1
            if self._loop_body(node, scope):
                return

    def stmt_Try(self, node, scope):
        self.handlers.append(node.handlers)
        try:
            try:
                self.exec_block(self.body_of(node), scope)
            finally:
                self.handlers.pop()
        except RaiseSignal as signal:
            if signal.kind is not None:  # the clause that catches it, or on up the stack
                caught = [h for h in node.handlers if _catches(h, signal.kind)]
                if not caught:
                    raise
                self.exec_block(self.body_of(caught[0]), scope)
            elif node.handlers:
                self.exec_block(self.body_of(node.handlers[0]), scope)
        else:
            if node.orelse is not None:
                self.exec_block(self.body_of(node.orelse), scope)
        finally:
            if node.finalbody is not None:
                self.exec_block(self.body_of(node.finalbody), scope)

    stmt_TryStar = stmt_Try

    def catches(self, kind: str) -> bool:
        """Would an enclosing try statement, in this call or a caller's, catch `kind`?"""
        return any(_catches(h, kind) for handlers in self.handlers for h in handlers)

    def stmt_With(self, node, scope):
        for item in node.items:
            value = self.eval(item.item, scope)
            if item.asname is not None:
                enter = getattr(value, "shapelint_enter", None)
                self.assign(item.asname.name, enter(self) if enter else
                            Unknown("value of a with-statement"), scope)
        self.exec_block(self.body_of(node), scope)

    # -- definitions --
    def stmt_FunctionDef(self, node, scope):
        defaults = self.evaluate_defaults(node.params, scope)
        func = Function(node.name.value, node, scope, scope.module, defaults)
        func.top = self.current_top()
        value = func
        for decorator in reversed(node.decorators):
            value = self.decorate(value, decorator.decorator, scope)
        scope.assign(node.name.value, value)

    def stmt_ClassDef(self, node, scope):
        bases = [self.eval(arg.value, scope) for arg in node.bases if arg.keyword is None]
        cls = Class(node.name.value, bases, {}, scope.module, node)
        body_scope = Scope(cls.namespace, scope, scope.module)
        self.exec_block(self.body_of(node), body_scope)
        for value in cls.namespace.values():
            if isinstance(value, Function) and value.owner is None:
                value.owner = cls
        self.init_subclass(cls, node, scope)
        result = cls
        for decorator in reversed(node.decorators):
            result = self.decorate(result, decorator.decorator, scope)
        scope.assign(node.name.value, result)


class _Assign:
    """A synthetic statement binding a loop target to Unknown, or to the one form every item
    of the iterable has (for undecided loops)."""

    def __init__(self, target, value=None):
        self.target, self.value = target, value


def _stmt_assign_unknown(self, node, scope):
    self.assign(node.target, Unknown("loop over an unknown iterable") if node.value is None
                else node.value, scope)


StatementsMixin.stmt__Assign = _stmt_assign_unknown
_ABSENT = object()


def _plain_number(node) -> bool:
    """A name or an integer, possibly negated: read without side effects."""
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    return isinstance(node, (cst.Name, cst.Integer))


def _one_level(value):
    """The values a list, tuple or dict holds, or an object's attributes (self.history)."""
    if isinstance(value, (list, tuple)) and len(value) <= 64:
        return list(value)
    if isinstance(value, dict) and len(value) <= 64:
        return list(value.values())
    attrs = getattr(value, "attrs", None)
    return list(attrs.values()) if isinstance(attrs, dict) and len(attrs) <= 256 else []
