"""The translation layer: Dutch and English are complete and agree on their placeholders."""
from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from bwk_tui.i18n import CATALOGUES, current_language, set_language, t
from bwk_tui.i18n import en, nl

ROOT = Path(__file__).resolve().parent.parent


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_both_catalogues_have_the_same_keys():
    assert set(nl.TEXTS) - set(en.TEXTS) == set(), "missing in English"
    assert set(en.TEXTS) - set(nl.TEXTS) == set(), "missing in Dutch"
    assert len(nl.TEXTS) > 50


def test_same_placeholders_per_key():
    differ = {key: (placeholders(nl.TEXTS[key]), placeholders(en.TEXTS[key]))
              for key in nl.TEXTS if key in en.TEXTS
              and placeholders(nl.TEXTS[key]) != placeholders(en.TEXTS[key])}
    assert differ == {}


@pytest.mark.parametrize("language", sorted(CATALOGUES))
def test_no_empty_text(language):
    empty = [key for key, text in CATALOGUES[language].items() if not isinstance(text, str) or not text.strip()]
    assert empty == []


@pytest.mark.parametrize("language", sorted(CATALOGUES))
def test_every_text_formats(language):
    for key, text in CATALOGUES[language].items():
        text.format(**{name: "x" for name in placeholders(text)})  # no stray { or }


def test_t_translates_formats_and_follows_the_language():
    assert current_language() == "nl"
    assert t("error.name_long", max=60) == nl.TEXTS["error.name_long"].format(max=60)
    assert "60" in t("error.name_long", max=60)
    assert t("error.name_long", language="en", max=60) == en.TEXTS["error.name_long"].format(max=60)
    set_language("en")
    assert t("login.title") == en.TEXTS["login.title"]
    set_language("xx")  # unknown: back to Dutch
    assert current_language() == "nl"
    assert t("no.such.key") == "no.such.key"


# --- every key the services raise exists, with the values its text needs ---------------------

ERROR_CLASSES = {"BwkError", "InvalidInput", "NotAllowed", "AuthFailed", "BackupError"}


def _raised_keys() -> list[tuple[str, str, set[str] | None]]:
    """(where, key, keyword names given or None when unknown) for every error built in services."""
    found = []
    for path in sorted((ROOT / "bwk_tui" / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ERROR_CLASSES and node.args and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                if any(k.arg is None for k in node.keywords):
                    given = None  # **params: cannot tell statically
                else:
                    given = {k.arg for k in node.keywords} - {"field"}
                found.append((f"{path.name}:{node.lineno}", node.args[0].value, given))
            elif name == "Finding" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                given = None
                if len(node.args) >= 3 and isinstance(node.args[2], ast.Dict):
                    given = {k.value for k in node.args[2].keys if isinstance(k, ast.Constant)}
                found.append((f"{path.name}:{node.lineno}", node.args[1].value, given))
    return found


def test_every_message_key_of_the_services_is_translated():
    raised = _raised_keys()
    assert len(raised) > 20
    problems = []
    for where, key, given in raised:
        for language, catalogue in CATALOGUES.items():
            if key not in catalogue:
                problems.append(f"{where}: {key} missing in {language}")
            elif given is not None and not placeholders(catalogue[key]) <= given:
                problems.append(f"{where}: {key} needs {placeholders(catalogue[key]) - given}")
    assert problems == []


def test_every_database_url_reason_is_translated():
    source = (ROOT / "db" / "connection.py").read_text(encoding="utf-8")
    reasons = {node.args[0].value for node in ast.walk(ast.parse(source))
               if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "DatabaseUrlError"
               and node.args and isinstance(node.args[0], ast.Constant)}
    assert {"unknown_scheme", "is_directory", "no_path", "no_name"} <= reasons
    for reason in reasons:
        for catalogue in CATALOGUES.values():
            assert placeholders(catalogue[f"error.db_url.{reason}"]) <= {"url"}
