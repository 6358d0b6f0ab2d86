"""The commands beyond check and summary: fix and explain (kept apart from cli.py)."""
from __future__ import annotations

import os
import sys


def register(commands) -> None:
    """Add the subcommands to the `shapelint` parser; each sets `run`."""
    fix = commands.add_parser("fix", help="apply autofixes (libcst codemods)")
    fix.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    fix.add_argument("--diff", action="store_true",
                     help="print a unified diff of the fixes and change nothing")
    fix.add_argument("--unsafe-fixes", action="store_true",
                     help="also apply fixes that choose a number (see the rule pages)")
    fix.set_defaults(run=run_fix)
    register_explain(commands)
    lsp = commands.add_parser("lsp", help="a Language Server on stdio (pip install "
                              "'shapelint[lsp]')")
    lsp.set_defaults(run=run_lsp)


def run_lsp(args) -> int:
    from .usage import UsageError
    try:
        from .lsp import main
    except ImportError as error:  # pygls is the optional extra `lsp`
        raise UsageError(f"shapelint lsp needs pygls ({error.name or error}); install it with "
                         "pip install 'shapelint[lsp]'")
    return main()


def _read_exact(path: str) -> str:
    """The file's text with its line endings untouched (a fix must not rewrite them)."""
    from .usage import UsageError
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text; shapelint reads Python source files")
    except OSError as error:
        raise UsageError(f"{path}: cannot be read ({error.strerror})")


def _write(path: str, text: str) -> None:
    temporary = f"{path}.shapelint-tmp"
    with open(temporary, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(temporary, path)


def _fix_one(path: str, text: str, unsafe: bool):
    """A FixResult, or a NotebookFixResult that rewrites only the cells it repairs."""
    from .notebook import is_notebook
    if not is_notebook(path):
        from ..pipeline.fix import fix_source
        return fix_source(text, path, unsafe)
    from .usage import UsageError
    from .notebook import NotebookError
    from .notebook_fix import fix_notebook
    try:
        return fix_notebook(text, path, unsafe)
    except NotebookError as error:
        raise UsageError(str(error))


def _applied(result) -> list[str]:
    """'path:line:col' (or 'path:cell N:line:col') and the title of each fix applied."""
    if hasattr(result, "module"):  # a notebook: (fix, cell, line in cell)
        return [f"{result.path}:cell {cell}:{line}:{fix.col + 1}: {fix.code} fixed: "
                f"{fix.title}" for fix, cell, line in result.applied]
    return [f"{result.path}:{fix.line}:{fix.col + 1}: {fix.code} fixed: {fix.title}"
            for fix in result.applied]


def run_fix(args) -> int:
    from .usage import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, python_files
    from ..pipeline.gate import mentions_framework
    texts = [(path, _read_exact(path)) for path in python_files(args.paths)]
    results, failed = [], 0
    for path, text in texts:
        if mentions_framework(text):
            result = _fixed(text, path, args.unsafe_fixes)
            failed += result is None
            results += [result] if result is not None else []
    if args.diff:
        sys.stdout.write("".join(r.diff() for r in results))
        return EXIT_USAGE if failed else \
            EXIT_FINDINGS if any(r.changed for r in results) else EXIT_CLEAN
    for result in results:
        if result.changed:
            _write(result.path, result.after)
        for line in _applied(result):
            print(line)
    from .. import check_source
    applied = sum(len(r.applied) for r in results)
    skipped = sum(r.unsafe_skipped for r in results)
    remaining = sum(len(check_source(getattr(r, "module", r.after), r.path)) for r in results)
    print(f"Fixed {applied} fault{'s' * (applied != 1)}; {remaining} remaining.")
    if skipped:
        print(f"{skipped} unsafe fix{'es' * (skipped != 1)} not applied "
              "(review them with --diff --unsafe-fixes; apply with --unsafe-fixes).")
    return EXIT_USAGE if failed else EXIT_FINDINGS if remaining else EXIT_CLEAN


def _fixed(text: str, path: str, unsafe: bool):
    """fix_source's result, or None after one line on stderr: the file is left as it is."""
    from .usage import UsageError, internal
    try:
        result = _fix_one(path, text, unsafe)
        result.diff()  # a fix that cannot be written out fails here, not halfway through
        return result
    except UsageError:  # a notebook that is not nbformat 4: the user's to correct
        raise
    except Exception as error:  # noqa: BLE001 - this file unchanged, the others fixed
        print(f"shapelint: error: {internal(error, path)}; the file was left unchanged",
              file=sys.stderr)
        return None


def register_explain(commands) -> None:
    explain = commands.add_parser("explain", help="print a rule's documentation page")
    explain.add_argument("code", metavar="CODE", help="e.g. SHP201 or dense-on-feature-map")
    explain.set_defaults(run=run_explain)


def run_explain(args) -> int:
    from .usage import EXIT_CLEAN, UsageError
    from ..domain.codes import REGISTRY
    from ..rules.docs import page
    wanted = args.code.strip()
    match = [c.code for c in REGISTRY.values() if wanted.upper() == c.code or wanted == c.name]
    if not match:
        raise UsageError(f"no shapelint code '{wanted}' (codes: {', '.join(REGISTRY)})")
    sys.stdout.write(page(match[0]))
    return EXIT_CLEAN
