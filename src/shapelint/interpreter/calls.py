"""Calling things: user functions (with honest early returns), classes, decorators."""
from __future__ import annotations

import dataclasses

import libcst as cst

from ..domain.dims import SymDim, Unknown
from .budget import BudgetExhausted, stack_nearly_full
from .statements import ContentsLost, RaiseSignal, ReturnSignal
from .values import (MISSING, PLAIN, BoundMethod, Builtin, Class, Function, Instance, Ref, Scope,
                     UserModule, is_indefinite, merge)


_UNBOUND = "call does not match the signature of"


class CallsMixin:

    def expr_Call(self, node, scope):
        if self.visit is not None:
            self.visit(node)
        func = self.eval(node.func, scope)
        args, kwargs = [], {}
        loose = None  # why only part of the arguments is known
        placed = True  # positional arguments still have known places
        for arg in node.args:
            value = self.eval(arg.value, scope)
            if arg.star == "*":
                items = self.iterate(value)
                if items is None or self.is_tainted(value):
                    loose = loose or ("*args of unknown length" if items is None else
                                      "*args changed under an undecided condition")
                    placed = False
                elif placed:
                    args.extend(items)
            elif arg.star == "**":
                if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
                    loose = loose or "**kwargs of unknown keys"
                elif self.is_tainted(value):  # a key set in one branch only may be there or not
                    loose = loose or "**kwargs changed under an undecided condition"
                else:
                    kwargs.update(value)
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            elif placed:
                args.append(value)
        if loose is None:
            return self.call(func, tuple(args), kwargs, node)
        return self._call_loosely(func, args, kwargs, node, loose)

    def _call_loosely(self, func, args, kwargs, node, why: str):
        """A call of the user's own function or class whose arguments are known only in part:
        it runs with every parameter the unknown part may give unknown (bind_parameters), so
        what it builds and changes is followed, never guessed. Anything else is not called."""
        target = func.func if isinstance(func, BoundMethod) else func
        if isinstance(target, Class):
            try:
                target = target.lookup("__init__")
            except KeyError:
                target = None
            while isinstance(target, BoundMethod):
                target = target.func
        if not isinstance(target, Function) or isinstance(target.node, cst.Lambda):
            return self._not_called(f"call with {why}", node, func, (*args, *kwargs.values()))
        self.loose[id(target.node)] = why
        try:
            return self.call(func, tuple(args), kwargs, node)
        finally:
            self.loose.pop(id(target.node), None)

    def _not_called(self, reason: str, node, func=None, given=()):
        """The call was not made: its result may be anything, a module included (opaque),
        unless func is a plain class (Class.plain), whose instances never are. What it would
        have done to the values it was given is not known either (lost_call)."""
        if isinstance(func, Class) and func.plain():
            return Unknown(f"{reason}: an instance of {func.name}")
        if isinstance(func, BoundMethod):
            given = (func.self_, *given)
        where = self.call_site(node)
        if given:
            module = self.current_module
            line = where[1] if where is not None else 0
            at = f" at line {line} of {module.name}" if line and module is not None else ""
            self.lost_call(f"a call{at} was not followed ({reason})", given)
        return Unknown(reason, opaque=True, where=where)

    def lost_call(self, reason: str, given) -> None:
        """A call that did not run to its end (or at all) may have changed the models it was
        given: their totals become unknown (frameworks.lost_call)."""
        if given:
            self.frameworks.lost_call(self, reason, given)

    def call(self, func, args: tuple, kwargs: dict, node):
        kind = type(func)  # the usual callees by their exact type first: no isinstance chain
        if kind is Function:
            return self.invoke(func, args, kwargs, node)
        if kind is BoundMethod:
            return self.call(func.func, (func.self_,) + tuple(args), kwargs, node)
        if kind is Builtin:
            return func.fn(self, args, kwargs, node)
        if isinstance(func, Unknown):
            return Unknown(f"a call of something unknown ({func.reason})", opaque=True,
                           where=self.call_site(node))
        if isinstance(func, Function):
            return self.invoke(func, args, kwargs, node)
        if isinstance(func, BoundMethod):
            return self.call(func.func, (func.self_,) + tuple(args), kwargs, node)
        if isinstance(func, Class):
            return self.instantiate(func, args, kwargs, node)
        if isinstance(func, Builtin):
            return func.fn(self, args, kwargs, node)
        if isinstance(func, Ref):
            return self.frameworks.call_ref(self, func, args, kwargs, node)
        if isinstance(func, Instance):
            return self.call_instance(func, args, kwargs, node)
        hook = getattr(func, "shapelint_call", None)
        if hook is not None:
            return hook(self, args, kwargs, node)
        return Unknown("call of a value that is not known to be callable")

    # -- user functions --
    def evaluate_defaults(self, params: cst.Parameters, scope) -> dict:
        out = {}
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is not None:
                out[param.name.value] = self.eval(param.default, scope)
        return out

    def bind_parameters(self, func: Function, args, kwargs) -> dict | None:
        # a call whose *args or **kwargs are not known (expr_Call): what they may give is
        # unknown, a parameter's default included
        loose = self.loose.pop(id(func.node), None)
        positional, named, star, star_kwarg = _parameter_names(func.node)
        bound = {}
        args = list(args)
        for name in positional:
            if args:
                bound[name] = args.pop(0)
        if star is not None:
            bound[star] = Unknown(f"given by {loose}") if loose else tuple(args)
        elif args:
            return None
        kwargs = dict(kwargs)
        for name in named:
            if name in kwargs:
                if name in bound and not loose:
                    return None
                bound[name] = kwargs.pop(name)
        if star_kwarg is not None:
            bound[star_kwarg] = Unknown(f"given by {loose}") if loose else kwargs
        elif kwargs:
            return None
        for name in named:
            if name not in bound:
                if loose:
                    bound[name] = Unknown(f"'{name}' may be given by the call's {loose}")
                elif name in func.defaults:
                    bound[name] = func.defaults[name]
                else:
                    bound[name] = Unknown(f"argument '{name}' was not given")
        return bound

    def invoke(self, func: Function, args, kwargs, node):
        if self.depth >= self.budget.limits.call_depth:
            self.lost_call(f"{func.name}() is past the call depth limit",
                           (*args, *kwargs.values()))
            return Unknown("call depth limit reached", opaque=True)
        key = id(func.node)
        under_way = self.running.setdefault(key, [])
        if len(under_way) >= self.budget.limits.recursion or under_way and self.uncertain and (
                any(is_indefinite(a) for a in args) or
                any(is_indefinite(v) for v in kwargs.values())) and not _descends(
                under_way, (*args, *kwargs.values())):
            # A recursion under a condition the analysis cannot decide, on values it does not
            # know, has no base case it could reach: each level would run both branches again.
            why = f"{func.name}() recurses on values the analysis does not know"
            self.lost_call(why, (*args, *kwargs.values()))
            return Unknown(why, opaque=True)
        if stack_nearly_full():
            self.lost_call(f"{func.name}() nests too deeply", (*args, *kwargs.values()))
            return Unknown("the code nests too deeply here", opaque=True)
        under_way.append((*args, *kwargs.values()))
        try:
            return self._invoke(func, args, kwargs, node)
        finally:
            under_way.pop()

    def _invoke(self, func: Function, args, kwargs, node):
        self.called.add(id(func.node))
        bound = self.bind_parameters(func, args, kwargs)
        if bound is None:
            return self._not_called(f"{_UNBOUND} {func.name}()", node)
        scope = Scope(dict(bound), func.scope, func.module)
        if type(func.node) is cst.Lambda:  # not isinstance: an ABC's check (expressions._elements)
            self.depth += 1
            try:
                return self.eval(func.node.body, scope)
            finally:
                self.depth -= 1
        if self.is_generator(func.node, func):
            return Unknown(f"{func.name}() is a generator")
        saved_pending, self.pending_returns = self.pending_returns, []
        self.assumed_frames.append({})
        self.depth += 1
        self.call_sites.append((self.call_site(node), bool(getattr(node, "args", ()))))
        self.module_stack.append(func.module)
        self.frames.append((func, scope))
        try:
            self.exec_block(self.body_of(func.node), scope)
            result = None
        except ReturnSignal as r:
            result = r.value
        except RaiseSignal as signal:
            result, raised = _RAISED, signal
        except ContentsLost as lost:
            result = Unknown(f"{func.name}(): {lost}", opaque=True)
            self.lost_call(f"{func.name}() stopped at {lost}", (*args, *kwargs.values()))
        finally:
            self.depth -= 1
            self.assumed_frames.pop()
            self.module_stack.pop()
            self.frames.pop()
            self.call_sites.pop()
            pending, self.pending_returns = self.pending_returns, saved_pending
        outcomes = [v for v in pending + [result] if v is not _RAISED]
        if not outcomes:
            if result is _RAISED and raised.kind is not None and self.catches(raised.kind):
                raise raised  # a caller's try statement catches it
            return Unknown(f"{func.name}() raises", opaque=True)
        return merge(outcomes, f"the result of {func.name}() depends on an undecided condition")

    def is_generator(self, node, func=None) -> bool:
        key = id(node)
        if key not in self._generator_cache:
            self._generator_cache[key] = self._may_yield(func) and _yields(node.body)
        return self._generator_cache[key]

    def _may_yield(self, func) -> bool:
        """False when the text of the top-level statement defining func has no `yield`: a
        walk of the function's tree costs more than its statement's text."""
        top = getattr(func, "top", None)
        reading = getattr(getattr(func, "module", None), "reading", None)
        record = func.module.tops.get(id(top[1])) if top is not None and reading else None
        if record is None:
            return True
        key = ("top", id(top[1]))
        if key not in self._generator_cache:
            statement = reading.index.statement_at(record[1])
            self._generator_cache[key] = statement is None or "yield" in \
                reading.index.text_of(range(statement.first, statement.last + 1))
        return self._generator_cache[key]

    def call_instance(self, obj: Instance, args, kwargs, node):
        made = self.frameworks.call_instance(self, obj, args, kwargs, node)
        if made is not NotImplemented:
            return made
        return self.call(self.get_attribute(obj, "__call__"), args, kwargs, node)

    # -- classes --
    def instantiate(self, cls: Class, args, kwargs, node):
        self.instantiated.add(id(cls))
        made = self.frameworks.instantiate(self, cls, args, kwargs, node)
        if made is not NotImplemented:
            return made
        instance = Instance(cls)  # a @dataclass's __init__ is the one _dataclass_init wrote
        try:
            init = cls.lookup("__init__")
        except KeyError:
            return instance
        done = self.call(init, (instance,) + tuple(args), kwargs, node)
        if isinstance(done, Unknown) and done.opaque:
            # __init__ did not run (a TypeError in Python): no attribute of it is known
            return Unknown(f"{cls.name}() did not finish ({done.reason})", opaque=True)
        return instance

    def _run_decorator(self, decorator, value, expression):
        """decorator(value) within budget.decorator_steps; None when it costs more."""
        budget = self.budget
        outer, budget.outer = budget.ceiling, budget.ceiling
        budget.ceiling = min(outer, budget.steps + budget.limits.decorator_steps)
        try:
            return self.call(decorator, (value,), {}, expression)
        except BudgetExhausted:
            if budget.steps > outer:
                raise  # the file's own budget is spent, not the decorator's share
            self._forget_state_of(decorator)
            return None
        finally:
            budget.ceiling, budget.outer = outer, None

    def _forget_state_of(self, decorator) -> None:
        """A decorator left half run (a registry's `register(fn)`) may have changed the
        lists, dicts and sets its module keeps: what they hold is unknown from now on, wherever
        they are bound, never what they held before. A module read lazily may bind such a
        container later: run_pieces makes it unknown then (module.state_lost)."""
        while isinstance(decorator, BoundMethod):
            decorator = decorator.func
        module = getattr(decorator, "module", None)
        if not isinstance(module, UserModule) or module.scope is None:
            return
        why = Unknown(f"changed by decorator {getattr(decorator, 'name', '?')}(), which the "
                      "analysis did not finish (budget.decorator_steps)")
        # While the module itself runs, only what its statements so far made can have changed.
        running = [line for line in module.running if line is not None]
        module.state_lost = (why, running[0] if running else None)
        lost = {id(v) for v in module.scope.vars.values() if isinstance(v, (list, dict, set))}
        if not lost:
            return
        for other in list(self.modules.values()):
            for name, v in list(other.scope.vars.items()):
                if id(v) in lost:
                    other.scope.vars[name] = why

    @staticmethod
    def make_dataclass(value, kw_only: bool = False):
        """What @dataclass and dataclass(cls, ...) do to a class: its fields, and the __init__
        they write unless the class defines its own."""
        if isinstance(value, Class):
            value.dataclass_fields = _dataclass_fields(value)
            value.namespace.setdefault("__init__", _dataclass_init(value, kw_only))
        return value

    def init_subclass(self, cls: Class, node, scope) -> None:
        """type() runs the nearest base's __init_subclass__ with the class statement's keywords,
        before any decorator (transformers' configs become dataclasses there)."""
        hook = next((c.namespace["__init_subclass__"] for c in cls.mro()[1:]
                     if "__init_subclass__" in c.namespace), None)
        if not isinstance(hook, Function):
            return
        keywords = {arg.keyword.value: self.eval(arg.value, scope) for arg in node.keywords
                    if arg.keyword is not None and arg.keyword.value != "metaclass"}
        self.call(hook, (cls,), keywords, node)

    def decorate(self, value, expression, scope):
        decorator = self.eval(expression, scope)
        kinds = ("staticmethod", "classmethod", "property")
        if isinstance(decorator, Builtin) and decorator.name in kinds:
            if isinstance(value, Function):
                value.kind = decorator.name
            return value
        if isinstance(decorator, Ref) and decorator.qualname.split(".")[-1] == "dataclass" or (
                isinstance(decorator, Builtin) and decorator.name == "dataclass"):
            return self.make_dataclass(value)
        if isinstance(decorator, Ref) and decorator.qualname.startswith("dataclasses.dataclass"):
            return value
        if isinstance(decorator, (Function, BoundMethod)) or hasattr(decorator, "shapelint_call"):
            result = self._run_decorator(decorator, value, expression)
            if isinstance(result, (Function, Class, BoundMethod)):
                return result
        # An external or unknown decorator (keras_export, lru_cache, ...) is assumed to return
        # the function it decorates; the analysis reads the function as written.
        return value


# id(Parameters node) -> (the node, the names bind_parameters reads in it), per process: the
# same functions are called thousands of times in a run. Nodes are immutable; each is kept with
# its names (its parameters alone, not its function's body), so that its id is not reused
# while it is in here.
_PARAMETERS: dict = {}
_PARAMETERS_SIZE = 8192


def _parameter_names(node) -> tuple:
    """(positional names, those and the keyword-only ones, the *args name or None, the
    **kwargs name or None) of a def or a lambda."""
    params = node.params
    found = _PARAMETERS.get(id(params))
    if found is None or found[0] is not params:
        positional = tuple(p.name.value for p in (*params.posonly_params, *params.params))
        star = params.star_arg.name.value if isinstance(params.star_arg, cst.Param) else None
        star_kwarg = params.star_kwarg.name.value if params.star_kwarg is not None else None
        found = _PARAMETERS[id(params)] = (params, (
            positional, positional + tuple(p.name.value for p in params.kwonly_params),
            star, star_kwarg))
        while len(_PARAMETERS) > _PARAMETERS_SIZE:
            del _PARAMETERS[next(iter(_PARAMETERS))]
    return found[1]


def _dataclass_init(cls: Class, kw_only: bool = False) -> Builtin:
    """The __init__ @dataclass writes: positional (unless kw_only) and keyword fields, then
    defaults (a field(default_factory=...) is called for each instance), then __post_init__."""
    from .configs import FieldSpec

    def init(interp, args, kwargs, node):
        instance, args = args[0], args[1:]
        names = [name for name, spec in cls.dataclass_fields
                 if not (isinstance(spec, FieldSpec) and not spec.init)]
        extra = [k for k in kwargs if k not in names]
        if len(args) > (0 if kw_only else len(names)) or extra:  # a TypeError in Python
            return Unknown(f"{cls.name}.__init__() takes no "
                           f"{'argument ' + repr(extra[0]) if extra else 'more arguments'}",
                           opaque=True)
        values = dict(zip(names, args))
        values.update({k: v for k, v in kwargs.items() if k in names})
        for name, default in cls.dataclass_fields:
            if name in values:
                continue
            if isinstance(default, FieldSpec):
                default = default.value(interp, node)
            if default is not MISSING:
                values[name] = default
            elif name in names:
                values[name] = Unknown(f"field '{name}' not given")
        if isinstance(instance, Instance):
            instance.attrs.update(values)
            try:  # self.__post_init__(): a subclass's own comes first
                post = instance.cls.lookup("__post_init__")
            except KeyError:
                return None
            if isinstance(post, Function):
                interp.call(post, (instance,), {}, node)
        return None
    return Builtin(f"{cls.name}.__init__", init, method=True)


def _dataclass_fields(cls: Class) -> list:
    """The bases' fields, then the class's own annotated names; a field a subclass redefines
    keeps its first place, and ClassVar / InitVar annotations are no fields (as dataclasses
    orders and filters them)."""
    fields: dict = {}
    for base in reversed(cls.mro()[1:]):
        fields.update(base.dataclass_fields or [])
    for statement in cls.node.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) \
                        and not _pseudo_field(small.annotation.annotation):
                    name = small.target.value
                    fields[name] = cls.namespace.get(name, MISSING)
    return list(fields.items())


def _pseudo_field(annotation) -> bool:
    """ClassVar[...] or InitVar[...] (bare, or typing./dataclasses. qualified)."""
    head = annotation.value if isinstance(annotation, cst.Subscript) else annotation
    name = head.attr.value if isinstance(head, cst.Attribute) else \
        head.value if isinstance(head, cst.Name) else ""
    return name in ("ClassVar", "InitVar")


# Whether a function body yields, per process: sibling modules' trees are kept across the
# files of a run (imports.parsed_statements), and a walk of a large body costs more than the
# call. Keyed by id, holding the node so that the id is never reused while the entry lives.
_YIELDING: dict = {}


def _yields(body) -> bool:
    found = _YIELDING.get(id(body))
    if found is None or found[0] is not body:
        if len(_YIELDING) > 20_000:
            _YIELDING.clear()
        found = _YIELDING[id(body)] = (body, _contains_yield(body))
    return found[1]


def _contains_yield(node) -> bool:
    todo = [node]
    while todo:
        current = todo.pop()
        if isinstance(current, cst.Yield):
            return True
        if isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)) and current is not node:
            continue
        # the node's fields, read directly: libcst's `children` builds them by a visit, ten
        # times slower, and whitespace never holds a yield
        kind = type(current)
        names = _FIELDS.get(kind)
        if names is None:
            names = _FIELDS[kind] = [f.name for f in dataclasses.fields(current)]
        for value in (getattr(current, name) for name in names):
            if isinstance(value, cst.CSTNode):
                if not isinstance(value, _WHITESPACE):
                    todo.append(value)
            elif isinstance(value, (tuple, list)):
                todo.extend(v for v in value if isinstance(v, cst.CSTNode)
                            and not isinstance(v, _WHITESPACE))
    return False


_FIELDS: dict = {}  # libcst node type -> its field names
_WHITESPACE = (cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.TrailingWhitespace,
               cst.Newline, cst.EmptyLine, cst.Comment)


_RAISED = object()
# values with no identity of their own in a walk over objects
_NOT_NODES = PLAIN + (tuple, list, dict, set, frozenset, range, slice, Unknown, SymDim, Function,
                      Class, Ref, Builtin, BoundMethod, UserModule)


def _descends(under_way: list, arguments: tuple) -> bool:
    """Does a recursive call hand on an object (a module, an instance) that none of the calls
    under way holds? Then it walks a finite graph of objects that exist, as a recursion over
    named_children() does, and reaches its end whatever the conditions; budget.recursion
    bounds its depth."""
    held = {id(v) for frame in under_way for v in frame}
    return any(not isinstance(v, _NOT_NODES) and id(v) not in held for v in arguments)
