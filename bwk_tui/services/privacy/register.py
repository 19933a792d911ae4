"""The register of processing (verwerkingsregister, AVG art. 30), generated from the schema and
the settings: every table and field, why it is kept, how long, who can see it."""
from __future__ import annotations

from db.models import ALL_MODELS

from bwk_tui.i18n import t
from bwk_tui.services import visitors  # noqa: F401  (declares consent_scope)
from bwk_tui.services.room import settings

# Tables that hold personal data, with the retention rule that applies to them.
PERSONAL = ("person", "household", "visit", "visit_domain", "walk_in", "help_request", "help_request_domain",
            "help_offer", "help_offer_domain", "match", "volunteer", "shift_assignment", "account", "audit_log",
            "cash_entry", "cash_closing")

# Fields kept only because one figure uses them (minimal data): each says which.
FIELD_REASONS = {"person": ("birth_year",), "household": ("size",)}


def text() -> str:
    months, note_months = settings.get_int("retention_months"), settings.get_int("note_retention_months")
    lines = [f"# {t('register.title', room=settings.get('room_name') or '-')}", "", t("register.intro"), "",
             t("register.legal_basis", scope=settings.get("consent_scope")), ""]
    other = []
    for model in ALL_MODELS:
        table = model._meta.table_name
        if table not in PERSONAL:
            other.append(table)
            continue
        fields = ", ".join(f.column_name for f in model._meta.sorted_fields)
        lines += [f"## {table}", "",
                  f"- {t('register.why')}: {t('register.why.' + table)}",
                  f"- {t('register.fields')}: {fields}",
                  f"- {t('register.keep')}: {t('register.keep.' + table, months=months, note_months=note_months)}",
                  f"- {t('register.who')}: {t('register.who.' + table)}"]
        reasons = [t(f"register.field.{table}.{name}") for name in FIELD_REASONS.get(table, ())]
        if reasons:
            lines += [f"- {t('register.field_reasons')}:", *(f"  - {reason}" for reason in reasons)]
        lines.append("")
    lines += [f"## {t('register.other')}", "", ", ".join(other), "", f"## {t('register.todo_title')}", "",
              t("register.todo"), ""]
    return "\n".join(lines)
