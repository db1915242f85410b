"""The English -> Kelvan dictionary for the translation generator (Kelvan is invented here)."""

from __future__ import annotations

DETERMINERS = {"the": "ka", "a": "li", "this": "sa", "my": "mo"}
# Nouns that can do things (subjects and objects).
AGENTS = {
    "dog": "vanu", "cat": "mirel", "bird": "tiko", "horse": "hesta", "farmer": "gurad",
    "child": "pim", "teacher": "lorun", "king": "rega", "girl": "sela", "boy": "toba",
    "fish": "okku", "wolf": "ulvo", "baker": "brenn", "sailor": "marud",
}  # fmt: skip
# Nouns of places (objects and place phrases).
PLACES = {
    "house": "domo", "river": "rivu", "tree": "arbo", "garden": "kelta", "market": "forun",
    "bridge": "ponta", "forest": "wudra", "hill": "kolme",
}  # fmt: skip
ADJECTIVES = {
    "big": "gros", "small": "pik", "old": "alda", "young": "neva", "red": "roza",
    "green": "verd", "happy": "felo", "sad": "trist", "quick": "rapa", "quiet": "kalm",
}  # fmt: skip
TRANSITIVE = {
    "sees": "vidat", "likes": "amat", "follows": "sekat", "finds": "trovat", "helps": "jutat",
    "calls": "vokat", "watches": "spekat", "feeds": "nutrat", "carries": "portat",
    "pushes": "pusat",
}  # fmt: skip
INTRANSITIVE = {
    "sleeps": "dormat", "runs": "kurat", "sings": "kantat", "waits": "atendat",
    "laughs": "ridat", "swims": "nagat",
}  # fmt: skip
# English prepositions become Kelvan postpositions.
PREPOSITIONS = {"near": "apu", "behind": "dosi", "under": "nali", "in": "inta", "beside": "kosta"}
NEVER = {"never": "ne"}

ALL = {
    **DETERMINERS, **AGENTS, **PLACES, **ADJECTIVES, **TRANSITIVE, **INTRANSITIVE,
    **PREPOSITIONS, **NEVER,
}  # fmt: skip
