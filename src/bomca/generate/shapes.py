"""The shape of a generated portfolio, taken from the BOMCA 10 reference data (2023Q2).

The seed quarter has 25 implemented activities: 17 workshops, and seminars, trainings, exchanges
of trainers, an online session, a study visit and an assessment; one in five regional; nearly
all in person; three in ten delivered by national trainers. Its 472 participants are 28% women
(133), 69% men (325) and 3% not recorded (14), with the share of women depending on the agency:
a fifth in border services, a half in migration services and local administrations. Each
activity has one or two beneficiary agencies (a regional one, the same kind of agency in three
to five countries) and 8 to 30 participants. The numbers below say so to the generator.
"""

from __future__ import annotations

from dataclasses import dataclass

from bomca.activities.models import ActivityType, DeliveredBy
from bomca.reference.models import OrganisationKind

K = OrganisationKind
T = ActivityType

#: Activity types and their weights among a quarter's activities.
ACTIVITY_TYPES: dict[str, int] = {
    T.WORKSHOP: 52,
    T.SEMINAR: 9,
    T.TRAINING: 11,
    T.ONLINE_SESSION: 6,
    T.TRAINER_EXCHANGE: 7,
    T.STUDY_VISIT: 4,
    T.ASSESSMENT: 4,
    T.CONFERENCE: 2,
    T.EVENT: 2,
    T.MANAGEMENT_MEETING: 3,
}
#: The English title of each type, in a title ("Workshop on risk analysis").
TYPE_TITLES: dict[str, str] = {
    T.WORKSHOP: "Workshop",
    T.SEMINAR: "Seminar",
    T.TRAINING: "Training",
    T.ONLINE_SESSION: "Online session",
    T.TRAINER_EXCHANGE: "Exchange of trainers",
    T.STUDY_VISIT: "Study visit",
    T.ASSESSMENT: "Assessment",
    T.CONFERENCE: "Conference",
    T.EVENT: "Event",
    T.MANAGEMENT_MEETING: "Management meeting",
}
#: Days an activity of each type lasts (lowest, highest).
DURATIONS: dict[str, tuple[int, int]] = {
    T.WORKSHOP: (2, 3),
    T.SEMINAR: (1, 3),
    T.TRAINING: (2, 5),
    T.ONLINE_SESSION: (1, 1),
    T.TRAINER_EXCHANGE: (3, 5),
    T.STUDY_VISIT: (4, 6),
    T.ASSESSMENT: (2, 4),
    T.CONFERENCE: (1, 2),
    T.EVENT: (1, 1),
    T.MANAGEMENT_MEETING: (1, 1),
}
ACTIVITIES_PER_QUARTER = 50
#: Quarters are not alike: fewer activities in winter and summer.
SEASON = {1: 0.85, 2: 1.1, 3: 0.9, 4: 1.15}
REGIONAL_SHARE = 0.2
HYBRID_SHARE = 0.03
DELIVERED_BY = {DeliveredBy.EU_EXPERTS: 68, DeliveredBy.NATIONAL_TRAINERS: 28, DeliveredBy.MIXED: 4}
#: Of activities delivered by national trainers, how many name the trainers' country.
TRAINER_COUNTRY_SHARE = 0.85
CANCELLED_SHARE = 0.05
CONFIRMED_SHARE = 0.25
#: Of the implemented activities (other than management meetings), how many have a named
#: attendance list; the others have counts by sex only.
LISTED_SHARE = 0.85

#: Participants of a national activity (per activity) and of a regional one (per country).
NATIONAL_PARTICIPANTS = (14, 36)
REGIONAL_PARTICIPANTS_PER_COUNTRY = (3, 8)
#: Of the people of a list, how many come for the first time (the others attended before).
NEWCOMER_SHARE = 0.18
#: Share of women among the people of each kind of organisation (None: no organisation).
WOMEN_SHARE: dict[str | None, float] = {
    K.BORDER: 0.20,
    K.CUSTOMS: 0.26,
    K.LAW_ENFORCEMENT: 0.21,
    K.MIGRATION: 0.49,
    K.VETERINARY_PHYTOSANITARY: 0.33,
    K.LOCAL_ADMINISTRATION: 0.53,
    K.MINISTRY: 0.40,
    K.TRAINING_INSTITUTION: 0.35,
    None: 0.60,
}
#: Share of people whose sex the list does not record.
UNRECORDED_SHARE = 0.03
#: Share of the people of a list who gave their year of birth.
YEAR_OF_BIRTH_SHARE = 0.8
#: Of the lists, how many carry pre/post test scores and how many ratings.
TESTED_SHARE = 0.6
RATED_SHARE = 0.8
POSITIONS = ("Officer", "Senior officer", "Inspector", "Head of unit", "Deputy head of unit")

CITIES: dict[str, tuple[str, ...]] = {
    "KZ": ("Astana", "Almaty", "Shymkent", "Aktobe"),
    "KG": ("Bishkek", "Osh", "Batken", "Karakol"),
    "TJ": ("Dushanbe", "Khujand", "Khorog", "Kulob"),
    "TM": ("Ashgabat", "Turkmenabat", "Mary", "Dashoguz"),
    "UZ": ("Tashkent", "Samarkand", "Fergana", "Termez"),
    "DE": ("Berlin",),
    "LV": ("Riga",),
    "LT": ("Vilnius",),
}

#: The agencies that take part in activities: the code each kind has in organisation codes
#: (as in the reference data's, e.g. KG-VET-PHYTO) and its name in generated names (in
#: English whatever the language: the same seed gives the same rows).
AGENCY_KINDS: dict[str, tuple[str, str]] = {
    K.BORDER: ("BORDER", "border service"),
    K.CUSTOMS: ("CUSTOMS", "customs service"),
    K.MIGRATION: ("MIGRATION", "migration service"),
    K.VETERINARY_PHYTOSANITARY: ("VET-PHYTO", "veterinary and phytosanitary service"),
    K.LAW_ENFORCEMENT: ("LAW-ENFORCEMENT", "law enforcement agency"),
    K.LOCAL_ADMINISTRATION: ("LOCAL-ADMIN", "local administration"),
    K.MINISTRY: ("MINISTRY", "ministry"),
}
AGENCY_UNITS = 2
NGOS_PER_COUNTRY = 10
PARTNERS = 3


@dataclass(frozen=True)
class Profile:
    """What a component works on: its title, the agencies it serves and its thematic areas."""

    title: str
    objective: str
    kinds: tuple[str, ...]
    areas: tuple[str, ...]
    #: Its share of the activities, against the others' (BOMCA 10's components 1 to 3 each
    #: have about twice the participants of component 4).
    weight: float = 1.0


#: The themes of components: every programme has the first three, and some of the others.
PROFILES: tuple[Profile, ...] = (
    Profile(
        "Institutional development of border agencies",
        "Border agencies adopt international standards and integrated border management.",
        (K.BORDER, K.CUSTOMS, K.MIGRATION),
        (
            "integrated border management",
            "document security",
            "contingency planning and mixed migration",
            "management and leadership",
            "risk analysis and profiling",
        ),
    ),
    Profile(
        "Detection and investigation capacities",
        "Agencies detect and investigate cross-border crime within and between the countries.",
        (K.LAW_ENFORCEMENT, K.BORDER, K.CUSTOMS),
        (
            "trafficking in human beings and migrant smuggling",
            "criminal intelligence",
            "drug detection",
            "document fraud detection",
        ),
    ),
    Profile(
        "Facilitation of trade",
        "Institutional, technical and normative practices that ease legitimate trade.",
        (K.CUSTOMS, K.VETERINARY_PHYTOSANITARY),
        (
            "transit and customs guarantees",
            "customs risk management",
            "non-intrusive inspection",
            "veterinary and phytosanitary controls",
            "training standardisation",
        ),
    ),
    Profile(
        "Border communities",
        "People living in border areas are better protected and supported.",
        (K.LOCAL_ADMINISTRATION, K.MIGRATION, K.MINISTRY),
        ("psychosocial support", "child protection", "diaspora policy", "community resilience"),
        weight=0.5,
    ),
    Profile(
        "Migration management",
        "Migration services manage flows of people in line with international standards.",
        (K.MIGRATION, K.BORDER, K.LOCAL_ADMINISTRATION),
        ("migration management", "asylum procedures", "readmission", "labour migration"),
        weight=0.6,
    ),
)
