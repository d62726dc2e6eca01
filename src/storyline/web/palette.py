"""Display order and colours of event categories, shared by the timeline, the map and the tables."""
from __future__ import annotations

# PLOVER's own order: cooperation first, then conflict (PLOVER codebook).
PLOVER_TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]
# Greens/blues for cooperation shading to oranges/reds for conflict, in the order above.
PLOVER_COLOURS = ["#1b7837", "#5aae61", "#a6dba0", "#66c2a5", "#3288bd", "#5e4fa2", "#99d8c9", "#b3b3b3",
                  "#fee08b", "#fdae61", "#f46d43", "#e6ab02", "#d95f02", "#a6761d", "#d53e4f", "#9e0142"]
QUAD_CLASSES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}
QUAD_COLOURS = {1: "#5aae61", 2: "#1b7837", 3: "#fdae61", 4: "#d53e4f"}
ROLE_COLOURS = {"as source": "#3288bd", "as target": "#f46d43"}
OTHER_COLOUR = "#888888"


def colour(group_by: str, key) -> str:
    if group_by == "quad_class":
        return QUAD_COLOURS.get(key, OTHER_COLOUR)
    if group_by == "role":
        return ROLE_COLOURS.get(key, OTHER_COLOUR)
    try:
        return PLOVER_COLOURS[PLOVER_TYPES.index(key)]
    except ValueError:
        return OTHER_COLOUR


def label(group_by: str, key) -> str:
    if group_by == "quad_class":
        return f"{key} {QUAD_CLASSES[key]}" if key in QUAD_CLASSES else "none"
    if group_by == "role":
        return key
    return key or "none"


def order(group_by: str, keys) -> list:
    known = {"quad_class": list(QUAD_CLASSES), "role": list(ROLE_COLOURS)}.get(group_by, PLOVER_TYPES)
    rank = {k: i for i, k in enumerate(known)}
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), str(k)))
