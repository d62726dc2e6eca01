"""The `storyline` command: a thin shell over storyline.runner, storyline.query, storyline.export
and storyline.codebook. Each command is one function; shared option bundles sit at the top."""
from __future__ import annotations

import functools
import inspect
import io
import json
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


def _plain_help() -> None:
    """Typer (0.2x) prints each parameter's Python type (`<bool>`, `<list[str]>`) and wraps required
    arguments in braces (`{paths}...`); show click's plain metavars instead: nothing for a flag,
    the choices for a choice, an upper-case name otherwise."""
    from typer import core

    def display_type(self, ctx, _original=core.TyperOption.display_type_rich):
        if isinstance(self, core.TyperArgument):
            return None  # its name column already says it
        if self.metavar:
            return self.metavar
        if getattr(self, "is_flag", False) or getattr(self, "count", False):
            return None
        shown = (_original(self, ctx) or "").strip("<>")
        if "|" in shown:
            return f"[{shown}]"
        return {"int": "N", "float": "X", "path": "PATH", "str": "TEXT", "bool": None}.get(shown, shown.upper() or None)

    def usage_name(self):
        name = self.metavar or self.name.upper()
        if not self.required:
            name = f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    for cls_name in ("TyperOption", "TyperArgument"):
        cls = getattr(core, cls_name, None)
        if cls is not None and hasattr(cls, "display_type_rich"):
            cls.display_type_rich = display_type
    if hasattr(getattr(core, "TyperArgument", None), "_usage_display_name"):
        core.TyperArgument._usage_display_name = usage_name
        core.TyperArgument._rich_display_name = lambda self: (self.metavar or self.name.upper()) + (
            "..." if self.nargs != 1 else "")


_plain_help()

app = typer.Typer(help="storyline: who did what to whom, when, where — and who said what — from dated news stories.",
                  no_args_is_help=True, add_completion=False, rich_markup_mode="markdown",
                  context_settings={"help_option_names": ["-h", "--help"]})
# Piped output (CI logs, `| less`) gets a wide console rather than rich's 80-column default.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB database file.", metavar="FILE")]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        from .kb import KB_VERSION
        from .store import SCHEMA_VERSION

        out.print(f"storyline {version('storyline')} (kb {KB_VERSION}, schema {SCHEMA_VERSION})")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                               help="Print the version and exit.")] = False) -> None:
    """storyline: who did what to whom, when, where — and who said what — from dated news stories.

    Exit codes: 0 success; 1 (ingest) some input was rejected; 2 a usage error (bad option, bad
    filter value, missing database, SQL error); 3 (ingest) nothing was ingested."""


class Fmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class GeoFmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    geojson = "geojson"  # row sets with coordinates only: events and places


FmtOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")]
GeoFmtOpt = Annotated[GeoFmt, typer.Option("--format", "-f", help="Output format (geojson: a FeatureCollection "
                                                                  "of the rows with coordinates).")]
LimitOpt = Annotated[Optional[int], typer.Option("--limit", "-n", help="At most this many rows.", min=0, metavar="N")]
OffsetOpt = Annotated[Optional[int], typer.Option(help="Skip this many rows first.", min=0, metavar="N")]
SortOpt = Annotated[Optional[str], typer.Option(help="Sort by these fields (comma-separated; -field descending).",
                                                metavar="FIELDS")]


def _fail(message: str, code: int = 2):
    err.print(f"[red]error:[/] {message}", highlight=False, markup=True)
    raise typer.Exit(code)


def _open(db: Path, allow_files: bool = True) -> Store:
    try:
        return Store(db, read_only=True, allow_files=allow_files)
    except FileNotFoundError as e:
        _fail(str(e))
    except DatabaseBusy as e:  # says who holds the file and what to do
        _fail(escape(str(e)))
    except Exception as e:  # duckdb.IOException: locked by a writer, not a database file...
        _fail(f"{db}: {e}")


def _reporting_query_errors(func):
    """A bad filter value (QueryError) is a usage error with its message, never a traceback."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .query import QueryError

        try:
            return func(*args, **kwargs)
        except QueryError as e:
            _fail(str(e))
    return wrapper


def _cell(v) -> str:
    return "" if v is None else str(v)


def _emit(cols: list[str], rows: list[tuple], fmt: str, title: str, wrap: set[str] = frozenset()) -> None:
    fmt = getattr(fmt, "value", fmt)
    if fmt == "geojson":
        from .export import feature_collection

        fc, missing = feature_collection(cols, rows)
        sys.stdout.write(json.dumps(fc, ensure_ascii=False, default=str) + "\n")
        if missing:
            err.print(f"[yellow]warning:[/] {missing} of {len(rows)} {title} have no coordinates and are not in "
                      "the GeoJSON")
        return
    if fmt == "json":
        sys.stdout.write(json.dumps([dict(zip(cols, r)) for r in rows], default=str, ensure_ascii=False,
                                    indent=1) + "\n")
        return
    if fmt == "csv":
        from .export import write_csv

        buf = io.StringIO()
        write_csv(buf, cols, rows)
        sys.stdout.write(buf.getvalue())
        return
    table = Table(title=f"{title} ({len(rows)})", show_lines=False, header_style="bold")
    for c in cols:
        table.add_column(c, overflow="fold", max_width=70 if c in wrap else 32)
    for r in rows:
        table.add_row(*[_cell(v) for v in r])
    out.print(table)


# ---------------------------------------------------------------- ingest

@app.command()
def ingest(paths: Annotated[list[str], typer.Argument(metavar="PATH", help="Files, folders (recursive) or '-' "
                                                                            "for stdin.")],
           db: DbOpt = Path(DEFAULT_DB),
           format: Annotated[Optional[str], typer.Option("--input-format", metavar="FORMAT",
                                                         help="seed, jsonl, csv or html; default: from the file "
                                                              "suffix")] = None,
           date_format: Annotated[Optional[str], typer.Option(metavar="STRPTIME", help="How input dates are written, "
                                                              "e.g. %d/%m/%Y (day first): needed for numeric dates "
                                                              "such as 01/06/2024 that read both ways.")] = None,
           default_date: Annotated[Optional[str], typer.Option(metavar="YYYY-MM-DD", help="Date for stories that have "
                                                               "none (e.g. HTML pages without a date).")] = None,
           batch_size: Annotated[int, typer.Option(help="Stories per batch (and per transaction).", metavar="N")] = 64,
           max_chars: Annotated[int, typer.Option(help="Reject stories longer than this.", metavar="N")] = 200_000,
           verbs: Annotated[Optional[Path], typer.Option(metavar="FILE", help="PETRARCH verb dictionary (e.g. "
                                                         "CAMEO.2.0.txt): code events with it instead of storyline's "
                                                         "own verbs.")] = None,
           actors: Annotated[Optional[list[Path]], typer.Option(metavar="FILE", help="Actor dictionary "
                                                                "(repeatable): storyline's TSV or PETRARCH format; adds "
                                                                "to and overrides the shipped actors (with --verbs: the "
                                                                "PETRARCH coder's actors).")] = None,
           agents: Annotated[Optional[Path], typer.Option(metavar="FILE", help="PETRARCH agent dictionary.")] = None,
           discards: Annotated[Optional[Path], typer.Option(metavar="FILE", help="PETRARCH discard list.")] = None,
           jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", metavar="N", help="Worker processes analyzing "
                                                       "stories (default: all cores); one more reads and writes.")]
           = None,
           timeout: Annotated[float, typer.Option(metavar="SECONDS", help="Time a worker may go without finishing a "
                                                  "story; the story that hangs it is rejected as 'timeout'.")] = 120.0
           ) -> None:
    """Analyze stories into the database. Bad input is reported as FILE:LINE: reason and kept in the
    rejects table; a reject is cleared when its file later ingests cleanly.

    Exit status: 0 everything read was ingested (or already stored); 1 some input was rejected;
    2 a usage error; 3 nothing was ingested (no input, all of it rejected, or another ingest holds the
    database)."""
    from .ingest.validate import DateOptions, parse_date
    from .runner import ingest as run_ingest

    if default_date is not None and parse_date(default_date) is None:
        _fail(f"--default-date: {default_date!r} is not a date (YYYY-MM-DD)")
    if date_format is not None:
        import datetime as dt

        try:
            dt.datetime.strptime(dt.date(2024, 11, 29).strftime(date_format), date_format)
        except ValueError as e:
            _fail(f"--date-format {date_format!r}: {e}")
    import os

    from .pipeline import Pipeline

    make_pipeline = Pipeline  # built in each worker process, so it must pickle: a partial, not a Pipeline
    if verbs is not None:
        make_pipeline = functools.partial(Pipeline, petrarch={"verbs": verbs, "actors": actors or [],
                                                              "agents": agents, "discards": discards})
    elif agents or discards:
        _fail("--agents/--discards need --verbs (PETRARCH mode)")
    elif actors:
        from .kb import ActorFileError, countries
        from .kb.actorbook import read_user_actors

        try:  # read once here, so that a bad line stops the run before any story is analyzed
            for path in actors:
                read_user_actors(path, set(countries().by_alpha3))
        except ActorFileError as e:
            _fail(escape(str(e)))
        make_pipeline = functools.partial(Pipeline, actors=actors)
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        _fail("--jobs must be 1 or more")

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} read"),
                  TimeElapsedColumn(), console=err, transient=False) as progress:
        task = progress.add_task("loading model", total=None)

        def seen(rec) -> None:
            progress.update(task, advance=1, description="analyzing")

        def rejected(r) -> None:
            progress.console.print(f"[yellow]rejected[/] {escape(str(r))}", highlight=False)

        try:
            summary = run_ingest(paths, db, jobs=jobs, make_pipeline=make_pipeline, timeout=timeout,
                                 batch_size=batch_size, max_chars=max_chars, fmt=format, on_story=seen,
                                 on_reject=rejected,
                                 dates=DateOptions(date_format, parse_date(default_date) if default_date else None))
        except DatabaseBusy as e:
            progress.stop()
            _fail(escape(str(e)), 3)
        except KeyboardInterrupt:
            progress.stop()
            _fail("interrupted: the batches written so far are kept; run the same command again to go on", 130)
        progress.update(task, description="done")
    for suffix, files in sorted(summary.skipped.items()):
        err.print(f"[yellow]skipped[/] {len(files)} {suffix or 'no-suffix'} file(s) in folders, e.g. {files[0]}: "
                  "not a known input suffix (name the file, or use --input-format)", highlight=False)
    err.print(f"{summary.stories} stories written, {summary.unchanged} unchanged, {summary.events} events, "
              f"{summary.quotes} quotes, {len(summary.rejects)} rejected -> {escape(str(db))}", highlight=False)
    if any(r.reason in ("error", "timeout") for r in summary.rejects):
        from .runner import ErrorLog

        err.print(f"stories a stage failed on are rejects with reason error/timeout; tracebacks in "
                  f"{escape(str(ErrorLog.beside(db)))}")
    if summary.stories + summary.unchanged == 0:
        raise typer.Exit(3)
    if summary.rejects:
        raise typer.Exit(1)


# ---------------------------------------------------------------- event filters, shared by events and count

def _opt(help: str, metavar: str | None = None, type_=str):
    return Annotated[Optional[type_], typer.Option(help=help, metavar=metavar)]


# name -> (annotation, help). Names are storyline.query.EventFilter's fields (and the web API's).
_EVENT_FILTER_OPTIONS = {
    "since": _opt("Events whose date interval reaches this date or later: 2024, 2024-11 or 2024-11-29.", "DATE"),
    "until": _opt("Events whose date interval starts on this date or before (2024, 2024-11, 2024-11-29).", "DATE"),
    "type": _opt("PLOVER type (ASSAULT), type/mode (COERCE/arrest) or CAMEO code or root (17); comma = or.", "TYPE"),
    "quad_class": _opt("Quad class 1-4 (or verbal-cooperation ... material-conflict); comma = or.", "Q"),
    "goldstein_min": _opt("Goldstein score at least.", "X", float),
    "goldstein_max": _opt("Goldstein score at most.", "X", float),
    "modality": _opt("asserted, reported, intended, future, hypothetical, question; comma = or.", "M"),
    "date_basis": _opt("stated, relative, reported or 'not stated'; comma = or.", "B"),
    "min_confidence": _opt("Confidence at least (0-1).", "X", float),
    "actor": _opt("Source or target: exact code (RUSMIL), country (RUS, US), actor id, or part of a name.", "A"),
    "source": _opt("Source actor (as --actor).", "A"),
    "target": _opt("Target actor (as --actor).", "A"),
    "country": _opt("Source or target country, ISO alpha-3 or alpha-2; comma = or.", "C"),
    "source_country": _opt("Source country (ISO).", "C"),
    "target_country": _opt("Target country (ISO).", "C"),
    "place": _opt("GeoNames id or part of the place name.", "P"),
    "place_country": _opt("Country of the event's place (ISO).", "C"),
    "text": _opt("Part of the sentence.", "TEXT"),
    "story": _opt("Only this story id.", "ID"),
    "domain": _opt("political (default), business or all.", "D"),
}


def _with_event_filters(func):
    """Add the event filter options to a command; it receives them as one EventFilter `filters`."""
    sig = inspect.signature(func, eval_str=True)
    own = [p for p in sig.parameters.values() if p.name != "filters"]
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=ann)
             for name, ann in _EVENT_FILTER_OPTIONS.items()]

    @functools.wraps(func)
    def wrapper(**kwargs):
        from .query import EventFilter, QueryError

        values = {k: kwargs.pop(k) for k in _EVENT_FILTER_OPTIONS}
        values.setdefault("domain", None)
        if values["domain"] is None:
            values["domain"] = "political"
        try:
            filters = EventFilter.from_params({k: v for k, v in values.items() if v is not None})
        except QueryError as e:
            _fail(str(e))
        return func(filters=filters, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=[*own, *added])
    del wrapper.__wrapped__  # typer must read the new signature, not the wrapped function's
    return wrapper


def _event_table(rows: list[dict]) -> tuple[list[str], list[tuple]]:
    """Readable event rows: labels beside codes, names beside actor codes."""
    from .codebook import label

    def actor(name, code):
        if not name and not code:
            return ""
        return f"{name or '?'} [{code or '?'}]"

    out_rows = []
    for r in rows:
        kind = r["plover_type"] + (f"/{r['plover_mode']}" if r["plover_mode"] else "")
        out_rows.append((r["date_value"], kind, f"{r['cameo']} {label('cameo', r['cameo']) or ''}".strip(),
                         actor(r["source_name"], r["source_code"]), actor(r["target_name"], r["target_code"]),
                         r["place_name"], None if r["modality"] == "asserted" else r["modality"], r["sentence"]))
    return ["date", "event", "cameo", "source", "target", "place", "modality", "sentence"], out_rows


@app.command()
@_reporting_query_errors
@_with_event_filters
def events(db: DbOpt = Path(DEFAULT_DB), limit: LimitOpt = None, offset: OffsetOpt = None, sort: SortOpt = None,
           format: GeoFmtOpt = GeoFmt.table,
           canonical: Annotated[bool, typer.Option("--canonical", help="One row per real-world event (see "
                                                   "`storyline dedup`): the events with a mention that "
                                                   "matches the filters, with their numbers of reports.")] = False,
           *, filters) -> None:
    """Events: who did what to whom, when, where, with the sentence they came from.

    Filters combine with AND; see `storyline codes columns` for the columns of -f json/csv."""
    from .query import select_canonical_events, select_events

    filters.limit, filters.offset = limit, offset
    filters.sort = tuple(p.strip() for p in (sort or "").split(",") if p.strip())
    if canonical:
        if format is GeoFmt.geojson:
            raise typer.BadParameter("--canonical lists have no coordinates: use table, json or csv")
        with _open(db) as st:
            res = select_canonical_events(st, filters)
        _emit(res.columns, res.rows, format, "canonical events")
        return
    with _open(db) as st:
        res = select_events(st, filters)
    if format is GeoFmt.table:
        cols, rows = _event_table(res.dicts())
        _emit(cols, rows, "table", "events", wrap={"sentence"})
    else:
        _emit(res.columns, res.rows, format, "events")


def _count_labels(cols: list[str], rows: list[tuple]) -> tuple[list[str], list[tuple]]:
    """Table output of counts: a label column after each coded field."""
    from .codebook import label

    schemes = {"cameo": "cameo", "cameo_root": "cameo", "quad_class": "quad_class", "source_country": "country",
               "target_country": "country", "place_country": "country", "modality": "modality",
               "date_basis": "date_basis", "plover_type": "plover_type", "place_rule": "place_rule",
               "domain": "domain", "source_role": "actor_role", "target_role": "actor_role"}
    new_cols, idx = [], []
    for i, c in enumerate(cols):
        new_cols.append(c)
        idx.append((i, None))
        if c in schemes:
            new_cols.append(f"{c} label")
            idx.append((i, schemes[c]))
    return new_cols, [tuple(r[i] if s is None else label(s, r[i]) for i, s in idx) for r in rows]


@app.command()
@_reporting_query_errors
@_with_event_filters
def count(by: Annotated[str, typer.Option("--by", "-b", metavar="FIELDS",
                                          help="Fields to count by, comma-separated: any event column "
                                               "(source_country, target_country, plover_type, cameo_root, "
                                               "quad_class...) or year, month, week, day.")] = "month",
          db: DbOpt = Path(DEFAULT_DB), limit: LimitOpt = None, sort: SortOpt = None,
          format: FmtOpt = Fmt.table, *, filters) -> None:
    """Count events by fields: the dyad-month tables, e.g.
    `storyline count --by source_country,target_country,month --type ASSAULT`."""
    from .query import count_by

    filters.limit = limit
    filters.sort = tuple(p.strip() for p in (sort or "").split(",") if p.strip())
    with _open(db) as st:
        res = count_by(st, by, filters)
    cols, rows = (res.columns, res.rows) if format is not Fmt.table else _count_labels(res.columns, res.rows)
    _emit(cols, rows, format, "counts")


@app.command()
@_reporting_query_errors
def quotes(db: DbOpt = Path(DEFAULT_DB),
           speaker: _opt("Speaker: exact code (UKRGOV), country (UKR), actor id, or part of a name.", "A") = None,
           since: _opt("Quotes said on or after (speech date where stated, else the story's date).", "DATE") = None,
           until: _opt("Quotes said on or before (2024, 2024-11, 2024-11-29).", "DATE") = None,
           direct: Annotated[Optional[bool], typer.Option("--direct/--indirect", help="Only one kind.")] = None,
           text: _opt("Part of the quoted words.", "TEXT") = None,
           story: _opt("Only this story id.", "ID") = None,
           limit: LimitOpt = None, offset: OffsetOpt = None, sort: SortOpt = None,
           format: FmtOpt = Fmt.table) -> None:
    """Quotes with their speakers, direct and indirect."""
    from .query import QuoteFilter, select_quotes

    f = QuoteFilter(since=since, until=until, speaker=speaker, direct=direct, text=text, story=story, limit=limit,
                    offset=offset, sort=sort or ())
    with _open(db) as st:
        if format is Fmt.table:
            res = select_quotes(st, f, ["speech_date", "speaker_name", "speaker_code", "speaker_text", "cue",
                                        "addressee", "direct", "text"])
        else:
            res = select_quotes(st, f)
    _emit(res.columns, res.rows, format, "quotes", wrap={"text"})


TOP_ALIASES = 3


def _top_aliases(st: Store, res) -> None:
    """Cut each actor's aliases in a listing to the names its mentions use most (pronouns and the
    actor's own name left out)."""
    if "aliases" not in res.columns or not res.rows:
        return
    at, id_at = res.columns.index("aliases"), res.columns.index("actor_id")
    ids = [r[id_at] for r in res.rows]
    _, counts = st.query(
        "SELECT m.actor_id, m.text, count(*) AS n FROM mentions m JOIN actors a USING (actor_id) "
        f"WHERE m.how <> 'pronoun' AND m.text <> a.name AND m.actor_id IN ({', '.join('?' * len(ids))}) "
        "GROUP BY m.actor_id, m.text ORDER BY n DESC, m.text", ids)
    top: dict[str, list[str]] = {}
    for aid, text, _ in counts:
        name = " ".join(text.split())
        if len(top.setdefault(aid, [])) < TOP_ALIASES and name not in top[aid]:
            top[aid].append(name)
    res.rows = [tuple(("; ".join(top.get(r[id_at], [])) or None) if i == at else v for i, v in enumerate(r))
                for r in res.rows]


@app.command()
@_reporting_query_errors
def actors(db: DbOpt = Path(DEFAULT_DB),
           actor: _opt("Exact code (RUSMIL), country (RUS, US), actor id, or part of a name or alias.", "A") = None,
           kind: _opt("person, organization, group or country; comma = or.", "K") = None,
           country: _opt("Country (ISO alpha-3 or alpha-2).", "C") = None,
           story: _opt("Actors mentioned in this story.", "ID") = None,
           aliases: Annotated[bool, typer.Option("--aliases", help="Every alias, not only the three the stories "
                                                 "use most.")] = False,
           limit: LimitOpt = None, offset: OffsetOpt = None, sort: SortOpt = None,
           format: FmtOpt = Fmt.table) -> None:
    """Canonical actors with their codes, the aliases the stories use most (--aliases: all) and how often
    they are mentioned."""
    from .codebook import actor_code_label
    from .query import ActorFilter, select_actors

    f = ActorFilter(actor=actor, kind=kind or (), country=country or (), story=story, limit=limit, offset=offset,
                    sort=sort or ())
    with _open(db) as st:
        res = select_actors(st, f)
        if not aliases:
            _top_aliases(st, res)
    if format is Fmt.table:
        keep = ["actor_id", "name", "code", "code label", "kind", "description", "aliases", "mentions"]
        rows = [{**d, "code label": actor_code_label(d["code"])} for d in res.dicts()]
        _emit(keep, [tuple(d[k] for k in keep) for d in rows], format, "actors", wrap={"aliases"})
    else:
        _emit(res.columns, res.rows, format, "actors")


@app.command()
@_reporting_query_errors
def places(db: DbOpt = Path(DEFAULT_DB),
           place: _opt("GeoNames id or part of the name.", "P") = None,
           country: _opt("Country (ISO alpha-3 or alpha-2).", "C") = None,
           story: _opt("Places named in this story or its events.", "ID") = None,
           limit: LimitOpt = None, offset: OffsetOpt = None, sort: SortOpt = None,
           format: GeoFmtOpt = GeoFmt.table) -> None:
    """Places resolved to GeoNames, with coordinates, mentions and events located there."""
    from .query import PlaceFilter, select_places

    f = PlaceFilter(place=place, country=country or (), story=story, limit=limit, offset=offset, sort=sort or ())
    with _open(db) as st:
        res = select_places(st, f)
    _emit(res.columns, res.rows, format, "places")


# ---------------------------------------------------------------- show

_MARKS = [  # (sql, style, plain label)
    ("SELECT start, \"end\", 'actor ' || coalesce(code, '') FROM mentions WHERE story_id = ?", "bold cyan"),
    ("SELECT start, \"end\", 'time ' || value FROM times WHERE story_id = ?", "bold magenta"),
    ("SELECT start, \"end\", 'place' FROM place_mentions WHERE story_id = ?", "bold green"),
    ("SELECT start, \"end\", 'quote' FROM quotes WHERE story_id = ? AND direct", "italic yellow"),
    ("SELECT start, \"end\", 'reported' FROM quotes WHERE story_id = ? AND NOT direct", "yellow"),
    ("SELECT speaker_start, speaker_end, 'speaker' FROM quotes WHERE story_id = ? AND speaker_start IS NOT NULL",
     "bold yellow"),
]


def plain_marks(text: str, marks: list[tuple[int, int, str]]) -> str:
    """The text with each marked span as [span]{label}: what `show` prints when not on a terminal."""
    inserts = []
    for s, e, lab in marks:
        if s is None or e is None or not (0 <= s < e <= len(text)):
            continue
        inserts.append((s, 1, -e, "["))  # at one offset: closings first, then the longer span opens first
        inserts.append((e, 0, -s, "]{" + lab + "}"))
    inserts.sort()
    parts, pos = [], 0
    for at, _, _, piece in inserts:
        parts.append(text[pos:at])
        parts.append(piece)
        pos = at
    parts.append(text[pos:])
    return "".join(parts)


@app.command()
@_reporting_query_errors
def show(story_id: Annotated[str, typer.Argument(metavar="STORY_ID", help="A story id (an exact id, else a unique "
                                                                          "prefix).")],
         db: DbOpt = Path(DEFAULT_DB)) -> None:
    """One story with its extractions marked, and the events it produced. On a terminal the marks are
    colours; otherwise each marked span is written [span]{label}."""
    from .query import EventFilter, find_story, select_events

    with _open(db) as st:
        sid = find_story(st, story_id)
        _, found = st.query("SELECT date, title, text FROM stories WHERE story_id = ?", [sid])
        date, title, text = found[0]
        marks = []
        for sql, style in _MARKS:
            marks += [(s, e, label, style) for s, e, label in st.query(sql, [sid])[1]]
        ev = select_events(st, EventFilter(story=sid))
    out.rule(f"{sid}  {date}  {title or ''}")
    if out.is_terminal:
        body = Text(text)
        for s, e, _, style in marks:
            body.stylize(style, s, e)
        out.print(body)
        out.print(Text("actors ", style="bold cyan") + Text("times ", style="bold magenta") +
                  Text("places ", style="bold green") + Text("quotes ", style="italic yellow") +
                  Text("reported speech ", style="yellow") + Text("speakers", style="bold yellow"))
    else:
        out.print(plain_marks(text, [(s, e, lab) for s, e, lab, _ in marks]), markup=False, highlight=False,
                  soft_wrap=True)
        out.print("marks: [span]{actor CODE | time VALUE | place | quote | reported | speaker}", markup=False,
                  highlight=False)
    cols, rows = _event_table(ev.dicts())
    cols = ["trigger", *cols[:-1]]
    rows = [(d["trigger"], *r[:-1]) for d, r in zip(ev.dicts(), rows)]
    _emit(cols, rows, "table", "events")


# ---------------------------------------------------------------- sql, export, codes

@app.command()
def sql(query: Annotated[str, typer.Argument(metavar="QUERY", help="A SELECT statement (the database is opened "
                                                                   "read-only).")],
        db: DbOpt = Path(DEFAULT_DB), format: FmtOpt = Fmt.table,
        allow_files: Annotated[bool, typer.Option("--allow-files", help="Let the query read files and other "
                                                  "databases (read_csv, read_text, ATTACH...); off by default.")] = False
        ) -> None:
    """Run a read-only SQL query against the database. Without --allow-files, DuckDB's external access
    is off (no files, other databases or extensions) and the query cannot switch it back on."""
    from .query import QueryError, check_read_only_sql

    with _open(db, allow_files=allow_files) as st:
        try:
            check_read_only_sql(st.con, query)  # the same guard as the web's SQL page
        except QueryError as e:
            _fail(str(e))
        try:
            c, rows = st.query(query)
        except Exception as e:  # duckdb raises many kinds; the message is what the user needs
            hint = " (--allow-files lets a query read files)" if "disabled by configuration" in str(e) else ""
            _fail(escape(str(e)) + hint)
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
        err.print(f"[red]problem:[/] {escape(str(p))}", highlight=False)
    summary = ", ".join(f"{n:,} {t}" for t, n in counts.items())
    if problems:
        err.print(f"{escape(str(db))}: schema {version}, {summary}: {len(problems)} problem(s)", highlight=False)
        raise typer.Exit(1)
    err.print(f"{escape(str(db))}: ok (schema {version}, {summary})", highlight=False)


@app.command()
def spark(inputs: Annotated[list[str], typer.Argument(metavar="INPUT...", help="JSON Lines, CSV or Parquet files or "
                                                      "folders, local or on object storage (s3a://, gs://, hdfs://).")],
          out_dir: Annotated[str, typer.Option("--out", metavar="DIR", help="Folder for the Parquet tables.")],
          master: Annotated[str, typer.Option(help="Spark master: local[*], spark://host:7077, yarn, k8s://...")]
          = "local[*]",
          partitions: Annotated[Optional[int], typer.Option(metavar="N", help="Input partitions (default: 4 per "
                                                            "core).")] = None,
          conf: Annotated[Optional[list[str]], typer.Option(metavar="KEY=VALUE", help="Spark setting "
                                                            "(repeatable).")] = None) -> None:
    """Analyze stories on Spark into Parquet tables with the database's schema (needs storyline[spark])."""
    try:
        from .spark import run
    except ImportError:
        _fail("Spark support is an extra: pip install 'storyline[spark]'")
    settings = dict(kv.split("=", 1) for kv in conf or [])
    counts = run(inputs, out_dir, master=master, partitions=partitions, conf=settings)
    err.print(", ".join(f"{n:,} {t}" for t, n in counts.items()) + f" -> {escape(out_dir)}", highlight=False)


@app.command("import")
def import_(folder: Annotated[Path, typer.Argument(metavar="DIR", help="A folder written by `storyline spark "
                                                   "--out`.")],
            db: DbOpt = Path(DEFAULT_DB)) -> None:
    """Load Parquet tables written by `storyline spark` into the database (stories already there are replaced)."""
    from .spark import import_tables

    if not folder.is_dir():
        _fail(f"{escape(str(folder))}: no such folder")
    try:
        counts = import_tables(folder, db)
    except DatabaseBusy as e:
        _fail(escape(str(e)), 3)
    err.print(", ".join(f"{n:,} {t}" for t, n in counts.items()) + f" imported -> {escape(str(db))}",
              highlight=False)


class ExportFmt(str, Enum):
    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"
    geojson = "geojson"
    icews = "icews"
    phoenix = "phoenix"
    polecat = "polecat"


@app.command()
def export(out_path: Annotated[Path, typer.Argument(metavar="OUT", help="Folder (parquet, csv, jsonl) or file "
                                                                        "(geojson, icews, phoenix, polecat).")],
           format: Annotated[ExportFmt, typer.Option("--format", "-f", help="parquet, csv or jsonl: a file per "
                                                     "table; geojson: located events; icews, phoenix, polecat: "
                                                     "events in those datasets' column layouts.")] = ExportFmt.parquet,
           db: DbOpt = Path(DEFAULT_DB)) -> None:
    """Export events, quotes, actors, aliases, mentions, places, place mentions, times, stories and rejects."""
    from .export import export as run_export

    with _open(db) as st:
        report = run_export(st, format.value, out_path)
    for f in report.files:
        err.print(f"wrote {f}", highlight=False)
    for w in report.warnings:
        err.print(f"[yellow]warning:[/] {w}", highlight=False)


class Topic(str, Enum):
    plover = "plover"
    cameo = "cameo"
    actors = "actors"
    countries = "countries"
    time = "time"
    events = "events"
    ingest = "ingest"
    columns = "columns"


@app.command()
def codes(topic: Annotated[Optional[Topic], typer.Argument(metavar="[TOPIC]", help="plover, cameo, actors, countries, "
                                                           "time, events, ingest or columns; all when omitted.")] = None,
          format: FmtOpt = Fmt.table) -> None:
    """The codebook: what each code and column means (docs/codebook.md is made from the same data)."""
    from .codebook import TOPICS, topic_tables

    topics = [topic.value] if topic else list(TOPICS)
    if format is Fmt.json:
        data = {t: [{"title": title, "rows": [dict(zip(header, r)) for r in rows]}
                    for title, header, rows in topic_tables(t)] for t in topics}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return
    for t in topics:
        for title, header, rows in topic_tables(t):
            _emit(header, rows, format, title, wrap={"description"})


@app.command()
def serve(db: DbOpt = Path(DEFAULT_DB),
          host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
          timeout: Annotated[float, typer.Option(help="Seconds any one query may run.")] = 10.0) -> None:
    """Web pages over the database: events, timeline, map, stories, actors, places, SQL; JSON API at
    /api (docs at /docs). Reads a snapshot that follows the file, so an ingest can write meanwhile."""
    if not db.exists():
        err.print(f"[red]error:[/] {db}: no such database (run `storyline ingest` first)")
        raise typer.Exit(2)
    import uvicorn

    from .web import create_app

    err.print(f"serving {db} at http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(create_app(db, statement_timeout=timeout), host=host, port=port, log_level="warning")


if __name__ == "__main__":
    app()


@app.command()
def dedup(db: DbOpt = Path(DEFAULT_DB),
          rebuild: Annotated[bool, typer.Option("--rebuild", help="Regroup every mention from scratch.")] = False) -> None:
    """Group the event mentions of all stories into canonical (real-world) events. `ingest` runs
    this at its end; run it yourself after `import`, or with --rebuild after changing kb/dedup.tsv."""
    from .dedup import dedup as run_dedup

    if not db.exists():
        err.print(f"[red]error:[/] {db}: no such database (run `storyline ingest` first)")
        raise typer.Exit(2)
    with Store(db) as store:
        summary = run_dedup(store.con, rebuild=rebuild)
    err.print(f"{summary.mentions} event mentions, {summary.linked} newly linked, "
              f"{summary.canonical} canonical events -> {db}")
