"""storyline on PySpark: the same pipeline over a DataFrame of stories, Spark doing the distribution.

    pip install 'storyline[spark]'

    from storyline.spark import analyze, write_tables
    out = analyze(stories_df)                 # id, text, date [, title, url, source]
    write_tables(out, "s3a://bucket/storyline/")   # Parquet, one folder per table

Each Python worker loads the pipeline once (a module-level cache; Spark reuses Python workers across
tasks) and analyzes its partition in batches (`mapInArrow`: rows arrive and leave as Arrow record
batches). Rows leave as (table, story date, JSON row) and are typed by the DuckDB schema on the way
out, so the Parquet tables have the columns and types of the DuckDB tables, and `storyline import`
loads them into a database. Tables with a story_id are partitioned by story date (`story_date=...`);
`actors` and `places` (shared by all stories) are not. A story a stage fails on is a `rejects` row
with reason `error`, as in `storyline ingest`; input rows without text or a valid date are rejects too.

Nothing here schedules, queues or ships work: that is Spark's job. Event rows keep every column
(actors, codes, PLOVER type, dates, place ids), so the dedup step (`dedup_links`, run by `storyline
spark` after the tables are written) groups them on Spark by the same blocking key as `storyline
dedup` (the PLOVER type group): one `applyInPandas` task per block runs storyline.dedup's clustering
and writes `event_links`; `storyline import` loads them and computes the canonical events' summaries.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .model import Reject, Story

if TYPE_CHECKING:  # pyspark is an optional extra
    from pyspark.sql import DataFrame, SparkSession

INPUT_COLUMNS = ["id", "text", "date", "title", "url", "source"]
DIMENSIONS = {"actors": "actor_id", "actor_aliases": None, "places": "geonameid"}  # not per story
_PIPELINE = None  # one per Python worker process
# the tables an ingest writes (what store._rows produces, and rejects)
SPARK_TABLES = {"stories", "actors", "actor_aliases", "mentions", "times", "places", "place_mentions", "quotes",
                "events", "rejects"}

# DuckDB column types -> Spark SQL types
_TYPES = {"VARCHAR": "STRING", "INTEGER": "INT", "BIGINT": "BIGINT", "DOUBLE": "DOUBLE", "BOOLEAN": "BOOLEAN",
          "DATE": "DATE", "TIMESTAMP": "TIMESTAMP", "FLOAT": "FLOAT", "SMALLINT": "SMALLINT"}


def table_schemas() -> dict[str, list[tuple[str, str]]]:
    """Every table's (column, DuckDB type), from the migrations themselves (an in-memory database)."""
    from .store import Store

    store = Store(":memory:")
    try:
        out: dict[str, list[tuple[str, str]]] = {}
        for table, column, dtype in store.con.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_name IN (SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE')"
                " AND table_name <> 'meta' ORDER BY table_name, ordinal_position").fetchall():
            out.setdefault(table, []).append((column, dtype))
        return out
    finally:
        store.close()


def _spark_ddl(columns: list[tuple[str, str]]) -> str:
    return ", ".join(f"`{c}` {_TYPES.get(t, 'STRING')}" for c, t in columns)


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _analyze_partition(batches: Iterator, make_pipeline: Callable, origin: str) -> Iterator:
    """mapInArrow body: Arrow batches of input rows in, Arrow batches of (table, story_date, row) out."""
    import pyarrow as pa

    from .ingest.validate import DEFAULT_MAX_CHARS, make_story
    from .pipeline import Failure
    from .store import _rows

    global _PIPELINE
    if _PIPELINE is None:
        _PIPELINE = make_pipeline()
    out_schema = pa.schema([("table", pa.string()), ("story_date", pa.date32()), ("row", pa.string())])

    def emit(rows: list[tuple[str, dt.date | None, dict]]):
        return pa.RecordBatch.from_pydict(
            {"table": [r[0] for r in rows], "story_date": [r[1] for r in rows],
             "row": [json.dumps(r[2], default=_json_default, ensure_ascii=False) for r in rows]}, schema=out_schema)

    for batch in batches:
        records = batch.to_pylist()
        stories, out = [], []
        for i, rec in enumerate(records):
            where = rec.get("_origin") or origin
            made = make_story(where, 0, rec.get("text"), rec.get("date"), DEFAULT_MAX_CHARS, id=rec.get("id"),
                              title=rec.get("title"), url=rec.get("url"), source=rec.get("source"))
            if isinstance(made, Reject):
                out.append(("rejects", None, _reject_row(made, rec.get("id"))))
            else:
                made.origin = None  # Spark keeps no line numbers: the story id is the reference
                stories.append(made)
        analyses = []
        for result in _PIPELINE.pipe_guarded(stories):
            if isinstance(result, Failure):
                r = Reject(origin, 0, result.reason, result.message[:500], stage=result.stage)
                out.append(("rejects", None, _reject_row(r, result.story.id)))
            else:
                analyses.append(result)
        dates = {a.story.id: a.story.date for a in analyses}
        for table, rows in _rows(analyses).items():
            for row in rows:
                out.append((table, dates.get(row.get("story_id")), row))
        if out:
            yield emit(out)


def _reject_row(r: Reject, story_id) -> dict:
    detail = f"story {story_id}: {r.detail}" if story_id not in (None, "") else r.detail
    return {"source": r.source, "line": r.line, "reason": r.reason, "detail": detail, "stage": r.stage,
            "first_seen": dt.datetime.now()}


def analyze(stories: "DataFrame", make_pipeline: Callable | None = None, partitions: int | None = None,
            origin: str = "spark") -> "DataFrame":
    """A DataFrame of stories (id, text, date, optional title, url, source) -> a DataFrame of
    (table, story_date, row as JSON) holding every row storyline would write; `write_tables` types
    and writes it. `make_pipeline` (picklable) builds the pipeline in each worker."""
    from pyspark.sql import functions as F

    from .pipeline import Pipeline

    make_pipeline = make_pipeline or Pipeline
    cols = [F.col(c).cast("string").alias(c) if c in stories.columns else F.lit(None).cast("string").alias(c)
            for c in INPUT_COLUMNS]
    if "text" not in stories.columns and "body" in stories.columns:
        cols[1] = F.col("body").cast("string").alias("text")
    origin_col = [F.col("_origin")] if "_origin" in stories.columns else []
    df = stories.select(*cols, *origin_col)
    if partitions:
        df = df.repartition(partitions)
    return df.mapInArrow(lambda it: _analyze_partition(it, make_pipeline, origin),
                         "table STRING, story_date DATE, row STRING")


def write_tables(analyzed: "DataFrame", out: str, mode: str = "overwrite") -> dict[str, str]:
    """Write each table as Parquet under OUT/<table>/ with the DuckDB schema (tables with stories
    partitioned by story date). The analysis runs once: its rows are staged under OUT/_rows/."""
    from pyspark.sql import functions as F

    spark = analyzed.sparkSession
    stage = f"{out.rstrip('/')}/_rows"
    analyzed.write.mode("overwrite").partitionBy("table").parquet(stage)
    rows = spark.read.parquet(stage)
    written = {}
    for table, columns in table_schemas().items():
        if table not in SPARK_TABLES:
            continue  # derived tables (canonical events) are made by later steps
        typed = rows.where(F.col("table") == table).select(
            F.from_json("row", _spark_ddl(columns)).alias("r"), "story_date").select("r.*", "story_date")
        path = f"{out.rstrip('/')}/{table}"
        if table in DIMENSIONS or table == "rejects":
            typed = typed.drop("story_date").dropDuplicates()
            key = DIMENSIONS.get(table)
            if key:  # one row per key, the same one whatever the partitioning: the smallest
                typed = typed.groupBy(key).agg(F.min(F.struct(*[c for c, _ in columns if c != key])).alias("v")) \
                    .select(key, "v.*")
            typed.select(*[c for c, _ in columns]).write.mode(mode).parquet(path)
        else:
            typed.select(*[c for c, _ in columns], "story_date").write.mode(mode).partitionBy("story_date") \
                .parquet(path)
        written[table] = path
    _remove(spark, stage)
    return written


def _remove(spark: "SparkSession", path: str) -> None:
    """Delete the staging folder through Hadoop's file system (works for local paths and object stores)."""
    jvm = spark.sparkContext._jvm
    jpath = jvm.org.apache.hadoop.fs.Path(path)
    jpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).delete(jpath, True)


def read_stories(spark: "SparkSession", paths: list[str]) -> "DataFrame":
    """JSON Lines, CSV (with a header) or Parquet, chosen by each path's suffix (compressed JSON Lines
    and CSV are read by Spark itself). A column `_origin` keeps the input file of each row."""
    from pyspark.sql import functions as F

    frames = []
    for p in paths:
        name = p.lower()
        for suffix in (".gz", ".bz2", ".zst", ".zstd"):
            name = name.removesuffix(suffix)
        if name.endswith(".parquet") or Path(p).is_dir() and any(Path(p).glob("*.parquet")):
            df = spark.read.parquet(p)
        elif name.endswith(".csv"):
            df = spark.read.option("header", True).option("multiLine", True).option("escape", '"').csv(p)
        elif name.endswith((".jsonl", ".ndjson", ".json")):
            df = spark.read.json(p)
        else:
            raise ValueError(f"{p}: use .jsonl, .csv or .parquet (optionally .gz/.bz2/.zst) for Spark input")
        if "text" not in df.columns and "body" in df.columns:
            df = df.withColumnRenamed("body", "text")
        cols = [F.col(c).cast("string").alias(c) if c in df.columns else F.lit(None).cast("string").alias(c)
                for c in INPUT_COLUMNS]
        frames.append(df.select(*cols, F.input_file_name().alias("_origin")))
    out = frames[0]
    for f in frames[1:]:
        out = out.unionByName(f)
    return out


def session(master: str = "local[*]", app: str = "storyline", conf: dict | None = None) -> "SparkSession":
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName(app) \
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "64") \
        .config("spark.python.worker.reuse", "true") \
        .config("spark.ui.showConsoleProgress", "false")
    if master.startswith("local"):  # workers are this machine's: the Python that has storyline installed
        import os
        import sys

        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for k, v in (conf or {}).items():
        builder = builder.config(k, v)
    return builder.getOrCreate()


def dedup_links(spark: "SparkSession", out: str, mode: str = "overwrite") -> str:
    """The dedup step on Spark: the event rows under OUT, with their story's date and publisher and
    their place, grouped by storyline.dedup's blocking key; each block clustered by
    `storyline.dedup.cluster_frame`; the links written as OUT/event_links (partitioned by story date)."""
    from pyspark.sql import functions as F

    from .dedup import FRAME_COLUMNS, cluster_frame, settings

    base = out.rstrip("/")
    events = spark.read.parquet(f"{base}/events")  # story_date comes from the partition folders
    stories = spark.read.parquet(f"{base}/stories").select("story_id", F.col("source").alias("publisher"))
    places = spark.read.parquet(f"{base}/places").select(
        "geonameid", F.col("country").alias("place_country"), "feature_class", "lat", "lon")
    groups = settings().groups
    group_of = F.create_map(*[F.lit(x) for kv in groups.items() for x in kv]) if groups else None
    block = F.coalesce(group_of[F.col("plover_type")], F.col("plover_type")) if groups else F.col("plover_type")
    frame = events.join(stories, "story_id").join(places, "geonameid", "left") \
        .select(*FRAME_COLUMNS).withColumn("block", block)
    links = frame.groupBy("block").applyInPandas(
        lambda pdf: cluster_frame(pdf), schema="story_id string, event_no int, canonical_id string")
    dated = links.join(events.select("story_id", "event_no", "story_date"), ["story_id", "event_no"])
    path = f"{base}/event_links"
    dated.write.mode(mode).partitionBy("story_date").parquet(path)
    return path


def run(inputs: list[str], out: str, master: str = "local[*]", partitions: int | None = None,
        make_pipeline: Callable | None = None, conf: dict | None = None, dedup: bool = True) -> dict[str, int]:
    """`storyline spark`: read the inputs, analyze, write the tables, group event mentions into
    canonical events (`dedup`); returns rows per table."""
    spark = session(master, conf=conf)
    try:
        stories = read_stories(spark, inputs)
        if partitions is None:
            partitions = max(spark.sparkContext.defaultParallelism * 4, 1)
        written = write_tables(analyze(stories, make_pipeline, partitions), out)
        if dedup:
            written["event_links"] = dedup_links(spark, out)
        return {t: spark.read.parquet(p).count() for t, p in written.items()}
    finally:
        spark.stop()


def import_tables(folder: str | Path, db: str | Path) -> dict[str, int]:
    """`storyline import`: load Parquet tables written by `storyline spark` into a database, in one
    transaction; stories already in the database are replaced with their new rows (as ingest does)."""
    from .store import CHILD_TABLES, Store, WriterLock

    folder = Path(folder)
    schemas = table_schemas()
    counts: dict[str, int] = {}
    with WriterLock(db, what="storyline import"), Store(db) as store:
        con = store.con
        con.execute("BEGIN TRANSACTION")
        try:
            def source(table: str) -> str | None:
                files = sorted(str(p) for p in (folder / table).rglob("*.parquet"))
                if not files:
                    return None
                return f"read_parquet({files!r}, hive_partitioning = true, union_by_name = true)"

            stories = source("stories")
            if stories:
                ids = f"SELECT story_id FROM {stories}"
                for table in [*CHILD_TABLES, "stories"]:
                    con.execute(f"DELETE FROM {table} WHERE story_id IN ({ids})")
            for table, columns in schemas.items():
                src = source(table) if table in SPARK_TABLES or table == "event_links" else None
                if src is None:
                    continue
                cols = ", ".join(f'"{c}"' for c, _ in columns)
                conflict = " ON CONFLICT DO NOTHING" if table in ("actors", "actor_aliases", "places", "rejects") else ""
                before = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {src}{conflict}")
                counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] - before
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        from .dedup import dedup

        # the canonical events' summaries (and links for mentions Spark did not link, if any)
        counts["canonical_events"] = dedup(con).canonical
    return counts
