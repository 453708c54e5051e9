"""Each package's ``__all__`` is its public surface: complete and importable (httpx tests its
own the same way). A public name in a package's namespace that ``__all__`` lacks is either
exported or made private."""

from __future__ import annotations
import __future__

import importlib
import inspect

import pytest

PACKAGES = ["bot", "console", "handoff", "kefu", "kefu_cli", "knowledge_base", "shop"]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_complete_and_every_name_imports(name: str):
    package = importlib.import_module(name)
    exported = list(getattr(package, "__all__", ()))
    assert exported, f"{name} has no __all__"
    assert len(exported) == len(set(exported)), f"{name}.__all__ repeats a name"
    for member in exported:
        assert getattr(package, member) is not None, f"{name}.{member}"
    public = {
        member
        for member, value in vars(package).items()
        if not member.startswith("_")
        and not inspect.ismodule(value)
        and not isinstance(value, __future__._Feature)
        and member not in {"TYPE_CHECKING", "Any"}
    }
    assert public <= set(exported), f"{name} has public names outside __all__"
