"""General rules for precision and roles of the event coder (issue 14), each on sentences written
for these tests (none is taken from evaluation data)."""
import datetime as dt

from storyline.model import Story


def coded(pipeline, text, date="2019-06-11"):
    """(type, source country, target country) of every political event."""
    a = pipeline.analyze(Story(text=text, date=dt.date.fromisoformat(date)))
    code = lambda i: (a.actors[i].code or "")[:3] if i in a.actors else None  # noqa: E731
    return [(e.plover_type, code(e.source_id), code(e.target_id)) for e in a.events if e.domain == "political"]


def types(pipeline, text):
    return sorted({t for t, _, _ in coded(pipeline, text)})


# ---- one act told with its content: the content is no event of its own ----

def test_a_protest_s_stated_demand_is_part_of_the_protest(pipeline):
    # PLOVER codes a protest with its demands as one PROTEST: a participle or purpose clause of the
    # protest (or of the verb whose object the protest is) says what the protest is about
    assert types(pipeline, "Hundreds of Kenyan nurses demonstrated outside parliament demanding that the "
                           "health ministry raise their wages.") == ["PROTEST"]
    assert types(pipeline, "Dozens of Tunisian lawyers began a hunger strike to demand the resignation of the "
                           "justice minister.") == ["PROTEST"]
    # the same demand made on its own is a request
    assert types(pipeline, "Kenyan nurses demanded that the health ministry raise their wages.") == ["REQUEST"]


def test_what_a_request_is_for_is_not_an_event_of_its_own(pipeline):
    # "demanded a meeting to discuss X": neither the meeting nor the discussion has happened
    evs = coded(pipeline, "Peru demanded an urgent session of the Organization of American States to discuss "
                          "Ecuador's troop build-up on the border.")
    assert [t for t, _, _ in evs] == ["REQUEST"]
    assert evs[0][1] == "PER"


# ---- who acted ----

def test_a_nationality_noun_names_the_actor_s_country(pipeline):
    # "Serb", "Croat": nouns of nationality that are not the country's adjective (kb/country_aliases.tsv)
    assert ("COERCE", "HRV", "SRB") in coded(pipeline, "Croat police arrested two Serb journalists near the border.")


def test_an_act_named_as_the_subject_gives_its_own_actor(pipeline):
    # "Turkish drone strikes killed ...": the demonym sits one compound away from the noun
    evs = coded(pipeline, "Recent Turkish drone strikes have killed six militant commanders in northern Iraq.")
    assert [(t, s) for t, s, _ in evs] == [("ASSAULT", "TUR")]


def test_a_support_verb_in_the_passive_states_what_its_subject_does(pipeline):
    # "were engaged in shelling": the subject of the support verb performs the act its object names
    evs = coded(pipeline, "Sudanese troops were engaged in heavy shelling of villages in South Sudan.")
    assert [(t, s, tg) for t, s, tg in evs] == [("ASSAULT", "SDN", "SSD")]


# ---- whom an act is aimed at ----

def test_a_protest_with_no_named_target_is_aimed_at_the_government(pipeline):
    # where it happens, else the protesters' own (PLOVER's convention), never the protesters themselves
    assert coded(pipeline, "Thousands of Kenyan teachers marched in Nairobi on Monday.") == [("PROTEST", "KEN", "KEN")]
    a = pipeline.analyze(Story(text="Thousands of Kenyan teachers marched in Nairobi on Monday.", date=dt.date(2019, 6, 11)))
    assert [a.actors[e.target_id].role for e in a.events] == ["GOV"]
    assert coded(pipeline, "Thousands of Chileans marched through Santiago on Sunday.") == [("PROTEST", "CHL", "CHL")]
    # a named target stays the target
    evs = coded(pipeline, "Hundreds of Lebanese protested outside the Syrian embassy in Beirut against Syria's presence.")
    assert ("PROTEST", "LBN", "SYR") in evs


def test_a_state_s_own_forces_are_not_the_target_of_its_act(pipeline):
    assert ("MOBILIZE", "GBR", "IRQ") in coded(
        pipeline, "Britain mobilized army reservists for a possible war against Iraq on Tuesday.")
    evs = coded(pipeline, "Russia moved troops toward Ukraine on Tuesday.")
    assert evs and all(tg != "RUS" for _, _, tg in evs)
    # another state's forces are a target
    assert ("ASSAULT", "IND", "PAK") in coded(pipeline, "India shelled Pakistani troops along the border.")


def test_cameo_target_markers_order_a_verb_s_prepositions():
    # kb/cameo_frames.tsv: CAMEO 2.0's "* ROCKET (INTO +)", "* TROOP TOWARD +" put these prepositions
    # right after the object slots of the verb's type frame; a hand-kept row in frames.tsv wins
    from storyline import kb

    fire = kb.frame_for("fire", "VERB", "ASSAULT").target
    assert fire[:2] == ("iobj", "dobj") and {"prep:into", "prep:at"} <= set(fire[2:7])
    assert fire.index("prep:into") < fire.index("prep:with")
    assert kb.frame_for("blame", "VERB", "ACCUSE") == kb.frames()[("blame", "VERB")]


# ---- word senses ----

def test_a_candidate_s_own_rally_is_no_protest(pipeline):
    assert coded(pipeline, "Many voters at Trump rallies in Iowa said they liked his plans.") == []
    assert coded(pipeline, "During his campaign rallies the senator spoke mostly about trade.") == []
    # a rally against someone is a protest
    assert "PROTEST" in types(pipeline, "Nigerian opposition supporters held a rally in Lagos against the new law.")


def test_what_any_government_must_do_is_no_request_to_a_particular_one(pipeline):
    assert coded(pipeline, "The senator says a president must be ready to make decisions on the first day.") == []
    assert coded(pipeline, "Germany said any government must respect the court's ruling.") == []
    # a named one is asked
    assert ("REQUEST", "IGO", "TUR") in coded(pipeline, "The EU said Turkey must release the journalists.")


def test_a_conditional_threat_is_aimed_at_whoever_the_condition_names(pipeline):
    # "threatened to X if/unless Y ...": Y is threatened; what Y is to do has not happened
    evs = coded(pipeline, "China threatened to impose tariffs unless Washington lifts the export ban.")
    assert evs == [("THREATEN", "CHN", "USA")]
    evs = coded(pipeline, "Serbia threatened to recall its ambassador if Montenegro recognises Kosovo.")
    assert ("THREATEN", "SRB", "MNE") in evs and all(t == "THREATEN" for t, _, _ in evs)


def test_an_ethnic_group_belongs_to_the_country_the_act_happens_in(pipeline):
    # "ethnic Russians in Latvia" are Latvia's people; the demonym names their ethnicity (kb/ethnic_words.tsv)
    assert coded(pipeline, "Ethnic Russians protested in Riga against the language law.")[0][:2] == ("PROTEST", "LVA")
    assert ("ASSAULT", "SRB", "SRB") in coded(
        pipeline, "Serb forces killed three ethnic Albanians in a gunbattle in southern Serbia on Friday.")
    # a plain demonym keeps its own country
    assert ("COERCE", "ALB") in [(t, s) for t, s, _ in coded(pipeline, "Albanian police arrested two smugglers in Tirana.")]


def test_a_relative_pronoun_stands_for_the_noun_it_follows(pipeline):
    assert ("ASSAULT", "SYR", "SYR") in coded(pipeline, "The rebels, whom the Syrian army attacked on Monday, hold the town.")
    assert ("ASSAULT", "IRN", "IRQ") in coded(pipeline, "Iran, which fired missiles at Iraq on Sunday, denied the report.")


def test_a_complement_act_takes_its_recipient_from_its_own_frame(pipeline):
    # "threatened to pull out of NATO": the RETREAT verb's frame names "of" the recipient
    evs = coded(pipeline, "Britain threatened to pull out of the European Union.")
    assert [(t, s, tg) for t, s, tg in evs] == [("THREATEN", "GBR", "IGO")]


def test_an_act_named_by_a_noun_is_as_real_as_its_support_verb(pipeline):
    # "plans to launch an offensive": an intention, coded as the threat CAMEO makes of it
    a = pipeline.analyze(Story(text="Turkey plans to launch an offensive against Kurdish fighters in Syria.",
                               date=dt.date(2019, 6, 11)))
    assert [(e.plover_type, e.modality) for e in a.events] == [("THREATEN", "intended")]


def test_a_violent_word_between_politicians_is_criticism(pipeline):
    # "fired at", "attacked" between named persons, none armed, one a politician: CAMEO 111, an ACCUSE
    evs = coded(pipeline, "During the debate Donald Trump attacked Hillary Clinton over her emails.", date="2016-10-10")
    assert [t for t, _, _ in evs] == ["ACCUSE"]
    # force stays force
    assert [t for t, _, _ in coded(pipeline, "Russian troops fired at Ukrainian positions near Bakhmut.")] == ["ASSAULT"]
    assert [t for t, _, _ in coded(pipeline, "Vladimir Putin attacked Ukraine in February.", date="2022-03-01")] == ["ASSAULT"]


def test_asking_a_question_is_no_request(pipeline):
    assert coded(pipeline, "When asked on television whether he would run, the senator said no.") == []
    assert coded(pipeline, "Reporters asked the minister about the role of his wife in government.") == []
    # asking someone for an act is
    assert ("REQUEST", "EGY", "ISR") in coded(pipeline, "Egypt asked Israel to withdraw its troops from the border.")
    assert ("REQUEST", "KEN", "IGO") in coded(pipeline, "Kenya asked the United Nations for food aid.")
