"""Step 3: code a candidate with its roles — modality (asserted, reported, intended, future,
hypothetical, question), the CAMEO code (a refused cooperative act is a REJECT; a stated intention
is an AGREE or a THREATEN, kb/intent.tsv), its PLOVER type and mode."""
from __future__ import annotations

from spacy.tokens import Token

from ... import kb

NEGATED_REJECT = "120"  # CAMEO: Reject, for a refused cooperative act ("will not accept", "did not agree")


class Coder:
    def __init__(self) -> None:
        self.cameo = kb.cameo()
        words = kb.modality_words()
        self.intent_heads = {w for w, k in words.items() if "intent-head" in k}
        self.hypothetical_aux = {w for w, k in words.items() if "hypothetical" in k or "obligation" in k}
        self.future_aux = {w for w, k in words.items() if "future" in k}
        self.obligation_heads = {w for w, k in words.items() if "obligation-head" in k}
        self.intent_codes = kb.intent_codes()
        self.condition = kb.event_prepositions().condition  # "if", "unless"

    def plover(self, trig: kb.Trigger, code: str | None = None) -> str:
        """The trigger's own PLOVER type, else its CAMEO code's."""
        entry = self.cameo.get(code or trig.cameo)
        return trig.plover or (entry.plover if entry else "")

    @staticmethod
    def negated(tok: Token) -> bool:
        return any(c.dep_ == "neg" for c in tok.children)

    def modality(self, tok: Token, current: str, reported: bool = False) -> str:
        aux = {c.lower_ for c in tok.children if c.dep_ == "aux"}
        conditional = any(c.dep_ == "mark" and c.lower_ in self.condition for c in tok.children)
        if reported and not conditional and "would" in aux:
            aux = (aux - {"would"}) | {"will"}  # "said it would allow": the future of reported speech
        if aux & self.hypothetical_aux or conditional:
            return "hypothetical"
        if tok.dep_ == "xcomp" and tok.head.lemma_.lower() in self.obligation_heads:
            return "hypothetical"  # "has to withdraw": not done
        head = tok.head
        if tok.dep_ in ("xcomp", "pcomp", "pobj") and (head.lemma_ in self.intent_heads or head.lower_ in self.intent_heads
                                                      or head.head.lemma_ in self.intent_heads):
            return "intended"
        if aux & self.future_aux:
            return "future"
        if tok.sent.text.rstrip().rstrip("”\"").endswith("?"):
            return "question"
        return current

    def code(self, trig: kb.Trigger, negated: bool, modality: str) -> tuple[str, str, str | None] | None:
        """(CAMEO code, PLOVER type, PLOVER mode) for the trigger as the text tells it, or None."""
        code = NEGATED_REJECT if negated else trig.cameo
        if modality in ("intended", "future") and self.cameo.get(code):
            # a promised cooperative act is an AGREE, a stated hostile one a THREATEN
            code = self.intent_codes.get(self.plover(trig, code), code)
        entry = self.cameo.get(code)
        if entry is None:
            return None
        if code != trig.cameo:
            return code, entry.plover, entry.mode or None
        return code, self.plover(trig), trig.mode or entry.mode or None
