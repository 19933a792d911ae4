"""The `bwk` command: parse arguments, open the database, run the app or a command.

Errors reach the user in plain words on stderr, never as a traceback:
exit 0 on success, 1 on a refused or failed action, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from peewee import DatabaseError, InterfaceError

from bwk_tui.i18n import set_language, t
from bwk_tui.services.kernel.errors import BwkError, InvalidInput, UsageError
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


def _open(args):
    from bwk_tui.services import load_desks
    from bwk_tui.services.room import open_ready

    load_desks()  # every desk's settings and checks are known to every command
    return open_ready(args.db)


def cmd_app(args) -> int:
    opened = _open(args)
    from bwk_tui.ui.app import BwkApp

    app = BwkApp(where=opened.where)
    app.run()
    return 0 if app.return_code in (0, None) else 1


def cmd_init(args) -> int:
    from bwk_tui.services.room import auth
    from bwk_tui.services import room

    if bool(args.coordinator) != bool(args.pin_stdin):
        raise UsageError("error.init_flags")
    opened = _open(args)
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
    return 0


def cmd_user_add(args) -> int:
    from bwk_tui.services.room import auth

    _open(args)
    if args.pin_stdin:
        pin = _pin_from_stdin()
    elif sys.stdin.isatty():
        pin = _prompt_pin()
    else:
        raise InvalidInput("error.needs_terminal")
    account = auth.create_account_as_admin(args.name, args.role, pin, args.language)
    print(t("cli.user_added", name=account.name, role=t(f"role.{account.role}")))
    return 0


def cmd_user_unlock(args) -> int:
    from bwk_tui.services.room import auth

    _open(args)
    account = auth.unlock_as_admin(args.name)
    print(t("cli.user_unlocked", name=account.name))
    return 0


def cmd_backup(args) -> int:
    from bwk_tui.services.room import backup

    _open(args)
    result = backup.take_backup(args.to)
    print(t("cli.backup_done", path=result.path, size=max(1, result.size // 1024)))
    if result.pruned:
        print(t("cli.backup_pruned", count=len(result.pruned)))
    return 0


def cmd_restore(args) -> int:
    from bwk_tui.services.room import backup

    backup.verify_file(Path(args.file))  # refuse a bad file before touching the live database
    _open(args)
    result = backup.restore(args.file)
    print(t("cli.restore_done", path=result.restored_from, copy=result.safety_copy))
    return 0


def cmd_check(args) -> int:
    from bwk_tui.services.room import check

    opened = _open(args)
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
    if args.key is None:
        for key, value in settings.all_editable().items():
            print(f"{key} = {value.replace(chr(10), '; ')}")
        return 0
    if args.value is None:
        if args.key not in settings.editable():
            raise InvalidInput("error.setting_unknown", key=args.key, keys=", ".join(settings.editable()))
        print(settings.get(args.key).replace("\n", "; "))
        return 0
    stored = settings.change(args.key, args.value)
    print(t("cli.setting_changed", key=args.key, value=stored.replace("\n", "; ")))
    return 0


def _demo_target(args) -> str:
    from db.connection import default_database_path

    if args.db:
        return args.db
    return str(default_database_path().with_name(f"bwk-demo-{args.scale}.sqlite3"))


def _remove_demo_file(path: Path) -> None:
    from bwk_tui.services.room.backup import verify_file

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
    from bwk_tui.services.room import settings
    from bwk_tui.services.room import open_ready

    target = _demo_target(args)
    is_file = not target.startswith(("postgresql:", "postgres:"))
    if is_file:
        path = _sqlite_path(target)
        if path.exists() and path.stat().st_size > 0:
            if not args.force:
                raise BwkError("error.demo_exists", path=str(path))
            _remove_demo_file(path)
    opened = open_ready(target)
    if not room.needs_setup() or room.current_room() is not None:
        raise BwkError("error.demo_not_empty", path=opened.where)
    summary = demo.build_demo(seed=args.seed, scale=args.scale,
                              progress=lambda line: print(line, file=sys.stderr))
    settings.put("is_demo", "1")
    print(t("cli.demo_done", path=opened.where))
    print(t("cli.demo_counts", persons=summary.persons, households=summary.households,
            visits=summary.visits, accounts=summary.accounts))
    print(t("cli.demo_login", name=summary.coordinator_name, pin=summary.coordinator_pin))
    print(t("cli.demo_open", path=opened.where))
    return 0


def cmd_cash_export(args) -> int:
    from bwk_tui.services.cash import cash_export

    _open(args)
    result = cash_export.export(args.format, out=args.out, stream=None if args.out else sys.stdout)
    if result.path is not None:
        print(t("cli.cash_exported", count=result.entries, path=result.path), file=sys.stderr)
    return 0


def cmd_report(args) -> int:
    from bwk_tui.services.reports import report_export
    from bwk_tui.services.reports import reports

    period = clock.parse_period(args.period, args.date_from, args.date_to)
    report_export.check_format(args.format, args.out)
    _open(args)
    report = reports.build_report(period)
    if args.out:
        path = report_export.write(report, args.format, args.out)
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
    proposal = scoring.propose_all()
    _print_match_rows(proposal, args.format, with_remaining=False)
    if args.format == "table":
        print(t("cli.match_total", count=len(proposal), total=sum(p.score for p in proposal)), file=sys.stderr)
    return 0


def cmd_match_scores(args) -> int:
    from bwk_tui.services.matching import scoring

    _open(args)
    _print_match_rows(scoring.feasible_pairs(), args.format, with_remaining=True)
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

    _open(args)
    monday = _usage(clock.parse_week, args.week)
    _print_or_write(roster_print.render_week(shifts.week(monday), args.format), args.out)
    return 0


def cmd_roster_hours(args) -> int:
    from bwk_tui.services.roster import allowance
    from bwk_tui.services.roster import roster_print

    _open(args)
    year, month = _usage(clock.parse_month, args.month)
    _print_or_write(roster_print.render_hours(allowance.hours(year, month), year, month, args.format), args.out)
    return 0


def cmd_roster_statement(args) -> int:
    from bwk_tui.services.roster import allowance

    _open(args)
    year, month = _usage(clock.parse_month, args.month)
    st = allowance.statement(allowance.find_volunteer(args.name), year, month)
    _print_or_write(allowance.render_statement(st, args.format), args.out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bwk", description=t("cli.description"))
    parser.add_argument("--db", default=os.environ.get("BWK_DB"),
                        help=t("cli.help.db"))
    parser.set_defaults(func=cmd_app)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", help=t("cli.help.init"))
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
    q = user.add_parser("add", help=t("cli.help.user_add"))
    q.add_argument("name")
    q.add_argument("--role", choices=("volunteer", "coordinator"), required=True)
    q.add_argument("--language", choices=("nl", "en"), default="nl")
    q.add_argument("--pin-stdin", action="store_true", help=t("cli.help.pin_stdin"))
    q.set_defaults(func=cmd_user_add)
    q = user.add_parser("unlock", help=t("cli.help.user_unlock"))
    q.add_argument("name")
    q.set_defaults(func=cmd_user_unlock)

    p = sub.add_parser("report", help=t("cli.help.report"))
    p.add_argument("--from", dest="date_from")
    p.add_argument("--to", dest="date_to")
    p.add_argument("--period")
    p.add_argument("--format", choices=("table", "csv", "md", "xlsx"), default="table")
    p.add_argument("--out")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("cash", help=t("cli.help.cash"))
    cash = p.add_subparsers(dest="cash_command", metavar="ACTION", required=True)
    q = cash.add_parser("export")
    q.add_argument("--format", choices=("csv", "journal"), default="csv")
    q.add_argument("--out")
    q.set_defaults(func=cmd_cash_export)

    p = sub.add_parser("backup", help=t("cli.help.backup"))
    p.add_argument("--to", metavar="DIR")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help=t("cli.help.restore"))
    p.add_argument("file")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("settings", help=t("cli.help.settings"))
    p.add_argument("key", nargs="?")
    p.add_argument("value", nargs="?", help=t("cli.help.setting_value"))
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser("match", help=t("cli.help.match"))
    match = p.add_subparsers(dest="match_command", metavar="ACTION", required=True)
    q = match.add_parser("propose", help=t("cli.help.match_propose"))
    q.add_argument("--format", choices=("table", "csv"), default="table")
    q.set_defaults(func=cmd_match_propose)
    q = match.add_parser("scores", help=t("cli.help.match_scores"))
    q.add_argument("--format", choices=("csv", "table"), default="csv")
    q.set_defaults(func=cmd_match_scores)

    p = sub.add_parser("roster", help=t("cli.help.roster"))
    roster_cmd = p.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    q = roster_cmd.add_parser("week", help=t("cli.help.roster_week"))
    q.add_argument("--week", metavar="2026-W48")
    q.add_argument("--format", choices=("table", "csv", "md"), default="table")
    q.add_argument("--out")
    q.set_defaults(func=cmd_roster_week)
    q = roster_cmd.add_parser("hours", help=t("cli.help.roster_hours"))
    q.add_argument("--month", metavar="2026-11")
    q.add_argument("--format", choices=("table", "csv", "md"), default="table")
    q.add_argument("--out")
    q.set_defaults(func=cmd_roster_hours)
    q = roster_cmd.add_parser("statement", help=t("cli.help.roster_statement"))
    q.add_argument("name")
    q.add_argument("--month", metavar="2026-11")
    q.add_argument("--format", choices=("table", "csv", "md"), default="table")
    q.add_argument("--out")
    q.set_defaults(func=cmd_roster_statement)

    p = sub.add_parser("check", help=t("cli.help.check"))
    p.set_defaults(func=cmd_check)
    return parser


def _not_utf8(arg: str) -> bool:
    """Bytes that are not UTF-8 reach Python as lone surrogates (surrogateescape)."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def main(argv: list[str] | None = None) -> int:
    language = os.environ.get("BWK_LANG", "nl")
    set_language(language)
    _argparse_words(language)
    argv = sys.argv[1:] if argv is None else argv
    if any(_not_utf8(arg) for arg in argv):
        print(t("error.args_not_utf8"), file=sys.stderr)
        return 2
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BwkError as exc:
        print(exc.message(), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(t("error.interrupted"), file=sys.stderr)
        return 1
    except (DatabaseError, InterfaceError) as exc:
        from db.connection import storage_problem

        if storage_problem(exc):
            print(t(f"error.{storage_problem(exc)}"), file=sys.stderr)
            return 1
        print(t("error.db_open", where=args.db or "", reason=str(exc).splitlines()[0] if str(exc) else
                type(exc).__name__), file=sys.stderr)
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
