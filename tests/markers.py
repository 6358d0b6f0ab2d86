"""Fixture markers: `# shape: (None, 26, 26, 32); params: 320; warning: SHP201` on a line says
what that line's layer does; `# error:` / `# warning:` / `# info:` name the codes expected there;
`# seen: SHPxxx` marks the call where a finding reported on its fix line shows (and raises).
`# input: (...)` in a fixture's first lines is the input shape for models that need one."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_MARKER = re.compile(r"#\s*((?:shape|params|error|warning|info|seen)\s*:.*)$")


@dataclass
class Marker:
    line: int
    shape: str | None = None
    params: int | None = None
    codes: set = field(default_factory=set)
    # `# seen: SHP110`: the call where a finding placed on its fix line shows (the raise)
    seen: set = field(default_factory=set)


def normalise_shape(text: str) -> str:
    return re.sub(r"\s+", "", text).replace(",)", ")")


def read_markers(path) -> dict[int, Marker]:
    markers = {}
    with open(path, encoding="utf-8") as handle:
        for number, text in enumerate(handle, 1):
            match = _MARKER.search(text)
            if not match:
                continue
            marker = Marker(number)
            for item in match.group(1).split(";"):
                key, _, value = item.partition(":")
                key, value = key.strip(), value.strip()
                if key == "shape":
                    marker.shape = normalise_shape(value)
                elif key == "params":
                    marker.params = int(value.replace("_", "").replace(",", ""))
                elif key in ("error", "warning", "info"):
                    marker.codes.update(c.strip() for c in value.split(",") if c.strip())
                elif key == "seen":
                    marker.seen.update(c.strip() for c in value.split(",") if c.strip())
            markers[number] = marker
    return markers
