"""One file, end to end: parse, interpret, collect the models, build their graphs, check."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import libcst as cst

from .checks import check_graph
from .codes import SHP901, SHP902, Diagnostic
from .dims import Unknown
from .frameworks import Frameworks
from .frameworks.keras import MODEL_TYPES
from .graph import ModelGraph
from .interpreter.budget import BudgetExhausted, Limits
from .interpreter.core import Interpreter
from .interpreter.values import Class, Function
from .shapes import Shape


class EntryError(Exception):
    """ENTRY named on the command line does not exist or is not a model."""


@dataclass
class FileAnalysis:
    path: str
    interp: Interpreter | None = None
    module: object = None
    models: list = field(default_factory=list)  # (entry name, model object)
    notes: list = field(default_factory=list)  # SHP9xx diagnostics

    def graphs(self, override: Shape | None = None) -> list[ModelGraph]:
        return [model.graph(entry, override) for entry, model in self.models]

    def diagnostics(self) -> list[Diagnostic]:
        found = list(self.notes)
        here = os.path.abspath(self.path)
        for graph in self.graphs():
            for d in check_graph(graph):
                if os.path.abspath(d.path) == here:
                    found.append(Diagnostic(d.code, d.line, d.column, d.message, d.data,
                                            self.path))
        unique = {(d.code.code, d.line, d.column): d for d in found}
        return sorted(unique.values(), key=lambda d: (d.line, d.column, d.code.code))


def analyse(source: str, path: str, limits: Limits | None = None,
            discover: bool = True) -> FileAnalysis:
    """Interpret a file; with discover, also run its top-level functions to find models."""
    result = FileAnalysis(path)
    try:
        tree = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError):
        return result
    interp = Interpreter(Frameworks(), limits)
    result.interp = interp
    name = os.path.splitext(os.path.basename(path))[0]
    try:
        module = interp.run_module(tree, os.path.abspath(path), name, main=True)
    except BudgetExhausted as why:
        result.notes.append(_note(SHP902, path, f"analysis stopped: {why}; no model in this file "
                                  "was checked (raise the budget in [tool.shapelint])"))
        return result
    except RecursionError:
        result.notes.append(_note(SHP901, path, "analysis stopped: the code nests too deeply"))
        return result
    result.module = module
    names = {id(getattr(v, "payload", v)): k for k, v in module.scope.vars.items()
             if isinstance(getattr(v, "payload", v), MODEL_TYPES)}
    for model in interp.state.models:
        result.models.append((names.get(id(model), model.name), model))
    if discover:
        _discover(result, interp, module)
    return result


def _discover(result: FileAnalysis, interp: Interpreter, module) -> None:
    """Call the module's own top-level functions nobody called, to meet the models they build."""
    for name, value in list(module.scope.vars.items()):
        if not isinstance(value, Function) or value.module is not module:
            continue
        if id(value.node) in interp.called or not _builds_models(value.node):
            continue
        before = len(interp.state.models)
        try:
            interp.call(value, (), {}, None)
        except BudgetExhausted as why:
            del interp.state.models[before:]
            result.notes.append(_note(SHP902, result.path, f"analysis stopped in {name}(): {why}"))
            return
        except RecursionError:
            del interp.state.models[before:]
            return
        for model in interp.state.models[before:]:
            result.models.append((name, model))


_MODEL_WORDS = frozenset({"Sequential", "Model", "Input", "layers", "keras", "tf", "nn",
                          "Module", "torch"})


def _builds_models(node) -> bool:
    """Does a function mention a framework name? Only those are worth running unasked."""
    todo = [node.body]
    while todo:
        current = todo.pop()
        if isinstance(current, cst.Name) and current.value in _MODEL_WORDS:
            return True
        todo.extend(current.children)
    return False


def evaluate_entry(analysis: FileAnalysis, entry: str):
    """The model an ENTRY names: a module-level name or a call expression in module scope."""
    if analysis.module is None:
        raise EntryError(f"{analysis.path} could not be analysed")
    try:
        expression = cst.parse_expression(entry)
    except cst.ParserSyntaxError:
        raise EntryError(f"'{entry}' is not a Python expression") from None
    interp = analysis.interp
    if isinstance(expression, cst.Name) and expression.value not in analysis.module.scope.vars:
        raise EntryError(f"{analysis.path} defines no '{entry}'")
    try:
        value = interp.eval(expression, analysis.module.scope)
        if isinstance(value, (Function, Class)):
            value = interp.call(value, (), {}, None)
    except BudgetExhausted as why:
        raise EntryError(f"'{entry}' needs more analysis work than the budget allows ({why})")
    if isinstance(value, Unknown):
        raise EntryError(f"'{entry}' could not be evaluated: {value.reason}")
    value = getattr(value, "payload", value)  # a subclassed model's record
    if not isinstance(value, MODEL_TYPES):
        raise EntryError(f"'{entry}' is not a model shapelint can read")
    return value


def _note(code, path, message) -> Diagnostic:
    return Diagnostic(code, 1, 0, message, {}, path)
