"""Events: a trigger (verb or event noun from kb/verbs.tsv) with its roles read off the
dependency parse — source (subject, or the agent of a passive), target (object, or the subject
of a passive), place and date — coded with a CAMEO code and its PLOVER type and mode.

Reported speech: an accusation under a speech verb ("X said Y had committed war crimes") is an
ACCUSE by the speaker; a denial ("Y denies that ...") is a REJECT by the denier, and the denied
act is not coded. Negated triggers are not coded; hypothetical, intended and reported ones are
coded with their modality.
"""
from __future__ import annotations

import datetime as dt
import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .. import kb
from ..model import Actor, Event, TimeExpr
from .syntax import CLAUSE_DEPS, clause_head, subject_of

PLACE_PREPS = {"in", "at", "across", "near", "from", "into", "to", "through", "inside", "outside", "around",
               "over", "within", "throughout"}
TARGET_PREPS = {"against", "on", "at", "with", "upon", "toward", "towards"}
SOURCE_PREPS = {"by", "under"}
# Types whose recipient may follow "to" ("sent arms to Pakistan", "apologized to Brazil"); for
# movements ("withdrew to the east bank") "to" names a place, not a recipient.
RECIPIENT_TO = {"AID", "SUPPORT", "CONCEDE", "AGREE", "COOPERATE", "REQUEST", "ACCUSE", "REJECT"}
NEGATED_REJECT = "120"  # CAMEO: Reject, for a refused cooperative act ("will not accept", "did not agree")


@Language.factory("storyline_events")
def make_event_coder(nlp: Language, name: str) -> "EventCoder":
    return EventCoder()


class EventCoder:
    def __init__(self) -> None:
        self.triggers = kb.triggers()
        self.cameo = kb.cameo()
        self.speech = kb.speech_verbs()
        self.countries = kb.countries()
        words = kb.modality_words()
        self.intent_heads = {w for w, k in words.items() if k == "intent-head"}
        self.hypothetical_aux = {w for w, k in words.items() if k == "hypothetical"}
        self.future_aux = {w for w, k in words.items() if k == "future"}
        self.intent_codes = kb.intent_codes()

    def __call__(self, doc: Doc) -> Doc:
        self.doc = doc
        self.anchor: dt.date = doc._.story_date
        self.place_of_token = {i: (span, pm) for span, pm in doc._.places for i in range(span.start, span.end)}
        events: list[Event] = []
        self._so_far = events  # a denial looks back at the accusations coded before it
        for tok in doc:
            pos, lemma = self._trigger_key(tok)
            if pos is None:
                continue
            for trig in self.triggers.get((pos, lemma), ()):
                if self._matches(tok, trig):
                    events.extend(self._code(tok, trig))
                    break
        doc._.events = self._dedupe(events)
        return doc

    # ---- matching ----
    def _trigger_key(self, tok: Token) -> tuple[str | None, str]:
        if tok.dep_ == "amod" or self._describing_participle(tok):
            return None, ""  # a participle describing a noun ("left destroyed infrastructure") reports no act
        if tok.pos_ in ("VERB", "AUX"):
            return "VERB", tok.lemma_.lower()
        if tok.pos_ == "NOUN":
            return "NOUN", tok.lemma_.lower()
        if tok.pos_ == "ADJ" and tok.dep_ in ("oprd", "acomp") and tok.lower_.endswith("ed"):
            # a predicative participle the tagger calls an adjective: "declared annexed"
            w = tok.lower_
            for lemma in (w[:-2], w[:-1], w[:-3]):
                if ("VERB", lemma) in self.triggers:
                    return "VERB", lemma
        return None, ""

    @staticmethod
    def _describing_participle(tok: Token) -> bool:
        """A bare past participle right before a noun it does not govern: an adjective the parser
        took for a verb ("They left destroyed infrastructure": destroyed as xcomp of left)."""
        nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
        return (tok.tag_ == "VBN" and nxt is not None and nxt.pos_ == "NOUN" and nxt.head is not tok
                and not any(c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") for c in tok.children))

    def _matches(self, tok: Token, trig: kb.Trigger) -> bool:
        if trig.particle and not any(c.lower_ == trig.particle and c.dep_ in ("prt", "advmod", "prep")
                                     for c in tok.children):
            return False
        if trig.objects:
            objs = [c for c in tok.children if c.dep_ in ("dobj", "pobj", "attr", "nsubjpass", "prep")]
            # "allow inspectors to return": the object is the subject of the complement clause
            objs += [g for c in tok.children if c.dep_ in ("ccomp", "xcomp") for g in c.children if g.dep_ == "nsubj"]
            words = " ".join(t.lemma_.lower() for o in objs for t in o.subtree)
            if not any(w in words for w in trig.objects):
                return False
        return True

    def _speech_ancestor(self, tok: Token) -> tuple[Token | None, str | None]:
        """The speech verb whose complement holds tok, and its kind (say, deny, accuse)."""
        cur = tok
        for _ in range(6):
            if cur.dep_ not in CLAUSE_DEPS or cur.head is cur:
                return None, None
            head = cur.head
            kind = self.speech.get(head.lemma_.lower())
            if kind and cur.dep_ in ("ccomp", "conj") and head.pos_ in ("VERB", "AUX"):
                if cur.dep_ == "conj":
                    cur = head
                    continue
                return head, kind
            cur = head
        return None, None

    @staticmethod
    def _plover(trig: kb.Trigger, entry) -> str:
        """The trigger's own PLOVER type, else its CAMEO code's."""
        return trig.plover or (entry.plover if entry else "")

    def _host(self, tok: Token, source: list[str]) -> list[str]:
        """A visited place's country is the visit's recipient when it is another country than the
        visitor's ("Taiwan's minister visited Russia"); a leader touring their own country has none."""
        where = self.place_of_token.get(tok.i)
        p = where[1].place if where is not None else None
        if p is None or not p.country:
            return []
        visitors = {self.doc._.actors[i].country for i in source if i in self.doc._.actors}
        return [] if p.country in visitors else self._country_actor(p.country)

    def _actors(self, tok: Token | None) -> list[str]:
        if tok is None:
            return []
        ids = list(self.doc._.token_actors.get(tok.i, []))
        if not ids and tok.i in self.place_of_token:
            _, pm = self.place_of_token[tok.i]
            if pm.place is not None and pm.place.country:
                ids = self._country_actor(pm.place.country)
        if not ids and tok.pos_ in ("NOUN", "PRON"):
            # "representatives of the RSF", "members of the army": the group the people belong to
            of = next((g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                       for g in c.children if g.dep_ == "pobj"), None)
            if of is not None:
                ids = self._actors(of)
        for conj in (c for c in tok.children if c.dep_ == "conj"):
            ids += [i for i in self._actors(conj) if i not in ids]
        return ids

    # ---- coding ----
    def _code(self, tok: Token, trig: kb.Trigger) -> list[Event]:
        """Events for one trigger: one per source actor ("A and B hosted talks" is two hosts)."""
        code = trig.cameo
        if any(c.dep_ == "neg" for c in tok.children):
            if "neg-reject" not in trig.flags:
                return []  # a negated act is no event
            code = NEGATED_REJECT
        speech_verb, speech_kind = self._speech_ancestor(tok)
        if speech_kind == "deny" and "deny" not in trig.flags:
            return []  # the denied act did not happen as far as the text says; the denial is coded
        source_ids: list[str]
        target_ids: list[str]
        modality = "asserted"
        if tok.pos_ == "NOUN":
            source_ids, target_ids = self._noun_roles(tok)
        else:
            source_ids, target_ids = self._verb_roles(tok, trig)
        if "accusation" in trig.flags:
            if speech_verb is None or speech_kind == "think":
                return []  # an accusation is made aloud; a belief is not an ACCUSE event
            # "X said Y committed war crimes": X accuses Y
            target_ids = source_ids
            source_ids = self._actors(subject_of(speech_verb))
            speech_verb = None
        elif speech_verb is not None:
            modality = "reported"
        if "deny" in trig.flags:
            target_ids = self._accuser(source_ids)
        if "reciprocal" in trig.flags and len(source_ids) > 1 and not target_ids:
            source_ids, target_ids = source_ids[:1], source_ids[1:2]
        if trig.lemma == "flee" and not any(self.doc._.actors[s].role in ("MIL", "REB") for s in source_ids
                                            if s in self.doc._.actors):
            return []
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
        if "needs-target" in trig.flags and not target_ids:
            return []
        if not source_ids and not (passive and target_ids):
            return []  # who acted is the first thing an event row must say
        modality = self._modality(tok, modality, speech_verb is not None)
        if modality in ("intended", "future") and self.cameo.get(code):
            # a promised cooperative act is an AGREE, a stated hostile one a THREATEN
            code = self.intent_codes.get(self._plover(trig, self.cameo[code]), code)
        place_id, place_name, place_rule, place_country = self._place(tok, trig)
        entry = self.cameo.get(code)
        if entry is None:
            return []
        plover = entry.plover if code != trig.cameo else self._plover(trig, entry)
        mode = (trig.mode if code == trig.cameo else "") or entry.mode or None
        if plover == "CONSULT" and code.startswith("04") and place_country and source_ids and target_ids:
            sides = {self.doc._.actors[i].country for i in source_ids[:1] + target_ids[:1] if i in self.doc._.actors}
            if place_country not in sides and None not in sides:
                code, mode = "044", "third-party"
                entry = self.cameo[code]
        date = self._date(tok)
        sent = tok.sent
        quote_index = next((i for i, q in enumerate(self.doc._.quotes) if q.start <= tok.idx < q.end), None)
        confidence = 0.4 + 0.2 * bool(source_ids) + 0.1 * bool(target_ids) + 0.1 * (date[4] == "stated") \
            + 0.1 * (tok.pos_ == "VERB")
        return [Event(plover, mode, code, entry.goldstein, entry.quad_class, source,
                      target_ids[0] if target_ids else None,
                      tok.text, tok.idx, sent.start_char, sent.end_char, date[0], date[1], date[2], date[3], date[4],
                      place_id, place_name, place_rule, False, modality, round(confidence, 2),
                      entry.context or None, quote_index)
                for source in (source_ids or [None])]

    def _verb_roles(self, tok: Token, trig: kb.Trigger) -> tuple[list[str], list[str]]:
        children = list(tok.children)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in children)
        agent = next((g for c in children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
        if passive:
            source = self._actors(agent)
            target = self._actors(next((c for c in children if c.dep_ == "nsubjpass"), None))
        else:
            subj = subject_of(tok)
            if subj is None and tok.dep_ == "oprd":
                subj = subject_of(tok.head)
            source = self._actors(subj)
            target = []
            for c in children:
                if c.dep_ == "dative" and c.pos_ == "ADP":  # "sent arms to Pakistan": the parser's dative "to"
                    c = next((g for g in c.children if g.dep_ == "pobj"), c)
                if c.dep_ in ("dobj", "dative", "pobj"):
                    where = self.place_of_token.get(c.i)
                    if "place-object" in trig.flags or (where is not None and where[1].role == "place"):
                        target = self._host(c, source)
                        if target:
                            break
                        continue  # the object is where it happened, not who it happened to
                    target = self._actors(c)
                    if target:
                        break
            if not target:
                recipient_to = self._plover(trig, self.cameo.get(trig.cameo)) in RECIPIENT_TO
                preps = TARGET_PREPS | ({"to"} if recipient_to else set())
                for c in children:
                    if c.dep_ == "prep" and c.lower_ in preps:
                        target = self._actors(next((g for g in c.children if g.dep_ == "pobj"), None))
                        if target:
                            break
        target = [t for t in target if t not in source]
        return source, target

    def _noun_roles(self, tok: Token) -> tuple[list[str], list[str]]:
        source: list[str] = []
        target: list[str] = []
        heads = [tok] + ([tok.head] if tok.dep_ == "conj" else [])
        for h in heads:
            for c in h.children:
                if c.dep_ == "poss" or (c.dep_ in ("amod", "compound") and self.countries.lookup(c.text)):
                    source = source or self._actors(c) or self._country_actor(self.countries.lookup(c.text))
                elif c.dep_ == "prep" and c.lower_ in SOURCE_PREPS:
                    source = source or self._actors(next((g for g in c.children if g.dep_ == "pobj"), None))
                elif c.dep_ == "prep" and c.lower_ in ("of", "against", "on", "with"):
                    target = target or self._actors(next((g for g in c.children if g.dep_ == "pobj"), None))
        return source, [t for t in target if t not in source]

    def _country_actor(self, a3: str | None) -> list[str]:
        """The country itself as an actor ("the Russian invasion": RUS), added to the story's actors."""
        if not a3:
            return []
        aid = f"agent:{a3}"
        if aid not in self.doc._.actors:
            c = self.countries.by_alpha3.get(a3)
            self.doc._.actors[aid] = Actor(aid, c.name if c else a3, "country", a3, None)
        return [aid]

    def _accuser(self, denier_ids: list[str]) -> list[str]:
        """Whom a denial answers: the source of an earlier accusation against the denier's country."""
        actors = self.doc._.actors
        countries = {actors[i].country for i in denier_ids if i in actors}
        for ev in reversed(self._so_far):
            if ev.plover_type == "ACCUSE" and ev.target_id in actors and actors[ev.target_id].country in countries:
                return [ev.source_id] if ev.source_id else []
        return []

    def _modality(self, tok: Token, current: str, reported: bool = False) -> str:
        aux = {c.lower_ for c in tok.children if c.dep_ == "aux"}
        conditional = any(c.dep_ == "mark" and c.lower_ == "if" for c in tok.children)
        if reported and not conditional and "would" in aux:
            aux = (aux - {"would"}) | {"will"}  # "said it would allow": the future of reported speech
        if aux & self.hypothetical_aux or conditional:
            return "hypothetical"
        head = tok.head
        if tok.dep_ in ("xcomp", "pcomp", "pobj") and (head.lemma_ in self.intent_heads or head.lower_ in self.intent_heads
                                                      or head.head.lemma_ in self.intent_heads):
            return "intended"
        if aux & self.future_aux:
            return "future"
        if tok.sent.text.rstrip().rstrip("”\"").endswith("?"):
            return "question"
        return current

    def _place(self, tok: Token, trig: kb.Trigger) -> tuple[int | None, str | None, str | None, str | None]:
        def found(i: int, rule: str):
            span, pm = self.place_of_token[i]
            p = pm.place
            return (p.geonameid if p else None, p.name if p else span.text.removeprefix("the "), rule,
                    p.country if p else None)

        for c in tok.children:
            if c.dep_ == "dobj" and c.i in self.place_of_token:
                return found(c.i, "object")
        def clause_tokens(t: Token):
            for c in t.children:
                if c.dep_ in CLAUSE_DEPS and c.pos_ in ("VERB", "AUX"):
                    continue  # another clause: its places are its own
                yield c
                yield from clause_tokens(c)

        preps = sorted((c for c in clause_tokens(tok) if c.dep_ == "prep" and c.lower_ in PLACE_PREPS),
                       key=lambda c: (c.head != tok, abs(c.i - tok.i)))
        for c in preps:
            for g in c.children:
                if g.dep_ == "pobj" and g.i in self.place_of_token and self.place_of_token[g.i][1].role == "place":
                    return found(g.i, "preposition")
        sent = tok.sent
        near = [(abs(span.start - tok.i), span.root.i) for span, pm in self.doc._.places
                if sent.start <= span.start < sent.end and pm.role == "place" and pm.place is not None]
        if near:
            return found(min(near)[1], "sentence")
        focus = self.doc._.focus_country
        c = self.countries.by_alpha3.get(focus) if focus else None
        if c is not None and c.geonameid:
            return c.geonameid, c.name, "story-focus", focus
        return None, None, None, None

    def _date(self, tok: Token) -> tuple[str, str, dt.date | None, dt.date | None, str]:
        stated = self._stated_time(tok)
        if stated is not None and stated.type in ("DATE", "TIME") and stated.earliest:
            return stated.value, stated.precision, stated.earliest, stated.latest, "stated"
        rel = self._relative(tok)
        if rel is not None:
            return rel
        if tok.pos_ == "NOUN":
            return "PAST_REF", "vague", None, self.anchor, "not stated"
        # not stated: news reports what happened on the day of the story or the day before
        return self.anchor.isoformat(), "day", self.anchor - dt.timedelta(days=1), self.anchor, "reported"

    def _stated_time(self, tok: Token) -> TimeExpr | None:
        clause = clause_head(tok)
        for span, tx in self.doc._.times:
            cur = span.root
            for _ in range(5):
                if cur == tok or cur == clause:
                    return tx
                if cur.dep_ in CLAUSE_DEPS or cur.head is cur or (cur.pos_ in ("VERB", "AUX") and cur is not span.root):
                    break
                if cur.dep_ in ("compound", "amod", "nmod") and cur.head != tok:
                    break  # modifies another noun: "the February invasion" dates the invasion only
                cur = cur.head
        return None

    def _relative(self, tok: Token):
        """'three days after his troops stormed the city': this event = the main clause's date - 3 days.
        'Three days later, ...': this event = the last date the story stated before it + 3 days."""
        later = self._later(tok)
        if later is not None:
            return later
        if tok.dep_ != "advcl":
            return None
        mark = next((c.lower_ for c in tok.children if c.dep_ == "mark"), None)
        if mark not in ("after", "before"):
            return None
        dur = next((tx for span, tx in self.doc._.times if tx.type == "DURATION" and span.root.head == tok), None)
        if dur is None or not dur.value[1:-1].isdigit():
            return None
        n, unit = int(dur.value[1:-1]), dur.value[-1]
        days = {"D": 1, "W": 7}.get(unit)
        if days is None:
            return None
        head_date = self._date(clause_head(tok.head))
        if head_date[2] is None or head_date[3] is None:
            return None
        shift = dt.timedelta(days=n * days) * (-1 if mark == "after" else 1)
        lo, hi = head_date[2] + shift, head_date[3] + shift
        value = lo.isoformat() if lo == hi else f"{lo.isoformat()}/{hi.isoformat()}"
        return value, "day", lo, hi, "relative"

    def _later(self, tok: Token):
        clause = clause_head(tok)
        for i, (span, tx) in enumerate(self.doc._.times):
            nxt = self.doc[span.end] if span.end < len(self.doc) else None
            if tx.type != "DURATION" or nxt is None or nxt.lower_ not in ("later", "earlier"):
                continue
            head = nxt.head if nxt.head != nxt else span.root.head
            if clause_head(head) != clause and head != tok:
                continue
            m = re.fullmatch(r"P(\d+)([DW])", tx.value)
            before = [t for _, t in self.doc._.times[:i] if t.type in ("DATE", "TIME") and t.earliest and t.latest
                      and t.end <= span.start_char]
            if not m or not before:
                return None
            days = int(m[1]) * (7 if m[2] == "W" else 1) * (1 if nxt.lower_ == "later" else -1)
            ref = before[-1]
            lo, hi = ref.earliest + dt.timedelta(days=days), ref.latest + dt.timedelta(days=days)
            value = lo.isoformat() if lo == hi else f"{lo.isoformat()}/{hi.isoformat()}"
            return value, "day" if lo == hi else ref.precision, lo, hi, "relative"
        return None

    @staticmethod
    def _dedupe(events: list[Event]) -> list[Event]:
        """One row per happening: the same act by the same actors told twice in a sentence
        ("fled ... in their third withdrawal"), or named by a noun after its verb ("Zelenskiy's visit"),
        keeps only its best-dated, most confident telling."""
        def rank(e: Event) -> tuple:
            return (e.date_basis == "stated", e.date_basis != "not stated", e.confidence)

        kept: list[Event] = []
        for ev in sorted(events, key=rank, reverse=True):
            same = [k for k in kept if k.cameo[:3] == ev.cameo[:3] and k.source_id == ev.source_id
                    and (k.target_id == ev.target_id or ev.target_id is None or k.target_id is None)]
            if any(k.sentence_start == ev.sentence_start or ev.date_basis == "not stated" for k in same):
                continue
            kept.append(ev)
        return sorted(kept, key=lambda e: e.trigger_start)
