"""Jupyter notebooks (nbformat 4) as one Python module with a line map back to the cells.

Code cells are read in order as one module, joined by a boundary comment line; markdown and raw
cells are ignored. IPython syntax (line magics `%matplotlib inline`, shell lines `!pip install`,
`x = !ls`, help `obj?`) becomes `pass` at the same indentation, and the first line of a cell
magic whose body is Python (`%%time`, `%%capture`, ...) becomes blank: one line for one line,
so every position maps back to (cell, line) unchanged in its column. Cells under any other cell
magic (`%%bash`, `%%html`, `%%writefile`) are not Python and read as blank lines.

Cells are counted from 1 over all cells, as Jupyter shows them; lines from 1 within a cell.
The lint path imports this module only for `.ipynb` paths, and it imports no framework.
"""
from __future__ import annotations

import io
import json
import os
import re
import tokenize
from dataclasses import dataclass, replace

SUFFIX = ".ipynb"
BOUNDARY = "#%% shapelint-cell"  # between two code cells of the module; the fix splits on it
# Cell magics whose body IPython runs as Python (the rest of the cell is read).
PYTHON_BODY = frozenset({"time", "timeit", "capture", "debug", "prun", "pypy", "python",
                         "python3"})
_ESCAPE = re.compile(r"\s*(?:[%!?]|[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[%!])")
_HELP = re.compile(r"\s*[\w.*]+\?{1,2}\s*$")  # `obj?`, `np.*load*??`
_LINE_WORD = re.compile(r"\bon line (\d+)\b")


class NotebookError(ValueError):
    """The file is not a notebook shapelint can read (JSON, nbformat 4)."""


def is_notebook(path: str) -> bool:
    return str(path).lower().endswith(SUFFIX)


@dataclass(frozen=True)
class Cell:
    number: int  # from 1 over all cells
    lines: tuple  # the cell's source lines as written, without their "\n"
    python: tuple  # the same lines with IPython syntax made `pass` / blank
    trailing_newline: bool  # the source ended with "\n"


@dataclass(frozen=True)
class Notebook:
    path: str
    raw: str  # the file's JSON text
    cells: tuple  # the code cells, in order
    source: str  # the module: code cells joined by BOUNDARY lines
    lines: tuple  # module line - 1 -> (cell, line in cell), None for a boundary

    def where(self, line: int) -> tuple[int | None, int]:
        """(cell, line in cell) of a module line; a boundary line maps to the next cell."""
        if 1 <= line <= len(self.lines):
            for spot in self.lines[line - 1:]:
                if spot is not None:
                    return spot
        return (self.cells[0].number, 1) if self.cells else (None, line)

    def locate(self, d):
        """A Diagnostic of the module, positioned in its cell (messages name cells too)."""
        cell, line = self.where(d.line)
        return replace(d, line=line, cell=cell, message=self.relabel(d.message))

    def module_line(self, cell: int, line: int) -> int | None:
        """The module line of (cell, line in cell); None past the cell's end."""
        try:
            return self.lines.index((cell, line)) + 1
        except ValueError:
            return None

    def relabel(self, text: str) -> str:
        """'on line 13' of a message about this module -> 'on cell 3, line 11'."""
        def one(match):
            cell, line = self.where(int(match.group(1)))
            return match.group(0) if cell is None else f"on cell {cell}, line {line}"
        return _LINE_WORD.sub(one, text)

    def label(self, line: int) -> str:
        """'cell 3:11' for a module line (where a .py file would print '13')."""
        cell, line = self.where(line)
        return str(line) if cell is None else f"cell {cell}:{line}"


def load(raw: str, path: str = "<notebook>") -> Notebook:
    """The notebook in raw (its JSON text); NotebookError when it is not nbformat 4."""
    try:
        document = json.loads(raw)
    except ValueError as error:
        raise NotebookError(f"{path}: not a Jupyter notebook (invalid JSON: {error})")
    if not isinstance(document, dict) or document.get("nbformat") != 4 or \
            not isinstance(document.get("cells"), list):
        raise NotebookError(f"{path}: not a Jupyter notebook in nbformat 4")
    cells = [] if not _is_python(document.get("metadata")) else [
        _cell(number, cell_text(cell)) for number, cell in enumerate(document["cells"], 1)
        if isinstance(cell, dict) and cell.get("cell_type") == "code"]
    return assemble(path, raw, cells)


def from_texts(path: str, texts) -> Notebook:
    """A notebook from its code cells' texts in order (an editor's notebook document); cells
    are numbered from 1 over these."""
    return assemble(path, "", [_cell(number, text) for number, text in enumerate(texts, 1)])


def assemble(path: str, raw: str, cells: list) -> Notebook:
    lines, where = [], []
    for cell in cells:
        if lines:
            lines.append(BOUNDARY)
            where.append(None)
        lines += cell.python
        where += [(cell.number, i) for i in range(1, len(cell.python) + 1)]
    source = "\n".join(lines) + "\n" if lines else ""
    return Notebook(path, raw, tuple(cells), source, tuple(where))


def _is_python(metadata) -> bool:
    """A notebook of another kernel (R, Julia) has no Python in it; no metadata means Python."""
    if not isinstance(metadata, dict):
        return True
    for key, field in (("language_info", "name"), ("kernelspec", "language")):
        value = metadata.get(key, {}).get(field) if isinstance(metadata.get(key), dict) else None
        if isinstance(value, str) and value:
            return value.lower().startswith("python")
    return True


def cell_text(cell: dict) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def _cell(number: int, text: str) -> Cell:
    lines = text.split("\n")
    trailing = len(lines) > 1 and lines[-1] == ""
    if trailing or lines == [""]:
        lines.pop()
    return Cell(number, tuple(lines), tuple(python_lines(lines)), trailing)


def python_lines(lines) -> list[str]:
    """One cell's lines with IPython syntax replaced, line for line."""
    lines = list(lines)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        name = lines[first].strip()[2:].split(maxsplit=1)
        if not name or name[0] not in PYTHON_BODY:
            return [""] * len(lines)
        lines[first] = ""
    out, continued = list(lines), False
    for i, line in enumerate(lines):
        if continued or ((_ESCAPE.match(line) or _HELP.match(line)) and _starts(out[:i])):
            indent = line[:len(line) - len(line.lstrip())]
            out[i] = "" if continued else f"{indent}pass"
            continued = line.rstrip().endswith("\\")
    return out


def _starts(before) -> bool:
    """Does a new statement start after these lines? Not inside brackets, a string or a
    backslash continuation, where a `%` or `?` at the start of a line is Python."""
    try:
        for _ in tokenize.generate_tokens(io.StringIO("\n".join(before) + "\n").readline):
            pass
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return False
    return True


# ---- the adapters: check, summary and confirm read notebooks through these ----------------

_READ: dict = {}  # abspath -> Notebook, for the reporters that print a model's lines


def read(path: str) -> Notebook:
    """The notebook at path (a usage error when it is not one); remembered for where()."""
    from .usage import UsageError, read_text
    try:
        notebook = load(read_text(path), path)
    except NotebookError as error:
        raise UsageError(str(error))
    _READ[os.path.abspath(path)] = notebook
    return notebook


def source_text(path: str) -> str:
    """The Python source of a .py file, or the module of a notebook (summary, confirm)."""
    if is_notebook(path):
        return read(path).source
    from .usage import read_text
    return read_text(path)


def position(path: str, line: int) -> tuple[int | None, int]:
    """(cell, line in cell) of a line of a notebook read by this process; (None, line) else."""
    notebook = _READ.get(os.path.abspath(path)) if is_notebook(path) else None
    return notebook.where(line) if notebook is not None else (None, line)


def where(path: str, line: int) -> str:
    """'13' for a .py file, 'cell 3:11' for a line of a notebook read by this process."""
    cell, line = position(path, line)
    return str(line) if cell is None else f"cell {cell}:{line}"


def check_text(text: str, path: str, select=(), ignore=(), config=None) -> list:
    """check_source for a .py file's text or a notebook's JSON text (positions in cells)."""
    from .. import check_source
    if not is_notebook(path):
        return check_source(text, path, select, ignore, config=config)
    from .usage import UsageError
    try:
        notebook = load(text, path)
    except NotebookError as error:
        raise UsageError(str(error))
    _READ[os.path.abspath(path)] = notebook
    return [notebook.locate(d) for d in check_source(notebook.source, path, select, ignore,
                                                     config=config)]
