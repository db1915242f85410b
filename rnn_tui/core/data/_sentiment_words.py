"""Word lists and neutral filler templates for the movie-review generator (written by hand)."""

from __future__ import annotations

# Opinion adjectives; negation flips them ("not good" -> negative, "never boring" -> positive).
POSITIVE = (
    "good", "great", "wonderful", "brilliant", "excellent", "superb", "moving", "funny",
    "charming", "gripping", "beautiful", "clever", "fresh", "delightful", "thrilling",
    "touching", "stunning", "enjoyable", "fantastic", "lovely", "memorable", "powerful",
    "witty", "engaging",
)  # fmt: skip
NEGATIVE = (
    "bad", "awful", "boring", "dull", "terrible", "weak", "clumsy", "predictable",
    "tedious", "bland", "lifeless", "painful", "silly", "forgettable", "messy", "flat",
    "poor", "dreadful", "tiresome", "shallow", "confusing", "lame", "slow", "stale",
)  # fmt: skip

# Verbs that carry an opinion of the whole film ("i loved it").
POSITIVE_VERBS = ("loved", "liked", "enjoyed", "adored")
NEGATIVE_VERBS = ("hated", "disliked", "regretted", "detested")

# Intensifiers change strength, not direction: they only add distance.
INTENSIFIERS = ("really", "very", "truly", "quite", "so", "incredibly", "pretty", "rather")
# After a negation only these read naturally, with either polarity ("not very dull").
NEGATED_INTENSIFIERS = ("really", "very", "that", "so", "particularly")

SUBJECTS = (
    "the acting", "the plot", "the story", "the script", "the dialogue", "the ending",
    "the music", "the soundtrack", "the cast", "the directing", "the camera work",
    "the pacing", "the humour", "the film", "the movie", "the lead actress", "the villain",
    "the photography", "the first half", "the second half", "the hero", "the score",
)  # fmt: skip

# Copulas, as plain and negated forms; each negated form reads naturally with either
# polarity ("was never dull", "was never convincing"), so negation stays symmetric.
COPULAS = ("was", "is", "felt", "seemed")
NEGATED_COPULAS = (
    "was not", "wasn't", "was never", "is not", "isn't", "never felt", "did not feel",
    "was far from", "was not at all", "was hardly",
)  # fmt: skip
# The negated copulas after which an intensifier or a closing "at all" may come.
PLAIN_NOT = ("was not", "wasn't", "is not", "isn't", "did not feel")

# Whole-film openings: "i found it" + adjective.
WHOLE_FILM = ("i found it", "it was", "i thought it was", "the whole thing felt", "overall it was")
WHOLE_FILM_NEGATED = (
    "i did not find it", "it was not", "i never found it", "it wasn't", "overall it was not",
)  # fmt: skip

# Time words tie a clause to the start or the end of the film in a contrast.
EARLY = ("at first", "early on", "in the beginning", "for the first hour")
LATE = ("in the end", "by the end", "later on", "after a while")

# Neutral filler sentences: {slot} names a key of FILLER_SLOTS.
FILLER_TEMPLATES = (
    "i saw it {when} with my {person} .",
    "we watched it {when} .",
    "my {person} picked it .",
    "the cinema was {crowd} .",
    "it runs about {number} hours .",
    "it is based on a {source} .",
    "it is set in {place} .",
    "we had {snack} before the show .",
    "i read about it in a {media} .",
    "the tickets cost {number} pounds each .",
    "it came out last {season} .",
    "there were {number} trailers before it started .",
    "the director made {number} other films .",
    "my {person} had seen it {when} .",
    "we sat in the {row} row .",
    "i went in knowing nothing about it .",
    "the screening started {number} minutes late .",
    "it is about a {character} in {place} .",
    "the poster shows a {character} .",
    "we took the bus to the cinema .",
    "it was the {ordinal} film i saw this {season} .",
    "my {person} sat near the {row} row .",
    "i had a {snack} with a drink .",
    "the film has {number} parts .",
)  # fmt: skip

FILLER_SLOTS: dict[str, tuple[str, ...]] = {
    "when": ("last friday", "on a rainy sunday", "at a festival", "on a plane", "at home",
             "last night", "on tuesday", "during the holidays", "after work"),
    "person": ("brother", "sister", "friends", "parents", "cousin", "wife", "husband",
               "roommate", "kids", "neighbour", "uncle", "grandmother"),
    "crowd": ("half empty", "full", "almost empty", "busy", "quiet"),
    "number": ("two", "three", "four", "five", "ten"),
    "source": ("novel", "true story", "comic book", "play", "video game", "short story"),
    "place": ("a small town", "paris", "the future", "space", "a school", "the desert",
              "london", "a hospital", "the sea"),
    "snack": ("popcorn", "nachos", "tea", "pizza", "ice cream", "sandwich"),
    "media": ("magazine", "newspaper", "blog", "forum"),
    "season": ("spring", "summer", "winter", "autumn", "year", "month"),
    "row": ("front", "back", "middle", "second", "last"),
    "character": ("detective", "teacher", "pilot", "nurse", "family", "robot", "farmer"),
    "ordinal": ("first", "second", "third", "fourth"),
}  # fmt: skip
