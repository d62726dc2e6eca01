"""The codebook: what every code and every column storyline writes means.

Data only (kb/codebook.tsv, kb/columns.tsv, kb/cameo.tsv, kb/countries.tsv); `storyline codes`
prints it and scripts/build_codebook.py writes docs/codebook.md from it, so the two never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import kb


@dataclass(frozen=True)
class Code:
    scheme: str
    code: str
    label: str
    description: str


@lru_cache(maxsize=1)
def codes() -> dict[str, list[Code]]:
    out: dict[str, list[Code]] = {}
    for r in kb._header_rows("codebook.tsv", ["scheme", "code", "label", "description"]):
        out.setdefault(r["scheme"], []).append(Code(r["scheme"], r["code"], r["label"], r["description"]))
    return out


@lru_cache(maxsize=1)
def columns() -> dict[str, list[tuple[str, str]]]:
    """Listing or export name -> [(column, description)], in kb/columns.tsv order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for r in kb._header_rows("columns.tsv", ["table", "column", "description"]):
        out.setdefault(r["table"], []).append((r["column"], r["description"]))
    return out


def plover_modes() -> dict[str, list[str]]:
    """PLOVER type -> its modes, as CAMEO2PLOVER and kb/verbs.tsv use them."""
    modes: dict[str, set[str]] = {}
    for c in kb.cameo().values():
        if c.plover:
            modes.setdefault(c.plover, set())
            if c.mode:
                modes[c.plover].add(c.mode)
    for rows in kb.triggers().values():
        for t in rows:
            if t.plover and t.mode:
                modes.setdefault(t.plover, set()).add(t.mode)
    return {k: sorted(v) for k, v in modes.items()}


@lru_cache(maxsize=1)
def _labels() -> dict[tuple[str, str], str]:
    out = {(c.scheme, c.code): c.label for cs in codes().values() for c in cs}
    for code, c in kb.cameo().items():
        out[("cameo", code)] = c.description
    for a3, c in kb.countries().by_alpha3.items():
        out[("country", a3)] = c.name
    return out


def label(scheme: str, code: object) -> str | None:
    """A readable label for a code: label('cameo', '190'), label('quad_class', 4), label('country', 'UKR')."""
    if code is None:
        return None
    return _labels().get((scheme, str(code)))


def actor_code_label(code: str | None) -> str | None:
    """RUSMIL -> 'Russia military'; IGOUNO -> 'intergovernmental organization UNO'; ---BUS -> 'business'."""
    if not code:
        return None
    head, rest = code[:3], code[3:]
    if head in ("IGO", "NGO"):
        return f"{label('actor_role', head)} {rest}".strip()
    country = label("country", head) if head != "---" else None
    role = label("actor_role", rest[:3]) if rest else None
    return " ".join(p for p in (country, role) if p) or None


# `storyline codes TOPIC`: which schemes each topic shows
TOPICS = {
    "plover": ["plover_type", "quad_class"],
    "cameo": [],
    "actors": ["actor_code", "actor_role", "actor_kind", "mention_how"],
    "countries": [],
    "time": ["timex_type", "timex_value", "date_precision", "date_basis", "speech_date_basis"],
    "events": ["quad_class", "modality", "date_basis", "place_rule", "domain", "place_role"],
    "ingest": ["reject_reason"],
    "columns": [],
}


def topic_tables(topic: str) -> list[tuple[str, list[str], list[tuple]]]:
    """(title, header, rows) tables for one topic of `storyline codes` and of docs/codebook.md."""
    if topic not in TOPICS:
        raise KeyError(topic)
    tables = []
    if topic == "plover":
        modes = plover_modes()
        rows = [(c.code, c.label, ", ".join(modes.get(c.code, [])), c.description) for c in codes()["plover_type"]]
        tables.append(("PLOVER event types (plover_type; plover_mode is one of its modes)",
                       ["code", "label", "modes", "description"], rows))
    elif topic == "cameo":
        rows = [(c.code, c.description, "" if c.goldstein is None else f"{c.goldstein:g}", c.quad_class,
                 c.plover, c.mode) for c in kb.cameo().values()]
        tables.append(("CAMEO event codes (cameo; the first two digits are cameo_root) with Goldstein score, quad "
                       "class and PLOVER type/mode", ["code", "description", "goldstein", "quad_class", "plover",
                                                      "mode"], rows))
    elif topic == "countries":
        rows = [(c.alpha3, c.alpha2, c.name) for c in sorted(kb.countries().by_alpha3.values(), key=lambda c: c.alpha3)]
        tables.append(("Countries (ISO 3166 alpha-3, the first three letters of an actor code)",
                       ["alpha3", "alpha2", "name"], rows))
    elif topic == "columns":
        for table, cols in columns().items():
            tables.append((f"columns of {table}", ["column", "description"], cols))
        from .export_layouts import LAYOUTS, NAMES

        for name, (layout, header) in LAYOUTS.items():
            tables.append((f"export -f {name}: {NAMES[name]} layout, tab-separated"
                           f"{', with a header row' if header else ', no header row'}",
                           ["column", "storyline's value"], [(c, d) for c, _, d in layout]))
    for scheme in TOPICS[topic]:
        tables.append((scheme, ["code", "label", "description"],
                       [(c.code, c.label, c.description) for c in codes()[scheme]]))
    return tables


CSV_READING = '''\
CSV exports quote every text column, but CSV has no types: pandas and most readers turn "030"
into 30 unless told otherwise. Read code columns as strings:

```python
import pandas as pd
codes = {c: str for c in ["cameo", "cameo_root", "plover_type", "plover_mode", "source_code",
                          "target_code", "source_country", "target_country", "place_country",
                          "story_id", "source_id", "target_id", "date_value"]}
events = pd.read_csv("out/events.csv", dtype=codes, keep_default_na=False, na_values=[""])
```

Parquet and JSON Lines exports keep the types (codes are strings there).
'''


def markdown() -> str:
    """docs/codebook.md."""
    parts = ["# storyline codebook\n",
             "Generated by `scripts/build_codebook.py` from `src/storyline/kb/` (codebook.tsv, columns.tsv, "
             "cameo.tsv, countries.tsv); `storyline codes TOPIC` prints the same tables. Do not edit by hand.\n",
             "## Reading exports back\n", CSV_READING]
    for topic in TOPICS:
        parts.append(f"## {topic}\n")
        parts.append(f"`storyline codes {topic}`\n")
        for title, header, rows in topic_tables(topic):
            parts.append(f"### {title}\n")
            parts.append("| " + " | ".join(header) + " |")
            parts.append("|" + "---|" * len(header))
            for r in rows:
                parts.append("| " + " | ".join(str(v).replace("|", "\\|") for v in r) + " |")
            parts.append("")
    return "\n".join(parts).rstrip() + "\n"
