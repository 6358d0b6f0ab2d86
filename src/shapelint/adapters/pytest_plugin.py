"""pytest plugin: each model named by `--shapelint-confirm PATH[::ENTRY]...` (or the ini option
`shapelint_confirm`) becomes a test item that passes when `shapelint confirm` agrees.

Opt-in and cheap when off: nothing is imported until a target is given; the static analysis
runs at collection, the child process (torch / Keras) when the item runs, once per file."""
from __future__ import annotations

import os

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("shapelint")
    group.addoption("--shapelint-confirm", action="extend", nargs="+", default=[],
                    metavar="PATH[::ENTRY]",
                    help="confirm these models' static counts and shapes against torch/Keras")
    group.addoption("--shapelint-confirm-timeout", type=float, default=60.0, metavar="SECONDS",
                    help="time limit per model file (default 60)")
    parser.addini("shapelint_confirm", type="linelist", default=[],
                  help="PATH[::ENTRY] targets for shapelint confirm, one a line")


def _targets(config) -> list[str]:
    given = list(config.getoption("shapelint_confirm")) + list(config.getini("shapelint_confirm"))
    base = str(config.rootpath)
    out = []
    for target in given:
        path, sep, entry = target.partition("::")
        if not os.path.isabs(path) and not os.path.exists(path):
            path = os.path.join(base, path)  # ini paths are relative to the rootdir
        out.append(path + sep + entry)
    return out


class ConfirmFailure(Exception):
    pass


class ConfirmItem(pytest.Item):
    def __init__(self, *, target: str, path: str, entry: str, **kwargs):
        super().__init__(**kwargs)
        self.target, self.model_path, self.entry = target, path, entry

    def runtest(self):
        from .reporters.confirm_text import render_one
        results = _confirmed(self.config, self.target)
        found = [r for r in results if r.entry == self.entry]
        if not found:
            raise ConfirmFailure(f"{self.model_path}: no model '{self.entry}' was confirmed")
        for result in found:
            if not result.agree:
                raise ConfirmFailure(render_one(result))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ConfirmFailure):
            return str(excinfo.value)
        from .usage import internal  # shapelint's own error: one line naming the model
        return internal(excinfo.value, f"{self.model_path}::{self.entry}")

    def reportinfo(self):
        return self.model_path, None, f"shapelint confirm {self.name}"


def _confirmed(config, target):
    """All models of one target, confirmed once (one child process per target)."""
    from ..confirm.runner import confirm
    cache = config.__dict__.setdefault("_shapelint_confirmed", {})
    if target not in cache:
        cache[target] = confirm([target], timeout=config.getoption("shapelint_confirm_timeout"))
    return cache[target]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    targets = _targets(config)
    if not targets:
        return
    from .usage import UsageError
    from ..confirm.runner import static_models
    for target in targets:
        try:
            models = static_models([target])
        except UsageError as error:
            raise pytest.UsageError(f"--shapelint-confirm: {error}")
        path = target.partition("::")[0]
        for model in models:
            name = f"{os.path.relpath(path, config.rootpath)}::{model.entry}"
            items.append(ConfirmItem.from_parent(session, name=name, target=target, path=path,
                                                 entry=model.entry))
