"""Small word lists the extractors share: hedges, speech verbs, event kinds, units.

Kept in one place so the rules that use them stay short and the lists can be
reviewed (and extended) without reading the code.
"""

from __future__ import annotations

__all__ = [
    "APPROX_HEDGES",
    "CHANGE_WORDS",
    "EVENT_LEVEL_UNITS",
    "GENERIC_SPEAKERS",
    "KIND_WORDS",
    "MAX_HEDGES",
    "MEASURE_WORDS",
    "MIN_HEDGES",
    "MODAL_HEDGES",
    "MONTHS",
    "PEOPLE_UNITS",
    "PERSON_NOUNS",
    "PRONOUNS",
    "SPEECH_VERBS",
    "THRESHOLD_WORDS",
    "WEEKDAYS",
    "wordset",
]


def wordset(text: str) -> frozenset[str]:
    """A set of words written as one string, so long word lists stay readable."""
    return frozenset(text.split())


# Multi-word hedges are matched on the lower-cased words right before the number.
APPROX_HEDGES = (
    "roughly",
    "about",
    "around",
    "approximately",
    "some",
    "an estimated",
    "estimated",
    "nearly",
    "almost",
    "close to",
    "just under",
    "just over",
    "almost exactly",
    "approx.",
    "circa",
    "or so",
    "upwards of",
    "in excess of",
)
MIN_HEDGES = (
    "at least",
    "more than",
    "over",
    "upwards of",
    "in excess of",
    "no fewer than",
    "no less than",
    "a minimum of",
    "above",
    "exceeding",
    "just over",
)
MAX_HEDGES = (
    "up to",
    "at most",
    "fewer than",
    "less than",
    "under",
    "no more than",
    "as many as",
    "a maximum of",
    "below",
    "just under",
    "nearly",
    "almost",
    "close to",
)
MODAL_HEDGES = (
    "projected",
    "expected",
    "estimated",
    "forecast",
    "likely",
    "on track",
    "poised",
    "reportedly",
    "believed",
    "feared",
    "could",
    "may",
    "might",
    "possibly",
    "unofficial",
    "preliminary",
    "initial",
    "initially",
)

SPEECH_VERBS = wordset(
    """said says say saying told tells telling added adds adding stated states wrote
    writes tweeted posted explained explains noted notes asked asks continued insisted
    insists outlined declared declares announced announces warned warns argued argues
    claimed claims replied replies recalled acknowledged admitted confirmed confirms
    remarked commented reported reports urged suggested suggests stressed emphasized
    emphasised conceded cautioned vowed pledged promised signalled signaled
    maintained observed concluded responded shouted yelled according"""
)

# Event classes a count can belong to; a death toll never conflicts with an injury count.
KIND_WORDS: dict[str, str] = {}
for _kind, _words in {
    "killed": "kill killed kills killing dead death deaths died die dies dying toll "
    "fatalities fatality fatal perished lives bodies murdered slain",
    "injured": "injured injuries injury injuring wounded wounding hurt hospitalized "
    "hospitalised casualties",
    "missing": "missing unaccounted",
    "arrested": "arrested arrest arrests detained detention custody charged",
    "displaced": "evacuated evacuation displaced homeless evacuate",
    "affected": "affected",
    "rescued": "rescued survivors survived",
    "shot": "shot shooting gunned",
}.items():
    for _w in _words.split():
        KIND_WORDS[_w] = _kind

# What a number in the news measures, whatever the wording: "died"/"death toll"/"killed",
# "deliberated"/"deliberations", "hospitalized"/"in hospital", "marchers"/"protesters".
# Two reports of one measure share a key even when no word is shared.
MEASURE_WORDS: dict[str, str] = dict(KIND_WORDS)
for _key, _words in {
    "hospital": "hospital hospitals hospitalization hospitalisation intensive",
    "deliberation": "deliberation deliberations deliberated deliberating deliberate",
    "sentence": "sentence sentenced sentences prison jail imprisonment term terms",
    "protest": "protest protests protesters protestors demonstrators demonstration "
    "demonstrations marchers march marched rally rallies crowd crowds",
    "vote": "vote votes voted voting voters ballot ballots turnout electorate",
    "deal": "contract contracts deal deals agreement offer signed",
    "seized": "seized seizing seizure recovered confiscated impounded",
    "damaged": "damaged destroyed razed flattened wrecked collapsed torched burned",
    "population": "population inhabitants residents",
    "distance": "distance away kilometres kilometers km miles",
    "fall": "fall fell falling plunged plummeted tumbled",
    "evacuated": "evacuees shelters relocated",
    "cost": "cost costs costing spent spending worth valued price",
}.items():
    for _w in _words.split():
        MEASURE_WORDS.setdefault(_w, _key)

PEOPLE_UNITS = wordset(
    """people person persons victim victims resident residents student students child
    children kid kids man men woman women soldier soldiers civilian civilians worker
    workers passenger passengers tourist tourists miner miners officer officers
    firefighter firefighters patient patients inmate inmates prisoner prisoners
    suspect suspects member members family families adult adults teenager teenagers
    villager villagers crew pilgrim pilgrims fan fans citizen citizens individual
    individuals employee employees guest guests body bodies migrant migrants"""
)
# Nouns for a person that an age can follow as an apposition ("the actress, 33,").
PERSON_NOUNS = wordset(
    """man woman boy girl actress actor singer star model player suspect victim driver
    teenager teen mother father son daughter wife husband brother sister officer deputy
    resident student worker employee gunman shooter climber boxer fighter pensioner
    grandmother grandfather widow veteran rapper musician director coach owner manager
    spokesman spokeswoman lawyer attorney judge senator governor president minister
    doctor nurse pilot priest bishop pope mayor chief founder"""
)
# Units that measure the story's event itself, whatever entity is nearby.
EVENT_LEVEL_UNITS = frozenset({"magnitude", "richter", "people", "toll"})

CHANGE_WORDS = wordset(
    """lost lose loses losing gained gain gains gaining added adding cut cuts cutting
    shed shedding picked dropped fell rose increased decreased grew shrank climbed
    jumped slipped"""
)
THRESHOLD_WORDS = frozenset({"needed", "required", "necessary", "threshold", "target"})

MONTHS: dict[str, int] = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
# Speaker words that point back to a source named earlier in the article.
GENERIC_SPEAKERS = wordset(
    """statement readout release office spokesperson spokesman spokeswoman source
    sources report memo letter ministry department agency"""
)
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
