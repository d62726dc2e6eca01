"""The README's screenshots of `storyline serve`, taken in Debian's chromium (Playwright).

    python scripts/screenshots.py [--n 300] [--db FILE] [--out docs/img]

The database is the example story plus the first N Reuters-21578 stories
(../shared/eval/news/reuters21578.jsonl), ingested with `storyline ingest` unless --db names one.
"""
from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REUTERS = ROOT.parent / "shared" / "eval" / "news" / "reuters21578.jsonl"
EXAMPLE = ROOT / "examples" / "kherson-2022-11-15.txt"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def build(db: Path, n: int, data: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "reuters.jsonl"
        with open(data, encoding="utf-8") as src, open(sample, "w", encoding="utf-8") as out:
            for i, line in enumerate(src):
                if i == n:
                    break
                out.write(line)
        subprocess.run([sys.executable, "-m", "storyline.cli", "ingest", "--db", str(db), str(EXAMPLE), str(sample)],
                       check=True, stdin=subprocess.DEVNULL)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--db", type=Path)
    ap.add_argument("--data", type=Path, default=REUTERS, help="Reuters-21578 as JSON Lines")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = ap.parse_args()
    import duckdb
    import httpx
    from playwright.sync_api import sync_playwright

    tmp = tempfile.TemporaryDirectory()
    db = args.db or Path(tmp.name) / "screens.duckdb"
    if not db.exists():
        build(db, args.n, args.data)
    con = duckdb.connect(str(db), read_only=True)
    kherson = con.execute("SELECT story_id FROM stories WHERE text LIKE '%Kherson%' ORDER BY date DESC LIMIT 1"
                          ).fetchone()[0]
    fled = con.execute("SELECT event_no FROM events WHERE story_id = ? AND trigger = 'fled'", [kherson]).fetchone()
    place = con.execute("SELECT geonameid FROM places WHERE name = 'Kherson'").fetchone()[0]
    actor = con.execute("SELECT actor_id FROM actors WHERE name LIKE 'Volodymyr%' LIMIT 1").fetchone()[0]
    con.close()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "storyline.cli", "serve", "--db", str(db), "--port", str(port)],
                              stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    shots = {
        "events": ("/events?domain=all", None),
        "timeline": ("/timeline?domain=all&unit=month&since=1987-02&until=1987-04", None),
        "map": ("/map?domain=all", "#map.events-ready.outlines-ready"),
        "story": (f"/story/{kherson}" + (f"#event-{fled[0]}" if fled else ""), None),
        "actor": (f"/actor/{actor}", None),
        "place": (f"/place/{place}", "#map.events-ready.outlines-ready"),
        "sql": ("/sql?sql=" + "SELECT plover_type, quad_class, count(*) AS events, round(avg(goldstein), 2) AS "
                "goldstein FROM events GROUP BY ALL ORDER BY events DESC LIMIT 12", None),
        "api": ("/docs", ".swagger-ui .opblock"),
    }
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/api/status", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.3)
        args.out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1360, "height": 860}, device_scale_factor=1)
            for name, (url, ready) in shots.items():
                page.goto(base + url)
                page.wait_for_load_state("networkidle")
                if ready:
                    page.wait_for_selector(ready, timeout=60_000)
                page.wait_for_timeout(600)
                path = args.out / f"{name}.png"
                page.screenshot(path=str(path))
                print(f"wrote {path}", file=sys.stderr)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        tmp.cleanup()


if __name__ == "__main__":
    main()
