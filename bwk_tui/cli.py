"""The `bwk` command: parse arguments, open the database, run the app or a command.

Errors reach the user in plain words on stderr, never as a traceback:
exit 0 on success, 1 on a refused or failed action, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sqlite3
import sys
from pathlib import Path

from peewee import DatabaseError, InterfaceError

from db.connection import DatabaseUrlError

from bwk_tui.i18n import set_language, t
from bwk_tui.services.kernel.errors import BwkError, InvalidInput, NotAllowed, UsageError
from bwk_tui.services.kernel import clock


# argparse's own words go through gettext; these are the ones a user meets, in Dutch.
_ARGPARSE_NL = {
    "usage: ": "gebruik: ",
    "positional arguments": "argumenten",
    "options": "opties",
    "show this help message and exit": "toon deze hulp en stop",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fout: %(message)s\n",
    "unrecognized arguments: %s": "onbekende argumenten: %s",
    "the following arguments are required: %s": "deze argumenten ontbreken: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ongeldige keuze: %(value)r (kies uit %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "expected one argument": "hier hoort één waarde bij",
    "invalid %(type)s value: %(value)r": "ongeldige waarde: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "optie %(option)s is niet eenduidig: %(matches)s",
}


def _argparse_words(language: str) -> None:
    argparse._ = (lambda text: _ARGPARSE_NL.get(text, text)) if language == "nl" else (lambda text: text)


def _pin_from_stdin() -> str:
    line = sys.stdin.readline()
    pin = line.strip()
    if not pin:
        raise InvalidInput("error.pin_stdin_empty")
    return pin


def _prompt_pin() -> str:
    pin = getpass.getpass(t("cli.prompt_pin"))
    again = getpass.getpass(t("cli.prompt_pin_again"))
    if pin != again:
        raise InvalidInput("error.pin_mismatch")
    return pin


def _credentials(args) -> tuple[str, str]:
    """The name and PIN this command runs with: ``--as NAME`` (on a terminal: asked, the first
    coordinator offered) and the PIN (``--pin-stdin``: the first line of standard input; on a
    terminal: asked without echo). Read once: the encrypted database's door and the coordinator
    check use the same pair."""
    cached = getattr(args, "_credentials", None)
    if cached:
        return cached
    tty = sys.stdin.isatty()
    name = getattr(args, "actor", None)
    if not name:
        default = _first_coordinator(args)
        if default is None:
            raise NotAllowed("error.cli_no_coordinator")
        if not tty or getattr(args, "pin_stdin", False):
            raise NotAllowed("error.cli_needs_as")
        name = input(t("cli.prompt_as", name=default)).strip() or default
    if getattr(args, "pin_stdin", False):
        pin = _pin_from_stdin()
    elif tty:
        pin = getpass.getpass(t("cli.prompt_as_pin", name=name))
    else:
        raise NotAllowed("error.cli_needs_pin")
    args._credentials = (name, pin)
    return args._credentials


def _first_coordinator(args) -> str | None:
    door = getattr(args, "_door", None)
    if door is not None and door.needs_login and not getattr(args, "_unlocked", False):
        slots = [s.name for s in door.keyfile.slots if s.role == "coordinator"]
        return sorted(slots, key=str.casefold)[0] if slots else None
    from bwk_tui.services.room import auth

    return auth.first_coordinator_name()


def _as_coordinator(args):
    """The coordinator this command runs for (see ``_credentials``). The same check as the login
    screen: a wrong PIN counts toward the account's lockout. A volunteer is refused. Call it
    after ``_open``."""
    from bwk_tui.services.room import audit, auth

    name, pin = _credentials(args)
    session = auth.login(name, pin)
    if not session.is_coordinator:
        audit.record(session.account_id, "cli.refused", "command", None, _command_name(args))
        raise NotAllowed("error.cli_coordinator_only", name=session.name)
    if session.must_change_pin:
        print(t("cli.pin_too_short", name=session.name), file=sys.stderr)
    return session


def _command_name(args) -> str:
    return " ".join(part for part in (args.command, getattr(args, "user_command", None),
                                      getattr(args, "cash_command", None), getattr(args, "match_command", None),
                                      getattr(args, "roster_command", None),
                                      getattr(args, "privacy_command", None)) if part)


def _audit_read(session, entity: str, detail: str) -> None:
    """The audit line of a command that read coordinator-only data: who, what; no personal data."""
    from bwk_tui.services.room import audit

    audit.record(session.account_id, f"cli.{entity}", entity, None, detail)


def _out_name(out) -> str:
    return f" out={Path(out).name}" if out else ""


def _open(args, out: str | None = None):
    """The database, upgraded; with ``out`` (a command's --out file), refused before anyone logs in
    when that file is the database itself or one of its companions: nothing is touched.

    An encrypted database opens only with an account's PIN (``--as NAME --pin-stdin``, or asked
    on a terminal): its keyslot unwraps the data key. A new database is encrypted from the start."""
    from bwk_tui.services import load_desks
    from bwk_tui.services.kernel.own_files import refuse_own_file
    from bwk_tui.services.room import vault

    load_desks()  # every desk's settings and checks are known to every command
    door = args._door = vault.door(args.db)
    if out is not None:
        refuse_own_file(out)
    if door.needs_login:
        name, pin = _credentials(args)
        opened = vault.unlock(door, name, pin)
        args._unlocked = True
    else:
        opened = vault.open_door(door)
    if out is not None:
        refuse_own_file(out)
    return opened


def cmd_app(args) -> int:
    from bwk_tui.services import load_desks
    from bwk_tui.services.room import vault

    load_desks()
    door = vault.door(args.db)
    # An encrypted database is opened by the login screen, with the PIN that unwraps its key.
    opened = None if door.needs_login else vault.open_door(door)
    from bwk_tui.ui.app import BwkApp

    app = BwkApp(where=opened.where if opened else str(door.path), door=None if opened else door)
    app.run()
    return 0 if app.return_code in (0, None) else 1


def cmd_init(args) -> int:
    from bwk_tui.services.room import auth
    from bwk_tui.services import room

    if bool(args.coordinator) != bool(args.pin_stdin):
        raise UsageError("error.init_flags")
    opened = _open(args)
    if getattr(args, "_unlocked", False):
        _as_coordinator(args)
    print(t("cli.init_done", where=opened.where, version=opened.version))
    if opened.applied:
        print(t("cli.init_applied", names=", ".join(opened.applied)))
    if auth.has_coordinator():
        if args.coordinator:
            print(t("cli.init_has_coordinator"))
        return 0
    if args.coordinator:
        pin = _pin_from_stdin()
        account = room.set_up(args.room or room.current_room_name() or "Buurtwerkkamer", args.coordinator, pin)
    elif sys.stdin.isatty():
        room_name = input(t("cli.prompt_room"))
        name = input(t("cli.prompt_name"))
        account = room.set_up(room_name, name, _prompt_pin())
    else:
        return 0  # the app asks for the first coordinator at its first start
    print(t("cli.init_coordinator", name=account.name))
    _show_recovery_key()
    return 0


def _show_recovery_key() -> None:
    """The recovery key of a database just set up: printed once, never stored anywhere."""
    from bwk_tui.services import room

    key = room.recovery_key_to_show()
    if key:
        print(t("cli.recovery_key", key=key))


def cmd_user_add(args) -> int:
    from bwk_tui.services.room import auth

    _open(args)
    session = _as_coordinator(args)  # with --pin-stdin: line 1 is the coordinator's PIN
    if args.pin_stdin:
        pin = _pin_from_stdin()  # line 2: the new account's PIN
    elif sys.stdin.isatty():
        pin = _prompt_pin()
    else:
        raise InvalidInput("error.needs_terminal")
    account = auth.create_account(session, args.name, args.role, pin, args.language)
    print(t("cli.user_added", name=account.name, role=t(f"role.{account.role}")))
    return 0


def cmd_user_unlock(args) -> int:
    from bwk_tui.services.room import auth

    _open(args)
    account = auth.unlock_named(_as_coordinator(args), args.name)
    print(t("cli.user_unlocked", name=account.name))
    return 0


def cmd_user_remove(args) -> int:
    from bwk_tui.services.room import auth

    _open(args)
    account = auth.deactivate_named(_as_coordinator(args), args.name)
    print(t("cli.user_removed", name=account.name))
    return 0


def cmd_backup(args) -> int:
    from bwk_tui.services.room import backup

    _open(args)
    result = backup.take_backup(args.to, actor_id=_as_coordinator(args).account_id)
    print(t("cli.backup_done", path=result.path, size=max(1, result.size // 1024)))
    if result.pruned:
        print(t("cli.backup_pruned", count=len(result.pruned)))
    return 0


def cmd_restore(args) -> int:
    from bwk_tui.services import load_desks
    from bwk_tui.services.room import backup, vault

    load_desks()
    door = vault.door(args.db)
    if door.kind == vault.NEW:  # a new laptop: the backup and its keyslots, opened with the recovery key
        recovery = _secret_line("cli.prompt_recovery", args.recovery_stdin, "error.recovery_needed")
        result = backup.restore_onto_new(args.file, door, recovery)
        print(t("cli.restore_new_done", path=result.restored_from, where=result.safety_copy))
        return 0
    _open(args)
    session = _as_coordinator(args)
    # Written before the restore, so it stays in the kept copy of the replaced data; the
    # restored database's own line (the service's) cannot name an account it may not have.
    _audit_read(session, "restore", f"file={Path(args.file).name}")
    try:
        result = backup.restore(args.file)
    except BwkError as exc:
        if exc.key != "error.backup_needs_recovery":
            raise
        print(t("cli.restore_other_key"), file=sys.stderr)
        result = backup.restore(args.file, recovery_key=_secret_line("cli.prompt_recovery", args.recovery_stdin, "error.recovery_needed"))
    print(t("cli.restore_done", path=result.restored_from, copy=result.safety_copy))
    return 0


def cmd_check(args) -> int:
    from bwk_tui.services.room import check

    opened = _open(args)
    if getattr(args, "_unlocked", False):  # an encrypted database: a coordinator's check
        _as_coordinator(args)
    print(opened.where)
    problems = 0
    for finding in check.run_check():
        mark = t("cli.check_ok") if finding.ok else t("cli.check_bad")
        problems += not finding.ok
        print(f"  [{mark}] {t(finding.key, **finding.params)}")
    print(t("cli.check_all_ok") if not problems else t("cli.check_problems", count=problems))
    return 1 if problems else 0


def cmd_settings(args) -> int:
    from bwk_tui.services.room import settings

    _open(args)
    session = _as_coordinator(args)
    if args.key is None:
        _audit_read(session, "settings", "all")
        for key, value in settings.all_editable().items():
            print(f"{key} = {value.replace(chr(10), '; ')}")
        return 0
    if args.value is None:
        if args.key not in settings.editable():
            raise InvalidInput("error.setting_unknown", key=args.key, keys=", ".join(settings.editable()))
        _audit_read(session, "settings", f"key={args.key}")
        print(settings.get(args.key).replace("\n", "; "))
        return 0
    stored = settings.change(args.key, args.value, actor_id=session.account_id)
    print(t("cli.setting_changed", key=args.key, value=stored.replace("\n", "; ")))
    return 0


def cmd_encrypt(args) -> int:
    from bwk_tui.services.room import rekeying

    _open(args)
    session = _as_coordinator(args)
    result = rekeying.encrypt(session, _credentials(args)[1], args._door)
    print(t("cli.encrypted", where=result.where, backups=result.backups))
    print(t("cli.recovery_key", key=result.recovery_key))
    return 0


def cmd_rekey(args) -> int:
    from bwk_tui.services.room import rekeying

    _open(args)
    session = _as_coordinator(args)
    result = rekeying.rekey(session, _credentials(args)[1])
    print(t("cli.rekeyed", where=result.where, backups=result.backups))
    print(t("cli.recovery_key", key=result.recovery_key))
    return 0


def _secret_line(prompt_key: str, stdin: bool, missing: str = "error.needs_terminal") -> str:
    if stdin:
        line = sys.stdin.readline().strip()
        if not line:
            raise InvalidInput("error.stdin_empty")
        return line
    if sys.stdin.isatty():
        return getpass.getpass(t(prompt_key))
    raise InvalidInput(missing)


def cmd_recover(args) -> int:
    """Every PIN lost: the recovery key opens the database, NAME (a coordinator) gets a new PIN."""
    from bwk_tui.services import load_desks
    from bwk_tui.services.room import auth, vault

    load_desks()
    door = vault.door(args.db)
    if not door.needs_login:
        raise BwkError("error.recover_not_encrypted", where=str(door.path or door.url))
    vault.unlock_with_recovery(door, _secret_line("cli.prompt_recovery", args.stdin, "error.recovery_needed"))
    if args.stdin:
        pin = _secret_line("cli.prompt_pin", True)
    else:
        pin = _prompt_pin()
    account = auth.reset_pin_with_recovery(args.name, pin)
    print(t("cli.recovered", name=account.name))
    return 0


def _demo_target(args) -> str:
    from db.connection import default_database_path

    if args.db:
        return args.db
    return str(default_database_path().with_name(f"bwk-demo-{args.scale}.sqlite3"))


def _remove_demo_file(path: Path) -> None:
    from db.connection import is_plain_sqlite

    from bwk_tui.services.room import keyslots
    from bwk_tui.services.room.backup import verify_file

    if is_plain_sqlite(path) is False:  # an encrypted demo: its keyslot file says it is one
        keys = keyslots.path_beside(path)
        if not keys.exists() or not keyslots.read(keys).demo:
            raise BwkError("error.demo_not_empty", path=str(path))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        keys.unlink()
        return
    verify_file(path)  # only a sound bwk database can be a demo we made
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT value FROM setting WHERE key='is_demo'").fetchone()
    except sqlite3.DatabaseError:
        row = None
    finally:
        con.close()
    if not row or row[0] != "1":
        raise BwkError("error.demo_not_empty", path=str(path))
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def cmd_demo(args) -> int:
    from db.connection import _sqlite_path

    from bwk_tui import demo
    from bwk_tui.services import room
    from bwk_tui.services.room import keyslots, settings
    from bwk_tui.services.room import vault

    target = _demo_target(args)
    is_file = not target.startswith(("postgresql:", "postgres:"))
    if is_file:
        path = _sqlite_path(target)
        if path.exists() and path.stat().st_size > 0:
            if not args.force:
                raise BwkError("error.demo_exists", path=str(path))
            _remove_demo_file(path)
        elif os.path.lexists(keyslots.path_beside(path)):  # keys without their database: not ours to replace
            raise BwkError("error.demo_exists", path=str(keyslots.path_beside(path)))
    opened = vault.open_door(vault.door(target))
    if not room.needs_setup() or room.current_room() is not None:
        raise BwkError("error.demo_not_empty", path=opened.where)
    summary = demo.build_demo(seed=args.seed, scale=args.scale,
                              progress=lambda line: print(line, file=sys.stderr))
    settings.put("is_demo", "1")
    vault.mark_demo()
    print(t("cli.demo_done", path=opened.where))
    print(t("cli.demo_counts", persons=summary.persons, households=summary.households,
            visits=summary.visits, accounts=summary.accounts))
    print(t("cli.demo_login", name=summary.coordinator_name, pin=summary.coordinator_pin))
    if summary.volunteer_name:
        print(t("cli.demo_volunteer", name=summary.volunteer_name, pin=summary.volunteer_pin))
    _show_recovery_key()
    print(t("cli.demo_open", path=opened.where))
    return 0


def _out(value: str | None) -> str | None:
    """``--out``: a file, or None for standard output (no ``--out``, ``-`` or ``/dev/stdout``).
    A file that is there and is not a regular one (a device, FIFO, folder) is refused before the
    database is even opened: nothing is ever renamed over it, and a FIFO is never opened."""
    from bwk_tui.services.kernel import files

    if not value or files.means_stdout(value):
        return None
    files.refuse_unless_file(value)
    return value


def cmd_cash_export(args) -> int:
    from bwk_tui.services.cash import cash_export

    out = _out(args.out)
    _open(args, out)
    _audit_read(_as_coordinator(args), "cash_export", f"format={args.format}{_out_name(args.out)}")
    result = cash_export.export(args.format, out=out, stream=None if out else sys.stdout)
    if result.path is not None:
        print(t("cli.cash_exported", count=result.entries, path=result.path), file=sys.stderr)
    return 0


def cmd_report(args) -> int:
    from bwk_tui.services.reports import report_export
    from bwk_tui.services.reports import reports

    from bwk_tui.services.reports import suppression

    period = suppression.export_period(args.period, args.date_from, args.date_to)  # whole months (issue 13)
    out = _out(args.out)
    report_export.check_format(args.format, out)
    _open(args, out)
    session = _as_coordinator(args)
    report = reports.build_report(session, period)
    _audit_read(session, "report", f"period={period.start.isoformat()}..{period.end.isoformat()} "
                                   f"format={args.format}{_out_name(args.out)}")
    if out:
        path = report_export.write(report, args.format, out)
        print(t("cli.report_written", path=path), file=sys.stderr)
    else:
        sys.stdout.write(report_export.render(report, args.format))
    return 0


def _match_rows(pairs, with_remaining: bool) -> tuple[list[str], list[list]]:
    header = ["request_id", "request", "offer_id", "offer", "score"] + (["remaining"] if with_remaining else [])
    rows = [[p.request_id, p.request_name, p.offer_id, p.offer_name, p.score]
            + ([p.remaining_capacity] if with_remaining else [])
            + ["; ".join(f"{r.text} (+{r.points})" for r in p.reasons)] for p in pairs]
    return header + ["reasons"], rows


def _print_match_rows(pairs, fmt: str, with_remaining: bool) -> None:
    try:
        _write_match_rows(pairs, fmt, with_remaining)
        sys.stdout.flush()
    except BrokenPipeError:  # `bwk match scores | head`: the reader has enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _write_match_rows(pairs, fmt: str, with_remaining: bool) -> None:
    header, rows = _match_rows(pairs, with_remaining)
    from bwk_tui.services.kernel import tables

    if fmt == "csv":
        sys.stdout.write(tables.csv_text(header, rows))
        return
    labels = {"request": t("cli.match_col_request"), "offer": t("cli.match_col_offer"),
              "score": t("cli.match_col_score"), "reasons": t("cli.match_col_reasons"),
              "remaining": t("cli.match_col_remaining"), "request_id": "#", "offer_id": "#"}
    print(tables.text_table([labels[h] for h in header], rows))


def cmd_match_propose(args) -> int:
    from bwk_tui.services.matching import scoring

    _open(args)
    session = _as_coordinator(args)
    proposal = scoring.propose_all(session)
    _audit_read(session, "match_propose", f"format={args.format} pairs={len(proposal)}")
    _print_match_rows(proposal, args.format, with_remaining=False)
    if args.format == "table":
        print(t("cli.match_total", count=len(proposal), total=sum(p.score for p in proposal)), file=sys.stderr)
    return 0


def cmd_match_scores(args) -> int:
    from bwk_tui.services.matching import scoring

    _open(args)
    session = _as_coordinator(args)
    pairs = scoring.feasible_pairs(session)
    _audit_read(session, "match_scores", f"format={args.format} pairs={len(pairs)}")
    _print_match_rows(pairs, args.format, with_remaining=True)
    return 0


def _print_or_write(text: str, out: str | None) -> None:
    """To the file ``out`` (all or nothing) or to stdout."""
    if out:
        from bwk_tui.services.kernel.files import write_text

        path = write_text(text, out)
        print(t("cli.written", path=path), file=sys.stderr)
        return
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `bwk roster week | head`: the reader has enough
        pass


def _usage(parse, value):
    """A malformed option value is bad usage (exit 2), in the service's words."""
    try:
        return parse(value)
    except InvalidInput as exc:
        raise UsageError(exc.key, **exc.params) from None


def cmd_roster_week(args) -> int:
    from bwk_tui.services.roster import shifts
    from bwk_tui.services.roster import roster_print

    out = _out(args.out)
    _open(args, out)
    monday = _usage(clock.parse_week, args.week)
    _audit_read(_as_coordinator(args), "roster_week",
                f"week={monday.isoformat()} format={args.format}{_out_name(args.out)}")
    _print_or_write(roster_print.render_week(shifts.week(monday), args.format), out)
    return 0


def cmd_roster_hours(args) -> int:
    from bwk_tui.services.roster import allowance
    from bwk_tui.services.roster import roster_print

    out = _out(args.out)
    _open(args, out)
    year, month = _usage(clock.parse_month, args.month)
    session = _as_coordinator(args)
    lines = allowance.hours(session, year, month)
    _audit_read(session, "roster_hours", f"month={year}-{month:02d} format={args.format}{_out_name(args.out)}")
    _print_or_write(roster_print.render_hours(lines, year, month, args.format), out)
    return 0


def cmd_roster_statement(args) -> int:
    from bwk_tui.services.roster import allowance

    out = _out(args.out)
    _open(args, out)
    year, month = _usage(clock.parse_month, args.month)
    session = _as_coordinator(args)
    volunteer_id = allowance.find_volunteer(args.name)
    st = allowance.statement(session, volunteer_id, year, month)
    _audit_read(session, "roster_statement", f"volunteer={volunteer_id} month={year}-{month:02d} "
                                             f"format={args.format}{_out_name(args.out)}")
    _print_or_write(allowance.render_statement(st, args.format), out)
    return 0


def _person_id(text: str) -> int:
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()):
        raise UsageError("error.person_id")
    return int(text)


def cmd_privacy_export(args) -> int:
    from bwk_tui.services.privacy import inzage

    person_id = _person_id(args.person)
    out = _out(args.out)
    _open(args, out)
    session = _as_coordinator(args)
    text = inzage.export(session, person_id, args.format)  # audited
    _print_or_write(text, out)
    return 0


def cmd_privacy_forget(args) -> int:
    from bwk_tui.services.privacy import forget
    from bwk_tui.services.visitors import persons

    person_id = _person_id(args.person)
    _open(args)
    session = _as_coordinator(args)
    found = persons.detail(person_id)  # an unknown number: said before anything is asked
    problem = forget.refusal(person_id)
    if problem is not None:
        raise problem
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("cli.privacy_needs_yes")
        if input(t("cli.privacy_forget_question", name=found.name, id=person_id)).strip().lower() not in ("ja", "yes", "j", "y"):
            print(t("cli.privacy_not_forgotten"))
            return 1
    done = forget.forget(session, person_id)
    print(t("cli.privacy_forgotten", id=person_id, count=len(done.person_ids), notes=done.notes,
            requests=done.requests, path=forget.list_path()))
    return 0


def cmd_privacy_retention(args) -> int:
    import time

    from bwk_tui.services.privacy import retention

    _open(args)
    session = _as_coordinator(args)
    started = time.perf_counter()
    if not args.dry_run:
        done = retention.run(session)
        print(t("cli.retention_done", count=done.persons, notes=done.notes))
        return 0
    found = retention.plan()
    _audit_read(session, "retention", f"dry-run persons={len(found.persons)} notes={found.notes}")
    lines = [t("cli.retention_plan", count=len(found.persons), person_cutoff=clock.day(found.person_cutoff),
               notes=found.notes, note_cutoff=clock.day(found.note_cutoff))]
    lines += [t("cli.retention_person", id=due.id, name=due.name,
                last=clock.day(due.last_visit) if due.last_visit else "-", registered=clock.day(due.registered))
              for due in found.persons]
    lines.append(t("cli.retention_dry_run", seconds=f"{time.perf_counter() - started:.2f}"))
    _print_or_write("\n".join(lines) + "\n", None)
    return 0


def cmd_privacy_register(args) -> int:
    from bwk_tui.services.privacy import register

    _open(args)
    _audit_read(_as_coordinator(args), "privacy_register", "")
    _print_or_write(register.text(), None)
    return 0


def _coordinator_flags(p: argparse.ArgumentParser, pin_help: str = "cli.help.as_pin_stdin") -> None:
    """The coordinator's name and PIN, for every command that shows or changes the room's data."""
    p.add_argument("--as", dest="actor", metavar="NAME", help=t("cli.help.as"))
    p.add_argument("--pin-stdin", action="store_true", help=t(pin_help))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bwk", description=t("cli.description"), epilog=t("cli.epilog"),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=os.environ.get("BWK_DB"),
                        help=t("cli.help.db"))
    parser.set_defaults(func=cmd_app)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", help=t("cli.help.init"))
    p.add_argument("--as", dest="actor", metavar="NAME", help=t("cli.help.as"))
    p.add_argument("--coordinator", metavar="NAME")
    p.add_argument("--pin-stdin", action="store_true", help=t("cli.help.pin_stdin"))
    p.add_argument("--room", metavar="NAME", help=t("cli.help.room"))
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help=t("cli.help.demo"))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scale", choices=("small", "large"), default="small")
    p.add_argument("--force", action="store_true", help=t("cli.help.force"))
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("user", help=t("cli.help.user"))
    user = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    q = user.add_parser("add", help=t("cli.help.user_add"), epilog=t("cli.user_add_epilog"),
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    q.add_argument("name")
    q.add_argument("--role", choices=("volunteer", "coordinator"), required=True)
    q.add_argument("--language", choices=("nl", "en"), default="nl")
    _coordinator_flags(q, "cli.help.user_add_pin_stdin")
    q.set_defaults(func=cmd_user_add)
    q = user.add_parser("unlock", help=t("cli.help.user_unlock"))
    q.add_argument("name")
    _coordinator_flags(q)
    q.set_defaults(func=cmd_user_unlock)
    q = user.add_parser("remove", help=t("cli.help.user_remove"))
    q.add_argument("name")
    _coordinator_flags(q)
    q.set_defaults(func=cmd_user_remove)

    p = sub.add_parser("report", help=t("cli.help.report"))
    p.add_argument("--from", dest="date_from")
    p.add_argument("--to", dest="date_to")
    p.add_argument("--period")
    p.add_argument("--format", choices=("table", "csv", "md", "xlsx"), default="table")
    p.add_argument("--out")
    _coordinator_flags(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("cash", help=t("cli.help.cash"))
    cash = p.add_subparsers(dest="cash_command", metavar="ACTION", required=True)
    q = cash.add_parser("export", help=t("cli.help.cash_export"))
    q.add_argument("--format", choices=("csv", "journal"), default="csv")
    q.add_argument("--out")
    _coordinator_flags(q)
    q.set_defaults(func=cmd_cash_export)

    p = sub.add_parser("backup", help=t("cli.help.backup"))
    p.add_argument("--to", metavar="DIR")
    _coordinator_flags(p)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help=t("cli.help.restore"))
    p.add_argument("file")
    _coordinator_flags(p)
    p.add_argument("--recovery-stdin", action="store_true", help=t("cli.help.recovery_stdin"))
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("settings", help=t("cli.help.settings"))
    p.add_argument("key", nargs="?")
    p.add_argument("value", nargs="?", help=t("cli.help.setting_value"))
    _coordinator_flags(p)
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser("match", help=t("cli.help.match"))
    match = p.add_subparsers(dest="match_command", metavar="ACTION", required=True)
    q = match.add_parser("propose", help=t("cli.help.match_propose"))
    q.add_argument("--format", choices=("table", "csv"), default="table")
    _coordinator_flags(q)
    q.set_defaults(func=cmd_match_propose)
    q = match.add_parser("scores", help=t("cli.help.match_scores"))
    q.add_argument("--format", choices=("csv", "table"), default="csv")
    _coordinator_flags(q)
    q.set_defaults(func=cmd_match_scores)

    p = sub.add_parser("roster", help=t("cli.help.roster"))
    roster_cmd = p.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    q = roster_cmd.add_parser("week", help=t("cli.help.roster_week"))
    q.add_argument("--week", metavar="2026-W48")
    q.add_argument("--format", choices=("table", "csv", "md"), default="table")
    q.add_argument("--out")
    _coordinator_flags(q)
    q.set_defaults(func=cmd_roster_week)
    q = roster_cmd.add_parser("hours", help=t("cli.help.roster_hours"))
    q.add_argument("--month", metavar="2026-11")
    q.add_argument("--format", choices=("table", "csv", "md"), default="table")
    q.add_argument("--out")
    _coordinator_flags(q)
    q.set_defaults(func=cmd_roster_hours)
    q = roster_cmd.add_parser("statement", help=t("cli.help.roster_statement"))
    q.add_argument("name")
    q.add_argument("--month", metavar="2026-11")
    q.add_argument("--format", choices=("table", "csv", "md"), default="table")
    q.add_argument("--out")
    _coordinator_flags(q)
    q.set_defaults(func=cmd_roster_statement)

    p = sub.add_parser("privacy", help=t("cli.help.privacy"))
    privacy_cmd = p.add_subparsers(dest="privacy_command", required=True, metavar="export|forget|retention|register")
    q = privacy_cmd.add_parser("export", help=t("cli.help.privacy_export"))
    q.add_argument("person", help=t("cli.help.privacy_person"))
    q.add_argument("--format", choices=("md", "json"), default="md")
    q.add_argument("--out")
    _coordinator_flags(q)
    q.set_defaults(func=cmd_privacy_export)
    q = privacy_cmd.add_parser("forget", help=t("cli.help.privacy_forget"))
    q.add_argument("person", help=t("cli.help.privacy_person"))
    q.add_argument("--yes", action="store_true", help=t("cli.help.privacy_yes"))
    _coordinator_flags(q)
    q.set_defaults(func=cmd_privacy_forget)
    q = privacy_cmd.add_parser("retention", help=t("cli.help.privacy_retention"))
    q.add_argument("--dry-run", action="store_true", help=t("cli.help.privacy_dry_run"))
    _coordinator_flags(q)
    q.set_defaults(func=cmd_privacy_retention)
    q = privacy_cmd.add_parser("register", help=t("cli.help.privacy_register"))
    _coordinator_flags(q)
    q.set_defaults(func=cmd_privacy_register)

    p = sub.add_parser("check", help=t("cli.help.check"))
    _coordinator_flags(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("encrypt", help=t("cli.help.encrypt"))
    _coordinator_flags(p)
    p.set_defaults(func=cmd_encrypt)

    p = sub.add_parser("rekey", help=t("cli.help.rekey"))
    _coordinator_flags(p)
    p.set_defaults(func=cmd_rekey)

    p = sub.add_parser("recover", help=t("cli.help.recover"), epilog=t("cli.recover_epilog"),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("name", help=t("cli.help.recover_name"))
    p.add_argument("--stdin", action="store_true", help=t("cli.help.recover_stdin"))
    p.set_defaults(func=cmd_recover)
    return parser


def _shown(value: str) -> str:
    """An argument as the user can read it back: bytes that are not UTF-8 as \\xff, at most 60 characters."""
    try:
        shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeError:
        shown = ascii(value)[1:-1]
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _check_arguments(argv: list[str]) -> None:
    """Bytes that are not UTF-8 (Python hands them over as lone surrogates) and NUL characters
    cannot be a name, a value or a path bwk can store or show: bad usage, said plainly."""
    values = [("BWK_DB", os.environ["BWK_DB"])] if os.environ.get("BWK_DB") else []
    values += [(str(number), value) for number, value in enumerate(argv, start=1)]
    for number, value in values:
        if "\0" in value:
            raise UsageError("error.arg_nul", number=number)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError("error.arg_not_utf8", number=number, arg=_shown(value)) from None


def _is_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked": another process holds the lock longer than we wait."""
    return "database is locked" in str(exc) or "database table is locked" in str(exc)


def main(argv: list[str] | None = None) -> int:
    # Everything bwk makes (the database, its WAL, backups, exports, the error log, folders) is
    # private to the desk's account, whatever umask the shell had: 0600 files, 0700 folders.
    os.umask(0o077)
    language = os.environ.get("BWK_LANG", "nl")
    set_language(language)
    _argparse_words(language)
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        _check_arguments(argv)
    except UsageError as exc:
        print(exc.message(), file=sys.stderr)
        return exc.exit_code
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BwkError as exc:
        print(exc.message(), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(t("error.interrupted"), file=sys.stderr)
        return 1
    except DatabaseUrlError as exc:  # a path or URL the database layer cannot use
        print(t(f"error.db_url.{exc.reason}", url=exc.url), file=sys.stderr)
        return 1
    except (DatabaseError, InterfaceError, sqlite3.Error) as exc:
        from db.connection import redact, storage_problem  # a PostgreSQL URL's password is never shown

        if _is_busy(exc):
            print(t("error.db_busy"), file=sys.stderr)
            return 1
        if storage_problem(exc):
            print(t(f"error.{storage_problem(exc)}"), file=sys.stderr)
            return 1
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(t("error.db_open", where=redact(args.db), reason=redact(args.db, reason)), file=sys.stderr)
        return 1
    except OSError as exc:
        print(t("error.out_write", path=exc.filename or "", reason=exc.strerror or str(exc)), file=sys.stderr)
        return 1
    except Exception as exc:  # a bug of ours: plain words for the user, the details in the log
        from bwk_tui.services.room import errorlog

        path = errorlog.record(exc)
        print(t("error.unexpected", reason=type(exc).__name__) + " " + t("error.see_log", path=path),
              file=sys.stderr)
        return 1
