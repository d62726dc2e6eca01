"""Quote forms one by one: who said what, with cue, addressee, content, direct or not."""
import datetime as dt

import pytest

from storyline.model import Story


def _quotes(pipeline, text, date="2022-11-15"):
    return pipeline.analyze(Story(text=text, date=dt.date.fromisoformat(date))).quotes


def _one(quotes, **want):
    found = [q for q in quotes if all(getattr(q, k) == v for k, v in want.items())]
    assert len(found) == 1, [(q.text, q.speaker_text, q.direct) for q in quotes]
    return found[0]


def test_according_to(pipeline):
    text = "According to the Interior Ministry, 12 people were detained in the capital overnight."
    q = _one(_quotes(pipeline, text), cue="according to")
    assert q.text == "12 people were detained in the capital overnight"
    assert q.speaker_text == "the Interior Ministry" and not q.direct
    assert text[q.speaker_start:q.speaker_end] == "the Interior Ministry"


def test_according_to_at_the_end(pipeline):
    q = _one(_quotes(pipeline, "The talks collapsed on Monday, according to two diplomats."), cue="according to")
    assert q.text == "The talks collapsed on Monday"
    assert q.speaker_text == "two diplomats"


def test_addressee_and_speech_date(pipeline):
    q = _one(_quotes(pipeline, "Shoigu told reporters on Sunday that the troops would withdraw from the city."),
             direct=False)
    assert q.addressee == "reporters"
    assert q.date == "2022-11-13"
    assert q.text == "that the troops would withdraw from the city"


def test_interview_with_is_the_addressee(pipeline):
    q = _one(_quotes(pipeline, "The minister said in an interview with the BBC that talks would resume."),
             direct=False)
    assert q.addressee == "the BBC"


def test_quote_split_around_the_cue_keeps_one_speaker(pipeline):
    text = ("“We will not give up our land,” the governor said. “Every village will be rebuilt, and every family "
            "will come home.”")
    quotes = [q for q in _quotes(pipeline, text) if q.direct]
    assert [q.speaker_text for q in quotes] == ["the governor", "the governor"]


def test_words_quoted_inside_a_paraphrase_belong_to_the_paraphrase(pipeline):
    text = "Trump said that voting fraud is “a big, big problem in this country” but nobody talks about it."
    quotes = _quotes(pipeline, text)
    q = _one(quotes, speaker_text="Trump")
    assert q.text.startswith("that voting fraud is") and q.text.endswith("nobody talks about it")
    assert not q.direct
    assert len(quotes) == 1  # the quoted fragment is not a second quote


def test_parenthetical_cue(pipeline):
    text = "Too often, Mr. Clarke said, the town has been forgotten by the state."
    q = _one(_quotes(pipeline, text), speaker_text="Clarke")
    assert q.text == text.rstrip(".")


def test_transcript_turns(pipeline):
    text = ("WALLACE: Let's start with breaking news on the debate story tonight.\n\n"
            "PENCE: Well, the question really should be why they invited him.")
    quotes = _quotes(pipeline, text)
    assert [(q.speaker_text, q.text[:9]) for q in quotes] == [("WALLACE", "Let's sta"), ("PENCE", "Well, the")]
    assert all(q.direct and q.cue == ":" for q in quotes)


@pytest.mark.parametrize("marks", [("\"", "\""), ("“", "”")])
def test_straight_and_curly_marks(pipeline, marks):
    o, c = marks
    q = _one(_quotes(pipeline, f"{o}We are ready to talk at any time,{c} Lavrov said on Monday."), direct=True)
    assert q.speaker_text == "Lavrov" and q.text.startswith("We are ready")


def test_a_belief_is_an_attribution_but_not_an_accusation(pipeline):
    story = Story(text="Residents believe that Russian soldiers looted the shops.", date=dt.date(2022, 11, 15))
    a = pipeline.analyze(story)
    assert _one(a.quotes, direct=False).speaker_text == "Residents"
    assert not [e for e in a.events if e.plover_type == "ACCUSE"]


def test_an_accusation_in_a_quote_is_an_accuse_event_linked_to_it(pipeline):
    story = Story(text="“Russian soldiers committed war crimes in Kherson,” Zelenskiy said on Monday.",
                  date=dt.date(2022, 11, 15))
    a = pipeline.analyze(story)
    accuse = _one(a.events, plover_type="ACCUSE")
    quote = a.quotes[accuse.quote_index]
    assert quote.direct and accuse.source_id == quote.speaker_id == "zelenskyy"
    assert accuse.target_id.endswith("RUSMIL")
    assert quote.date == "2022-11-14"


def test_nested_quote_stays_inside_its_outer_quote(pipeline):
    text = "“The soldier told me, ‘Leave now or we will take you away,’ and so I left,” Olena Kovalenko said."
    quotes = _quotes(pipeline, text)
    q = _one(quotes, direct=True)
    assert q.text.startswith("The soldier told me, ‘Leave now") and q.text.endswith("and so I left,")
    assert q.speaker_text == "Olena Kovalenko"


@pytest.mark.parametrize("text,cue,content,speaker", [
    ("Senator Tom Harlan called for a ban on assault weapons.", "called for", "a ban on assault weapons",
     "Tom Harlan"),
    ("The mayor wants to raise taxes next year.", "wants", "to raise taxes next year", "The mayor"),
    ("Lowell plans to start a campaign for pickle awareness.", "plans", "to start a campaign for pickle awareness",
     "Lowell"),
])
def test_attributions_beyond_speech_verbs(pipeline, text, cue, content, speaker):
    """PolNeAR's attributions: intentions, demands and support as well as speech."""
    q = _one(_quotes(pipeline, text), cue=cue)
    assert (q.text, q.speaker_text, q.direct) == (content, speaker, False)


def test_scare_and_title_quotes_are_kept_and_flagged(pipeline):
    quotes = _quotes(pipeline, "The rally was the group’s “victory,” and its leader appeared on “Meet the Press.”")
    assert [(q.text, q.scare) for q in quotes if q.direct] == [("victory,", True), ("Meet the Press.", True)]


def test_short_and_single_mark_quotes_with_a_speaker(pipeline):
    short = _one(_quotes(pipeline, "“Absolutely,” she said."), direct=True)
    assert (short.speaker_text, short.scare) == ("she", False)
    single = _one(_quotes(pipeline, "‘We will win this fight,’ said Smith."), direct=True)
    assert (single.text, single.speaker_text) == ("We will win this fight,", "Smith")


def test_pronoun_speaker_resolves_to_the_actor(pipeline):
    quotes = _quotes(pipeline, "Senator Jane Doe spoke to reporters on Monday. “We will not back down,” she said.")
    q = _one(quotes, direct=True)
    assert q.speaker_text == "she" and q.speaker_id == "person:jane-doe"


def test_the_full_speaker_noun_phrase(pipeline):
    q = _one(_quotes(pipeline, "Victor Wan, an analyst at South Johore Securities, said the market would fall."),
             cue="said")
    assert q.speaker_text == "Victor Wan"
    assert q.speaker_phrase == "Victor Wan, an analyst at South Johore Securities"


def test_attributions_are_not_nested(pipeline):
    """Only the outer attribution counts: Jones's saying is part of what Smith criticized."""
    quotes = _quotes(pipeline, "Smith criticized Jones for saying that taxes should rise.")
    assert [(q.speaker_text, q.text) for q in quotes] == [("Smith", "Jones for saying that taxes should rise")]


def test_an_accusation_cue_links_its_event(pipeline):
    a = pipeline.analyze(Story(text="Ukraine accused Russia of shelling the nuclear plant.", date=dt.date(2022, 11, 15)))
    accuse = next(e for e in a.events if e.plover_type == "ACCUSE")
    assert a.quotes[accuse.quote_index].cue == "accused Russia"


def test_a_that_clause_under_the_addressee_is_the_content(pipeline):
    """"told a group of farmers that ...": the parser may hang the clause on the addressee as a
    relative clause; a relative clause never opens with the mark "that", so it is what was told."""
    quotes = _quotes(pipeline, "The minister told a group of farmers that they “had saved the harvest”.")
    q = _one(quotes, direct=True)  # it closes on the minister's own words, so it counts as direct
    assert q.text == "that they “had saved the harvest”" and q.speaker_text == "The minister"
    assert len(quotes) == 1


def test_a_cue_right_before_a_quote_and_a_bare_date(pipeline):
    yelled = _one(_quotes(pipeline, "A guard at the gate yelled “Stay back from the fence!” at the crowd."), direct=True)
    assert yelled.cue == "yelled" and yelled.speaker_phrase == "A guard at the gate"
    assert not [q for q in _quotes(pipeline, "The envoy spoke Tuesday.") if q.text == "Tuesday"]


def test_a_short_verbless_term_without_a_speaker_is_a_scare_quote(pipeline):
    quotes = _quotes(pipeline, "Police closed the roads around the “green zone” on Monday.")
    assert [(q.text, q.scare) for q in quotes if q.direct] == [("green zone", True)]
    said = _one(_quotes(pipeline, "“Enemy influence,” the mayor said."), direct=True)
    assert not said.scare and said.speaker_text == "the mayor"


def test_mixed_straight_and_curly_marks_pair_by_position(pipeline):
    # an opening straight mark closed by a curly one must not shift the pairing of the next quote
    text = ('"The roads are closed until Friday,” the mayor said. "Nobody should travel tonight," she added.\n\n'
            'Later the council called the storm “a serious threat." Officials agreed.')
    quotes = _quotes(pipeline, text)
    spans = {q.text.strip(' ,."') for q in quotes if q.direct}
    assert {"The roads are closed until Friday", "Nobody should travel tonight"} <= spans
    assert any("a serious threat" in q.text for q in quotes)
    assert all("Officials" not in q.text and "the mayor said" not in q.text for q in quotes)


def test_a_stray_mark_does_not_swallow_the_next_paragraphs():
    from storyline.pipeline.quotes.direct import _double_quote_spans

    text = ('The index fell 3" on the day.\nTraders were calm.\n'
            '"We expected it," a dealer said.\n"It will pass.\n"Prices recover," he said.')
    assert [text[s:e] for s, e in _double_quote_spans(text)] == [
        "We expected it,", "It will pass.", "Prices recover,"]
    nested = 'Ward stated:\n\n"The office is not about “Equal Justice” anymore. It is about power."'
    assert [nested[s:e] for s, e in _double_quote_spans(nested)] == [
        "The office is not about “Equal Justice” anymore. It is about power."]


@pytest.mark.parametrize("text,speaker", [
    ("NEW YORK (AP) — Vice President Joe Biden on Tuesday accused the governor of endangering the lives of nurses.",
     "Vice President Joe Biden"),
    ("PHILADELPHIA — President Barack Obama on Wednesday praised the mayor as a tireless reformer.",
     "President Barack Obama"),
])
def test_a_dateline_place_is_not_the_speaker(pipeline, text, speaker):
    q = _one(_quotes(pipeline, text), direct=False)
    assert text[q.speaker_start:q.speaker_end] == speaker


def test_a_participle_clause_takes_the_noun_it_describes_as_speaker(pipeline):
    text = "Trump, insisting he had a great relationship with Latinos, left the stage."
    q = _one(_quotes(pipeline, text), direct=False)
    assert q.speaker_text == "Trump" and q.text.startswith("he had a great relationship")


def test_a_quote_after_a_sentence_of_reported_speech_is_that_speakers(pipeline):
    text = ("The mayor spoke first. Jones said the bridge plan had failed. "
            "“It was a disaster from the first day and nobody listened.”")
    quotes = _quotes(pipeline, text)
    q = _one(quotes, direct=True)
    assert q.speaker_text == "Jones" and q.cue == "(continued)"
    assert _one(quotes, direct=False).text == "the bridge plan had failed"  # the paraphrase keeps its cue


def test_a_count_before_the_verb_is_the_source(pipeline):
    q = _one(_quotes(pipeline, "About 4 in 10 say they want the next mayor to have more liberal policies."),
             direct=False)
    assert q.speaker_text is not None and "10" in q.speaker_text


def test_it_as_the_subject_of_an_active_cue_is_a_source_but_not_in_it_seems(pipeline):
    quotes = _quotes(pipeline, "The agency issued a report. It said the officials had concealed the breaches.")
    assert _one(quotes, cue="said").speaker_text == "It"
    for text in ("It seems that the talks will fail.", "It is said that the minister will resign soon."):
        assert all(q.speaker_text is None for q in _quotes(pipeline, text))


def test_a_past_form_the_parser_hung_on_a_noun_is_that_nouns_speech(pipeline):
    text = ("The actor posted the clip online on Thursday.\n\n"
            "“What if the mayor had singing lessons?” the 43-year-old asked in the video’s description.")
    q = _one(_quotes(pipeline, text), direct=True)
    assert q.speaker_text == "the 43-year-old"  # the phrase stops at the closing quotation mark


def test_a_quote_in_the_paragraph_after_a_speakers_sentence(pipeline):
    text = "Many voters have doubts, Susan said as she turned around.\n\n“But he is our candidate, and we love him!”"
    assert _one(_quotes(pipeline, text), direct=True).speaker_text == "Susan"
    text = ("The emails included staff members suggesting someone should question his faith.\n\n"
            "“On behalf of everyone at the committee, we want to offer a deep and sincere apology.”")
    assert _one(_quotes(pipeline, text), direct=True).speaker_text is None  # speech is not what it is about


def test_after_a_dateline_the_first_name_is_the_speaker(pipeline):
    text = ("NEW YORK (AFP) – Vice President Joe Biden on Monday hit the campaign trail with Senator Mary Jones, "
            "accusing the governor of endangering the lives of nurses.")
    q = next(q for q in _quotes(pipeline, text) if q.text.startswith("the governor"))
    assert text[q.speaker_start:q.speaker_end] == "Vice President Joe Biden"


def test_i_in_a_transcript_turn_is_the_turns_speaker(pipeline):
    text = ("HOST: Do you think the governor has campaigned as a healer?\n\n"
            "FALLON: I think he is trying to campaign as a healer. I think that has been part of his message.")
    q = _one(_quotes(pipeline, text), text="he is trying to campaign as a healer")
    assert not q.direct and text[q.speaker_start:q.speaker_end] == "FALLON"


def test_a_headline_name_and_colon_labels_the_quoted_words(pipeline):
    text = "Dr. Mary Carson: Governor ‘Not Fit To Serve’\n\nThe doctor spoke on Sunday."
    q = _one(_quotes(pipeline, text), direct=True)
    assert q.speaker_text == "Mary Carson"
    assert _one(_quotes(pipeline, "Update: the ‘bridge plan’ was dropped on Monday."), direct=True).scare
