"""`shapelint lsp` as an editor uses it: a real LSP client (pytest-lsp) drives the server over
stdio. Open the seed, receive SHP201 on its line, hover shows the shape, apply the offered fix
and end with an empty diagnostic list."""
from __future__ import annotations

import asyncio
import json
import os
import pathlib
import sys

import pytest


pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "alexnet.py"
TORCH = ROOT / "fixtures" / "torch" / "linear_after_conv_without_flatten.py"
PUBLISH = lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS


@pytest_lsp.fixture(config=ClientServerConfig(
    server_command=[sys.executable, "-m", "shapelint", "lsp"],
    server_env={**os.environ, "PYTHONPATH": str(ROOT / "src")}))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=ROOT.as_uri()))
    yield
    await lsp_client.shutdown_session()


async def open_document(client: LanguageClient, path: pathlib.Path, text: str | None = None):
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
        uri=uri, language_id="python", version=1, text=text or path.read_text())))
    await published(client)
    return uri


async def published(client: LanguageClient, seconds: float = 120):
    """The next publishDiagnostics; a server that never sends it fails the test, not hangs it."""
    return await asyncio.wait_for(client.wait_for_notification(PUBLISH), seconds)


def edit(client: LanguageClient, uri: str, version: int, line: int, text: str, until=None):
    """Replace lines [line, until) (an insertion when until is None) with text."""
    end = line if until is None else until
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[lsp.TextDocumentContentChangePartial(
            range=lsp.Range(start=lsp.Position(line=line, character=0),
                            end=lsp.Position(line=end, character=0)), text=text)]))


def hover_text(client, uri, line, character):
    return client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri),
        position=lsp.Position(line=line, character=character)))


@pytest.mark.asyncio
async def test_seed_diagnostic_hover_fix_and_clean(client: LanguageClient):
    uri = await open_document(client, SEED)
    [d] = client.diagnostics[uri]
    assert (d.code, d.severity, d.source) == ("SHP201", lsp.DiagnosticSeverity.Warning,
                                              "shapelint")
    assert d.range.start == lsp.Position(line=12, character=4)  # examples/alexnet.py:13:5
    assert d.range.end == lsp.Position(line=12, character=50)  # the whole Dense(...) call
    assert d.message.startswith("dense-on-feature-map: Dense(4096) is applied to a rank-4 "
                                "tensor (None, 13, 13, 256)")
    assert d.code_description.href.endswith("docs/rules/SHP201.md")

    hover = await hover_text(client, uri, 12, 30)
    assert "Dense(4096): 1,052,672 params" in hover.contents.value
    assert "as intended (SHP201): 177,213,440 params" in hover.contents.value
    assert "output: (None, 13, 13, 4096)" in hover.contents.value
    assert await hover_text(client, uri, 0, 2) is None  # the docstring: nothing known

    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=d.range,
        context=lsp.CodeActionContext(diagnostics=[d])))
    [action] = actions
    assert action.title == "shapelint: insert Flatten() before Dense(4096)"
    assert action.is_preferred and action.kind == lsp.CodeActionKind.QuickFix
    [change] = action.edit.changes[uri]
    assert change.new_text == "    tf.keras.layers.Flatten(),\n"
    assert change.range.start == change.range.end == lsp.Position(line=12, character=0)

    # Add the Flatten() as the action says: SHP201 is gone; the docstring's stated count is
    # now stale (SHP209, as `shapelint check` says of the fixed seed), related to nothing.
    edit(client, uri, 2, 12, change.new_text)
    await published(client)
    [d] = client.diagnostics[uri]
    assert d.code == "SHP209" and "builds 201,838,952 parameters" in d.message
    hover = await hover_text(client, uri, 13, 30)
    assert "output: (None, 4096)" in hover.contents.value
    assert "Dense(4096): 177,213,440 params" in hover.contents.value
    # The docstring brought up to date: an empty list.
    docstring = SEED.read_text().splitlines()[1].replace("25,678,184", "201,838,952")
    edit(client, uri, 3, 1, docstring + "\n", until=2)
    await published(client)
    assert list(client.diagnostics[uri]) == []


@pytest.mark.asyncio
async def test_torch_related_location_hover_and_inlay_hints(client: LanguageClient):
    uri = await open_document(client, TORCH)
    [d] = client.diagnostics[uri]
    assert (d.code, d.severity) == ("SHP101", lsp.DiagnosticSeverity.Error)
    assert d.range.start == lsp.Position(line=11, character=15)
    [related] = d.related_information
    assert related.message == "Linear constructed here"
    assert related.location.range.start == lsp.Position(line=7, character=18)
    hover = await hover_text(client, uri, 10, 9)  # x in `x = self.conv(x)`
    assert hover.contents.value == "```python\nx: (B, 32, 26, 26)\n```"
    hover = await hover_text(client, uri, 7, 25)  # nn.Linear(32 * 26 * 26, 10)
    assert "Linear(32 * 26 * 26, 10): 216,330 params" in hover.contents.value
    hints = await client.text_document_inlay_hint_async(lsp.InlayHintParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri),
        range=lsp.Range(start=lsp.Position(line=0, character=0),
                        end=lsp.Position(line=20, character=0))))
    assert [(h.position.line, h.label) for h in hints] == [(10, "(B, 32, 26, 26)")]
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=d.range,
        context=lsp.CodeActionContext(diagnostics=[d])))
    assert [a.title for a in actions] == ["shapelint: flatten the input of this Linear from "
                                          "dim 1"]


@pytest.mark.asyncio
async def test_notebook_document_sync_publishes_per_cell(client: LanguageClient):
    book = json.loads((ROOT / "examples" / "alexnet.ipynb").read_text())
    uri = (ROOT / "examples" / "alexnet.ipynb").as_uri()
    cells, documents = [], []
    for number, cell in enumerate(book["cells"], 1):
        if cell["cell_type"] != "code":
            continue
        cell_uri = f"vscode-notebook-cell:{uri}#cell{number}"
        cells.append(lsp.NotebookCell(kind=lsp.NotebookCellKind.Code, document=cell_uri))
        documents.append(lsp.TextDocumentItem(uri=cell_uri, language_id="python", version=1,
                                              text="".join(cell["source"])))
    client.notebook_document_did_open(lsp.DidOpenNotebookDocumentParams(
        notebook_document=lsp.NotebookDocument(uri=uri, notebook_type="jupyter-notebook",
                                               version=1, cells=cells),
        cell_text_documents=documents))
    for _ in range(600):  # one notification per cell, sent together: wait for all of them
        if all(document.uri in client.diagnostics for document in documents):
            break
        await asyncio.sleep(0.05)
    model_cell = documents[1].uri  # cell 3 of the notebook, the 2nd code cell
    [d] = client.diagnostics[model_cell]
    assert d.code == "SHP201" and d.range.start == lsp.Position(line=10, character=4)
    assert not client.diagnostics[documents[0].uri] and not client.diagnostics[documents[2].uri]
    hover = await hover_text(client, model_cell, 10, 30)
    assert "output: (None, 13, 13, 4096)" in hover.contents.value


@pytest.mark.asyncio
async def test_edits_in_quick_succession_are_analysed_once(client: LanguageClient):
    uri = await open_document(client, SEED)
    for version in (2, 3, 4):  # three keystrokes well inside the debounce delay
        edit(client, uri, version, 2, f"# edit {version}\n")
    first = await published(client)
    assert first.version == 4  # the first analysis after the burst saw the last text
    assert [d.range.start.line for d in first.diagnostics] == [15]


def test_the_lint_path_never_imports_the_server():
    import subprocess
    code = ("import sys, shapelint; from shapelint.adapters.cli import main; main(['check', "
            f"{str(SEED)!r}]); print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pygls', 'lsprotocol') or m in ('shapelint.adapters.lsp', 'shapelint.adapters.editor')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert done.stdout.strip().endswith("[]"), done.stdout + done.stderr
