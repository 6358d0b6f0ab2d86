"""`shapelint confirm --format text`: per model, static and runtime figures side by side."""
from __future__ import annotations


def _figure(value) -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        if value and isinstance(value[0], list):
            return ", ".join(_figure(v) for v in value)
        dims = ["None" if d is None else str(d) for d in value]
        return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
    return str(value)


def _heading(item) -> str:
    verdict = "agrees" if item.agree else ("FAILS" if item.error else "DIFFERS")
    name = item.static.get("name")
    where = ""
    if item.runtime is not None:
        seconds = item.runtime.get("seconds")
        rss = item.runtime.get("peak_rss_kib")
        where = f" (runtime on {item.runtime.get('device')}"
        where += f", {seconds:.1f} s" if seconds is not None else ""
        where += f", child peak RSS {rss // 1024} MiB)" if rss else ")"
    return f"{item.path}::{item.entry}  {item.framework} {name!r}: {verdict}{where}"


def render_one(item) -> str:
    from ..notebook import where  # 'cell 3:11' for a notebook's line
    lines = [_heading(item)]
    rows = [(what, _figure(s), _figure(r), "" if v == "agrees" else f"<- {v}")
            for what, s, r, v in item.checks]
    if rows:
        rows.insert(0, ("", "static", "runtime", ""))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            text = "  ".join(cell.ljust(width) for cell, width in zip(row, widths))
            lines.append(f"  {text}  {row[3]}".rstrip())
    if item.error:
        stage = f" ({item.stage})" if item.stage else ""
        lines.append(f"  error{stage}: {item.error}")
        if item.predicted:
            for d in item.predicted:
                lines.append(f"    predicted by {d.code.code} at line {where(d.path, d.line)}: "
                             f"{d.message}")
        elif item.stage is not None:  # the framework raised (not a timeout or a crash)
            lines.append("    no SHP1xx diagnostic predicted this failure")
    elif item.predicted:
        ran = item.runtime is not None and item.runtime.get("output_shape") is not None
        for d in item.predicted:
            lines.append(f"  {d.code.code} at line {where(d.path, d.line)} predicts a failure: "
                         + ("yet the model ran" if ran else "no forward pass ran to confirm it"))
    for note in item.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines) + "\n"


def render(items) -> str:
    if not items:
        return ""
    agree = sum(1 for i in items if i.agree)
    body = "\n".join(render_one(i) for i in items)
    return body + f"\n{len(items)} model(s): {agree} agree, {len(items) - agree} do not\n"
