"""The `shapelint` command: check, summary, confirm."""
from __future__ import annotations

import argparse
import sys

from .. import __version__
from .usage import (EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, UsageError, internal,
                    model_targets, parse_shape, python_files, read_text)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not argparse's usage block
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="shapelint", description="Static shapes and parameter counts for "
                     "Keras and PyTorch models.")
    parser.add_argument("--version", action="version", version=f"shapelint {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    check = commands.add_parser("check", help="report faults in model code")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    check.add_argument("--select", default="", help="comma-separated code prefixes to enable")
    check.add_argument("--ignore", default="", help="comma-separated code prefixes to disable")
    from .config import add_cli_options
    add_cli_options(check)
    summary = commands.add_parser("summary", help="per-layer shapes and parameter counts")
    summary.add_argument("targets", nargs="+", metavar="PATH[::ENTRY]")
    summary.add_argument("--input-shape", metavar="SHAPE",
                         help="batch-first, comma-separated, e.g. None,227,227,3")
    summary.add_argument("--format", choices=("table", "json", "dot", "mermaid"),
                         default="table")
    add_cli_options(summary)
    from .subcommands import register
    register(commands)
    confirm = commands.add_parser("confirm", help="static figures next to the real model's "
                                  "(imports and runs the model file in a child process)")
    confirm.add_argument("targets", nargs="+", metavar="PATH[::ENTRY]")
    confirm.add_argument("--input-shape", metavar="SHAPE",
                         help="batch-first, comma-separated, e.g. 1,3,224,224")
    confirm.add_argument("--format", choices=("text", "json"), default="text")
    confirm.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                         help="per model file (default 60)")
    confirm.add_argument("--memory-limit", default="4G", metavar="SIZE",
                         help="address-space ceiling of the child process, e.g. 4G (default), "
                         "512M, 0 for none")
    confirm.add_argument("--jobs", type=int, default=1, help="model files confirmed at once")
    return parser


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise UsageError("a command is required: check, summary, confirm, fix or explain "
                             "(see 'shapelint --help')")
        if getattr(args, "run", None) is not None:
            return args.run(args)
        if args.command == "check":
            return run_check(args)
        if args.command == "confirm":
            from ..confirm.runner import run_confirm  # the lint path never imports confirm
            return run_confirm(args)
        return run_summary(args)
    except UsageError as error:
        print(f"shapelint: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # noqa: BLE001 - the last guard: one line, never a traceback
        print(f"shapelint: error: {internal(error)}", file=sys.stderr)
        return EXIT_USAGE


def _codes(text: str) -> tuple:
    return tuple(c.strip().upper() for c in text.split(",") if c.strip())


def run_check(args) -> int:
    from ..domain.codes import REGISTRY
    select, ignore = _codes(args.select), _codes(args.ignore)
    for code in select + ignore:
        if not any(c.startswith(code) for c in REGISTRY):
            raise UsageError(f"no shapelint code matches '{code}'")
    files = python_files(args.paths)
    texts = [(path, read_text(path)) for path in files]
    from .config import from_args
    from .notebook import check_text  # .py text, or a notebook's cells with their positions
    configs = [from_args(args, path) for path, _ in texts]
    found = []
    for (path, text), config in zip(texts, configs):
        found += check_text(text, path, select, ignore, config=config)  # never raises
    from .reporters import render_diagnostics
    sys.stdout.write(render_diagnostics(args.format, found, sys.stdout))
    return EXIT_FINDINGS if found else EXIT_CLEAN


def run_summary(args) -> int:
    from .config import from_args
    override = parse_shape(args.input_shape) if args.input_shape else None
    targets = model_targets(args.targets)
    results, failed = [], []
    for path, entry in targets:
        where = f"{path}::{entry}" if entry else path
        try:
            results += _summarise(path, entry, from_args(args, path), override, failed)
        except UsageError:
            raise
        except Exception as error:  # noqa: BLE001 - one line for this target, then the next
            failed.append(internal(error, where))
    results = [r for r in results if _renders(args.format, r, failed)]
    for line in failed:
        print(f"shapelint: error: {line}", file=sys.stderr)
    if not results and not failed:
        print("shapelint: no model found in " + ", ".join(args.targets), file=sys.stderr)
    sys.stdout.write(_render(args.format, results))
    return EXIT_USAGE if failed else EXIT_CLEAN


def _render(form: str, results: list) -> str:
    if form in ("dot", "mermaid"):
        from .reporters import pictures
        return getattr(pictures, form)(results)
    if form == "json":
        from .reporters import json_report
        return json_report.models(results) + "\n"
    from .reporters import table
    return "\n".join(table.render(g, p) for g, p in results)


def _renders(form: str, result, failed: list) -> bool:
    """Does one model render? If not, its one line joins failed (the others still print)."""
    try:
        _render(form, [result])
        return True
    except Exception as error:  # noqa: BLE001
        graph, path = result
        failed.append(internal(error, f"{path}::{graph.entry}"))
        return False


def _summarise(path: str, entry: str, config, override, failed: list) -> list:
    """(graph, path) for the models of one target, under [tool.shapelint] for that path: its
    budget, data format and input shapes (--input-shape wins over the configured shape).
    What the analysis could not do joins failed (an internal error) or is said on stderr."""
    from ..pipeline.analysis import EntryError, analyse, evaluate_entry
    from ..domain.codes import SHP901
    from .config import keras_data_format
    from ..pipeline.gate import mentions_framework
    from .notebook import source_text
    text = source_text(path)
    if not mentions_framework(text) and not entry:
        return []
    with keras_data_format(config.data_format):
        analysis = analyse(text, path, config.limits(), discover=not entry, entry=bool(entry),
                           whole_file=not entry)
        for note in analysis.notes if analysis.module is not None or not entry else ():
            if note.code is SHP901:
                failed.append(f"{path}: {note.message}")
            else:
                print(f"shapelint: note: {path}: {note.message}", file=sys.stderr)
        if not entry:
            from ..frameworks.keras_built_by_data import data_input
            return [graph for name, model in analysis.models
                    for graph in _graph(model, name, path, override or config.input_shape(
                        path, name) or data_input(model), failed)]
        try:
            model = evaluate_entry(analysis, entry)
        except EntryError as error:
            raise UsageError(f"{path}::{entry}: {error}")
        return _graph(model, entry, path, override or config.input_shape(path, entry), failed)


def _graph(model, entry: str, path: str, shape, failed: list) -> list:
    from ..pipeline.analysis import FileAnalysis
    try:
        return [(FileAnalysis.graph(entry, model, shape), path)]
    except Exception as error:  # noqa: BLE001 - one line for this model, the others still print
        failed.append(internal(error, f"{path}::{entry}"))
        return []
