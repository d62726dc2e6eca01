"""The annotator's tool for the event set: splits a document into sentences, shows them numbered,
and compiles the hand-written batch files (events/src/*.ann) into the standoff JSONL splits.

    python benchmarks/devset/annotate.py show CORPUS DOC [--fix "merge=3+4 cut=5/The_talks"]
    python benchmarks/devset/annotate.py build          # events/src/*.ann -> events/{train,dev,test}.jsonl
    python benchmarks/devset/annotate.py build --second # events/second/*.ann -> events/second_pass.jsonl

Offsets are never counted by hand: a batch line names the words (trigger, actor mentions) and this
script finds them in the document.

Batch file format (one block per document, a contiguous run of its sentences):

    @reuters 1234 s0-s14 [merge=3+4] [cut=5/The_talks] [skip=9]
    s2 | ACCUSE/allege | accused | Iran=IRN | United States=USA | mod=reported dom=business cameo=112
    s7 | note | free text kept in the sentence's "notes"

- `s0-s14`: the sentences (numbered as `show` prints them, after the fixes) that are annotated;
  a sentence in the range with no event line is a negative. `skip=` leaves out sentences that are
  not prose (tables, bylines).
- an event line: sentence, TYPE or TYPE/mode, trigger, source, target, then options.
  A mention is `words=CODE`; `words` is looked up in the sentence (`words#2`: its second
  occurrence; `words@s3`: in sentence 3; `^words`: the nearest occurrence before the sentence);
  `_` is no mention; `=CODE` a code without a mention; `words=` a mention whose code is unknown.
  Options: mod= (asserted, reported, intended, future, hypothetical, negated; default asserted),
  dom= (political, business; default political), cameo=, mode2= (a second mode).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import HERE, check, document_date, document_text, split_of  # noqa: E402

TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
         "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
MODES = {
    "CONSULT": {"visit", "third-party", "multilateral", "phone"},
    "RETREAT": {"withdraw", "release", "return", "disarm", "ceasefire", "access", "resign"},
    "REQUEST": {"assist", "change", "yield", "meet"},
    "REJECT": {"assist", "change", "yield", "meet"},
    "ACCUSE": {"disapprove", "investigate", "allege"},
    "THREATEN": {"restrict", "arrest", "relations", "expel", "territory", "violence"},
    "PROTEST": {"demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"},  # the manual's table (the extracted JSON lacks the first three)
    "SANCTION": {"convict", "expel", "withdraw", "discontinue"},
    "MOBILIZE": {"troops", "weapons", "police", "militia"},
    "COERCE": {"seize", "restrict", "censor", "curfew", "martial-law", "arrest", "deport", "withhold",
               "misinformation", "cyber"},
    "ASSAULT": {"abduct", "beat", "torture", "execute", "sexual", "targeted", "destroy", "primitive", "firearms",
                "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons", "crowd-control", "cleansing",
                "massacre", "unconventional", "sideAB"},
}
MODALITIES = {"asserted", "reported", "intended", "future", "hypothetical", "negated"}
DOMAINS = {"political", "business"}
CODE = re.compile(r"^([A-Z]{3}|---)([A-Z]{3})*$")

# Words after which a full stop does not end a sentence.
ABBREV = {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "gov",
          "sen", "rep", "rev", "prof", "corp", "inc", "co", "ltd", "bros", "no", "nos", "vs", "jan", "feb",
          "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "ft", "mt", "pt", "ave", "blvd", "rd",
          "dept", "hon", "maj", "messrs", "mme", "sheikh", "fla", "calif", "ariz", "ala", "ark", "colo",
          "conn", "del", "ga", "ill", "ind", "kan", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo",
          "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "va", "vt", "wash", "wis", "wyo", "approx",
          "est", "fig", "etc", "e.g", "i.e", "a.m", "p.m", "u.s", "u.k", "u.n", "d.c", "n.j", "n.y", "s.c",
          "n.c", "w.va"}
STARTERS = {"The", "He", "She", "It", "They", "We", "I", "This", "That", "These", "Those", "But", "And", "In",
            "On", "At", "A", "An", "Its", "His", "Her", "Their", "There", "Officials", "Police", "According"}
BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]*[A-Z0-9])")
# The splitter is frozen: batch files number sentences by its output. Fix a document's split in
# its batch header (merge=, cut=), never here.


def _abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at `dot` closes an abbreviation or an initial, not a sentence."""
    m = re.search(r"([A-Za-z.]+)$", text[:dot])
    if not m:
        return False
    word = m.group(1).lower().strip(".")
    if word in ABBREV or (len(word) == 1 and word.isalpha()):
        nxt = re.match(r"\s+[\"'“‘(]?([A-Za-z]+)", text[dot + 1:])
        # "U.S." or "Co." at the end of a sentence: only a usual sentence opener after it ends it
        return not (nxt and nxt.group(1) in STARTERS and word in {"u.s", "u.k", "u.n", "co", "inc", "corp", "ltd", "d.c"})
    return False


def split(text: str, corpus: str) -> list[tuple[int, int]]:
    """Sentence spans: a full stop, question or exclamation mark before a capital or digit ends a
    sentence (unless it closes an abbreviation); a blank line or a Reuters paragraph indent always
    does. Blanks around a sentence are not part of it; Reuters' closing "Reuter" is left out."""
    end_of_text = len(text)
    if corpus == "reuters":
        m = re.search(r"\s*\bREUTER\b[\s\x03]*$", text, re.I)
        if m:
            end_of_text = m.start()
    cuts = {0, end_of_text}
    for m in re.finditer(r"\n\s*\n|\n {3,}|\n\t", text[:end_of_text]):
        cuts.add(m.start())
    for m in BOUNDARY.finditer(text[:end_of_text]):
        if not _abbreviation(text, m.start()):
            cuts.add(m.end())
    spans = []
    points = sorted(cuts)
    for a, b in zip(points, points[1:]):
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        s, e = a + lead, a + len(seg.rstrip())
        if e > s:
            spans.append((s, e))
    return spans


def apply_fixes(text: str, spans: list[tuple[int, int]], fixes: dict[str, str]) -> list[tuple[int, int]]:
    """Hand corrections of the splitter: merge=3+4 (join), cut=5/words (split before words; write
    blanks in words as _). Cuts are applied first; merges number the sentences after the cuts."""
    for group in filter(None, fixes.get("cut", "").split(",")):
        num, _, words = group.partition("/")
        words = words.replace("_", " ")
        s, e = spans[int(num)]
        at = text.find(words, s, e)
        if at <= s:
            raise ValueError(f"cut: {words!r} not inside sentence {num}")
        left_end = s + len(text[s:at].rstrip())
        spans[int(num):int(num) + 1] = [(s, left_end), (at, e)]
    for group in filter(None, fixes.get("merge", "").split(",")):
        nums = [int(x) for x in group.split("+")]
        first, last = min(nums), max(nums)
        merged = (spans[first][0], spans[last][1])
        spans[first:last + 1] = [merged] + [None] * (last - first)
    return [s for s in spans if s is not None]


def sentences(corpus: str, doc: str, fixes: dict[str, str] | None = None) -> list[tuple[int, int]]:
    text = document_text(corpus, doc)
    return apply_fixes(text, split(text, corpus), dict(fixes or {}))


def show(corpus: str, doc: str, fixes: dict[str, str], width: int = 0) -> None:
    text = document_text(corpus, doc)
    print(f"== {corpus} {doc}  date {document_date(corpus, doc)}  split {split_of(corpus, doc)}")
    for i, (s, e) in enumerate(sentences(corpus, doc, fixes)):
        body = " ".join(text[s:e].split())
        print(f"s{i} [{s}-{e}] {body}")


class BatchError(ValueError):
    pass


def _pattern(words: str) -> re.Pattern:
    """Words as written in a batch line, as whole words; a blank matches any run of blanks and
    line breaks."""
    body = r"\s+".join(re.escape(w) for w in words.split())
    return re.compile((r"(?<!\w)" if words[:1].isalnum() else "") + body + (r"(?!\w)" if words[-1:].isalnum() else ""))


def _find(text: str, spans, sent: int, words: str) -> tuple[int, int]:
    """Start and end of a mention written in a batch line (see the module doc)."""
    s, e = spans[sent]
    if words.startswith("^"):
        found = list(_pattern(words[1:]).finditer(text, 0, s))
        if not found:
            raise BatchError(f"{words!r} not found before sentence {sent}")
        return found[-1].span()
    m = re.match(r"^(.*?)(?:@s(\d+))?(?:#(\d+))?$", words)
    words, other, nth = m.group(1), m.group(2), int(m.group(3) or 1)
    if other is not None:
        s, e = spans[int(other)]
    found = list(_pattern(words).finditer(text, s, e))
    if len(found) < nth:
        raise BatchError(f"{words!r} (occurrence {nth}) not found in sentence {other or sent}")
    return found[nth - 1].span()


def _mention(text: str, spans, sent: int, field: str) -> tuple[str, int | None, str]:
    field = field.strip()
    if field in ("_", ""):
        return "", None, ""
    words, eq, code = field.rpartition("=")
    if not eq:
        words, code = field, ""
    code = code.strip()
    if code and not CODE.match(code):
        raise BatchError(f"bad actor code {code!r}")
    if not words:
        return "", None, code
    at, end = _find(text, spans, sent, words.strip())
    return text[at:end], at, code


def parse_batch(path: Path) -> list[dict]:
    """Sentence records of one batch file, in file order."""
    records = []
    block = None

    def close():
        if block:
            records.extend(block["records"].values())

    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("s") else raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            if line.startswith("@"):
                close()
                parts = line[1:].split()
                corpus, doc, rng = parts[0], parts[1], parts[2]
                fixes = dict(p.split("=", 1) for p in parts[3:])
                skip = {int(x) for x in fixes.pop("skip", "").split(",") if x}
                spans = sentences(corpus, doc, fixes)
                text = document_text(corpus, doc)
                a, b = (int(x) for x in rng.lstrip("s").split("-s"))
                if b >= len(spans):
                    raise BatchError(f"range {rng}: the document has {len(spans)} sentences")
                date = document_date(corpus, doc)
                block = {"corpus": corpus, "doc": doc, "spans": spans, "text": text, "range": (a, b),
                         "records": {}}
                for i in range(a, b + 1):
                    if i in skip:
                        continue
                    s, e = spans[i]
                    block["records"][i] = {"id": f"{corpus}-{doc}-{s}", "corpus": corpus, "doc": doc, "date": date,
                                           "start": s, "end": e, "check": check(text[s:e]), "events": []}
                continue
            if block is None:
                raise BatchError("event line before any @document line")
            fields = [f.strip() for f in line.split("|")]
            sent = int(fields[0].lstrip("s"))
            if sent not in block["records"]:
                raise BatchError(f"sentence s{sent} is outside the block's range or skipped")
            rec = block["records"][sent]
            if fields[1] == "note":
                rec["notes"] = (rec.get("notes", "") + " " + "|".join(fields[2:])).strip()
                continue
            rec["events"].append(event_of(fields, block["text"], block["spans"], sent))
        except (BatchError, ValueError, IndexError, KeyError) as err:
            raise SystemExit(f"{path}:{n}: {err}\n    {raw}") from None
    close()
    return records


def event_of(fields: list[str], text: str, spans: list[tuple[int, int]], sent: int) -> dict:
    """One event line's fields (sentence | TYPE[/mode] | trigger | source | target | options) as an
    event record; BatchError says what is wrong. Shared by the first and the second pass."""
    if len(fields) < 5:
        raise BatchError("an event line needs: sentence | TYPE[/mode] | trigger | source | target")
    typ, _, mode = fields[1].partition("/")
    if typ not in TYPES:
        raise BatchError(f"unknown PLOVER type {typ!r}")
    if mode and mode not in MODES.get(typ, set()):
        raise BatchError(f"{typ} has no mode {mode!r}")
    opts = dict(o.split("=", 1) for o in " ".join(fields[5:]).split()) if len(fields) > 5 else {}
    trigger, tstart, _ = _mention(text, spans, sent, fields[2] + "=")
    if tstart is None:
        raise BatchError("the trigger is required")
    src, src_at, src_code = _mention(text, spans, sent, fields[3])
    tgt, tgt_at, tgt_code = _mention(text, spans, sent, fields[4])
    modality = opts.pop("mod", "asserted")
    domain = opts.pop("dom", "political")
    domain = {"pol": "political", "bus": "business"}.get(domain, domain)
    if modality not in MODALITIES or domain not in DOMAINS:
        raise BatchError(f"bad modality {modality!r} or domain {domain!r}")
    ev = {"type": typ, "mode": mode, "cameo": opts.pop("cameo", ""), "trigger": trigger,
          "trigger_start": tstart, "source": src, "source_start": src_at, "source_code": src_code,
          "target": tgt, "target_start": tgt_at, "target_code": tgt_code, "modality": modality,
          "domain": domain}
    if "mode2" in opts:
        ev["mode2"] = opts.pop("mode2")
    if opts:
        raise BatchError(f"unknown options {sorted(opts)}")
    return ev


def build(second: bool = False) -> None:
    folder = HERE / "events" / ("second" if second else "src")
    seen: dict[str, str] = {}
    out: dict[str, list[dict]] = {"train": [], "dev": [], "test": []} if not second else {"second_pass": []}
    for path in sorted(folder.glob("*.ann")):
        for rec in parse_batch(path):
            if rec["id"] in seen:
                raise SystemExit(f"{path}: sentence {rec['id']} is annotated twice (also in {seen[rec['id']]})")
            seen[rec["id"]] = path.name
            out["second_pass" if second else split_of(rec["corpus"], rec["doc"])].append(rec)
    for name, recs in out.items():
        target = HERE / "events" / f"{name}.jsonl"
        with open(target, "w", encoding="utf-8") as f:
            for rec in recs:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n_ev = sum(len(r["events"]) for r in recs)
        pos = sum(1 for r in recs if r["events"])
        print(f"{target.relative_to(HERE.parents[1])}: {len(recs)} sentences, {pos} with events, {n_ev} events")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("show")
    s.add_argument("corpus")
    s.add_argument("doc")
    s.add_argument("--fix", default="", help='e.g. "merge=3+4 cut=5/The_talks"')
    b = sub.add_parser("build")
    b.add_argument("--second", action="store_true")
    args = ap.parse_args()
    if args.cmd == "show":
        show(args.corpus, args.doc, dict(p.split("=", 1) for p in args.fix.split()))
    else:
        build(args.second)


if __name__ == "__main__":
    main()
