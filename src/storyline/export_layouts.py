"""Events in the column layouts of the event datasets users' scripts already read: ICEWS coded
event data, Phoenix (PETRARCH output) and POLECAT (PLOVER/NGEC).

Each layout is a list of (column, how storyline fills it, description). The description says what
the column holds here and, where storyline has no counterpart, says so: those columns are left
empty rather than guessed. The codebook (`storyline codes columns`, docs/codebook.md) prints these
tables. Every file is tab-separated UTF-8, as the datasets are; ICEWS and POLECAT have a header
row, Phoenix has none (as its daily files).
"""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from .store import Store

Row = dict  # one event from storyline.query.select_events, plus story-level lists


def _label(scheme: str, code) -> str:
    from .codebook import label

    return label(scheme, code) or ""


def _day(e: Row) -> dt.date:
    """The event's day where storyline knows it to the day or finer, else the story's date (ICEWS
    and Phoenix date an event by one day; a month or a year has no counterpart)."""
    try:
        return dt.date.fromisoformat(str(e["date_value"])[:10])
    except ValueError:
        return e["story_date"]


def _event_id(e: Row) -> str:
    return f"{e['story_id']}-{e['event_no']}"


def _sectors(e: Row, side: str) -> str:
    role = e[f"{side}_role"]
    return _label("actor_role", role).title() if role else ""


def _country_name(code) -> str:
    return _label("country", code) if code else ""


def _city(e: Row) -> str:
    return e["place_name"] or "" if str(e.get("feature_code") or "").startswith("PPL") else ""


def _penta(e: Row) -> int:
    root = int(e["cameo"][:2])
    return 0 if root <= 2 else e["quad_class"]


def _code_part(e: Row, side: str, part: slice) -> str:
    return (e[f"{side}_code"] or "")[part]


Column = tuple[str, Callable[[Row], object], str]

ICEWS: list[Column] = [
    ("Event ID", _event_id, "story_id-event_no (ICEWS: an integer; here a string)"),
    ("Event Date", lambda e: _day(e).isoformat(), "the event's day (date_value) when known to the day, else the "
                                                  "story's date"),
    ("Source Name", lambda e: e["source_name"] or "", "source_name"),
    ("Source Sectors", lambda e: _sectors(e, "source"), "the source actor's role (GOV -> Government); ICEWS's "
                                                        "detailed sector lists have no counterpart"),
    ("Source Country", lambda e: _country_name(e["source_country"]), "name of source_country"),
    ("Event Text", lambda e: _label("cameo", e["cameo"]), "the CAMEO code's description"),
    ("CAMEO Code", lambda e: e["cameo"], "cameo (a string: 042, not 42)"),
    ("Intensity", lambda e: e["goldstein"], "goldstein"),
    ("Target Name", lambda e: e["target_name"] or "", "target_name"),
    ("Target Sectors", lambda e: _sectors(e, "target"), "the target actor's role"),
    ("Target Country", lambda e: _country_name(e["target_country"]), "name of target_country"),
    ("Story ID", lambda e: e["story_id"], "story_id"),
    ("Sentence Number", lambda e: "", "no counterpart: storyline keeps the sentence's character offsets "
                                      "(sentence_start, sentence_end in the events export)"),
    ("Publisher", lambda e: e["story_source"] or "", "story_source (the publisher, when the input names one)"),
    ("City", _city, "place_name when the place is a populated place (GeoNames PPL*)"),
    ("District", lambda e: e["admin2"] or "", "admin2 of the place"),
    ("Province", lambda e: e["admin1"] or "", "admin1 of the place"),
    ("Country", lambda e: _country_name(e["place_country"]), "name of the place's country"),
    ("Latitude", lambda e: e["lat"], "lat"),
    ("Longitude", lambda e: e["lon"], "lon"),
]

PHOENIX: list[Column] = [
    ("EventID", _event_id, "story_id-event_no"),
    ("Date", lambda e: _day(e).strftime("%Y%m%d"), "the event's day as YYYYMMDD (as ICEWS Event Date)"),
    ("Year", lambda e: _day(e).year, "year of Date"),
    ("Month", lambda e: _day(e).month, "month of Date"),
    ("Day", lambda e: _day(e).day, "day of Date"),
    ("SourceActorFull", lambda e: e["source_code"] or "", "source_code"),
    ("SourceActorEntity", lambda e: _code_part(e, "source", slice(0, 3)), "first three letters of source_code "
                                                                           "(country, IGO/NGO, or --- unknown)"),
    ("SourceActorRole", lambda e: _code_part(e, "source", slice(3, 6)), "next three letters (GOV, MIL...)"),
    ("SourceActorAttribute", lambda e: _code_part(e, "source", slice(6, None)), "the rest of source_code "
                                                                                 "(an IGO/NGO's own code)"),
    ("TargetActorFull", lambda e: e["target_code"] or "", "target_code"),
    ("TargetActorEntity", lambda e: _code_part(e, "target", slice(0, 3)), "as SourceActorEntity"),
    ("TargetActorRole", lambda e: _code_part(e, "target", slice(3, 6)), "as SourceActorRole"),
    ("TargetActorAttribute", lambda e: _code_part(e, "target", slice(6, None)), "as SourceActorAttribute"),
    ("EventCode", lambda e: e["cameo"], "cameo (a string)"),
    ("EventRootCode", lambda e: e["cameo_root"], "cameo_root (a string)"),
    ("QuadClass", _penta, "Phoenix's five classes: 0 neutral (CAMEO roots 01-02), else quad_class"),
    ("GoldsteinScore", lambda e: e["goldstein"], "goldstein"),
    ("Issues", lambda e: "", "no counterpart (PETRARCH issue coding is not done)"),
    ("Lat", lambda e: e["lat"], "lat"),
    ("Lon", lambda e: e["lon"], "lon"),
    ("LocationName", lambda e: e["place_name"] or "", "place_name"),
    ("StateName", lambda e: e["admin1"] or "", "admin1 of the place"),
    ("CountryCode", lambda e: e["place_country"] or "", "place_country (ISO alpha-3)"),
    ("SentenceID", lambda e: f"{e['story_id']}_{e['sentence_start']}", "story_id_sentence_start (the sentence's "
                                                                        "character offset, not its ordinal)"),
    ("URLs", lambda e: e["story_url"] or "", "story_url"),
    ("NewsSources", lambda e: e["story_source"] or "", "story_source"),
]

POLECAT: list[Column] = [
    ("Event ID", _event_id, "story_id-event_no"),
    ("Event Date", lambda e: _day(e).isoformat(), "the event's day when known to the day, else the story's date"),
    ("Event Type", lambda e: e["plover_type"].lower(), "plover_type, lower case as POLECAT writes it"),
    ("Event Mode", lambda e: e["plover_mode"] or "", "plover_mode"),
    ("Event Intensity", lambda e: "", "no counterpart: PLOVER intensity is not scored (goldstein is in the "
                                      "events export)"),
    ("Quad Code", lambda e: e["quad_class"], "quad_class (1-4)"),
    ("Contexts", lambda e: e["context"] or "", "context (PLOVER context of the CAMEO code)"),
    ("Actor Name", lambda e: e["source_name"] or "", "source_name"),
    ("Actor Country", lambda e: e["source_country"] or "", "source_country (ISO alpha-3)"),
    ("Actor COW", lambda e: "", "no counterpart (Correlates of War codes are not kept)"),
    ("Primary Actor Sector", lambda e: _sectors(e, "source"), "the source actor's role"),
    ("Actor Sectors", lambda e: _sectors(e, "source"), "the source actor's role (one sector only)"),
    ("Actor Title", lambda e: "", "no counterpart"),
    ("Actor Name Raw", lambda e: e["source_name"] or "", "source_name (the canonical name, not the words of the "
                                                         "sentence)"),
    ("Wikipedia Actor ID", lambda e: "", "no counterpart (actors have storyline ids: source_id)"),
    ("Recipient Name", lambda e: e["target_name"] or "", "target_name"),
    ("Recipient Country", lambda e: e["target_country"] or "", "target_country (ISO alpha-3)"),
    ("Recipient COW", lambda e: "", "no counterpart"),
    ("Primary Recipient Sector", lambda e: _sectors(e, "target"), "the target actor's role"),
    ("Recipient Sectors", lambda e: _sectors(e, "target"), "the target actor's role"),
    ("Recipient Title", lambda e: "", "no counterpart"),
    ("Recipient Name Raw", lambda e: e["target_name"] or "", "target_name"),
    ("Wikipedia Recipient ID", lambda e: "", "no counterpart (target_id in the events export)"),
    ("Placename", lambda e: e["place_name"] or "", "place_name"),
    ("City", _city, "place_name when the place is a populated place (GeoNames PPL*)"),
    ("State", lambda e: e["admin1"] or "", "admin1 of the place"),
    ("Country", lambda e: e["place_country"] or "", "place_country (ISO alpha-3)"),
    ("GeoNames ID", lambda e: e["geonameid"], "geonameid (negative: storyline's own features)"),
    ("Raw Placename", lambda e: e["place_name"] or "", "place_name"),
    ("Feature Type", lambda e: e["feature_code"] or "", "GeoNames feature code of the place"),
    ("Source", lambda e: e["story_source"] or "", "story_source"),
    ("Publication Date", lambda e: e["story_date"].isoformat(), "story_date"),
    ("Story People", lambda e: e["story_people"], "persons mentioned in the story, '; '-separated"),
    ("Story Organizations", lambda e: e["story_organizations"], "organizations mentioned in the story"),
    ("Story Locations", lambda e: e["story_locations"], "places mentioned in the story"),
    ("Language", lambda e: "en", "always en"),
    ("Version", lambda e: f"storyline {version('storyline')}", "the storyline version that exported it"),
    ("Latitude", lambda e: e["lat"], "lat"),
    ("Longitude", lambda e: e["lon"], "lon"),
    ("Story ID", lambda e: e["story_id"], "story_id"),
    ("Headline", lambda e: e["story_title"] or "", "story_title"),
]

LAYOUTS: dict[str, tuple[list[Column], bool]] = {"icews": (ICEWS, True), "phoenix": (PHOENIX, False),
                                                 "polecat": (POLECAT, True)}
NAMES = {"icews": "ICEWS coded event data", "phoenix": "Phoenix (PETRARCH output)", "polecat": "POLECAT"}


def _story_lists(store: Store) -> dict[str, dict[str, str]]:
    """story_id -> people, organizations and locations it mentions (for POLECAT's story columns)."""
    out: dict[str, dict[str, str]] = {}
    rows = store.query(
        "SELECT m.story_id, a.kind, string_agg(DISTINCT a.name, '; ' ORDER BY a.name) FROM mentions m "
        "JOIN actors a USING (actor_id) WHERE a.kind IN ('person', 'organization') GROUP BY ALL")[1]
    for sid, kind, names in rows:
        out.setdefault(sid, {})["story_people" if kind == "person" else "story_organizations"] = names
    rows = store.query("SELECT pm.story_id, string_agg(DISTINCT p.name, '; ' ORDER BY p.name) FROM place_mentions pm "
                       "JOIN places p USING (geonameid) GROUP BY ALL")[1]
    for sid, names in rows:
        out.setdefault(sid, {})["story_locations"] = names
    return out


def write_layout(store: Store, layout: str, path: Path) -> tuple[int, str]:
    """Write every event in one dataset's layout; returns the row count and a note (or "")."""
    from . import query

    columns, header = LAYOUTS[layout]
    events = query.select_events(store, query.EventFilter(domain=("all",))).dicts()
    lists = _story_lists(store) if layout == "polecat" else {}
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        if header:
            w.writerow([c[0] for c in columns])
        for e in events:
            e = {**e, "story_people": "", "story_organizations": "", "story_locations": "",
                 **lists.get(e["story_id"], {})}
            w.writerow(["" if v is None else v for v in (fill(e) for _, fill, _ in columns)])
    return len(events), ""
