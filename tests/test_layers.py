"""Dependencies point one way: ui -> services -> db.

db/ imports neither bwk_tui nor textual; bwk_tui/services imports neither textual nor the ui.
Checked twice: statically (every import statement, also inside functions) and at run time
(importing the layer in a fresh interpreter pulls in nothing it must not).
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RULES = {
    "db": ("bwk_tui", "textual"),
    "bwk_tui/services": ("textual", "bwk_tui.ui", "bwk_tui.cli", "bwk_tui.demo"),
    "bwk_tui/demo": ("textual", "bwk_tui.ui", "bwk_tui.cli"),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module named by an import statement in ``source`` (relative ones made absolute)."""
    found = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)  # `from pkg import sub`
    return found


def _forbidden(name: str, banned: tuple[str, ...]) -> bool:
    return any(name == b or name.startswith(b + ".") for b in banned)


def _layer_files(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


def test_the_checker_catches_every_import_form():
    source = (
        "import textual\n"
        "import os, textual.widgets as w\n"
        "from textual.app import App\n"
        "from bwk_tui import services\n"
        "def later():\n"
        "    from ..ui import app\n"
        "    import bwk_tui.ui.screens\n"
    )
    names = imported_modules(source, "bwk_tui.services.example")
    assert {"textual", "textual.widgets", "textual.app", "bwk_tui", "bwk_tui.ui", "bwk_tui.ui.app",
            "bwk_tui.ui.screens"} <= names
    assert _forbidden("textual.widgets", RULES["db"])
    assert _forbidden("bwk_tui.services", RULES["db"])
    assert _forbidden("bwk_tui.ui.app", RULES["bwk_tui/services"])
    assert not _forbidden("textualize", ("textual",))
    assert not _forbidden("bwk_tui.i18n", RULES["bwk_tui/services"])


@pytest.mark.parametrize("layer", sorted(RULES))
def test_layer_imports_point_one_way(layer):
    files = _layer_files(layer)
    assert len(files) >= 3, f"no Python files found under {layer}/"
    offenders = []
    for path in files:
        names = imported_modules(path.read_text(encoding="utf-8"), _module_name(path),
                                 is_package=path.name == "__init__.py")
        offenders += [f"{path.relative_to(ROOT)}: {n}" for n in sorted(names) if _forbidden(n, RULES[layer])]
    assert offenders == []


@pytest.mark.parametrize("layer", sorted(RULES))
def test_importing_a_layer_loads_nothing_it_must_not(layer):
    modules = [_module_name(p) for p in _layer_files(layer)]
    banned = RULES[layer]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if any(m == b or m.startswith(b + '.') for b in {banned!r}))\n"
        "print('\\n'.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []


def test_import_contracts_hold():
    """The import-linter contracts in pyproject.toml: the layers from the command line down to the
    kernel and the database, screens that call services only, and no cycles among a package's
    modules. ``lint-imports`` prints what is broken."""
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_each_desk_is_a_layer_of_its_own():
    """Every package under services/ is named in the layers contract, so a new desk cannot slip
    past the architecture by not being listed."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    named = {part.strip() for layer in layers for part in layer.split("|")}
    desks = {f"bwk_tui.services.{p.name}" for p in (ROOT / "bwk_tui/services").iterdir()
             if (p / "__init__.py").exists()}
    assert desks and desks <= named, sorted(desks - named)
