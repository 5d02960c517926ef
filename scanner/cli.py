"""The command line: a thin layer over the library.

Exit codes: 0 success; 1 ``scan --fail-on`` found failing or error findings at or above the
severity; 2 invalid input (arguments, config, register: one line on stderr, no traceback);
3 the database could not be opened or queried.
"""

import csv
import json
import logging
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from connectors.registry import AREAS, MANIFESTS, PROVIDERS, TABLES
from findings.engine import Params, run_check
from findings.packs import Check, load_packs, parameters
from inventory.db import connect, connect_readonly
from inventory.errors import UserError
from inventory.migrations import SchemaError, check_schema, create_schema
from inventory.retention import prune, scans_to_prune
from inventory.tables import CheckSource, Scan
from inventory.vocabulary import SEVERITIES, STATUSES
from reports.data import latest_scan_id
from reports.diff import diff_scans, diff_text, scan_pair
from reports.write import write_report
from scanner.config import PACKS, Config, load_config

err = Console(stderr=True)
out = Console()
FAILING = ("fail", "error")
config_option = click.option("--config", "config_path", type=click.Path(path_type=Path), default=Path("config.toml"),
                             show_default=True, help="Configuration file (see config.example.toml).")


def _logging(verbose: bool) -> None:
    level = logging.DEBUG if verbose else logging.INFO
    if sys.stderr.isatty():
        logging.basicConfig(level=level, format="%(message)s", handlers=[RichHandler(console=err, show_path=False)])
    else:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("azure", "botocore", "urllib3", "httpx", "google", "werkzeug", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _readonly(config: Config, any_version: bool = False):
    """The database opened read-only; unless ``any_version``, it must have this version's schema."""
    try:
        engine = connect_readonly(config.database)
    except FileNotFoundError as exc:
        raise UserError(f"database {exc} does not exist yet: run 'wolkenwacht scan' first") from None
    if not any_version:
        check_schema(engine)
    return engine


def _scan_id(engine, requested: int | None) -> int:
    scan_id = requested or latest_scan_id(engine)
    if scan_id is None:
        raise UserError("the database holds no finished scan yet: run 'wolkenwacht scan' first")
    return scan_id


class Cli(click.Group):
    """Turns UserError and database errors into one line and an exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
            sys.exit(2)
        except SQLAlchemyError as exc:
            first_line = str(exc.orig if hasattr(exc, "orig") else exc).splitlines()[0]
            err.print(f"[red]database error:[/] {escape(first_line)}", highlight=False)
            sys.exit(3)
        except SchemaError as exc:
            err.print(f"[red]database error:[/] {escape(str(exc))}", highlight=False)
            sys.exit(3)


@click.group(cls=Cli)
@click.option("-v", "--verbose", is_flag=True, help="Debug logging.")
@click.version_option(package_name="wolkenwacht")
def main(verbose: bool) -> None:
    """Wolkenwacht: scan cloud and Microsoft 365 configuration against Dutch government cloud policy."""
    _logging(verbose)


@main.command()
@config_option
@click.option("--fail-on", type=click.Choice(SEVERITIES), help="Exit 1 when failing or error findings at or above this severity exist.")
def scan(config_path: Path, fail_on: str | None) -> None:
    """Collect live state from every configured source, store it and judge it."""
    from scanner.progress import progress_reporter
    from scanner.run import run_scan

    config = load_config(config_path)
    with progress_reporter(err) as progress:
        result = run_scan(config, config_path, progress)
    stored = ", ".join(f"{result.rows.get(t, 0)} {t}s" for t in ("account", "resource"))
    summary = ", ".join(f"{n} {s}" for s, n in sorted(result.findings.items()))
    err.print(f"scan {result.scan_id} {result.status}: {stored}; findings: {summary or 'none'}", highlight=False)
    if fail_on:
        limit = SEVERITIES.index(fail_on)
        engine = _readonly(config)
        with engine.connect() as conn:
            failing = conn.execute(text(
                "select severity, count(*) from finding where scan_id = :s and status in ('fail', 'error') group by severity"),
                {"s": result.scan_id}).all()
        if any(SEVERITIES.index(sev) <= limit for sev, _ in failing):
            sys.exit(1)


@main.command()
@config_option
@click.option("--format", "fmt", type=click.Choice(["html", "json", "csv", "cio"]), default="html", show_default=True,
              help="html for admins, json/csv for machines, cio for the CIO Rijk notification report.")
@click.option("--output", type=click.Path(path_type=Path), required=True, help="File to write ('-' for stdout).")
@click.option("--scan", "scan_id", type=int, help="Scan id (default: the latest finished scan).")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--pack", "packs", multiple=True, type=click.Choice(PACKS))
@click.option("--status", "statuses", multiple=True, type=click.Choice(STATUSES))
@click.option("--all-organisations", is_flag=True,
              help="With --format cio: every organisation in the database, from each estate's newest finished scan.")
def report(config_path: Path, fmt: str, output: Path, scan_id: int | None, lang: str, packs, statuses,
           all_organisations: bool) -> None:
    """Write the findings report (HTML for admins, JSON and CSV for machines, cio for CIO Rijk)."""
    engine = _readonly(load_config(config_path))
    if all_organisations:
        if fmt != "cio" or scan_id is not None:
            raise UserError("--all-organisations goes with --format cio and without --scan")
        fmt = "cio-all"
    else:
        scan_id = _scan_id(engine, scan_id)
    target = sys.stdout if str(output) == "-" else output
    write_report(engine, scan_id, fmt, target, packs=list(packs) or None, lang=lang, statuses=list(statuses) or None)
    if target is not sys.stdout:
        err.print(f"report written to {output}", highlight=False)


@main.command()
@config_option
@click.option("--status", "statuses", multiple=True, type=click.Choice(STATUSES))
@click.option("--pack", "packs", multiple=True, type=click.Choice(PACKS))
@click.option("--severity", type=click.Choice(SEVERITIES), help="Only this severity and above.")
@click.option("--scan", "scan_id", type=int, help="Scan id (default: the latest finished scan).")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
def findings(config_path: Path, statuses, packs, severity, scan_id, lang, as_json) -> None:
    """List findings of a scan."""
    engine = _readonly(load_config(config_path))
    scan_id = _scan_id(engine, scan_id)
    sql = ("select f.pack, f.control_id, c.title_nl, c.title_en, f.status, f.severity, f.provider, f.account_id,"
           " r.uid, f.message from finding f left join resource r on r.id = f.resource_id"
           " left join pack_control c on c.scan_id = f.scan_id and c.pack = f.pack and c.control_id = f.control_id"
           " where f.scan_id = :scan_id order by f.pack, f.control_id, f.id")
    table = Table("pack", "control", "status", "severity", "account", "resource", "message", show_lines=False)
    with engine.connect() as conn:
        for row in conn.execute(text(sql), {"scan_id": scan_id}):
            if (statuses and row.status not in statuses) or (packs and row.pack not in packs):
                continue
            if severity and SEVERITIES.index(row.severity) > SEVERITIES.index(severity):
                continue
            if as_json:
                click.echo(json.dumps({"pack": row.pack, "control_id": row.control_id, "status": row.status,
                                       "title": row.title_nl if lang == "nl" else row.title_en,
                                       "severity": row.severity, "provider": row.provider,
                                       "account_id": row.account_id, "resource_uid": row.uid,
                                       "message": row.message}, ensure_ascii=False))
            else:
                table.add_row(row.pack, row.control_id, row.status, row.severity,
                              f"{row.provider or ''} {row.account_id or ''}".strip(), row.uid or "", row.message)
    if not as_json:
        out.print(table, markup=False, highlight=False)


@main.command()
@config_option
@click.argument("sql")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def query(config_path: Path, sql: str, fmt: str) -> None:
    """Run read-only SQL on the inventory (the database is opened read-only)."""
    engine = _readonly(load_config(config_path), any_version=True)
    with engine.connect() as conn:
        result = conn.exec_driver_sql(sql)
        columns = list(result.keys())
        if fmt == "csv":
            writer = csv.writer(sys.stdout)
            writer.writerow(columns)
            writer.writerows(result)
        elif fmt == "json":
            for row in result:
                click.echo(json.dumps(dict(zip(columns, row, strict=True)), default=str, ensure_ascii=False))
        else:
            table = Table(*columns)
            for row in result:
                table.add_row(*("" if v is None else str(v) for v in row))
            out.print(table, markup=False, highlight=False)


@main.command()
@config_option
@click.argument("check_id")
@click.option("--control", "control_id", help="The control, for checks that run once per control.")
@click.option("--scan", "scan_id", type=int, help="Scan id (default: the latest finished scan).")
def check(config_path: Path, check_id: str, control_id: str | None, scan_id: int | None) -> None:
    """Re-run the SQL of one check as stored with a scan (read-only): the rows its findings came from."""
    engine = _readonly(load_config(config_path), any_version=True)
    scan_id = _scan_id(engine, scan_id)
    with engine.connect() as conn:
        source = conn.execute(select(CheckSource).where(CheckSource.scan_id == scan_id,
                                                        CheckSource.check_id == check_id)).first()
        scan_row = conn.execute(select(Scan.started_at, Scan.organisation_profile).where(Scan.id == scan_id)).one()
    if source is None:
        raise UserError(f"check {check_id!r} did not run in scan {scan_id}")
    if "control_id" in parameters(source.sql) and not control_id:
        raise UserError(f"check {check_id!r} runs once per control: name it with --control")
    stored = Check(id=check_id, description="", providers=tuple(filter(None, source.providers.split(";"))),
                   sql=source.sql)
    params = Params(scan_id=scan_id, scan_date=scan_row.started_at.date(), profile=scan_row.organisation_profile)
    for row in run_check(engine, stored, params, control_id):
        click.echo(json.dumps(row, default=str, ensure_ascii=False))


@main.command()
@click.option("--pack", "packs", multiple=True, type=click.Choice(PACKS))
@click.option("--lang", type=click.Choice(["nl", "en"]), default="en", show_default=True)
def controls(packs, lang: str) -> None:
    """Every control with its citation and the checks that decide it."""
    for pack in load_packs(AREAS).values():
        if packs and pack.id not in packs:
            continue
        out.print(f"[bold]{pack.id}[/] — {pack.pack.document}", highlight=False)
        for control in pack.control:
            title = control.title_nl if lang == "nl" else control.title_en
            out.print(f"  [bold]{control.id}[/] ({control.severity}) {title}", highlight=False)
            out.print(f"    §{control.section}: “{control.quote}”", markup=False, highlight=False)
            out.print(f"    checks: {', '.join(control.checks) or 'manual'}", markup=False, highlight=False)


@main.command()
@click.option("--output-dir", type=click.Path(path_type=Path), default=Path("demo"), show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.pass_context
def demo(ctx: click.Context, output_dir: Path, lang: str) -> None:
    """Scan the embedded sample estate of a fictional ministry, as `scan` would, and write the HTML report."""
    from scanner.demo import demo_estate, finish_demo

    with demo_estate(output_dir, lang) as config_path:
        ctx.invoke(scan, config_path=config_path)
    finish_demo(config_path, lang, err)


@main.command()
def schema() -> None:
    """Print the inventory schema (tables, columns, descriptions) as Markdown."""
    from scanner.schema_doc import schema_markdown

    click.echo(schema_markdown(), nl=False)


@main.command()
@click.option("--provider", type=click.Choice(PROVIDERS), help="Only this source.")
def permissions(provider: str | None) -> None:
    """The read-only permissions each source needs, from its manifest: provider, permission, calls (* = every call)."""
    for manifest in MANIFESTS.values():
        if provider in (None, manifest.provider):
            for permission in manifest.permissions:
                calls = sorted({c.call for c in manifest.calls if c.permission == permission}) or ["*"]
                click.echo(f"{manifest.provider}\t{permission}\t{' '.join(calls)}")


@main.group()
def db() -> None:
    """The inventory database: upgrade its schema, remove old scans."""


@db.command()
@config_option
def upgrade(config_path: Path) -> None:
    """Upgrade the database schema in place to this version (an empty database gets the whole schema)."""
    config = load_config(config_path)
    err.print(create_schema(connect(config.database), TABLES), highlight=False)


@db.command(name="prune")
@config_option
@click.option("--keep", type=click.IntRange(min=1), metavar="N", help="Keep the organisation's N newest finished scans.")
@click.option("--older-than", type=click.IntRange(min=1), metavar="DAYS", help="Remove its scans started more than DAYS days ago.")
def prune_scans(config_path: Path, keep: int | None, older_than: int | None) -> None:
    """Remove the organisation's old scans and every row that belongs to them, in one transaction."""
    if (keep is None) == (older_than is None):
        raise UserError("db prune: give either --keep N or --older-than DAYS")
    config = load_config(config_path)
    _readonly(config).dispose()  # the database exists and has this version's schema
    engine = connect(config.database)
    started_before = datetime.now(UTC) - timedelta(days=older_than) if older_than else None
    scan_ids = scans_to_prune(engine, config.organisation.name, keep, started_before)
    removed = prune(engine, scan_ids)
    counts = ", ".join(f"{n} {table}" for table, n in removed.items())
    err.print(f"removed {len(scan_ids)} scan(s) of {config.organisation.name}" + (f": {counts}" if counts else ""),
              highlight=False)


@main.command()
@config_option
@click.option("--from", "before", type=int, help="Earlier scan id (default: the organisation's finished scan before --to).")
@click.option("--to", "after", type=int, help="Later scan id (default: the organisation's latest finished scan).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
def diff(config_path: Path, before: int | None, after: int | None, fmt: str, lang: str) -> None:
    """What changed between two scans: findings new, resolved or with another status (matched by key)."""
    config = load_config(config_path)
    engine = _readonly(config)
    result = diff_scans(engine, *scan_pair(engine, config.organisation.name, before, after))
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(diff_text(result, lang), nl=False)
