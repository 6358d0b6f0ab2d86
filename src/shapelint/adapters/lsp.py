"""`shapelint lsp`: a Language Server on stdio, built on pygls (the optional extra `lsp`).

Diagnostics are published on open, save and change (debounced: an edit waits DEBOUNCE seconds
for the next one), with the rule's page as codeDescription and the related location where
there is one (the torch layer's constructor, the SHP201 behind an SHP209). Hover shows shapes
and parameter counts, inlay hints the shape each line of forward() assigns, and code actions
carry the fixes `shapelint fix` makes (safe ones preferred). Notebooks come through the
protocol's notebook document sync: their code cells are read as one module, as `check` does.

The analysis runs on one worker thread (it is CPU work, and Keras's data format is a process
global); everything protocol-shaped lives here, the answers come from shapelint.adapters.editor. The
lint path never imports this module, nor pygls.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from . import editor
from ..rules.docs import help_uri

DEBOUNCE = 0.3  # seconds an edit waits for the next one before the file is analysed
SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning,
            "info": lsp.DiagnosticSeverity.Information}
NOTEBOOKS = lsp.NotebookDocumentSyncOptions(notebook_selector=[
    lsp.NotebookDocumentFilterWithCells(cells=[lsp.NotebookCellLanguage(language="python")],
                                        notebook="jupyter-notebook")])


class ShapelintServer(LanguageServer):
    def __init__(self):
        super().__init__("shapelint", __version__,
                         text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
                         notebook_document_sync=NOTEBOOKS)
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shapelint")
        self.pending: dict = {}  # uri -> the analysis task waiting or running
        self.shots: dict = {}  # uri -> (Snapshot, Notebook or None) of the last analysis

    # -- analysis, debounced --------------------------------------------------------------

    def schedule(self, uri: str, delay: float = 0.0) -> None:
        old = self.pending.pop(uri, None)
        if old is not None:
            old.cancel()
        self.pending[uri] = asyncio.ensure_future(self._analyse(uri, delay))

    async def _analyse(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        job = self._job(uri)  # reads the current text here, on the server's own thread
        if job is None:
            return
        loop = asyncio.get_running_loop()
        try:
            shot, book, version = await loop.run_in_executor(self.worker, job)
            self.shots[uri] = (shot, book)
            self.publish(uri, shot, book, version)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - the editor keeps its server, and is told
            self.window_log_message(lsp.LogMessageParams(
                type=lsp.MessageType.Error,
                message=f"shapelint: internal error analysing {uri}: {error!r}"))
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
                uri=uri, diagnostics=[]))

    def _job(self, uri: str):
        notebook = self.workspace.get_notebook_document(notebook_uri=uri)
        path = to_fs_path(uri) or uri
        if notebook is not None:
            cells = [c.document for c in notebook.cells if c.kind == lsp.NotebookCellKind.Code]
            texts = [self.workspace.get_text_document(c).source for c in cells]

            def run():
                from .notebook import from_texts
                book = from_texts(path, texts)
                return editor.snapshot(book.source, path), (book, cells), None
            return run
        document = self.workspace.get_text_document(uri)
        text, version = document.source, document.version
        return lambda: (editor.snapshot(text, path), None, version)

    async def current(self, uri: str):
        """(Snapshot, notebook) for a document, analysed now when its text has changed."""
        owner = self.workspace.get_notebook_document(cell_uri=uri)
        key = owner.uri if owner is not None else uri
        found = self.shots.get(key)
        if owner is None and (found is None or
                              found[0].text != self.workspace.get_text_document(uri).source):
            loop = asyncio.get_running_loop()
            shot, book, _ = await loop.run_in_executor(self.worker, self._job(key))
            found = self.shots[key] = (shot, book)
        return found

    # -- publishing -------------------------------------------------------------------------

    def publish(self, uri: str, shot, book, version) -> None:
        if book is None:
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
                uri=uri, version=version,
                diagnostics=[diagnostic(f, uri, _identity) for f in shot.findings]))
            return
        notebook, cells = book
        by_cell = {cell: [] for cell in cells}
        for finding in shot.findings:
            cell, _ = notebook.where(finding.start[0] + 1)
            if cell is not None and cell <= len(cells):
                by_cell[cells[cell - 1]].append(diagnostic(
                    finding, cells[cell - 1], lambda p: _in_cell(notebook, p, cell)))
        for cell_uri, found in by_cell.items():
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
                uri=cell_uri, diagnostics=found))


def _identity(position):
    return position


def _in_cell(notebook, position, cell):
    """A module position in its cell; a position in another cell is clamped to this one."""
    spot, line = notebook.where(position[0] + 1)
    return (line - 1, position[1]) if spot == cell else (max(line - 2, 0), 0)


def _range(start, end) -> lsp.Range:
    return lsp.Range(start=lsp.Position(line=start[0], character=start[1]),
                     end=lsp.Position(line=end[0], character=end[1]))


def diagnostic(finding, uri: str, place) -> lsp.Diagnostic:
    d = finding.diagnostic
    related = [lsp.DiagnosticRelatedInformation(
        location=lsp.Location(uri=uri, range=_range(place(r.start), place(r.end))),
        message=r.message) for r in finding.related]
    return lsp.Diagnostic(
        range=_range(place(finding.start), place(finding.end)),
        message=f"{d.code.name}: {d.message}", severity=SEVERITY[d.code.severity],
        code=d.code.code, code_description=lsp.CodeDescription(href=help_uri(d.code.code)),
        source="shapelint", related_information=related or None,
        data={"code": d.code.code, "line": d.line, "col": d.column})


server = ShapelintServer()


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: ShapelintServer, params: lsp.DidOpenTextDocumentParams):
    ls.schedule(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ShapelintServer, params: lsp.DidChangeTextDocumentParams):
    ls.schedule(params.text_document.uri, DEBOUNCE)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: ShapelintServer, params: lsp.DidSaveTextDocumentParams):
    ls.schedule(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ShapelintServer, params: lsp.DidCloseTextDocumentParams):
    uri = params.text_document.uri
    task = ls.pending.pop(uri, None)
    if task is not None:
        task.cancel()
    ls.shots.pop(uri, None)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_OPEN)
def notebook_open(ls: ShapelintServer, params: lsp.DidOpenNotebookDocumentParams):
    ls.schedule(params.notebook_document.uri)


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CHANGE)
def notebook_change(ls: ShapelintServer, params: lsp.DidChangeNotebookDocumentParams):
    ls.schedule(params.notebook_document.uri, DEBOUNCE)


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_SAVE)
def notebook_save(ls: ShapelintServer, params: lsp.DidSaveNotebookDocumentParams):
    ls.schedule(params.notebook_document.uri)


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CLOSE)
def notebook_close(ls: ShapelintServer, params: lsp.DidCloseNotebookDocumentParams):
    ls.shots.pop(params.notebook_document.uri, None)
    for cell in params.cell_text_documents:
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=cell.uri,
                                                                          diagnostics=[]))


def _module_position(found, uri: str, line: int):
    """The module line (0-based) of a document's line: itself, or through the cell map."""
    shot, book = found
    if book is None:
        return line
    notebook, cells = book
    if uri not in cells:
        return None
    module = notebook.module_line(cells.index(uri) + 1, line + 1)
    return None if module is None else module - 1


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
async def hover(ls: ShapelintServer, params: lsp.HoverParams):
    found = await ls.current(params.text_document.uri)
    if found is None:
        return None
    line = _module_position(found, params.text_document.uri, params.position.line)
    text = None if line is None else editor.hover(found[0], line, params.position.character)
    if text is None:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))


@server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT)
async def inlay_hint(ls: ShapelintServer, params: lsp.InlayHintParams):
    found = await ls.current(params.text_document.uri)
    if found is None or found[1] is not None:  # notebooks: hover only
        return []
    hints = editor.inlay_hints(found[0], params.range.start.line, params.range.end.line)
    return [lsp.InlayHint(position=lsp.Position(line=line, character=col), label=label,
                          kind=lsp.InlayHintKind.Type, padding_left=True)
            for line, col, label in hints]


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(
    code_action_kinds=[lsp.CodeActionKind.QuickFix]))
async def code_action(ls: ShapelintServer, params: lsp.CodeActionParams):
    uri = params.text_document.uri
    found = await ls.current(uri)
    if found is None or found[1] is not None:  # notebooks: `shapelint fix nb.ipynb`
        return []
    shot = found[0]
    first, last = params.range.start.line, params.range.end.line
    wanted = [f for f in shot.findings if f.start[0] <= last and f.end[0] >= first]
    out = []
    loop = asyncio.get_running_loop()
    for action in await loop.run_in_executor(ls.worker, editor.actions, shot):
        match = [f for f in wanted if (f.diagnostic.code.code, f.diagnostic.line,
                                       f.diagnostic.column) == (action.code, action.line,
                                                                action.col)]
        if not match:
            continue
        edit = lsp.TextEdit(range=_range(action.start, action.end), new_text=action.new_text)
        out.append(lsp.CodeAction(
            title=action.title, kind=lsp.CodeActionKind.QuickFix,
            is_preferred=action.preferred or None,
            diagnostics=[diagnostic(f, uri, _identity) for f in match],
            edit=lsp.WorkspaceEdit(changes={uri: [edit]})))
    return out


def main() -> int:
    server.start_io()
    return 0
