"""The command line: a thin layer over the library.

Exit codes: 0 success; 1 ``scan --fail-on`` found failing or error findings at or above the
severity; 2 invalid input (arguments, config, register, report path: one line on stderr, no
traceback); 3 the database could not be opened, refused the statement, or another scan is
writing to it; 130 the scan was interrupted (Ctrl-C or SIGTERM).
"""

import csv
import json
import logging
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import and_, select, text
from sqlalchemy.exc import SQLAlchemyError

from connectors.registry import AREAS, MANIFESTS, PROVIDERS, TABLES
from findings.engine import Params, run_check
from findings.packs import Check, load_packs, parameters
from inventory.db import connect, connect_query, connect_readonly
from inventory.errors import UserError
from inventory.messages import LANGUAGES, language, say, set_language
from inventory.migrations import SchemaError, check_schema, create_schema
from inventory.retention import prune, scans_to_prune
from inventory.tables import CheckSource, Finding, PackControl, ResourceState, Scan
from inventory.vocabulary import SEVERITIES, STATUSES
from reports.data import FINISHED, MESSAGE_COLUMNS, latest_scan_id, message, with_messages, with_resource
from reports.diff import diff_scans, diff_text, scan_pair
from reports.tabular import SEPARATORS, csv_cell
from reports.target import FORMATS, check_target
from scanner.config import PACKS, Config, load_config
from scanner.helptext import Group, Option, option
from scanner.lock import DatabaseBusy, scan_running
from scanner.progress import setup_logging

err = Console(stderr=True, soft_wrap=True)  # soft wrap: a message is one line, also in a cron log
out = Console()
FAILING = ("fail", "error")
config_option = option("--config", "config_path", type=click.Path(path_type=Path), default=Path("config.toml"),
                       show_default=True, help="help.common.config")


def _readonly(config: Config, any_version: bool = False, query_timeout: float | None = None):
    """The inventory opened read-only (for ``query`` also limited to reading statements and bounded in time);
    unless ``any_version``, it must have this version's schema."""
    try:
        engine = (connect_readonly(config.database) if query_timeout is None
                  else connect_query(config.database, query_timeout))
    except FileNotFoundError as exc:
        raise UserError("cli.no_database", path=exc) from None
    if not any_version:
        check_schema(engine)
    return engine


def _state(status: str, database: str, conn=None, scan_id: int | None = None) -> str:
    """How a scan that is not finished reads to a person (on PostgreSQL ``conn`` asks whether its process runs)."""
    if status != "running":
        return status
    running = scan_running(database, conn, scan_id)
    return say("cli.state_unknown") if running is None else say("cli.state_running") if running else say("cli.state_gone")


def _scan_id(engine, config: Config, requested: int | None) -> int:
    """The requested scan if it finished (complete or partial), else the organisation's latest finished scan,
    noting its newer scans that did not finish."""
    database, organisation = config.database, config.organisation.name
    t = Scan.__table__
    with engine.connect() as conn:
        if requested is not None:
            status = conn.execute(select(t.c.status).where(t.c.id == requested)).scalar()
            if status is None:
                raise UserError("cli.scan_missing", scan=requested)
            if status not in FINISHED:
                raise UserError("cli.scan_unfinished", scan=requested, state=_state(status, database, conn, requested))
            return requested
        scan_id = latest_scan_id(engine, organisation)
        if scan_id is None:
            raise UserError("cli.no_finished_scan", organisation=organisation)
        later = select(t.c.id, t.c.status).where(t.c.id > scan_id, t.c.organisation_name == organisation).order_by(t.c.id)
        for newer, status in conn.execute(later):
            err.print(say("note", message=say("cli.newer_unfinished", newer=newer, state=_state(status, database, conn, newer),
                                                 scan=scan_id)), highlight=False, markup=False)
    return scan_id


def _check_output(config: Config, path: Path) -> None:
    """Refuse a report path that is the configured database (or one of its side files), a folder, and so on."""
    if config.database.startswith("sqlite:///"):
        database = Path(config.database.removeprefix("sqlite:///")).resolve()
        side_files = {database, *(database.with_name(database.name + end) for end in ("-wal", "-shm", "-journal", ".lock"))}
        if path.resolve() in side_files:
            raise UserError("cli.report_over_database", path=path)
    check_target(path)


def _one_malloc_arena() -> None:
    """glibc gives threads that allocate at once malloc arenas of their own (up to eight per core); a connector's threads
    then keep about 20 MiB more resident than one arena does, and under the GIL they gain little from more (M_ARENA_MAX).
    Nothing happens on a C library without ``mallopt``."""
    if sys.platform.startswith("linux"):
        import ctypes

        mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
        if mallopt is not None:
            mallopt(-8, 1)  # M_ARENA_MAX = 1, before the connectors start their threads


def _terminate(signum, frame) -> None:
    """SIGTERM (systemd stop, Kubernetes eviction) ends a scan as Ctrl-C does."""
    raise KeyboardInterrupt


def _say(kind: str, problem) -> None:
    """One red line on stderr: the kind of problem (error, busy, ...) and what it is, in the user's language."""
    label, _, rest = say(kind, message="\0").partition("\0")
    err.print(f"[red]{escape(label)}[/]{escape(str(problem))}{escape(rest)}", highlight=False)


class Cli(Group):
    """Turns UserError and database errors into one line and an exit code."""

    group_class = Group

    def parse_args(self, ctx, args):
        """Set the language of messages before Click handles the options: ``--help`` and a missing command print
        help at once, also when ``--lang`` comes later (``wolkenwacht --help --lang en``) or only the
        environment names it."""
        opts, _, _ = self.make_parser(ctx).parse_args(args=list(args))
        lang = opts.get(LANG.name) or LANG.value_from_envvar(ctx) or LANG.default
        if lang in LANGUAGES:  # else Click refuses the value below
            set_language(lang)
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            _say("error", exc)
            sys.exit(2)
        except DatabaseBusy as exc:
            _say("busy", exc)
            sys.exit(3)
        except SQLAlchemyError as exc:
            first_line = str(exc.orig if hasattr(exc, "orig") else exc).splitlines()[0]
            _say("database_error", first_line)
            sys.exit(3)
        except SchemaError as exc:
            _say("database_error", exc)
            sys.exit(3)
        except KeyboardInterrupt:  # the scan is already marked interrupted and checkpointed
            err.print(f"[red]{escape(say('interrupted'))}[/]", highlight=False)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(130)  # without waiting for connector threads still stuck on the network


LANG = Option(["--lang", "message_lang"], type=click.Choice(LANGUAGES), envvar="WOLKENWACHT_LANG", default="nl",
              show_default=True, expose_value=False, help="help.main.lang")  # set by Cli.parse_args


@click.group(cls=Cli, params=[LANG], help="help.main.about", epilog="help.main.epilog")
@option("-v", "--verbose", is_flag=True, help="help.main.verbose")
@click.version_option(package_name="wolkenwacht", cls=Option, help="help.main.version")
def main(verbose: bool) -> None:
    """Wolkenwacht: scan cloud and Microsoft 365 configuration against Dutch government cloud policy."""
    setup_logging(err, verbose)


@main.command(help="help.scan.about")
@config_option
@option("--fail-on", type=click.Choice(SEVERITIES), help="help.scan.fail_on")
@option("--report", "reports", multiple=True, metavar="FORMAT=PATH", help="help.scan.report")
@option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True, help="help.scan.lang")
def scan(config_path: Path, fail_on: str | None, reports: tuple[str, ...], lang: str) -> None:
    """Collect live state from every configured source, store it and judge it."""
    from scanner.progress import progress_reporter
    from scanner.run import run_scan

    config = load_config(config_path)
    targets = [_report_target(config, value) for value in reports]
    _one_malloc_arena()
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with progress_reporter(err) as progress:
            result = run_scan(config, config_path, progress)
    finally:
        signal.signal(signal.SIGTERM, previous)
    for fmt, path in targets:
        from reports.write import write_report  # the report writers (Jinja2, OCSF models) load only to write one

        write_report(_readonly(config), result.scan_id, fmt, path, lang=lang)
        logging.getLogger("wolkenwacht.scan").info(say("scan.report_written", path=path))
    if fail_on:
        limit = SEVERITIES.index(fail_on)
        engine = _readonly(config)
        with engine.connect() as conn:
            failing = conn.execute(text(
                "select severity, count(*) from finding where scan_id = :s and status in ('fail', 'error') group by severity"),
                {"s": result.scan_id}).all()
        if any(SEVERITIES.index(sev) <= limit for sev, _ in failing):
            sys.exit(1)


def _report_target(config: Config, value: str) -> tuple[str, Path]:
    """``FORMAT=PATH`` of ``scan --report``, checked before the scan starts."""
    fmt, _, path = value.partition("=")
    if fmt not in FORMATS or not path:
        raise UserError("cli.report_option", value=value, formats=", ".join(FORMATS))
    _check_output(config, Path(path))
    return fmt, Path(path)


@main.command(help="help.report.about")
@config_option
@option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True, help="help.report.format")
@option("--output", type=click.Path(path_type=Path), required=True, help="help.report.output")
@option("--scan", "scan_id", type=int, help="help.common.scan")
@option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True, help="help.report.lang")
@option("--pack", "packs", multiple=True, type=click.Choice(PACKS), help="help.common.pack")
@option("--status", "statuses", multiple=True, type=click.Choice(STATUSES), help="help.common.status")
@option("--csv-separator", type=click.Choice(SEPARATORS), default=",", show_default=True, help="help.report.csv_separator")
@option("--all-organisations", is_flag=True, help="help.report.all_organisations")
def report(config_path: Path, fmt: str, output: Path, scan_id: int | None, lang: str, packs, statuses,
           csv_separator: str, all_organisations: bool) -> None:
    """Write the findings report (HTML for admins, JSON, CSV and OCSF for machines, cio for CIO Rijk)."""
    from reports.write import write_report

    config = load_config(config_path)
    target = sys.stdout if str(output) == "-" else output
    if target is not sys.stdout:
        _check_output(config, output)
    engine = _readonly(config)
    if all_organisations:
        if fmt != "cio" or scan_id is not None:
            raise UserError("cli.all_organisations")
        fmt = "cio-all"
    else:
        scan_id = _scan_id(engine, config, scan_id)
    write_report(engine, scan_id, fmt, target, packs=list(packs) or None, lang=lang, statuses=list(statuses) or None,
                 csv_separator=csv_separator)
    if target is not sys.stdout:
        err.print(say("report_written", path=output), highlight=False, markup=False)


@main.command(help="help.findings.about")
@config_option
@option("--status", "statuses", multiple=True, type=click.Choice(STATUSES), help="help.common.status")
@option("--pack", "packs", multiple=True, type=click.Choice(PACKS), help="help.common.pack")
@option("--severity", type=click.Choice(SEVERITIES), help="help.findings.severity")
@option("--scan", "scan_id", type=int, help="help.common.scan")
@option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True, help="help.findings.lang")
@option("--json", "as_json", is_flag=True, help="help.findings.json")
def findings(config_path: Path, statuses, packs, severity, scan_id, lang, as_json) -> None:
    """List findings of a scan."""
    config = load_config(config_path)
    engine = _readonly(config)
    scan_id = _scan_id(engine, config, scan_id)
    f, c, r = Finding.__table__, PackControl.__table__, ResourceState.__table__
    stmt = (select(f.c.pack, f.c.control_id, c.c.title_nl, c.c.title_en, f.c.severity, f.c.provider, f.c.account_id,
                   r.c.uid, *(column.label(name) for name, column in MESSAGE_COLUMNS.items()))
            .select_from(with_resource(with_messages(f))
                         .outerjoin(c, and_(c.c.scan_id == f.c.scan_id, c.c.pack == f.c.pack, c.c.control_id == f.c.control_id)))
            .where(f.c.scan_id == scan_id).order_by(f.c.pack, f.c.control_id, f.c.id))
    table = Table("pack", "control", "status", "severity", "account", "resource", "message", show_lines=False)
    with engine.connect() as conn:
        for row in conn.execute(stmt):
            said = message(row._mapping, lang)
            if (statuses and row.status not in statuses) or (packs and row.pack not in packs):
                continue
            if severity and SEVERITIES.index(row.severity) > SEVERITIES.index(severity):
                continue
            if as_json:
                click.echo(json.dumps({"pack": row.pack, "control_id": row.control_id, "status": row.status,
                                       "title": row.title_nl if lang == "nl" else row.title_en,
                                       "severity": row.severity, "provider": row.provider,
                                       "account_id": row.account_id, "resource_uid": row.uid,
                                       "message": said}, ensure_ascii=False))
            else:
                table.add_row(row.pack, row.control_id, row.status, row.severity,
                              f"{row.provider or ''} {row.account_id or ''}".strip(), row.uid or "", said)
    if not as_json:
        out.print(table, markup=False, highlight=False)


@main.command(help="help.query.about")
@config_option
@click.argument("sql")
@option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
        help="help.query.format")
@option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60, show_default=True, help="help.query.timeout")
@option("--limit", type=click.IntRange(min=1), default=10000, show_default=True, help="help.query.limit")
def query(config_path: Path, sql: str, fmt: str, timeout: float, limit: int) -> None:
    """Run reading SQL on the inventory: opened read-only, writes, ATTACH and VACUUM INTO refused, bounded in time and rows."""
    engine = _readonly(load_config(config_path), any_version=True, query_timeout=timeout)
    with engine.connect() as conn:
        try:
            result = conn.exec_driver_sql(sql)
            columns = list(result.keys())
            rows = islice(result, limit)
            if fmt == "csv":
                writer = csv.writer(sys.stdout)
                writer.writerow([csv_cell(c) for c in columns])
                writer.writerows([csv_cell(v) for v in row] for row in rows)
            elif fmt == "json":
                for row in rows:
                    click.echo(json.dumps(dict(zip(columns, row, strict=True)), default=str, ensure_ascii=False))
            else:
                table = Table(*columns)
                for row in rows:
                    table.add_row(*("" if v is None else str(v) for v in row))
                out.print(table, markup=False, highlight=False)
            more = result.fetchone() is not None
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", exc)).splitlines()[0]
            sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)  # PostgreSQL
            if reason in ("not authorized", "authorization denied") or sqlstate == "25006":  # authorizer, read-only transaction
                reason = "only reading is allowed (select, with, pragmas that describe tables)"
            elif reason == "interrupted" or sqlstate == "57014":  # progress handler, statement_timeout
                reason = f"the statement ran longer than {timeout:g} s (--timeout)"
            _say("query_refused", reason)
            sys.exit(3)
    if more:
        err.print(say("note", message=say("cli.query_limit", limit=limit)), highlight=False, markup=False)


def _check_ids(conn, scan_id: int) -> dict[str, list[str]]:
    """The checks stored with a scan and the controls that use each."""
    ids = conn.execute(select(CheckSource.check_id).where(CheckSource.scan_id == scan_id,
                                                          CheckSource.check_id.not_like("rule:%"))).scalars().all()
    controls = conn.execute(select(PackControl.control_id, PackControl.checks).where(PackControl.scan_id == scan_id)).all()
    return {cid: sorted({c for c, checks in controls if cid in checks.split(";")}) for cid in sorted(ids)}


@main.command(help="help.check.about")
@config_option
@click.argument("check_id", required=False)
@option("--control", "control_id", help="help.check.control")
@option("--scan", "scan_id", type=int, help="help.common.scan")
@option("--finding", "finding_id", type=int, help="help.check.finding")
def check(config_path: Path, check_id: str | None, control_id: str | None, scan_id: int | None,
          finding_id: int | None) -> None:
    """Re-run the SQL of one check as stored with a scan (read-only): the rows its findings came from.

    Without CHECK_ID it lists the checks of the scan and their controls; with --finding it re-runs the
    check behind that finding and prints only that finding's row."""
    config = load_config(config_path)
    engine = _readonly(config, any_version=True)
    finding = None
    if finding_id is not None:
        with engine.connect() as conn:
            finding = conn.execute(select(Finding).where(Finding.id == finding_id)).first()
        if finding is None:
            raise UserError("cli.finding_missing", finding=finding_id)
        check_id, control_id, scan_id = finding.check_id, finding.control_id, finding.scan_id
    scan_id = _scan_id(engine, config, scan_id)
    with engine.connect() as conn:
        known = _check_ids(conn, scan_id)
        source = conn.execute(select(CheckSource).where(CheckSource.scan_id == scan_id,
                                                        CheckSource.check_id == check_id)).first()
        scan_row = conn.execute(select(Scan.started_at, Scan.organisation_profile).where(Scan.id == scan_id)).one()
    if check_id is None:
        for cid, controls in known.items():
            click.echo(f"{cid}\t{', '.join(controls)}")
        return
    if source is None:
        raise UserError("cli.check_not_run", check=check_id, scan=scan_id, known=", ".join(known))
    if "control_id" in parameters(source.sql) and not control_id:
        raise UserError("cli.check_needs_control", check=check_id)
    stored = Check(id=check_id, description="", providers=tuple(filter(None, source.providers.split(";"))),
                   sql=source.sql)
    params = Params(scan_id=scan_id, scan_date=scan_row.started_at.date(), profile=scan_row.organisation_profile)
    shown = 0
    for row in run_check(engine, stored, params, control_id):
        if finding is not None and not _same_subject(row, finding):
            continue
        shown += 1
        click.echo(json.dumps(row, default=str, ensure_ascii=False))
    if finding is not None:
        note = say("cli.finding_note", finding=finding.id, pack=finding.pack, control=finding.control_id, status=finding.status)
        if finding.status != finding.check_status:
            note += say("cli.rule_changed", check_status=finding.check_status, status=finding.status)
        err.print(note + ("" if shown else say("cli.rule_produced")), highlight=False, markup=False)


def _same_subject(row: dict, finding) -> bool:
    """Whether a check row judged the finding's resource (or, for an account-level finding, its account)."""
    resource = row.get("resource_id")
    if finding.resource_id is not None:
        return resource is not None and int(resource) == finding.resource_id
    return resource is None and row.get("provider") == finding.provider and row.get("account_id") == finding.account_id


@main.command(help="help.controls.about")
@option("--pack", "packs", multiple=True, type=click.Choice(PACKS), help="help.common.pack")
def controls(packs) -> None:
    """Every control with its citation and the checks that decide it (in the language of messages)."""
    lang = language()
    for pack in load_packs(AREAS).values():
        if packs and pack.id not in packs:
            continue
        out.print(f"[bold]{pack.id}[/] — {pack.pack.document}", highlight=False)
        for control in pack.control:
            title = control.title_nl if lang == "nl" else control.title_en
            out.print(f"  [bold]{control.id}[/] ({control.severity}) {title}", highlight=False)
            out.print(f"    §{control.section}: “{control.quote}”", markup=False, highlight=False)
            out.print(say("cli.control_checks", checks=", ".join(control.checks) or say("cli.manual")), markup=False, highlight=False)


@main.command(help="help.demo.about")
@option("--output-dir", type=click.Path(path_type=Path), default=Path("demo"), show_default=True, help="help.demo.output_dir")
@option("--lang", type=click.Choice(LANGUAGES), help="help.demo.lang")
@click.pass_context
def demo(ctx: click.Context, output_dir: Path, lang: str) -> None:
    """Scan the embedded sample estate of a fictional ministry, as `scan` would, and write the HTML report."""
    from scanner.demo import demo_estate, finish_demo

    lang = lang or language()
    set_language(lang)
    with demo_estate(output_dir) as config_path:
        ctx.invoke(scan, config_path=config_path)
    finish_demo(config_path, lang, err)


@main.command(help="help.schema.about")
@option("--datasette", is_flag=True, help="help.schema.datasette")
def schema(datasette: bool) -> None:
    """Print the inventory schema (tables, columns, descriptions) as Markdown, or as Datasette metadata."""
    from scanner.schema_doc import datasette_metadata, schema_markdown

    click.echo(datasette_metadata() if datasette else schema_markdown(), nl=False)


@main.command(help="help.permissions.about")
@option("--provider", type=click.Choice(PROVIDERS), help="help.permissions.provider")
def permissions(provider: str | None) -> None:
    """The read-only permissions each source needs, from its manifest: provider, permission, calls (* = every call)."""
    for manifest in MANIFESTS.values():
        if provider in (None, manifest.provider):
            for permission in manifest.permissions:
                calls = sorted({c.call for c in manifest.calls if c.permission == permission}) or ["*"]
                click.echo(f"{manifest.provider}\t{permission}\t{' '.join(calls)}")


@main.group(help="help.db.about")
def db() -> None:
    """The inventory database: upgrade its schema, remove old scans."""


@db.command(help="help.db_upgrade.about")
@config_option
def upgrade(config_path: Path) -> None:
    """Upgrade the database schema in place to this version (an empty database gets the whole schema)."""
    config = load_config(config_path)
    err.print(create_schema(connect(config.database), TABLES), highlight=False)


@db.command(name="prune", help="help.db_prune.about")
@config_option
@option("--keep", type=click.IntRange(min=1), metavar="N", help="help.db_prune.keep")
@option("--older-than", type=click.IntRange(min=1), metavar="DAYS", help="help.db_prune.older_than")
def prune_scans(config_path: Path, keep: int | None, older_than: int | None) -> None:
    """Remove the organisation's old scans and every row that belongs to them, in one transaction."""
    if (keep is None) == (older_than is None):
        raise UserError("cli.prune_choice")
    config = load_config(config_path)
    _readonly(config).dispose()  # the database exists and has this version's schema
    engine = connect(config.database)
    started_before = datetime.now(UTC) - timedelta(days=older_than) if older_than else None
    scan_ids = scans_to_prune(engine, config.organisation.name, keep, started_before)
    removed = prune(engine, scan_ids)
    counts = ", ".join(f"{n} {table}" for table, n in removed.items())
    err.print(say("cli.pruned", count=len(scan_ids), organisation=config.organisation.name,
                   counts=f": {counts}" if counts else ""), highlight=False, markup=False)


@main.command(help="help.diff.about")
@config_option
@option("--from", "before", type=int, help="help.diff.from")
@option("--to", "after", type=int, help="help.diff.to")
@option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="help.diff.format")
@option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True, help="help.diff.lang")
def diff(config_path: Path, before: int | None, after: int | None, fmt: str, lang: str) -> None:
    """What changed between two scans: findings new, resolved or with another status (matched by key)."""
    config = load_config(config_path)
    engine = _readonly(config)
    result = diff_scans(engine, *scan_pair(engine, config.organisation.name, before, after))
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(diff_text(result, lang), nl=False)
