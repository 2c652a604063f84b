"""A part whose extra is missing answers with one line naming the ``pip install`` to run."""

from __future__ import annotations

import importlib.util
from importlib.machinery import ModuleSpec

import pytest

from matcher.errors import GrantmatchError
from matcher.extras import MissingExtraError, require_extra


def test_installed_modules_pass() -> None:
    require_extra("report", "json", "importlib")


def test_a_missing_module_names_the_extra_and_the_command() -> None:
    with pytest.raises(MissingExtraError) as caught:
        require_extra("service", "json", "grantmatch_no_such_module")
    message = str(caught.value)
    assert "pip install 'grantmatch[service]'" in message
    assert "grantmatch_no_such_module" in message
    assert "\n" not in message
    assert isinstance(caught.value, GrantmatchError)  # the CLI answers it with exit code 2


def hide(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """Make ``find_spec`` report ``names`` as not installed."""
    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> ModuleSpec | None:
        return None if name in names else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
