"""Source text to trees: CPython's (cheap, and the gate for what libcst may see) and libcst's."""
from __future__ import annotations

import ast

import libcst as cst


def python_tree(source: str) -> ast.Module | None:
    """CPython's own tree, or None for text Python itself cannot parse. It refuses nesting that
    would overflow the native libcst parser's stack, and costs about a tenth of libcst's parse."""
    try:
        return ast.parse(source)
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return None


def parse(source: str) -> cst.Module | None:
    """libcst's tree of statements CPython has parsed already (python_tree), or None."""
    try:
        return cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError, MemoryError):
        return None
