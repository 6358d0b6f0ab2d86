"""Rule pages: generated from the registry, never stale, and their examples say what they claim."""
from __future__ import annotations

import pathlib
import re
import runpy

import pytest

from shapelint import check_source
from shapelint.adapters.cli import main
from shapelint.domain.codes import REGISTRY
from shapelint.rules.docs import DOCS, help_uri, page, pages

ROOT = pathlib.Path(__file__).resolve().parent.parent
RULES = ROOT / "docs" / "rules"


def test_every_code_has_a_page_in_ruffs_sections():
    assert set(DOCS) == set(REGISTRY)
    for code in REGISTRY:
        text = page(code)
        assert text.startswith(f"# {code} {REGISTRY[code].name}\n")
        for heading in ("## What it does", "## Why is this bad?", "## Known problems"):
            assert heading in text
        if DOCS[code].example:
            assert "## Example" in text and "Use instead:" in text


def test_pages_on_disk_are_not_stale():
    stale = [name for name, text in pages().items()
             if not (RULES / name).is_file() or (RULES / name).read_text() != text]
    extra = sorted(p.name for p in RULES.glob("*.md") if p.name not in pages())
    assert not stale and not extra, (
        f"docs/rules is stale ({stale + extra}); run `python -m shapelint.rules.docs`")


def test_explain_prints_the_page(capsys):
    assert main(["explain", "SHP201"]) == 0
    out = capsys.readouterr().out
    assert out == (RULES / "SHP201.md").read_text()
    assert main(["explain", "dense-on-feature-map"]) == 0
    assert capsys.readouterr().out == out


def test_explain_unknown_code_is_a_usage_error(capsys):
    assert main(["explain", "SHP999"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "no shapelint code 'SHP999'" in err


def test_help_uri_names_the_page():
    assert help_uri("SHP201").endswith("/docs/rules/SHP201.md")


WITH_EXAMPLES = [code for code, doc in DOCS.items() if doc.example]


@pytest.mark.parametrize("code", WITH_EXAMPLES)
def test_example_raises_its_code_and_use_instead_is_clean(code):
    found = {d.code.code for d in check_source(DOCS[code].example, "example.py", ("SHP",))}
    assert code in found
    assert check_source(DOCS[code].use_instead, "fixed.py", ("SHP",)) == []


def _run_torch(source: str, tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "example.py"
    path.write_text(source)
    namespace = runpy.run_path(str(path))
    [(name, cls)] = [(k, v) for k, v in namespace.items()
                     if isinstance(v, type) and issubclass(v, torch.nn.Module)
                     and v.__module__ == namespace["__name__"]]
    dims = re.search(r"input=\(B, ([\d, ]+)\)", source)
    shape = (2, *(int(d) for d in dims.group(1).split(","))) if dims else (2, 3, 32, 32)
    return cls()(torch.zeros(shape))


def _run_keras(source: str, tmp_path):
    pytest.importorskip("keras")
    path = tmp_path / "example.py"
    path.write_text(source)
    return runpy.run_path(str(path))["model"]


@pytest.mark.parametrize("code", [c for c in WITH_EXAMPLES if c.startswith("SHP1")])
def test_runtime_errors_are_real(code, tmp_path):
    """SHP1xx examples fail in the real framework; their Use instead builds and runs."""
    doc = DOCS[code]
    run = _run_torch if "torch" in doc.example else _run_keras
    with pytest.raises(Exception):
        run(doc.example, tmp_path)
    run(doc.use_instead, tmp_path)


def test_readme_lists_every_code_as_registered():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in REGISTRY.values():
        row = f"| {code.code} | {code.name} | {code.summary}"
        assert row in readme, f"README's code table lacks or misstates {code.code}"
