"""Web latency: the events page, the JSON API and the timeline data under typical filters, and the
map page's time to first paint, on a database of at least 100,000 events.

    python benchmarks/web.py [--events 100000] [--stories 1000] [--rounds 20] [--db FILE] [--json OUT]

The database: the first --stories Reuters-21578 stories (../shared/eval/news/reuters21578.jsonl) and
the example stories are analyzed once; their analyses are then written again through the store's
writer as new stories (distinct ids, dates shifted by a random number of days, seeded) until the
database holds --events events. It is kept (default ~/.cache/storyline/bench-web-N.duckdb) and
reused; --rebuild makes it again.

The server is `storyline serve` in its own process; requests come one at a time from this process
(httpx), each filter set in turn, --rounds times after one warm-up round, and latency is the
client's wall time to the last byte. The map is loaded in Debian's chromium (Playwright): first
contentful paint, and the time until the outlines and the markers are drawn.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REUTERS, ROOT, emit, load, progress  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


# ---------------------------------------------------------------- the database

def _shift_value(value: str, days: int, earliest: dt.date | None) -> str:
    """A TIMEX3 value moved with its dates: full dates and months are rewritten, others kept."""
    if not value:
        return value
    m = re.match(r"^(\d{4}-\d{2}-\d{2})(.*)$", value)
    if m and "/" not in value:
        try:
            return (dt.date.fromisoformat(m[1]) + dt.timedelta(days=days)).isoformat() + m[2]
        except ValueError:
            return value
    if re.fullmatch(r"\d{4}-\d{2}", value) and earliest:
        return earliest.strftime("%Y-%m")
    if re.fullmatch(r"\d{4}", value) and earliest:
        return str(earliest.year)
    return value


def _moved(a, copy_no: int, days: int):
    """A copy of an analysis as another story: a new id, all its dates moved by `days`."""
    from storyline.model import Analysis

    shift = dt.timedelta(days=days)
    move = lambda d: d + shift if d else d  # noqa: E731
    story = dataclasses.replace(a.story, id=f"{a.story.id}~{copy_no}", date=a.story.date + shift, origin=None)
    events = [dataclasses.replace(e, date_earliest=move(e.date_earliest), date_latest=move(e.date_latest),
                                  date_value=_shift_value(e.date_value, days, move(e.date_earliest)))
              for e in a.events]
    times = [dataclasses.replace(t, earliest=move(t.earliest), latest=move(t.latest),
                                 value=_shift_value(t.value, days, move(t.earliest))) for t in a.times]
    return Analysis(story, a.actors, a.mentions, times, a.places, a.quotes, events)


def build(db: Path, n_events: int, n_stories: int, seed: int, data: Path = REUTERS) -> dict:
    from storyline.ingest import read_paths
    from storyline.model import Story
    from storyline.pipeline import Pipeline
    from storyline.store import Store

    examples = [ROOT / "examples" / "kherson-2022-11-15.txt", *sorted((ROOT / "tests" / "data").glob("*.txt"))]
    stories = [s for s in read_paths(examples) if isinstance(s, Story)]
    if data.exists():
        stories += load(data, n_stories)
    else:
        print(f"{data} is absent: the database is built from the example stories alone", file=sys.stderr)
    pipe = Pipeline()
    analyses = list(progress(pipe.pipe(stories), total=len(stories), description="analyzing", transient=True))
    per_round = sum(len(a.events) for a in analyses)
    with_events = [a for a in analyses if a.events]
    rng = random.Random(seed)
    tmp = db.with_suffix(".building")
    for p in (tmp, Path(str(tmp) + ".wal")):
        p.unlink(missing_ok=True)
    written, copies = 0, 0
    with Store(tmp) as store:
        store.write(analyses)
        written += per_round
        batch = []
        copy_no = 0
        while written < n_events:
            copy_no += 1
            for a in with_events:
                # spread copies over 1985-2024 so the timeline has years, months and days to show
                days = rng.randint(-1200, 13000) if a.story.date.year < 2000 else rng.randint(-13000, 700)
                batch.append(_moved(a, copy_no, days))
                written += len(a.events)
                copies += 1
                if len(batch) >= 2000:
                    store.write(batch)
                    batch = []
                    print(f"{written:,} events written", file=sys.stderr)
                if written >= n_events:
                    break
        if batch:
            store.write(batch)
    tmp.rename(db)
    return {"analyzed_stories": len(stories), "events_per_analysis_round": per_round, "copies": copies}


# ---------------------------------------------------------------- measuring

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def typical_filters(db: Path) -> list[dict]:
    """Filters an analyst would set, with values taken from the database itself."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        top_country = con.execute("SELECT src.country, count(*) FROM events e JOIN actors src ON src.actor_id = "
                                  "e.source_id WHERE src.country IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
                                  ).fetchone()[0]
        top_place = con.execute("SELECT geonameid, count(*) FROM events WHERE geonameid IS NOT NULL "
                                "GROUP BY 1 ORDER BY 2 DESC LIMIT 1").fetchone()[0]
        year = con.execute("SELECT year(date), count(*) FROM stories GROUP BY 1 ORDER BY 2 DESC LIMIT 1").fetchone()[0]
    finally:
        con.close()
    return [
        {},
        {"type": "ASSAULT"},
        {"since": f"{year}", "until": f"{year}"},
        {"since": f"{year}-03", "until": f"{year}-05", "type": "AGREE,CONSULT"},
        {"actor": top_country},
        {"country": top_country, "quad_class": "4"},
        {"place": str(top_place)},
        {"text": "oil"},
        {"modality": "reported", "goldstein_max": "-2"},
        {"domain": "all", "sort": "-goldstein"},
    ]


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, round(p / 100 * len(xs) + 0.5) - 1))
    return xs[k]


def server_cpu_ns(pid: int) -> int:
    """CPU time the server process has used, all its threads (DuckDB's too), in nanoseconds: a figure
    that other processes on a busy machine inflate far less than wall time."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that ended meanwhile
    return total


def measure_http(base: str, filters: list[dict], rounds: int, pid: int) -> dict:
    import httpx

    endpoints = {"events_page": "/events", "api": "/api/events", "timeline_data": "/api/timeline"}
    out = {}
    with httpx.Client(base_url=base, timeout=60) as client:
        for name, path in endpoints.items():
            for f in filters:  # warm-up round
                client.get(path, params=f).raise_for_status()
            times, cpu, per_filter = [], [], {}
            for _ in range(rounds):
                for f in filters:
                    c0 = server_cpu_ns(pid)
                    t0 = time.perf_counter()
                    r = client.get(path, params=f)
                    r.raise_for_status()
                    _ = r.content
                    ms = (time.perf_counter() - t0) * 1000
                    cpu.append((server_cpu_ns(pid) - c0) / 1e6)
                    times.append(ms)
                    per_filter.setdefault(json.dumps(f, sort_keys=True), []).append(ms)
            out[name] = {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 95), 1),
                         "max_ms": round(max(times), 1), "requests": len(times),
                         "server_cpu_p50_ms": round(statistics.median(cpu), 1),
                         "server_cpu_p95_ms": round(percentile(cpu, 95), 1),
                         "p95_ms_by_filter": {k: round(percentile(v, 95), 1) for k, v in per_filter.items()}}
    return out


def measure_map(base: str, loads: int) -> dict:
    from playwright.sync_api import sync_playwright

    fcp, outlines, markers, total = [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        for i in range(loads + 1):
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})  # a cold cache each time
            page = ctx.new_page()
            t0 = time.perf_counter()
            page.goto(base + "/map")
            page.wait_for_selector("#map.events-ready.outlines-ready", timeout=120_000)
            ready = (time.perf_counter() - t0) * 1000
            paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")
            marks = page.evaluate("""() => { const d = document.getElementById('map').dataset;
                return {outlines: Number(d.outlinesMs), markers: Number(d.markersMs)}; }""")
            ctx.close()
            if i == 0:
                continue  # warm-up: the server's first /api/map for this filter
            fcp.append(paint)
            outlines.append(marks["outlines"])
            markers.append(marks["markers"])
            total.append(ready)
        browser.close()
    return {"first_contentful_paint_ms": round(statistics.median(fcp), 1),
            "outlines_drawn_ms": round(statistics.median(outlines), 1),
            "markers_drawn_ms": round(statistics.median(markers), 1),
            "ready_seen_by_test_ms": round(statistics.median(total), 1), "loads": loads}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--stories", type=int, default=1000, help="Reuters stories analyzed for the base")
    ap.add_argument("--data", type=Path, default=REUTERS, help="Reuters-21578 as JSON Lines")
    ap.add_argument("--rounds", type=int, default=20, help="requests per filter and endpoint")
    ap.add_argument("--map-loads", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--db", type=Path)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    cache = Path(os.environ.get("STORYLINE_CACHE", Path.home() / ".cache" / "storyline"))
    db = args.db or cache / f"bench-web-{args.events}.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    built = None
    if args.rebuild or not db.exists():
        t0 = time.perf_counter()
        built = build(db, args.events, args.stories, args.seed, args.data)
        built["seconds"] = round(time.perf_counter() - t0, 1)
        print(f"built {db} in {built['seconds']} s", file=sys.stderr)

    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("stories", "events", "places")}
    located = con.execute("SELECT count(*) FROM event_rows WHERE lat IS NOT NULL").fetchone()[0]
    con.close()
    filters = typical_filters(db)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "storyline.cli", "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        import httpx

        t0 = time.perf_counter()
        while True:
            try:
                if httpx.get(base + "/api/status", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.perf_counter() - t0 > 300:
                raise SystemExit(f"server did not start: {server.stderr.read() if server.poll() is not None else ''}")
            time.sleep(0.2)
        startup_s = time.perf_counter() - t0
        http = measure_http(base, filters, args.rounds, server.pid)
        map_ = measure_map(base, args.map_loads)
    finally:
        server.terminate()
        server.wait(timeout=30)

    result = {
        "database": {**counts, "events_with_coordinates": located, "file_mb": round(db.stat().st_size / 2**20, 1),
                     **({"build": built} if built else {})},
        "server_start_s": round(startup_s, 1),
        "filters": filters,
        "events_page_p95_ms": http["events_page"]["p95_ms"],
        "api_p95_ms": http["api"]["p95_ms"],
        "timeline_p95_ms": http["timeline_data"]["p95_ms"],
        "server_cpu_p95_ms": {k: v["server_cpu_p95_ms"] for k, v in http.items()},
        "map_first_paint_ms": map_["first_contentful_paint_ms"],
        "map": map_,
        "latency": http,
        "target_ms": 200,
        "load_average": os.getloadavg(),
        "cores": os.cpu_count(),
    }
    emit(result, args.json)


if __name__ == "__main__":
    main()
