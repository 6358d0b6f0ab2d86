"""Source text to trees: CPython's (cheap, and the gate for what libcst may see) and libcst's."""
from __future__ import annotations

import ast
import threading
from contextlib import contextmanager

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
        with _unvalidated():
            return cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError, MemoryError):
        return None


# Every libcst node checks its own fields as it is made (CSTNode.__post_init__ runs _validate:
# parentheses balanced, whitespace where a keyword needs it). Nodes made by a codemod need that;
# the nodes libcst's parser makes from text that parses always pass, and the checks are a third
# of the parse's CPU (libcst's own source says as much). So while a parse runs, nodes are made
# without them: the tree is the same. Counted under a lock, as deep_stack is, so that parses in
# two threads restore the check only once both are done.
_lock = threading.Lock()
_parses = [0, None]  # parses under way, the __post_init__ they replaced


def _skip_checks(node) -> None:
    return None


@contextmanager
def _unvalidated():
    node_type = cst.CSTNode
    if "__post_init__" not in vars(node_type):  # another libcst: leave it as it is
        yield
        return
    with _lock:
        if _parses[0] == 0:
            _parses[1] = vars(node_type)["__post_init__"]
            node_type.__post_init__ = _skip_checks
        _parses[0] += 1
    try:
        yield
    finally:
        with _lock:
            _parses[0] -= 1
            if _parses[0] == 0:
                node_type.__post_init__ = _parses[1]
