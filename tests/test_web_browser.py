"""The pages in Debian's chromium, driven by Playwright: what a person sees and clicks.

Every test runs with requests to any host but this machine aborted and recorded, so each one also
shows that the page needed nothing from the network (no CDN, no web fonts, no tiles)."""
from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest
from playwright.sync_api import expect

from webdata import build_web_db

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}

if not os.path.exists(CHROMIUM):
    # `make test` installs Debian's chromium; in CI a missing browser is a failure, not a skip
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    pytest.skip("Debian's chromium is not installed (make test installs it)", allow_module_level=True)


def sql(db, q):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(q).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def web_db(tmp_path_factory, pipeline):
    return build_web_db(tmp_path_factory, pipeline)


@pytest.fixture(scope="session")
def server(web_db):
    """The app on a free local port, in a thread, for the whole session."""
    import uvicorn

    from storyline.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(web_db, follow=False), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser context whose non-local requests are aborted; the test fails if any was tried,
    if a local request failed, or if a script raised."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    blocked, failed, errors, dialogs = [], [], [], []

    def route(r):
        host = urlparse(r.request.url).hostname or ""
        if urlparse(r.request.url).scheme in ("http", "https", "ws", "wss") and host not in LOCAL_HOSTS:
            blocked.append(r.request.url)
            return r.abort()
        return r.continue_()

    context.route("**/*", route)
    pg = context.new_page()
    # a request cut short by leaving the page (net::ERR_ABORTED) is not a failure; an error status is
    pg.on("requestfailed", lambda req: failed.append((req.url, req.failure))
          if urlparse(req.url).hostname in LOCAL_HOSTS and "ERR_ABORTED" not in (req.failure or "") else None)
    pg.on("response", lambda res: failed.append((res.url, res.status)) if res.status >= 400 else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.set_default_timeout(20_000)
    yield pg
    context.close()
    assert blocked == [], f"the page asked for non-local resources: {blocked}"
    assert failed == [], f"local requests failed: {failed}"
    assert errors == [], f"script errors: {errors}"
    assert dialogs == [], f"a dialog opened (injected script?): {dialogs}"


def total_on(page) -> int:
    return int(page.locator("#total").inner_text().replace(",", ""))


def test_events_page_loads_and_filters(page, web_db):
    # pages show political events unless told otherwise, as `storyline events` does
    everything = sql(web_db, "SELECT count(*) FROM events WHERE domain = 'political'")[0][0]
    assaults = sql(web_db, "SELECT count(*) FROM events WHERE plover_type = 'ASSAULT' AND domain = 'political'")[0][0]
    page.goto("/events")
    assert total_on(page) == everything
    assert page.locator("table.events tbody tr").count() == min(everything, 50)
    page.fill("form.filters input[name=type]", "ASSAULT")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"/events\?type=ASSAULT&domain=political$"))  # empty fields left out
    assert total_on(page) == assaults
    types = page.locator("table.events td.type").all_inner_texts()
    assert len(types) == assaults and all(t.startswith("ASSAULT") for t in types)
    # a facet link narrows further and shows up in the URL
    page.locator(".facet[data-facet=modality] a").first.click()
    page.wait_for_url(re.compile(r"modality="))
    assert 0 < total_on(page) <= assaults


def test_click_on_a_timeline_bar_narrows_the_table(page, web_db):
    page.goto("/timeline?unit=month")
    before = total_on(page)
    bars = page.locator("figure.timeline a.bar")
    totals = [int(t) for t in bars.evaluate_all("els => els.map(e => e.dataset.total)")]
    i = max(range(len(totals)), key=lambda k: (0 < totals[k] < before, totals[k]))
    assert 0 < totals[i] < before
    start, end = bars.nth(i).get_attribute("data-start"), bars.nth(i).get_attribute("data-end")
    bars.nth(i).locator("rect.hit").click()
    page.wait_for_url(re.compile(r"since="))
    q = parse_qs(urlparse(page.url).query)
    assert q["since"] == [start] and q["until"] == [end]
    after = total_on(page)
    # the table holds the bar's events, and those that began earlier but reach into its month
    assert totals[i] <= after < before
    dates = page.locator("table.events td.date").all_inner_texts()
    assert len(dates) == after and page.locator("figure.timeline a.bar.selected").count() >= 1


def test_map_shows_one_marker_or_cluster_count_per_located_event(page, web_db):
    located = sql(web_db, "SELECT count(*) FROM event_rows WHERE lat IS NOT NULL AND lon IS NOT NULL")[0][0]
    assert located > 5
    page.goto("/map?domain=all")
    page.wait_for_selector("#map.events-ready.outlines-ready")
    page.wait_for_function("document.querySelectorAll('.cluster, .event-marker').length > 0")
    # during a zoom animation the old clusters stay in the page, faded out, until it ends
    expect(page.locator(".leaflet-cluster-anim, .leaflet-zoom-anim")).to_have_count(0)
    page.wait_for_timeout(300)
    shown = ":not([style*='opacity: 0'])"
    clusters = [int(t) for t in page.locator(".cluster" + shown).all_inner_texts()]
    singles = page.locator(".event-marker" + shown).count()
    assert sum(clusters) + singles == located
    assert int(page.locator("#map").get_attribute("data-countries")) > 150  # country outlines drawn
    assert page.locator(".leaflet-overlay-pane canvas").count() == 1
    assert f"{located} events with coordinates" in page.locator("#map-status").inner_text()
    # a single marker's popup has the sentence and a link to the story
    if singles:
        page.locator(".event-marker").first.click()
    else:
        page.locator(".cluster").first.click()
        page.wait_for_selector(".event-marker")
        page.locator(".event-marker").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("a[href^='/story/']").count() == 1


def test_event_links_to_its_story_with_the_trigger_marked(page, web_db):
    story_id, event_no, trigger = sql(web_db, "SELECT story_id, event_no, trigger FROM events "
                                              "WHERE trigger = 'fled'")[0]
    page.goto("/events?text=fled")
    row = page.locator(f"tr[data-story='{story_id}'][data-event='{event_no}']")
    assert row.locator("mark.trigger").inner_text() == trigger
    row.locator("a.story-link").click()
    page.wait_for_url(re.compile(rf"/story/{story_id}#event-{event_no}$"))
    mark = page.locator(f"#event-{event_no}")
    assert mark.inner_text() == trigger
    assert "m-trigger" in mark.get_attribute("class")
    assert page.evaluate("document.querySelector(':target').id") == f"event-{event_no}"
    # the other marks are there too, each a different colour
    colours = {page.locator(f".story-text .m-{k}").first.evaluate("e => getComputedStyle(e).backgroundColor")
               for k in ("actor", "time", "place", "trigger")}
    assert len(colours) == 4


def test_story_with_markup_shows_it_as_text(page, web_db):
    sid = sql(web_db, "SELECT story_id FROM stories WHERE text LIKE '%onerror%'")[0][0]
    for url in (f"/story/{sid}", "/events?text=onerror", "/map?text=onerror"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.title() != "pwned"
        assert page.locator("img[src=x], b[onmouseover]").count() == 0
        if url.startswith("/map"):
            page.wait_for_selector("#map.events-ready")
            page.locator(".event-marker, .cluster").first.click()
            if page.locator(".cluster").count():
                page.wait_for_selector(".event-marker")
                page.locator(".event-marker").first.click()
            text = page.locator(".leaflet-popup-content").inner_text()
        else:
            text = page.locator("main").inner_text()
        assert "<img src=x onerror=" in text
    page.goto(f"/story/{sid}")
    body = page.locator(".story-text").inner_text()
    assert "<script>document.title='pwned'</script>" in body
    assert "<b onmouseover=alert(1)>marching</b>" in body
    page.hover("text=marching")
    assert page.title() != "pwned"


@pytest.mark.parametrize("path", ["/events", "/timeline", "/map", "/sql?sql=SELECT+1", "/docs"])
def test_pages_need_no_network(page, path, web_db):
    """Each page loads fully with every non-local request aborted (the fixture asserts none was tried)."""
    page.goto(path)
    page.wait_for_load_state("networkidle")
    if path == "/map":
        page.wait_for_selector("#map.events-ready.outlines-ready")
    if path == "/docs":
        page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
        assert page.locator(".opblock-summary-path").filter(has_text="/api/events").count() >= 1


def test_actor_and_place_pages(page, web_db):
    actor_id, gid = sql(web_db, "SELECT source_id, geonameid FROM events WHERE trigger = 'fled'")[0]
    page.goto("/events?text=fled")
    page.locator("table.events tbody tr").first.locator(f"a[href='/actor/{actor_id}']").click()
    page.wait_for_url(re.compile(r"/actor/"))
    assert page.locator("figure.timeline a.bar").count() >= 1
    page.goto(f"/place/{gid}")
    page.wait_for_selector("#map.events-ready")
    assert "Kherson" in page.locator("h1").inner_text()


def test_dragging_across_timeline_bars_selects_their_dates(page):
    page.goto("/timeline?unit=month&domain=all")
    bars = page.locator("figure.timeline a.bar")
    n = bars.count()
    assert n >= 3
    first, last = bars.nth(0), bars.nth(2)
    start, end = first.get_attribute("data-start"), last.get_attribute("data-end")
    a, b = first.locator("rect.hit").bounding_box(), last.locator("rect.hit").bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=8)
    page.mouse.up()
    page.wait_for_url(re.compile(r"since="))
    q = parse_qs(urlparse(page.url).query)
    assert q["since"] == [start] and q["until"] == [end] and q["unit"] == ["month"] and q["domain"] == ["all"]
