"""One file, end to end: parse, interpret, collect the models, build their graphs, check."""
from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field

import libcst as cst

from ..rules.checks import check_graph
from ..rules.claims import check_claims, claim_comment_lines, claim_near, might_claim
from ..rules.flops_claims import check_cost_claims, cost_comment_lines, might_claim_cost
from ..rules.edges import check_edges
from ..domain.codes import SHP901, SHP902, Diagnostic
from ..domain.dims import Unknown
from ..frameworks import Frameworks
from ..domain.graph import ModelGraph
from ..interpreter.budget import BudgetExhausted, Limits, deep_stack
from ..interpreter.core import Interpreter
from ..interpreter.imports import parsed_statements
from ..interpreter.parsing import parse, python_tree
from ..interpreter.slicing import ModuleIndex, Reading
from ..domain.spots import unread
from ..interpreter.values import Class, Function
from ..domain.shapes import Shape


class EntryError(Exception):
    """ENTRY named on the command line does not exist or is not a model."""


@dataclass
class FileAnalysis:
    path: str
    interp: Interpreter | None = None
    module: object = None
    models: list = field(default_factory=list)  # (entry name, model object)
    notes: list = field(default_factory=list)  # SHP9xx diagnostics
    source: str = ""  # the file's text (SHP209 reads its comments and docstrings)
    tree: ast.Module | None = None  # CPython's tree of it

    def graphs(self, override: Shape | None = None, per_entry: dict | None = None
               ) -> list[ModelGraph]:
        """Each model's graph; per_entry maps an entry name to its input shape (config)."""
        return [self.graph(entry, model, override, per_entry) for entry, model in self.models]

    @staticmethod
    def graph(entry: str, model, override: Shape | None = None,
              per_entry: dict | None = None) -> ModelGraph:
        """One model's graph, its input shape the configured one for entry, else override."""
        with deep_stack():  # the forward pass is interpreted here
            return model.graph(entry, (per_entry or {}).get(entry) or override)

    def diagnostics(self, per_entry: dict | None = None, wanted=None) -> list[Diagnostic]:
        """The file's diagnostics, sorted; wanted(d) picks the ones to keep before their
        positions are read (a position is resolved when read: interpreter/spots.py)."""
        with deep_stack():
            return self._diagnostics(per_entry, wanted)

    def _diagnostics(self, per_entry, wanted) -> list[Diagnostic]:
        found = list(self.notes)
        here = os.path.abspath(self.path)
        edges = self.interp.state.findings if self.interp is not None else []
        built = []
        for entry, model in self.models:
            try:
                graph = self.graph(entry, model, per_entry=per_entry)
                with deep_stack():  # the edges read the model again, under the data's shape
                    faults = check_graph(graph)
                    if graph.framework == "keras":  # a torch file loads nothing of Keras's
                        # a fault the data's layout explains moves to the input shape
                        from ..rules.keras_layouts import channels_first_input
                        faults = channels_first_input(graph, model, faults)
                    found_here = faults + check_edges(graph, model)
                    if graph.framework == "keras":  # several inputs or outputs, and arguments
                        from ..rules.keras_io import with_io_and_arguments  # written apart
                        found_here = with_io_and_arguments(graph, model, found_here,
                                                           self.module)
                    built.append((model, graph, found_here))
            except Exception as error:  # noqa: BLE001 - the other models are still checked
                found.append(internal_error(self.path, error, f"model '{entry}' was skipped"))
        if sum(graph.framework == "torch" for _, graph, _ in built) > 1:
            # one batch several models reject alike: the batch is the side to change
            from ..rules.torch_shared_batch import one_batch_for_models
            built = one_batch_for_models(built)
        judged = [d for _, _, found_here in built for d in found_here]
        try:
            judged += check_claims(self.source, here, built, self.tree)
            judged += check_cost_claims(self.source, here, built, self.tree)
        except Exception as error:  # noqa: BLE001 - the models' own findings still stand
            found.append(internal_error(self.path, error, "its stated counts were not read"))
        for d in judged:
            if os.path.abspath(d.path) == here:
                found.append(_moved(d, self.path))
        found.extend(_moved(d, self.path) for d in edges if os.path.abspath(d.path) == here)
        if wanted is not None:
            found = [d for d in found if wanted(d)]
        unique = {(d.code.code, d.line, d.column): d for d in found}
        return sorted(unique.values(), key=lambda d: (d.line, d.column, d.code.code))


def _moved(d: Diagnostic, path: str) -> Diagnostic:
    """d at path (as given), its position left unresolved until read."""
    return Diagnostic(d.code, unread(d, "line"), unread(d, "column"), d.message, d.data, path)


def _claim_lines(source: str) -> set[int] | None:
    """The comment lines that may hold a parameter-count or a FLOPs claim (None: anywhere)."""
    found = [f(source) for f, gate in ((claim_comment_lines, might_claim),
                                       (cost_comment_lines, might_claim_cost)) if gate(source)]
    return None if any(lines is None for lines in found) else set().union(*found)


def _claimable(index: ModuleIndex, lines: set[int] | None) -> list[int]:
    """The module-level `name = call(...)` statements a claim on lines may speak of: one
    beside or above the statement, or in a function or class it runs (the model's own line)."""
    statements = index.statements
    near = {i for i, s in enumerate(statements) if claim_near(lines, s.first, s.last)}
    claimed = {name for i in near if statements[i].is_definition for name in statements[i].binds}
    return [i for i in index.module_level if i in near or statements[i].reach & claimed]


def analyse(source: str, path: str, limits: Limits | None = None, discover: bool = True,
            tree: ast.Module | None = None, whole_file: bool = False,
            entry: bool = False) -> FileAnalysis:
    """Interpret a file; with discover, also run its top-level functions to find models.

    Only the statements that build, train or score a model are read, with what they depend on
    (interpreter/slicing.py): a file with none costs CPython's parse and no more. whole_file
    reads every statement (`summary` and `confirm` list every model a file binds); tree is
    CPython's tree of source when the caller (flake8) has it already. entry: the file is read
    for an ENTRY named on the command line, with the budget of one (Budget.for_entry)."""
    with deep_stack():  # the parse of the file too: its garbage is collected with the rest's
        return _analyse(source, path, limits, discover, tree, whole_file, entry)


def _analyse(source, path, limits, discover, tree, whole_file, entry) -> FileAnalysis:
    result = FileAnalysis(path, source=source)
    tree = result.tree = tree if tree is not None else python_tree(source)
    if tree is None:
        return result
    limits = limits or Limits()
    try:
        index = ModuleIndex(tree, source)
        reading = Reading(index)
        if whole_file or not limits.slicing:
            statements = index.everything
        elif might_claim(source) or might_claim_cost(source):
            # a claim may speak of a model bound at module level
            statements = index.seeds + _claimable(index, _claim_lines(source))
        else:
            statements = index.seeds
        if not statements and discover:
            return result  # nothing here builds a model (an ENTRY, when given, is read lazily)
        order, _ = reading.extend(statements=statements)
    except Exception as error:  # noqa: BLE001 - one quiet note, never a crashed lint run
        result.notes.append(_stopped(path, error))
        return result
    text, numbers = index.source_of(order)
    pieces = _parsed(path, index, order, text, numbers)
    if pieces is None:
        return result
    frameworks = Frameworks()
    frameworks.read(source)
    interp = Interpreter(frameworks, limits)
    if entry:
        interp.budget.for_entry()
    # The file's own source counts against the import budget: the source parsed for one file,
    # its own and its imports', stays within budget.import_bytes unless the file alone is larger.
    interp.budget.import_bytes = len(text)
    result.interp = interp
    name = os.path.splitext(os.path.basename(path))[0]
    try:
        with deep_stack():
            module = interp.run_module(None, os.path.abspath(path), name, main=True,
                                       source=source, reading=reading, pieces=pieces)
    except Exception as error:  # noqa: BLE001 - one quiet note, never a crashed lint run
        result.notes.append(_stopped(path, error))
        return result
    result.module = module
    models = interp.frameworks
    named = {}
    for var, value in module.scope.vars.items():
        model = models.as_model(value)
        if model is not None:
            named.setdefault(id(model.root if hasattr(model, "root") else model), (var, model))
    for key, value in list(interp.state.observed_models.items()):  # `Net()(x)`: unnamed
        model = models.as_model(value) if key not in named else None
        root = getattr(model, "root", model)
        if model is not None and id(root) not in named:
            named[id(root)] = (_unnamed(value), model)
    seen = set(named)
    for model in interp.state.models:  # Keras models made anywhere while the module ran
        if id(model) not in seen:
            seen.add(id(model))
            named[id(model)] = (model.name, model)
    result.models.extend(named.values())
    if discover:
        try:
            with deep_stack():
                _discover(result, interp, module, seen)
        except Exception as error:  # noqa: BLE001 - the models met so far are still checked
            result.notes.append(internal_error(path, error, "while looking for models"))
    return result


def _unnamed(value) -> str:
    """The entry name of a model the script calls without binding it: its class's name."""
    cls = getattr(value, "cls", None)
    return getattr(cls, "name", None) or getattr(value, "type_name", None) or "model"


def _parsed(path: str, index: ModuleIndex, order: list, text: str, numbers: list):
    """libcst's trees of the statements read, as Interpreter.run_pieces takes them; None when
    they do not parse. One tree per statement, kept per process with the sibling modules'
    (imports.parsed_statements): a file that a file checked later imports (timm's layers, its
    vision_transformer) is then parsed once in a run, not once as the file checked and again
    as a sibling. A statement parses alone as fast as within its file. As one tree when
    Interpreter.statement_trees is off, or when a statement does not parse alone."""
    if Interpreter.statement_trees:
        pieces = parsed_statements(os.path.abspath(path), index, order)
        if pieces is not None:
            return pieces
    tree = parse(text)
    return None if tree is None else [(tree, numbers, index.firsts(order))]


def _discover(result: FileAnalysis, interp: Interpreter, module, seen: set) -> None:
    """Run the module's own top-level functions nobody called, and instantiate its model
    classes nobody instantiated, to meet the models they build."""
    candidates = [(name, value) for name, value in list(module.scope.vars.items())
                  if isinstance(value, Function) and value.module is module
                  and id(value.node) not in interp.called
                  and name in module.reading.index.framework_names]
    # Model classes last to first: the model a file is about usually comes last and builds the
    # blocks defined above it, which then need no run of their own.
    candidates += reversed(interp.frameworks.model_classes(module.scope, module))
    budget = interp.budget
    # Unasked work gets a small share of the budget: a test file with a hundred model-building
    # functions must not cost seconds in an editor. What it cannot reach is simply not checked.
    budget.ceiling = min(budget.limits.steps, budget.steps + budget.limits.discovery_steps)
    try:
        for name, value in candidates:
            if not _discover_one(result, interp, name, value, seen):
                return
    finally:
        budget.ceiling = budget.limits.steps


def _discover_one(result, interp, name, value, seen) -> bool:
    """Run one candidate; False when the discovery budget is spent."""
    if isinstance(value, Class) and id(value) in interp.instantiated:
        return True
    arguments = _any_arguments(value)
    if arguments is None:
        return True
    before = len(interp.state.models)
    try:
        made = interp.call(value, (), arguments, None)
    except (BudgetExhausted, RecursionError):
        del interp.state.models[before:]  # a model half built is not reported
        return False
    found = list(interp.state.models[before:])
    model = interp.frameworks.as_model(made)
    if model is not None and isinstance(value, Class):
        found.append(model)
    for model in found:
        key = id(getattr(model, "root", model))
        if key not in seen:
            seen.add(key)
            result.models.append((name, model))
    return True


# Framework bases whose constructor takes no required argument: a subclass without an
# __init__ of its own is built without arguments by its users.
_ARGUMENTLESS_BASES = ("Module", "Model", "Layer", "Sequential", "ModuleList", "ModuleDict")


def _any_arguments(value) -> dict | None:
    """Arguments for running, unasked, a callable nobody in the file calls. With no required
    parameter, the call without arguments is one its users make, and its defaults hold. With
    one, a caller must pass arguments, and may pass any: every parameter is then unknown,
    defaults too (timm's CondConv blocks fail with their default num_experts=0, which no
    caller uses), so what is found holds for every call. None: do not run it at all (a
    subclass of a layer such as nn.Conv1d that keeps the layer's own constructor, whose
    required arguments every user passes)."""
    function = value
    if isinstance(value, Class):
        try:
            function = value.lookup("__init__")
        except KeyError:
            bases = [b.rsplit(".", 1)[-1] for b in value.framework_bases()]
            return {} if all(b in _ARGUMENTLESS_BASES for b in bases) else None
    params = getattr(getattr(function, "node", None), "params", None)
    if not isinstance(params, cst.Parameters):
        return {}
    named = list(params.params[1:] if isinstance(value, Class) else params.params) + \
        list(params.kwonly_params)
    if not any(p.default is None for p in named) and not (
            params.posonly_params and any(p.default is None for p in params.posonly_params)):
        return {}
    return {p.name.value: Unknown("an argument a caller may give")
            for p in named if p.default is not None}


def evaluate_entry(analysis: FileAnalysis, entry: str):
    """The model an ENTRY names: a module-level name or a call expression in module scope."""
    with deep_stack():
        return _evaluate_entry(analysis, entry)


def _evaluate_entry(analysis: FileAnalysis, entry: str):
    if analysis.module is None:
        why = "; ".join(note.message for note in analysis.notes)
        raise EntryError(f"{analysis.path} could not be analysed" + (f" ({why})" if why else ""))
    try:
        expression = cst.parse_expression(entry)
    except cst.ParserSyntaxError:
        raise EntryError(f"'{entry}' is not a Python expression") from None
    interp = analysis.interp
    interp.budget.for_entry()  # each ENTRY named on the command line gets the whole budget
    try:
        if isinstance(expression, cst.Name) and expression.value not in \
                analysis.module.scope.vars and not interp.resolve_pending(analysis.module,
                                                                          expression.value):
            raise EntryError(f"{analysis.path} defines no '{entry}'")
        value = interp.eval(expression, analysis.module.scope)
        if isinstance(value, (Function, Class)):
            value = interp.call(value, (), {}, None)
    except BudgetExhausted as why:
        raise EntryError(f"'{entry}' needs more analysis work than the budget allows ({why})")
    if isinstance(value, Unknown):
        raise EntryError(f"'{entry}' could not be evaluated: {value.reason}")
    model = interp.frameworks.as_model(value)
    if model is None:
        raise EntryError(f"'{entry}' is not a model shapelint can read")
    return model


def _stopped(path, error: Exception) -> Diagnostic:
    """The one note for an analysis that could not finish a file."""
    if isinstance(error, BudgetExhausted):
        return _note(SHP902, path, f"analysis stopped: {error}; no model in this file was "
                     "checked (raise the budget in [tool.shapelint])")
    if isinstance(error, RecursionError):
        return _note(SHP901, path, "analysis stopped: the code nests too deeply")
    return internal_error(path, error, "this file was skipped")


def internal_error(path, error, what) -> Diagnostic:
    """The SHP901 note for an error of shapelint's own on one file; what: what was skipped."""
    return _note(SHP901, path, f"shapelint hit an internal error ({type(error).__name__}: "
                 f"{error}); {what}")


def _note(code, path, message) -> Diagnostic:
    return Diagnostic(code, 1, 0, message, {}, path)
