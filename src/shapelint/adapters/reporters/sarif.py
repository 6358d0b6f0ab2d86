"""SARIF 2.1.0: one rule per registered code, one result per diagnostic (for code scanning)."""
from __future__ import annotations

import json
import os
import pathlib
from urllib.parse import quote

from ... import __version__
from ...domain.codes import REGISTRY

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> dict:
    """Relative paths stay relative to the source root (what code scanning expects)."""
    if os.path.isabs(path):
        return {"uri": pathlib.Path(path).as_uri()}
    return {"uri": quote(pathlib.PurePath(path).as_posix()), "uriBaseId": "%SRCROOT%"}


def _rule(code) -> dict:
    from ...rules.docs import help_uri
    return {"id": code.code, "name": code.name,
            "shortDescription": {"text": code.summary},
            "helpUri": help_uri(code.code),
            "defaultConfiguration": {"level": LEVELS[code.severity], "enabled": code.default},
            "properties": {"tags": [code.name]}}


def _region(d) -> dict:
    """In a notebook the line is within the cell, which the region's properties name."""
    region = {"startLine": d.line, "startColumn": d.column + 1}
    return region if d.cell is None else {**region, "properties": {"cell": d.cell}}


# The other places a finding placed where its fix goes names: data key -> (column key, text).
_OTHER_PLACES = {"seen_at_line": ("seen_at_col", "where the mismatch shows"),
                 "data_at_line": ("data_at_col", "where the data is made")}


def _related(d) -> list:
    """The other places of a finding placed where its fix goes: where the mismatch shows
    (data["seen_at_line"], the fit() / evaluate() / loss / layer call), and where the script
    made the data the model's side contradicts (data["data_at_line"], rules/data_places.py),
    the other honest fix."""
    out = []
    for key, (col_key, text) in _OTHER_PLACES.items():
        line = d.data.get(key) if isinstance(d.data, dict) else None
        if not isinstance(line, int) or line == d.line:
            continue
        col = d.data.get(col_key, 0) if col_key else 0
        region = {"startLine": line, "startColumn": int(col) + 1}
        if d.cell is not None:
            region["properties"] = {"cell": d.cell}
        out.append({"id": len(out) + 1, "physicalLocation": {
            "artifactLocation": _uri(d.path), "region": region}, "message": {"text": text}})
    return out


def render(diagnostics) -> str:
    codes = list(REGISTRY)
    results = [{
        "ruleId": d.code.code, "ruleIndex": codes.index(d.code.code),
        "level": LEVELS[d.code.severity],
        "message": {"text": d.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": _uri(d.path),
            "region": _region(d)}}],
        **({"relatedLocations": _related(d)} if _related(d) else {}),
        "properties": {"data": d.data},
    } for d in diagnostics]
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "shapelint", "version": __version__,
                            "semanticVersion": __version__,
                            "rules": [_rule(REGISTRY[c]) for c in codes]}},
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {"%SRCROOT%": {"uri": pathlib.Path.cwd().as_uri() + "/"}},
        "results": results}]}
    return json.dumps(log, indent=2, default=str) + "\n"
