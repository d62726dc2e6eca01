"""storyline: dated news stories in, who did what to whom, when, where — and who said what — out.

    >>> import storyline
    >>> result = storyline.analyze("Russian forces fled Kherson last week.", "2022-11-15")
    >>> [(e.plover_type, e.date_value) for e in result.events]
    [('RETREAT', '2022-W45')]
"""
from .model import Actor, Analysis, Event, Mention, Place, PlaceMention, Quote, Reject, Story, TimeExpr
from .pipeline import Pipeline, analyze

__version__ = "0.1.0"
__all__ = ["analyze", "Pipeline", "Story", "Analysis", "Actor", "Mention", "TimeExpr", "Place", "PlaceMention",
           "Quote", "Event", "Reject"]
