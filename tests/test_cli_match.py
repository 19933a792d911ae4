"""`bwk match propose` and `bwk match scores` (issue 6): the CSV outputs are consistent — each request at
most once, no offer beyond its remaining capacity, the total is the sum of the rows — and agree with the
service."""
from __future__ import annotations

import csv
import io
import random
import re
import sys

import pytest

from db.models import HelpDomain

from bwk_tui.cli import main
from bwk_tui.services.matching import scoring
from bwk_tui.services.matching import matches
from bwk_tui.services.matching import requests as matching_requests
from bwk_tui.services.visitors import persons
from bwk_tui.services.matching.requests import OfferForm, RequestForm
from bwk_tui.services.visitors.persons import PersonForm


@pytest.fixture
def filled(sqlite_room, sqlite_url):
    boss = sqlite_room["coordinator"]
    rng = random.Random(6)
    domains = [d.id for d in HelpDomain.select() if d.code != "koffie"]
    langs = ["nl", "tw", "ar", "ti", "pap", "en"]

    def pid(name, languages):
        return persons.register(boss, PersonForm(first_name=name, pc4="1102", languages=languages, consent=True),
                                allow_duplicate=True).id

    offers = []
    for i in range(8):
        ds = rng.sample(domains, rng.randint(1, 3))
        offers.append(matching_requests.create_offer(boss, OfferForm(
            ds, rng.randint(1, 3), person_id=pid(f"Helper{i}", ",".join(rng.sample(langs, 2))),
            lived_experience_ids=ds[:1] if rng.random() < 0.5 else [], languages=",".join(rng.sample(langs, 2)),
            availability=",".join(rng.sample(["ma-o", "di-m", "wo-a", "do-o", "vr-m"], 2)))))
    requests = []
    for i in range(25):
        requests.append(matching_requests.create_request(boss, RequestForm(
            pid(f"Asker{i}", ""), rng.sample(domains, rng.randint(1, 2)), languages=rng.choice(langs),
            availability=",".join(rng.sample(["ma-o", "di-m", "wo-a", "do-o", "vr-m"], rng.randint(0, 3))),
            urgency=rng.randint(1, 3))))
    # Some places are already taken: an active match and a waiting proposal.
    for req in requests[:3]:
        short = scoring.shortlist(req.id, top=1)
        if short:
            m = matches.propose(boss, req.id, short[0].offer_id)
            if req is not requests[2]:
                matches.confirm(boss, m.id)
    return sqlite_url


def run(capsys, *args) -> tuple[int, str, str]:
    """`bwk ARGS --as Coby --pin-stdin` with Coby's PIN on standard input (a coordinator-only read)."""
    before, sys.stdin = sys.stdin, io.StringIO("246813\n")
    try:
        code = main([*args, "--as", "Coby", "--pin-stdin"])
    finally:
        sys.stdin = before
    out, err = capsys.readouterr()
    return code, out, err


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_outputs_are_consistent(filled, sqlite_room, capsys):
    code, out, _ = run(capsys, "--db", filled, "match", "scores", "--format", "csv")
    assert code == 0
    scores = rows(out)
    assert scores and list(scores[0]) == ["request_id", "request", "offer_id", "offer", "score", "remaining",
                                          "reasons"]
    remaining = {}
    for row in scores:
        assert int(row["remaining"]) > 0  # only feasible pairs
        remaining.setdefault(row["offer_id"], int(row["remaining"]))
        assert remaining[row["offer_id"]] == int(row["remaining"])
        assert int(row["score"]) == sum(int(p) for p in re.findall(r"\(\+(\d+)\)", row["reasons"]))
    feasible = {(row["request_id"], row["offer_id"]): int(row["score"]) for row in scores}

    code, out, _ = run(capsys, "--db", filled, "match", "propose", "--format", "csv")
    assert code == 0
    proposal = rows(out)
    assert proposal and list(proposal[0]) == ["request_id", "request", "offer_id", "offer", "score", "reasons"]
    requests = [row["request_id"] for row in proposal]
    assert len(requests) == len(set(requests))  # each request at most once
    for offer_id in {row["offer_id"] for row in proposal}:
        assert sum(row["offer_id"] == offer_id for row in proposal) <= remaining[offer_id]
    for row in proposal:
        assert feasible[(row["request_id"], row["offer_id"])] == int(row["score"])
    total = sum(int(row["score"]) for row in proposal)
    assert total == sum(p.score for p in scoring.propose_all(sqlite_room["coordinator"]))

    code, out, err = run(capsys, "--db", filled, "match", "propose")
    assert code == 0 and "hulpvraag" in out
    assert f"totale score {total}" in err


def test_the_proposal_saves_nothing(filled, capsys):
    from db.models import Match

    before = Match.select().count()
    assert run(capsys, "--db", filled, "match", "propose", "--format", "csv")[0] == 0
    assert Match.select().count() == before


def test_an_empty_room_prints_just_the_header(sqlite_room, sqlite_url, capsys):
    code, out, _ = run(capsys, "--db", sqlite_url, "match", "propose", "--format", "csv")
    assert code == 0 and out.strip() == "request_id,request,offer_id,offer,score,reasons"
    code, out, _ = run(capsys, "--db", sqlite_url, "match", "scores")
    assert code == 0 and out.startswith("request_id,")


def test_bad_usage_exits_2(sqlite_url, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--db", sqlite_url, "match", "propose", "--format", "xml"])
    assert exited.value.code == 2
