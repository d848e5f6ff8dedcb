"""What a question's words say it is about, for the suggester (DESIGN.md §3a).

Why apart from the scoring rules in :mod:`suggestions`: words alone never select a column
(the answers must fit too), and these patterns are the part that grows as new surveys are
seen. Every pattern is about the *kind* of question (someone doing something with others;
"people like me" making a difference), never one survey's wording. Matching is on
:func:`words.norm` text: lower case, no punctuation.
"""

from __future__ import annotations

import re


def _rx(*words: str) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(words) + r")")


# Collective: acting with others for the community.
COLLECTIVE = _rx(
    r"volunteer", r"unpaid help", r"with (your |other |local )?neighbours",
    r"with other (people|residents)", r"with others", r"together with", r"worked together",
    r"residents? (group|association|committee|meeting)", r"tenants? (group|association)",
    r"neighbourhood watch", r"community (group|project|event|clean|organisation|action|centre)",
    r"local (group|club|charity|campaign|organisation|event)", r"club", r"charit",
    r"(member|membership) of (an? |any )?(\w+ ){0,2}(group|organisation|association|club)",
    r"(join|joined) (an? |any )?(\w+ ){0,2}(group|organisation|association|club)",
    r"public meeting", r"campaign", r"petition", r"protest\w*", r"demonstrat\w*",
    r"march(ed)?", r"(gave|give|given|donat\w*) (money|time)", r"organis\w+ (an|a) event",
    r"street party", r"litter pick", r"friends of", r"consultation", r"councillor",
    r"school governor", r"special constable", r"magistrate", r"decision making (group|body)",
    r"civic", r"fund ?rais\w*", r"lobb(y|ied|ying)", r"groups?\b",
    r"(take|taken|took|taking) part in (a |an |any )?(\w+ ){0,3}(group|consultation|meeting|event|"
    r"campaign|protest|project|clean ?up|litter pick|association)",
)  # fmt: skip
# Individual: acting for one's own needs alongside services.
INDIVIDUAL = _rx(
    r"recycl", r"compost", r"secur\w* (your |the )?(home|house|property|doors|windows)",
    r"lock\w*", r"burglar alarm", r"fit\w* an alarm", r"sav\w* (energy|water|electricity|fuel)",
    r"(reduc|cut\w*)\w* (down )?(on )?(\w+ ){0,2}(energy|fuel|water|waste|electricity|car|driving|heating)",
    r"(use|used|using) less", r"drive less", r"driv\w* less", r"less water", r"turn\w* off",
    r"switch\w* off", r"exercis", r"physical activity", r"walk\w* or cycl\w*",
    r"cycl\w* (to|instead)", r"health advice", r"healthy (eating|diet|food)",
    r"(gave|give|giving) up smoking", r"stop\w* smoking", r"screening", r"vaccin\w*",
    r"keep an eye", r"kept an eye", r"keeping an eye", r"look\w* after (a |an )?(neighbour|elderly)",
    r"check\w* on (a |an |your )?(neighbour|elderly)", r"report\w* (a |an |the )?(crime|problem|"
    r"fault|pothole|fly ?tipping|litter|graffiti|anti ?social|it to)", r"pick\w* up litter",
    r"(buy|bought|buying|choose|chose) (\w+ ){0,2}(organic|pesticide|green|environment\w*|"
    r"recycled|local produce|energy efficient|eco)", r"(avoid\w*|refus\w*) (\w+ ){0,2}(plastic|packaging)",
    r"public transport", r"car ?share", r"waste",
)  # fmt: skip
ACTIVITY = _rx(
    r"how often", r"have you", r"do you", r"did you", r"in the (last|past) \d+ months",
    r"in the (last|past) (year|twelve months)", r"ever",
)  # fmt: skip
STATE = _rx(r"are you", r"do you have", r"is your", r"were you", r"have you got")
"""Yes/no questions about who someone is, not what they did (carer, disability ...)."""
NOT_DOING = _rx(
    r"feel", r"afraid", r"fear", r"worr", r"lonely", r"think", r"believe", r"opinion",
    r"satisf", r"agree", r"trust", r"know\w*", r"understand\w*", r"aware", r"likely",
    r"would you", r"should", r"willing", r"read\b", r"watch\w* (tv|television|the news|news)",
    r"heard", r"how (well|much|important)",
    r"important", r"influence", r"allowed", r"wrong", r"favou?r", r"oppose", r"support",
)  # fmt: skip
"""Words that make a question about feelings, beliefs or knowledge, not about doing."""
OTHERS_ACT = _rx(
    r"business", r"leaders?", r"government", r"politicians?", r"scientists?", r"companies",
    r"industry", r"media", r"newspapers?", r"police (should|do)", r"the president",
    r"congress", r"parliament", r"ministers?", r"environmental groups?", r"religious",
    r"unions?", r"courts?", r"military", r"banks?", r"(people|others) in general",
    r"at work", r"on the job", r"(your|r|rs|his|her) (job|work ?place|work site)", r"employer",
    r"management", r"supervisor", r"colleagues", r"co ?workers",
)  # fmt: skip
"""Subjects that make it someone else's action or influence, not the respondent's."""

AREA_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("health", _rx(r"health", r"exercis", r"gp\b", r"nhs", r"sport", r"walking", r"fitness",
                   r"diet", r"smok", r"vaccin", r"screening", r"doctor", r"well ?being")),
    ("community_safety", _rx(r"secur", r"lock", r"alarm", r"crime", r"burglar", r"safe",
                             r"neighbourhood watch", r"anti ?social", r"police",
                             r"property", r"keep an eye", r"kept an eye")),
    ("local_environment", _rx(r"recycl", r"litter", r"energy", r"water", r"environment",
                              r"envir", r"green", r"tidy", r"clean", r"improve the (local )?area",
                              r"park", r"waste", r"compost", r"tree", r"fly ?tip", r"fuel",
                              r"graffiti", r"street", r"pesticide", r"driv")),
)  # fmt: skip

# Efficacy: the respondent ("people like me", "I", "you personally") can make a difference.
EFFICACY_SUBJECT = _rx(
    r"people like me", r"someone like me", r"people like us", r"i can", r"i could", r"i am able",
    r"me\b", r"my\b", r"you personally", r"you can", r"you could", r"residents like you",
    r"ordinary people", r"local people", r"people in (my|your|this|the) (area|neighbourhood)",
    r"working together", r"by working together", r"people like you", r"myself",
)  # fmt: skip
EFFICACY_ACT = _rx(
    r"make a difference", r"makes? (a|any|no|little|much) difference", r"influence",
    r"have a say", r"change things", r"power to", r"(actions|views|opinions) (count|matter)",
    r"do (much|anything|something) about", r"affect\w* (decisions|what)", r"no say",
)  # fmt: skip
EFFICACY_AGAINST = _rx(
    r"too (difficult|hard|complicated|diff\w*)", r"no (point|use) in", r"powerless",
    r"(can ?not|cant|could not|couldnt) (really )?(make|do)", r"(makes?|make) (no|little) difference",
    r"(have|has|got) (no|little) (say|influence|control)", r"not worth",
)  # fmt: skip
"""Efficacy worded against itself ("it is too difficult for someone like me to ...")."""

COUNCIL = _rx(
    r"council", r"local authority", r"authority", r"local government", r"the city",
    r"borough", r"municipal\w*", r"town hall", r"local services",
)  # fmt: skip
DRIVER_WORDS: dict[str, tuple[re.Pattern[str], str]] = {
    "consultation_satisfaction": (
        _rx(r"consult", r"involv\w* (residents|people|you|local)", r"have a say",
            r"listens?", r"opportunit\w* (to|the council)", r"ask\w* (for )?(your|residents)"),
        "satisfaction",
    ),
    "informed": (_rx(r"informed", r"keeps? (you|residents|people) (up to date|in the know)",
                     r"information about"), "scale"),
    "trust_council": (_rx(r"trust"), "scale"),
    "area_satisfaction": (
        _rx(r"place to live", r"satisf\w* (\w+ )?(with )?(your |the )?(local )?"
            r"(area|neighbourhood)", r"local area as a place"),
        "satisfaction",
    ),
}  # fmt: skip
"""Other drivers: (words, the kind of answers that fit). All but area satisfaction are
about the council, so the question must name it (or local services)."""

SINGLE_RULES: dict[str, re.Pattern[str]] = {
    "authority": re.compile(
        r"^(council|local authority|authority|la|lad|la name|lad name|council name|"
        r"district|borough|local council|authority name|lacode|la code|lad\d*nm|lad\d*cd)$"
    ),
    "weight": re.compile(
        r"^(weight|wt|wgt|weighting|weight factor|final weight|"
        r"\w* ?wt|wt ?\w*|\w* weight|weight \w*|weight variable)$"
    ),
    "respondent_id": re.compile(
        r"^(respondent id|resp id|respid|id|serial|serial no|serial number|"
        r"case id|caseid|uniqueid|unique id|urn|record id|respondent id number|"
        r"respondent number|respondent no|participant id|respondnt id number)$"
    ),
    "age": re.compile(
        r"^(age|age group|age band|agegroup|ageband|age years|age in years|"
        r"age \d+ bands|age_?group|how old are you|what is your age|"
        r"age last birthday|respondent age|qage|dv ?age\w*|age of respondent|"
        r"respondents age|age of r|rs age)$|"
        r"\bhow old are you\b|\bwhat (is|was) your age\b|\bage (group|band)\b|"
        r"\byear of birth\b|\bbirth ?year\b|^yob$|^birthyr$|\byear (you were )?born\b"
    ),
    "gender": re.compile(
        r"^(gender|sex|gender identity|respondents sex|sex of respondent|rs sex)$|"
        r"\bare you male\b|\bwhat is your (sex|gender)\b|\bsex of respondent\b"
    ),
    "education": re.compile(
        r"\bhighest (qualification|degree|level of education)|\bqualifications?\b|"
        r"\beducation(al)? (level|attainment)|^education$|^degree$|\brs highest degree\b|"
        r"\bschooling\b"
    ),
    "employment": re.compile(
        r"\bemployment status\b|\bwork(ing)? status\b|\beconomic (activity|status)\b|"
        r"\blabou?r force status\b|^employment$|\bare you (currently )?(employed|working)\b"
    ),
    "ethnicity": re.compile(
        r"\bethnic (group|background|origin)|\bethnicity\b|^ethnic$|\brace of respondent\b|"
        r"^race$|\bwhat is your (race|ethnic)"
    ),
    "disability": re.compile(
        r"\bdisab|\blong ?term (illness|health|condition)|\blimiting (long ?term )?illness"
    ),
    "tenure": re.compile(
        r"\btenure\b|\bown or rent\b|\bhousing (status|tenure)\b|"
        r"\bdo you (own|rent)\b|\brent or own\b|\bhome ownership\b"
    ),
}
"""Single-column topics: the column name or question says what it is."""

SOMEONE_ELSE = _rx(
    r"father", r"mother", r"spouse", r"partner", r"parents?", r"child\w*", r"son", r"daughter",
    r"friend", r"household member", r"head of household", r"husband", r"wife", r"sibling",
    r"due to", r"differences", r"number of", r"employees", r"employer", r"interviewer",
)  # fmt: skip
"""Background questions about someone else, or not about the respondent at all."""
YOU = _rx(r"you", r"your", r"r", r"rs", r"respondent\w*", r"yourself")
