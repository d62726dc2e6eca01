"""Recipients that the parse gives as places: a visited country, "to" a country for giving acts."""
import datetime as dt

from storyline.model import Story


def coded(pipeline, text):
    a = pipeline.analyze(Story(text=text, date=dt.date(2000, 1, 1)))
    code = lambda i: a.actors[i].code if i in a.actors else None  # noqa: E731
    return [(e.plover_type, code(e.source_id), code(e.target_id), e.place_name) for e in a.events]


def test_a_visited_foreign_country_is_the_recipient(pipeline):
    assert ("CONSULT", "JPNGOV", "RUS", "Russia") in coded(pipeline, "The Japanese foreign minister visited Russia on Monday.")


def test_a_leader_touring_their_own_country_has_no_recipient(kherson):
    visit = next(e for e in kherson.events if e.trigger == "visited")
    assert visit.target_id is None and visit.place_name == "Kherson"


def test_to_a_country_is_the_recipient_of_aid_not_of_a_retreat(pipeline):
    assert ("AID", "USA", "PAK", "Pakistan") in coded(pipeline, "The United States sent arms to Pakistan last year.")
    (retreat,) = [e for e in coded(pipeline, "Ukrainian troops withdrew to Kherson.") if e[0] == "RETREAT"]
    assert retreat[2] is None and retreat[3] == "Kherson"
