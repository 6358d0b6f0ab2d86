"""The rule pages: DOCS gathers every code's page text from the modules that raise it, and
docs/rules/SHPxxx.md are generated from it.

`python -m shapelint.rules.docs [DIR]` rewrites the pages (default docs/rules);
`shapelint explain CODE` prints one. tests/test_rule_docs.py fails when a page is stale and
runs every Example (it must raise its code) and Use instead (it must not).
"""
from __future__ import annotations

import os
import sys
from dataclasses import replace

from ..catalogue import fault_docs
from ..domain.codes import REGISTRY, RuleDoc
from ..frameworks import keras_faults, torch_last_batch, torch_losses, torch_rnn_hidden
from ..frameworks import torch_position_tables, torch_precedence_guards, torch_rnn_missing_axis
from ..frameworks import torch_batch_bound, torch_output_places, torch_overwritten_input
from ..frameworks import array_reshape_faults, torch_image_bands, torch_loop_carried
from ..frameworks import torch_rnn_swapped_view, torch_weight_products
from . import checks, claims, edges, flops_claims, keras_io

# The one place to change when the docs move; SARIF helpUri points here.
DOCS_BASE = "https://github.com/shapelint/shapelint/blob/main/docs/rules/"


def help_uri(code: str) -> str:
    return f"{DOCS_BASE}{code}.md"


# Each page sits beside the judgment that raises its code (one module per judgment or small
# family, as Fixit keeps VALID/INVALID beside each rule): judgments that run while the model is
# interpreted live in frameworks/ (the floors keep them there), and so do their pages. The
# analyzer's own failures (SHP9xx) are raised by pipeline/analysis on the floor above this one,
# which this module may not import: their pages stay here.
_ANALYZER_FAILURES = {
    "SHP901": RuleDoc(
        what="Reports that shapelint hit an internal error on a file and skipped it (at most "
             "once per file).",
        why="The rest of the lint run goes on; the file's models were not checked. Please "
            "report the file."),
    "SHP902": RuleDoc(
        what="Reports that a file needs more analysis work than the budget allows (at most once "
             "per file).",
        why="The budget keeps every lint run bounded: no input can hang shapelint. The models "
            "in the file were not checked. Raise `budget` in `[tool.shapelint]` (or "
            "`--shapelint-budget` under flake8) if the file is worth the time."),
}


def _added(docs: dict, addenda: dict) -> dict:
    """docs with each addendum's sentence appended to the field it names (a judgment that adds
    to a code whose page sits beside another rule: rules/keras_io.py)."""
    out = dict(docs)
    for code, fields in addenda.items():
        out[code] = replace(out[code], **{k: f"{getattr(out[code], k)} {v}"
                                          for k, v in fields.items()})
    return out


DOCS: dict[str, RuleDoc] = _added(
    {**fault_docs.DOCS, **keras_faults.DOCS, **torch_losses.DOCS, **checks.DOCS, **edges.DOCS,
     **claims.DOCS, **flops_claims.DOCS, **_ANALYZER_FAILURES}, keras_io.DOC_ADDENDA)
DOCS = _added(DOCS, torch_rnn_hidden.DOC_ADDENDA)  # h0/c0 of torch RNNs
DOCS = _added(DOCS, torch_last_batch.DOC_ADDENDA)  # a DataLoader's short last batch
DOCS = _added(DOCS, torch_position_tables.DOC_ADDENDA)  # a table left at a default size
DOCS = _added(DOCS, torch_rnn_missing_axis.DOC_ADDENDA)  # a 2-D input with 3-D states
DOCS = _added(DOCS, torch_precedence_guards.DOC_ADDENDA)  # `a != b | c != d`
DOCS = _added(DOCS, torch_overwritten_input.DOC_ADDENDA)  # out = fc2(x) after out = fc1(x)
DOCS = _added(DOCS, torch_output_places.DOC_ADDENDA)  # a model's output reshaped after the call
DOCS = _added(DOCS, torch_batch_bound.DOC_ADDENDA)  # a drawn batch bound again in the loop
DOCS = _added(DOCS, torch_rnn_swapped_view.DOC_ADDENDA)  # an RNN input's batch and steps swapped
DOCS = _added(DOCS, array_reshape_faults.DOC_ADDENDA)  # a numpy reshape of another element count
DOCS = _added(DOCS, torch_image_bands.DOC_ADDENDA)  # an image's bands set by its PIL call
DOCS = _added(DOCS, torch_loop_carried.DOC_ADDENDA)  # a loop's first input fed on every pass
DOCS = _added(DOCS, torch_weight_products.DOC_ADDENDA)  # x @ self.W: on the Parameter


def page(code: str) -> str:
    """The Markdown rule page for one code, in Ruff's sections."""
    entry, doc = REGISTRY[code], DOCS[code]
    default = "" if entry.default else " It is off by default; select it with `--select " \
        f"{code}`."
    out = [f"# {code} {entry.name}", "",
           f"{entry.summary} Severity: {entry.severity}.{default}", "",
           "## What it does", "", doc.what, "", "## Why is this bad?", "", doc.why, ""]
    if doc.example:
        out += ["## Example", "", "```python", doc.example.rstrip("\n"), "```", ""]
    if doc.use_instead:
        out += ["Use instead:", "", "```python", doc.use_instead.rstrip("\n"), "```", ""]
    out += ["## Fix", "", doc.fix, "", "## Known problems", "", doc.known_problems, "",
            "## References", "", f"- Allow it on one line: `# noqa: {code}`",
            "- [All codes](README.md)", ""]
    return "\n".join(out)


def index() -> str:
    rows = [f"| [{c.code}]({c.code}.md) | {c.name} | {c.summary} |" for c in REGISTRY.values()]
    return "\n".join(["# shapelint rules", "",
                      "Generated by `python -m shapelint.rules.docs` from "
                      "`src/shapelint/rules/docs.py`; do not edit by hand.", "",
                      "| Code | Name | What it means |", "| --- | --- | --- |", *rows, ""])


def pages() -> dict[str, str]:
    """File name -> content for the whole docs/rules directory."""
    out = {f"{code}.md": page(code) for code in REGISTRY}
    out["README.md"] = index()
    return out


def write(directory: str) -> list[str]:
    os.makedirs(directory, exist_ok=True)
    written = []
    for name, text in pages().items():
        path = os.path.join(directory, name)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write(sys.argv[1] if len(sys.argv) > 1 else os.path.join("docs", "rules")):
        print(path)
