"""The wheel download the tests share is safe when two test workers ask at once."""
from __future__ import annotations

import subprocess
import zipfile

import wheel_sources as ws


def fake_pip(wheel_files: dict, calls: list):
    def run(argv, **kwargs):
        calls.append(argv)
        folder = argv[argv.index("-d") + 1]
        with zipfile.ZipFile(f"{folder}/pkg-1.0-py3-none-any.whl", "w") as wheel:
            for name, text in wheel_files.items():
                wheel.writestr(name, text)
        return subprocess.CompletedProcess(argv, 0, "", "")
    return run


def test_sources_are_unzipped_once_and_only_python(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(ws, "CACHE", tmp_path)
    monkeypatch.setattr(ws.subprocess, "run",
                        fake_pip({"pkg/a.py": "x = 1\n", "pkg/data.bin": "\0"}, calls))
    first = ws.wheel_sources("pkg==1.0")
    assert first == tmp_path / "pkg-1.0"
    assert (first / "pkg" / "a.py").read_text() == "x = 1\n"
    assert not (first / "pkg" / "data.bin").exists()
    assert ws.wheel_sources("pkg==1.0") == first and len(calls) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["pkg-1.0"]  # no scratch left behind


def test_a_worker_losing_the_race_keeps_the_winners_copy(tmp_path, monkeypatch):
    monkeypatch.setattr(ws, "CACHE", tmp_path)
    pip = fake_pip({"pkg/a.py": "mine\n"}, [])

    def pip_while_another_worker_finishes(argv, **kwargs):
        (tmp_path / "pkg-1.0" / "pkg").mkdir(parents=True)
        (tmp_path / "pkg-1.0" / "pkg" / "a.py").write_text("winner\n")
        return pip(argv, **kwargs)

    monkeypatch.setattr(ws.subprocess, "run", pip_while_another_worker_finishes)
    got = ws.wheel_sources("pkg==1.0")
    assert (got / "pkg" / "a.py").read_text() == "winner\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pkg-1.0"]


def test_a_failed_download_says_which_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(ws, "CACHE", tmp_path)
    monkeypatch.setattr(ws.subprocess, "run", lambda argv, **kw: subprocess.CompletedProcess(
        argv, 1, "", "ERROR: No matching distribution found for pkg==1.0"))
    try:
        ws.wheel_sources("pkg==1.0")
    except ws.DownloadFailed as failed:
        assert "pkg==1.0 could not be downloaded" in str(failed)
        assert "No matching distribution" in str(failed)
    else:
        raise AssertionError("a failed download must raise")
    assert list(tmp_path.iterdir()) == []
