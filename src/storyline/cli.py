"""The `storyline` command: a thin shell over storyline.runner, storyline.store and storyline.export."""
from __future__ import annotations

import csv
import io
import json
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .store import DEFAULT_DB, DatabaseBusy, Store

app = typer.Typer(help="storyline: who did what to whom, when, where — and who said what — from dated news stories.",
                  no_args_is_help=True, add_completion=False)
# Piped output (CI logs, `| less`) gets a wide console rather than rich's 80-column default.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB database file.")]


class Fmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    geojson = "geojson"  # for row sets with coordinates (places)


FmtOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")]


def _open(db: Path, allow_files: bool = True) -> Store:
    try:
        return Store(db, read_only=True, allow_files=allow_files)
    except FileNotFoundError as e:
        err.print(f"[red]error:[/] {e}")
        raise typer.Exit(2)
    except DatabaseBusy as e:
        err.print(f"[red]error:[/] {escape(str(e))}")
        raise typer.Exit(3)


def _emit(cols: list[str], rows: list[tuple], fmt: Fmt, title: str, wrap: set[str] = frozenset()) -> None:
    if fmt is Fmt.geojson:
        if "lat" not in cols:
            raise typer.BadParameter(f"{title} have no coordinates: use table, json or csv")
        from .export import feature_collection

        sys.stdout.write(json.dumps(feature_collection(cols, rows), ensure_ascii=False) + "\n")
        return
    if fmt is Fmt.json:
        sys.stdout.write(json.dumps([dict(zip(cols, r)) for r in rows], default=str, ensure_ascii=False, indent=1) + "\n")
        return
    if fmt is Fmt.csv:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(cols)
        w.writerows(rows)
        sys.stdout.write(buf.getvalue())
        return
    table = Table(title=f"{title} ({len(rows)})", show_lines=False, header_style="bold")
    for c in cols:
        table.add_column(c, overflow="fold", max_width=70 if c in wrap else 30)
    for r in rows:
        table.add_row(*["" if v is None else str(v) for v in r])
    out.print(table)


def _filters(actor, type_, since, until, place, *, actor_cols, type_col, date_col, place_col):
    where, params = [], []
    if actor:
        where.append("(" + " OR ".join(f"{c} ILIKE ?" for c in actor_cols) + ")")
        params += [f"%{actor}%"] * len(actor_cols)
    if type_ and type_col:
        where.append(f"{type_col} ILIKE ?")
        params.append(type_)
    if since:
        where.append(f"{date_col} >= ?")
        params.append(since)
    if until:
        where.append(f"{date_col} <= ?")
        params.append(until)
    if place and place_col:
        where.append(f"{place_col} ILIKE ?")
        params.append(f"%{place}%")
    return (" WHERE " + " AND ".join(where)) if where else "", params


@app.command()
def ingest(paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or '-' for stdin.")],
           db: DbOpt = Path(DEFAULT_DB),
           format: Annotated[Optional[str], typer.Option("--input-format", help="seed, jsonl, csv or html; "
                                                          "default: from the file suffix")] = None,
           batch_size: Annotated[int, typer.Option(help="Stories per batch (and per transaction).")] = 64,
           max_chars: Annotated[int, typer.Option(help="Reject stories longer than this.")] = 200_000,
           verbs: Annotated[Optional[Path], typer.Option(help="PETRARCH verb dictionary (e.g. CAMEO.2.0.txt): "
                                                          "code events with it instead of storyline's own verbs.")] = None,
           actors: Annotated[Optional[list[Path]], typer.Option(help="PETRARCH actor dictionary (repeatable).")] = None,
           agents: Annotated[Optional[Path], typer.Option(help="PETRARCH agent dictionary.")] = None,
           discards: Annotated[Optional[Path], typer.Option(help="PETRARCH discard list.")] = None,
           jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Worker processes analyzing stories "
                                                       "(default: all cores); one more process reads and writes.")] = None,
           timeout: Annotated[float, typer.Option(help="Seconds a worker may go without finishing a story; a "
                                                  "story that hangs it is rejected with reason 'timeout'.")] = 120.0) -> None:
    """Analyze stories into the database. Bad input is reported and kept in the rejects table."""
    import functools
    import os

    from .pipeline import Pipeline
    from .runner import ingest as run_ingest

    make_pipeline = Pipeline
    if verbs is not None:
        make_pipeline = functools.partial(Pipeline, petrarch={"verbs": verbs, "actors": actors or [], "agents": agents,
                                                              "discards": discards})
    elif actors or agents or discards:
        raise typer.BadParameter("--actors/--agents/--discards need --verbs (PETRARCH mode)")
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise typer.BadParameter("--jobs must be 1 or more")

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} read"),
                  TimeElapsedColumn(), console=err, transient=False) as progress:
        task = progress.add_task("loading model", total=None)

        def seen(rec) -> None:
            progress.update(task, advance=1, description="analyzing")

        def rejected(r) -> None:
            progress.console.print(f"[yellow]rejected[/] {escape(str(r))}")

        try:
            summary = run_ingest(paths, db, jobs=jobs, make_pipeline=make_pipeline, timeout=timeout,
                                 batch_size=batch_size, max_chars=max_chars, fmt=format, on_story=seen,
                                 on_reject=rejected)
        except DatabaseBusy as e:
            progress.stop()
            err.print(f"[red]error:[/] {escape(str(e))}")
            raise typer.Exit(3)
        except KeyboardInterrupt:
            progress.stop()
            err.print("interrupted: the batches written so far are kept; run the same command again to go on")
            raise typer.Exit(130)
        progress.update(task, description="done")
    err.print(f"{summary.stories} stories written, {summary.unchanged} unchanged, {summary.events} events, "
              f"{summary.quotes} quotes, {len(summary.rejects)} rejected -> {db}")
    if any(r.reason in ("error", "timeout") for r in summary.rejects):
        from .runner import ErrorLog

        err.print(f"stories a stage failed on are rejects with reason error/timeout; tracebacks in "
                  f"{escape(str(ErrorLog.beside(db)))}")


@app.command()
def events(db: DbOpt = Path(DEFAULT_DB),
           actor: Annotated[Optional[str], typer.Option(help="Source or target name, id or code contains.")] = None,
           type: Annotated[Optional[str], typer.Option("--type", help="PLOVER type (ASSAULT) or CAMEO code.")] = None,
           since: Annotated[Optional[str], typer.Option(help="Events on or after YYYY-MM-DD.")] = None,
           until: Annotated[Optional[str], typer.Option(help="Events on or before YYYY-MM-DD.")] = None,
           place: Annotated[Optional[str], typer.Option(help="Place name contains.")] = None,
           story: Annotated[Optional[str], typer.Option(help="Only this story id.")] = None,
           domain: Annotated[str, typer.Option(help="political, business (no political actor takes part) "
                                                    "or all.")] = "political",
           format: FmtOpt = Fmt.table) -> None:
    """Events: who did what to whom, when, where, with the sentence they came from."""
    where, params = _filters(actor, None, since, until, place,
                             actor_cols=["source_name", "source_code", "source_id", "target_name", "target_code",
                                         "target_id"], type_col=None, date_col="coalesce(date_latest, story_date)",
                             place_col="place_name")
    if type:
        where += (" AND " if where else " WHERE ") + "(plover_type ILIKE ? OR cameo = ?)"
        params += [type, type]
    if story:
        where += (" AND " if where else " WHERE ") + "story_id = ?"
        params.append(story)
    if domain not in ("political", "business", "all"):
        raise typer.BadParameter("--domain must be political, business or all")
    if domain != "all":
        where += (" AND " if where else " WHERE ") + "domain = ?"
        params.append(domain)
    cols = (("date_value AS date", "plover_type || coalesce('/' || plover_mode, '') || ' ' || cameo AS event",
             "source_name || ' [' || coalesce(source_code, '?') || ']' AS source",
             "target_name || ' [' || coalesce(target_code, '?') || ']' AS target", "place_name AS place",
             "nullif(modality, 'asserted') AS modality", "sentence")
            if format is Fmt.table else ("*",))
    with _open(db) as st:
        c, rows = st.query(f"SELECT {', '.join(cols)} FROM event_rows{where} "
                           "ORDER BY story_date, story_id, event_no", params)
    _emit(c, rows, format, "events", wrap={"sentence"})


@app.command()
def quotes(db: DbOpt = Path(DEFAULT_DB),
           speaker: Annotated[Optional[str], typer.Option(help="Speaker name or id contains.")] = None,
           actor: Annotated[Optional[str], typer.Option(help="Same as --speaker.")] = None,
           since: Annotated[Optional[str], typer.Option(help="Stories on or after YYYY-MM-DD.")] = None,
           until: Annotated[Optional[str], typer.Option(help="Stories on or before YYYY-MM-DD.")] = None,
           direct: Annotated[Optional[bool], typer.Option("--direct/--indirect", help="Only one kind.")] = None,
           format: FmtOpt = Fmt.table) -> None:
    """Quotes with their speakers, direct and indirect."""
    where, params = _filters(speaker or actor, None, since, until, None,
                             actor_cols=["speaker_name", "speaker_id", "speaker_text"], type_col=None,
                             date_col="story_date", place_col=None)
    if direct is not None:
        where += (" AND " if where else " WHERE ") + "direct = ?"
        params.append(direct)
    cols = ("story_date", "speaker_name", "speaker_code", "speaker_text", "cue", "addressee", "direct", "speech_date",
            "text") \
        if format is Fmt.table else ("*",)
    with _open(db) as st:
        c, rows = st.query(f"SELECT {', '.join(cols)} FROM quote_rows{where} ORDER BY story_date, story_id, quote_no",
                           params)
    _emit(c, rows, format, "quotes", wrap={"text"})


@app.command()
def actors(db: DbOpt = Path(DEFAULT_DB),
           actor: Annotated[Optional[str], typer.Option(help="Name, alias, id or code contains.")] = None,
           format: FmtOpt = Fmt.table) -> None:
    """Canonical actors with their codes, aliases and how often they are mentioned."""
    where, params = "", []
    if actor:
        where = (" WHERE a.name ILIKE ? OR a.actor_id ILIKE ? OR a.code ILIKE ? OR a.actor_id IN "
                 "(SELECT actor_id FROM actor_aliases WHERE alias ILIKE ?)")
        params = [f"%{actor}%"] * 4
    with _open(db) as st:
        c, rows = st.query(
            "SELECT a.actor_id, a.name, a.code, a.kind, a.description, "
            "(SELECT string_agg(alias, '; ' ORDER BY alias) FROM actor_aliases x WHERE x.actor_id = a.actor_id "
            " AND x.alias <> a.name) AS aliases, "
            "(SELECT count(*) FROM mentions m WHERE m.actor_id = a.actor_id) AS mentions "
            f"FROM actors a{where} ORDER BY mentions DESC, a.name", params)
    _emit(c, rows, format, "actors", wrap={"aliases"})


@app.command()
def places(db: DbOpt = Path(DEFAULT_DB),
           place: Annotated[Optional[str], typer.Option(help="Name contains.")] = None,
           format: FmtOpt = Fmt.table) -> None:
    """Places resolved to GeoNames, with coordinates, mentions and events located there
    (--format geojson: a FeatureCollection any GIS tool opens)."""
    where, params = ("", []) if not place else (" WHERE p.name ILIKE ?", [f"%{place}%"])
    with _open(db) as st:
        c, rows = st.query(
            "SELECT p.geonameid, p.name, p.country, p.admin1, p.feature_code, p.lat, p.lon, "
            "(SELECT count(*) FROM place_mentions m WHERE m.geonameid = p.geonameid) AS mentions, "
            "(SELECT count(*) FROM events e WHERE e.geonameid = p.geonameid) AS events "
            f"FROM places p{where} ORDER BY events DESC, mentions DESC", params)
    _emit(c, rows, format, "places")


@app.command()
def show(story_id: Annotated[str, typer.Argument(help="A story id (a unique prefix is enough).")],
         db: DbOpt = Path(DEFAULT_DB)) -> None:
    """One story with its extractions marked, and the events it produced."""
    with _open(db) as st:
        _, found = st.query("SELECT story_id, date, title, text FROM stories WHERE story_id LIKE ? || '%'", [story_id])
        if len(found) != 1:
            err.print(f"[red]error:[/] {len(found)} stories match {story_id!r}")
            raise typer.Exit(2)
        sid, date, title, text = found[0]
        marks = []
        for sql, style in (("SELECT start, \"end\", 'actor ' || coalesce(code, '') FROM mentions WHERE story_id = ?", "bold cyan"),
                           ("SELECT start, \"end\", 'time ' || value FROM times WHERE story_id = ?", "bold magenta"),
                           ("SELECT start, \"end\", 'place' FROM place_mentions WHERE story_id = ?", "bold green"),
                           ("SELECT start, \"end\", 'quote' FROM quotes WHERE story_id = ? AND direct", "italic yellow"),
                           ("SELECT start, \"end\", 'reported' FROM quotes WHERE story_id = ? AND NOT direct", "yellow"),
                           ("SELECT speaker_start, speaker_end, 'speaker' FROM quotes WHERE story_id = ? "
                            "AND speaker_start IS NOT NULL", "bold yellow")):
            marks += [(s, e, label, style) for s, e, label in st.query(sql, [sid])[1]]
        _, ev = st.query("SELECT date_value, plover_type, cameo, source_code, target_code, place_name, trigger "
                         "FROM event_rows WHERE story_id = ? ORDER BY event_no", [sid])
    body = Text(text)
    for s, e, _, style in marks:
        body.stylize(style, s, e)
    out.rule(f"{sid}  {date}  {title or ''}")
    out.print(body)
    out.print(Text("actors ", style="bold cyan") + Text("times ", style="bold magenta") +
              Text("places ", style="bold green") + Text("quotes ", style="italic yellow") +
              Text("reported speech ", style="yellow") + Text("speakers", style="bold yellow"))
    _emit(["date", "type", "cameo", "source", "target", "place", "trigger"], ev, Fmt.table, "events")


@app.command()
def sql(query: Annotated[str, typer.Argument(help="A SELECT statement (the database is opened read-only).")],
        db: DbOpt = Path(DEFAULT_DB), format: FmtOpt = Fmt.table,
        allow_files: Annotated[bool, typer.Option("--allow-files", help="Let the query read files and other "
                                                  "databases (read_csv, read_text, ATTACH...); off by default.")] = False
        ) -> None:
    """Run a read-only SQL query against the database. Without --allow-files, DuckDB's external access
    is off (no files, other databases or extensions) and cannot be switched back on from the query."""
    if not re.match(r"^\s*(select|with|describe|show|pragma|summarize|from)\b", query, re.IGNORECASE):
        err.print("[red]error:[/] only read-only queries (SELECT, WITH, DESCRIBE, SHOW) are allowed")
        raise typer.Exit(2)
    with _open(db, allow_files=allow_files) as st:
        try:
            c, rows = st.query(query)
        except Exception as e:  # duckdb raises many kinds; the message is what the user needs
            hint = " (--allow-files lets a query read files)" if "disabled by configuration" in str(e) else ""
            err.print(f"[red]error:[/] {escape(str(e))}{hint}")
            raise typer.Exit(2)
    _emit(c, rows, format, "result")


@app.command()
def check(db: DbOpt = Path(DEFAULT_DB)) -> None:
    """Verify a database: schema version, references between tables, offsets inside the story text,
    no orphan rows. Says what is wrong; exit code 1 if anything is."""
    from .check import check as run_check

    with _open(db) as st:
        version, problems = run_check(st)
        counts = st.counts() if version else {}
    for p in problems:
        err.print(f"[red]problem:[/] {escape(str(p))}")
    summary = ", ".join(f"{n:,} {t}" for t, n in counts.items())
    if problems:
        err.print(f"{db}: schema {version}, {summary}: {len(problems)} problem(s)")
        raise typer.Exit(1)
    err.print(f"{db}: ok (schema {version}, {summary})")


@app.command()
def spark(inputs: Annotated[list[str], typer.Argument(metavar="INPUT...", help="JSON Lines, CSV or Parquet files or "
                                                      "folders, local or on object storage (s3a://, gs://, hdfs://).")],
          out_dir: Annotated[str, typer.Option("--out", help="Folder for the Parquet tables.")],
          master: Annotated[str, typer.Option(help="Spark master: local[*], spark://host:7077, yarn, k8s://...")]
          = "local[*]",
          partitions: Annotated[Optional[int], typer.Option(help="Input partitions (default: 4 per core).")] = None,
          conf: Annotated[Optional[list[str]], typer.Option(help="Spark setting KEY=VALUE (repeatable).")] = None
          ) -> None:
    """Analyze stories on Spark into Parquet tables with the database's schema (needs storyline[spark])."""
    try:
        from .spark import run
    except ImportError:
        err.print("[red]error:[/] Spark support is an extra: pip install 'storyline[spark]'")
        raise typer.Exit(2)
    settings = dict(kv.split("=", 1) for kv in conf or [])
    counts = run(inputs, out_dir, master=master, partitions=partitions, conf=settings)
    err.print(", ".join(f"{n:,} {t}" for t, n in counts.items()) + f" -> {out_dir}")


@app.command("import")
def import_(folder: Annotated[Path, typer.Argument(help="A folder written by `storyline spark --out`.")],
            db: DbOpt = Path(DEFAULT_DB)) -> None:
    """Load Parquet tables written by `storyline spark` into the database (stories already there are replaced)."""
    from .spark import import_tables

    if not folder.is_dir():
        err.print(f"[red]error:[/] {folder}: no such folder")
        raise typer.Exit(2)
    try:
        counts = import_tables(folder, db)
    except DatabaseBusy as e:
        err.print(f"[red]error:[/] {escape(str(e))}")
        raise typer.Exit(3)
    err.print(", ".join(f"{n:,} {t}" for t, n in counts.items()) + f" imported -> {db}")


@app.command()
def export(out_path: Annotated[Path, typer.Argument(metavar="OUT", help="Folder (a file for geojson).")],
           format: Annotated[str, typer.Option("--format", "-f", help="parquet, csv, jsonl or geojson")] = "parquet",
           db: DbOpt = Path(DEFAULT_DB)) -> None:
    """Export events, quotes, actors, places, times, stories and rejects."""
    from .export import FORMATS, export as run_export

    if format not in FORMATS:
        err.print(f"[red]error:[/] unknown format {format!r}: choose from {', '.join(FORMATS)}")
        raise typer.Exit(2)
    with _open(db) as st:
        files = run_export(st, format, out_path)
    for f in files:
        err.print(f"wrote {f}")


if __name__ == "__main__":
    app()
