"""Sensitive help domains (issue 13): seeded zorg, schulden, geldzaken; never pre-ticked at check-in;
a volunteer sees them only on visits they recorded, and editing such a visit keeps them."""
from __future__ import annotations

import pytest

from db.models import AuditLog, HelpDomain, VisitDomain

from bwk_tui.services.kernel.errors import NotAllowed
from bwk_tui.services.visitors import persons, visits


def _id(code: str) -> int:
    return HelpDomain.get(HelpDomain.code == code).id


def test_seeded_sensitive_domains(room):
    sensitive = {d.code for d in visits.domains() if d.sensitive}
    assert sensitive == {"zorg", "schulden", "geldzaken"}


def test_sensitive_domains_are_not_pre_ticked_and_hidden_from_other_volunteers(room, clock):
    boss, vera = room["coordinator"], room["volunteer"]
    p = persons.register(boss, persons.PersonForm(first_name="Femke", consent=True))
    v = visits.check_in(boss, p.id, visits.VisitForm([_id("schulden"), _id("wonen")]))
    visits.check_out(boss, v)
    assert visits.last_domain_ids(p.id) == [_id("wonen")]
    seen_by_vera = visits.person_visits(vera, p.id)[0]
    assert seen_by_vera.domain_ids == [_id("wonen")] and "schulden" not in seen_by_vera.domains
    assert set(visits.person_visits(boss, p.id)[0].domain_ids) == {_id("schulden"), _id("wonen")}
    # Vera edits the visit she cannot fully see: the sensitive domain stays.
    visits.update_visit(vera, v, visits.VisitForm([_id("wonen"), _id("koffie")], referral=""))
    kept = {d.domain_id for d in VisitDomain.select().where(VisitDomain.visit == v)}
    assert kept == {_id("schulden"), _id("wonen"), _id("koffie")}
    # Her own visit shows it to her.
    own = visits.check_in(vera, p.id, visits.VisitForm([_id("zorg")]))
    assert "zorg" in visits.person_visits(vera, p.id)[0].domains and visits.person_visits(vera, p.id)[0].id == own


def test_only_all_sensitive_last_visit_falls_back_to_coffee(room, clock):
    boss = room["coordinator"]
    p = persons.register(boss, persons.PersonForm(first_name="Gijs", consent=True))
    visits.check_out(boss, visits.check_in(boss, p.id, visits.VisitForm([_id("zorg")])))
    assert visits.last_domain_ids(p.id) == [_id("koffie")]


def test_a_coordinator_marks_a_domain_sensitive_audited(room):
    boss = room["coordinator"]
    visits.set_domain_sensitive(boss, _id("wonen"), True)
    assert next(d for d in visits.domains() if d.code == "wonen").sensitive
    assert AuditLog.select().where(AuditLog.action == "domain.sensitive").exists()
    with pytest.raises(NotAllowed):
        visits.set_domain_sensitive(room["volunteer"], _id("wonen"), False)
