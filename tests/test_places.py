"""Places: the gazetteer, recognition, disambiguation and event locations."""
import datetime as dt
import sys
from pathlib import Path

import pytest

from storyline.model import Story

ROOT = Path(__file__).resolve().parents[1]


def places_of(pipeline, text, date="2024-03-01"):
    a = pipeline.analyze(Story(text=text, date=dt.date.fromisoformat(date)))
    return {p.text: p for p in a.places}, a


# ---- gazetteer ----

def test_gazetteer_keys_fold_case_accents_and_saint():
    from storyline.kb.gazetteer import normalize

    assert normalize("Kyïv") == "kyiv"
    assert normalize("St. Louis") == normalize("Saint Louis") == "st louis"
    assert normalize("the Dnipro River") == "dnipro river"


def test_gazetteer_has_towns_subdivisions_and_features():
    from storyline.kb.gazetteer import gazetteer

    gaz = gazetteer()
    town = gaz.candidates("Cottonport")[0]  # 2,000 people, Louisiana
    assert (town.country, town.admin1, town.feature_code) == ("USA", "Louisiana", "PPL")
    parish = gaz.candidates("Rapides Parish")[0]
    assert (parish.feature_code, parish.admin1) == ("ADM2", "Louisiana")
    state = next(p for p in gaz.candidates("Louisiana") if p.feature_code == "ADM1")
    assert 29 < state.lat < 33 and -94 < state.lon < -89  # a point inside the state (its polygon's centroid)
    assert gaz.candidates("Kiev")[0].name == "Kyiv"
    river = gaz.candidates("Dnipro River")[0]
    assert (river.name, river.feature_code) == ("Dnieper River", "STM")
    assert river.geonameid < 0  # storyline's own id, never passed off as a GeoNames id


# ---- the example ----

def test_example_places_resolve_to_geonames(kherson):
    by_text = {}
    for p in kherson.places:
        by_text.setdefault(p.text, p)
    assert by_text["Kherson"].place.geonameid == 706448  # the city, not Khersonska oblast
    assert by_text["Kiev"].place.geonameid == 703448  # Kyiv
    assert by_text["Moscow"].place.geonameid == 524901 and by_text["Moscow"].place.country == "RUS"
    assert by_text["Turkey"].place.geonameid == 298795
    assert by_text["the Dnipro River"].place.feature_code == "STM"
    assert by_text["Washington"].role == "actor"  # "Washington and Moscow ...": governments
    assert by_text["Washington"].place.feature_code == "PPLC"  # the capital, not the state
    # demonyms are reported apart from toponyms, never as places where something happens
    demonyms = [p for p in kherson.places if p.text.startswith("Russian") or p.text.startswith("Ukrainian")]
    assert demonyms and all(p.kind == "demonym" for p in demonyms)


def test_example_event_locations_and_rules(kherson):
    visit = next(e for e in kherson.events if e.trigger == "visited")
    assert (visit.place_name, visit.place_rule) == ("Kherson", "object")
    meet = next(e for e in kherson.events if e.trigger == "gathered")
    assert (meet.place_name, meet.place_rule) == ("Turkey", "preposition")
    withdraw = next(e for e in kherson.events if e.trigger == "withdrew")
    assert (withdraw.place_name, withdraw.place_rule) == ("Dnieper River", "preposition")
    assert all(e.place_rule in ("object", "preposition", "sentence", "story-focus") for e in kherson.events)


# ---- disambiguation ----

def test_moscow_is_in_russia_in_a_story_about_russia(pipeline):
    found, _ = places_of(pipeline, "Officials in Moscow said the Kremlin would respond. Russia has denied it.")
    assert found["Moscow"].place.country == "RUS"


def test_moscow_is_in_idaho_in_a_story_about_idaho(pipeline):
    found, _ = places_of(pipeline, "The University of Idaho campus in Moscow was closed on Monday. Police in "
                                   "Pullman and Lewiston said roads across northern Idaho were icy.")
    moscow = found["Moscow"].place
    assert (moscow.country, moscow.admin1) == ("USA", "Idaho")


def test_a_state_after_a_comma_settles_the_town(pipeline):
    found, _ = places_of(pipeline, "A woman from Alexandria, La., was arrested on Friday.")
    assert found["Alexandria"].place.admin1 == "Louisiana"
    found, _ = places_of(pipeline, "The festival moved to Paris, Texas, this year.")
    assert found["Paris"].place.admin1 == "Texas"


def test_georgia_is_the_state_near_atlanta_and_the_country_near_tbilisi(pipeline):
    found, _ = places_of(pipeline, "Storms hit Atlanta and Savannah as Georgia braced for floods.")
    assert found["Georgia"].place.feature_code == "ADM1" and found["Georgia"].place.country == "USA"
    found, _ = places_of(pipeline, "Protesters marched in Tbilisi and Batumi as Georgia's parliament met.")
    assert found["Georgia"].place.country == "GEO"


def test_one_sense_per_story(pipeline):
    found, a = places_of(pipeline, "Police in Springfield, Ill., said the man was later seen in Springfield again.")
    springs = [p.place for p in a.places if p.text == "Springfield"]
    assert len(springs) == 2 and springs[0] == springs[1] and springs[0].admin1 == "Illinois"


def test_a_cued_small_town_is_found_though_the_model_misses_it(pipeline):
    found, _ = places_of(pipeline, "The fire started in Cottonport on Tuesday night.")
    assert "Cottonport" in found and found["Cottonport"].place.admin1 == "Louisiana"


def test_a_surname_is_not_a_place(pipeline):
    found, _ = places_of(pipeline, "Sheriff William Earl Hilton said his deputies arrested two men. Hilton "
                                   "said more arrests were likely.")
    assert "Hilton" not in found


def test_metonymy_is_an_actor_not_a_place_of_action(pipeline):
    found, a = places_of(pipeline, "Washington said on Monday it would send more aid to Kyiv.")
    assert found["Washington"].role == "actor"


# ---- the benchmark's reader and measures ----

@pytest.fixture(scope="module")
def geoparse():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import geoparse

    return geoparse


def test_geoparse_reads_the_three_schemas(geoparse, tmp_path):
    lgl = tmp_path / "lgl.xml"
    lgl.write_text("""<articles><article docid="1"><text>Fire in Alexandria.</text><toponyms><toponym>
      <start>8</start><end>18</end><phrase>Alexandria</phrase><gaztag geonameid="4314550"><name>Alexandria</name>
      <lat>31.3113</lat><lon>-92.4451</lon></gaztag></toponym></toponyms></article></articles>""")
    virus = tmp_path / "virus.xml"  # GeoVirus: offsets one past the name
    virus.write_text("""<articles><article><source>x</source><text>Cases in Pandi rose.</text><locations>
      <location><name>Pandi</name><start>10</start><end>15</end><lat>14.87</lat><lon>120.95</lon>
      <page>p</page></location></locations></article></articles>""")
    gwn = tmp_path / "GWN.xml"
    gwn.write_text("""<articles><article><text>Rain in Leeds.</text><toponyms><toponym><start>8</start>
      <end>13</end><extractedName>Leeds</extractedName><type>Literal</type><geonamesID>2644688</geonamesID>
      <latitude>53.79648</latitude><longitude>-1.54785</longitude></toponym></toponyms></article></articles>""")
    (a,) = geoparse.read(lgl)
    assert (a.toponyms[0].start, a.toponyms[0].geonameid, a.toponyms[0].lat) == (8, 4314550, 31.3113)
    (v,) = geoparse.read(virus)
    g = v.toponyms[0]
    assert v.text[g.start:g.end] == "Pandi" and g.geonameid is None
    (w,) = geoparse.read(gwn)
    assert (w.toponyms[0].name, w.toponyms[0].geonameid, w.toponyms[0].lon) == ("Leeds", 2644688, -1.54785)


def test_geoparse_measures(geoparse):
    from storyline.model import Place

    gold = geoparse.Gold(0, 5, "Leeds", 2644688, 53.79648, -1.54785)
    right = Place(2644688, "Leeds", "GBR", "P", "PPL", 53.79648, -1.54785)
    near = Place(1, "Bradford", "GBR", "P", "PPL", 53.79391, -1.75206)  # 13 km away
    r = geoparse.resolution_figures([(gold, right), (gold, near), (gold, None)])
    assert r["exact_id_accuracy"] == round(1 / 3, 4)
    assert r["accuracy_161km"] == round(2 / 3, 4)
    assert r["median_km"] == pytest.approx(13.5, abs=1.0)
    assert r["mean_km"] == pytest.approx((0 + 13.5 + geoparse.MAX_KM) / 3, abs=1.0)
    assert 0 < r["auc"] < 1


# ---- regions, natural features, landmarks, small places (issue 15) ----

def test_a_region_is_read_from_its_towns(pipeline):
    found, _ = places_of(pipeline, "Bushfires burned across Victoria on Sunday, and crews from Melbourne and "
                                   "Ballarat were sent to the worst of them.")
    victoria = found["Victoria"].place
    assert (victoria.country, victoria.feature_code) == ("AUS", "ADM1")
    found, _ = places_of(pipeline, "Ferries between Vancouver and Victoria were cancelled as the storm hit "
                                   "British Columbia.")
    assert found["Victoria"].place.country == "CAN"


def test_a_un_region_is_in_the_gazetteer(pipeline):
    found, _ = places_of(pipeline, "The outbreak spread through West Africa last year, health officials said.")
    region = found["West Africa"].place
    assert region.feature_code == "RGN" and 0 < region.lat < 20 and -20 < region.lon < 10


def test_a_natural_feature_is_a_place(pipeline):
    found, _ = places_of(pipeline, "Barges carried grain down the Nile from Aswan to Luxor this week.")
    nile = next(p for t, p in found.items() if "Nile" in t).place
    assert nile.feature_class == "H"


def test_a_landmark_is_a_place(pipeline):
    found, a = places_of(pipeline, "Shells landed near the Zaporizhzhia Nuclear Power Plant in Enerhodar on Friday.")
    plant = next(p for t, p in found.items() if "Power Plant" in t).place
    assert plant.feature_class == "S" and plant.country == "UKR"


def test_a_village_of_under_500_people_is_read_from_context(pipeline):
    # Harrison, Nebraska (238 people, the seat of Sioux County) among two dozen Harrisons
    found, _ = places_of(pipeline, "Ranchers near Harrison said the blizzard that crossed Sioux County, "
                                   "Nebraska, on Monday killed hundreds of cattle.")
    harrison = found["Harrison"].place
    assert (harrison.admin1, harrison.population < 500) == ("Nebraska", True)


# ---- kinds of mention ----

def test_demonyms_and_organization_parts_are_reported_apart(pipeline):
    _, a = places_of(pipeline, "Russian officials met engineers from the Texas Department of Transportation "
                               "in Moscow.")
    kinds = {p.text: p.kind for p in a.places}
    assert kinds["Russian"] == "demonym" and kinds["Moscow"] == "toponym"
    assert kinds.get("Texas") == "org_part"
    russian = next(p for p in a.places if p.text == "Russian")
    assert russian.place.country == "RUS"


def test_demonyms_are_not_event_places(pipeline):
    _, a = places_of(pipeline, "Russian troops shelled the town on Tuesday.")
    assert all(e.place_name != "Russia" or e.place_rule == "story-focus" for e in a.events)


def test_the_event_place_is_the_most_specific_the_clause_supports(pipeline):
    _, a = places_of(pipeline, "Russian forces shelled Kherson, Ukraine, on Tuesday.", "2022-11-15")
    shell = next(e for e in a.events if e.trigger == "shelled")
    assert (shell.place_name, shell.place_rule) == ("Kherson", "object")
    _, a = places_of(pipeline, "Russian forces attacked villages in southern Ukraine near Snihurivka.", "2022-11-15")
    attack = next(e for e in a.events if e.trigger == "attacked")
    assert (attack.place_name, attack.place_rule) == ("Snihurivka", "preposition")


# ---- coverage, round 2: subdivision points, postal localities, demonyms, abbreviations ----

def test_gazetteer_reads_abbreviated_words_in_full():
    from storyline.kb.gazetteer import normalize

    assert normalize("Mt. Vernon") == normalize("Mount Vernon") == "mount vernon"
    assert normalize("Ft. Worth") == "fort worth"
    assert normalize("Cass Co.") == "cass county" and normalize("Union Twp.") == "union township"
    assert normalize("Monte Carlo") == "monte carlo"  # a word that only starts like one is left alone


def test_subdivision_points_come_from_their_polygons():
    import sqlite3

    from storyline.kb.gazetteer import gazetteer

    gaz = gazetteer()
    ontario = next(p for p in gaz.candidates("Ontario") if p.feature_code == "ADM1")
    # the middle of Ontario's area (GeoNames: 49.25N 84.5W), not of its southern towns (~45N)
    assert 48 < ontario.lat < 52 and -89 < ontario.lon < -82
    con = sqlite3.connect(f"file:{gaz.path}?mode=ro", uri=True)
    (point,) = con.execute("SELECT point FROM places WHERE geonameid = ?", (ontario.geonameid,)).fetchone()
    assert point == "natural-earth"
    # ISO 3166-2 writes "Dagestan, Respublika"; news writes "Dagestan"
    assert any(p.feature_code == "ADM1" and p.country == "RUS" for p in gaz.candidates("Dagestan"))


def test_a_country_without_a_point_gets_one_from_its_towns():
    from storyline.kb.gazetteer import gazetteer

    palestine = next(p for p in gazetteer().candidates("Palestine") if p.feature_code == "PCLI")
    assert 31 < palestine.lat < 33 and 34 < palestine.lon < 36


def test_postal_localities_are_in_the_gazetteer():
    from storyline.kb.gazetteer import POSTAL_ID_BASE, gazetteer

    bynum = [p for p in gazetteer().candidates("Bynum") if p.admin1 == "Montana"]
    assert bynum and bynum[0].feature_code == "PPLL" and bynum[0].admin2 == "Teton County"
    assert POSTAL_ID_BASE - 1_000_000_000 < bynum[0].geonameid <= POSTAL_ID_BASE  # storyline's own id


def test_a_postal_village_is_read_from_context(pipeline):
    # Bynum, Montana (an unincorporated community, no GeoNames cities500 entry) among its namesakes
    found, _ = places_of(pipeline, "A grass fire near Bynum in Teton County, Montana, forced ranchers to move "
                                   "their cattle on Tuesday.")
    assert (found["Bynum"].place.admin1, found["Bynum"].place.feature_code) == ("Montana", "PPLL")


def test_plural_and_subdivision_demonyms(pipeline):
    from storyline import kb
    from storyline.kb.gazetteer import gazetteer
    from storyline.pipeline.places.candidates import CandidateFinder, subdivision_abbreviations

    finder = CandidateFinder(gazetteer(), kb.countries(), subdivision_abbreviations())
    cands, via = finder.lookup("Canadians")
    assert via == "demonym" and cands[0].place.feature_code == "PCLI" and cands[0].place.country == "CAN"
    cands, via = finder.lookup("Ohioans")
    assert via == "demonym" and (cands[0].place.name, cands[0].place.feature_code) == ("Ohio", "ADM1")
    _, a = places_of(pipeline, "Texans lined up for water in Houston after the freeze.")
    kinds = {p.text: (p.kind, p.place.name if p.place else None) for p in a.places}
    assert kinds["Texans"] == ("demonym", "Texas")


def test_subdivision_abbreviations_outside_the_us(pipeline):
    from storyline.pipeline.places.candidates import subdivision_abbreviations

    abbreviations = subdivision_abbreviations()
    assert abbreviations["B.C."] == "British Columbia" and abbreviations["NSW"] == "New South Wales"
    assert abbreviations["Calif"] == "California" and abbreviations["W. Va."] == "West Virginia"
    assert "La" not in abbreviations  # a bare two-letter word is no abbreviation
    found, _ = places_of(pipeline, "Smoke from the fires reached Richmond, B.C., on Thursday.")
    assert found["Richmond"].place.country == "CAN"


def test_a_lake_and_a_square_are_places(pipeline):
    found, _ = places_of(pipeline, "Fishermen on Lake Baikal said the ice was thinner than in any winter they "
                                   "remembered.")
    assert found["Lake Baikal"].place.feature_code == "LK" and found["Lake Baikal"].place.country == "RUS"
    found, _ = places_of(pipeline, "Thousands gathered in Tahrir Square on Friday to protest.")
    square = found["Tahrir Square"].place
    assert square.feature_class == "S" and square.country == "EGY"
