"""Persons, assemblies and cases of the update, with their charges, detentions,
extensions, sentences and events.

References: persons by slug, organizations by slug, places by slug, tags by slug,
articles by "CC 274.4", sources by their key in ``reference.SOURCES``. Facts the
update states flatly on others' authority are "reported"; the update authors' own
statements are "confirmed". Persons the update does not name are kept as unnamed
persons (their name says so) with nothing invented about them.
"""

import datetime

from cases.models import Assembly, Case, Charge, Detention, Event, Participant, Sentence
from kazmonitor.models import Certainty
from people.models import PersonAlias

from .dates import day, month, year

MAMAI = "zhanbolat-mamai"
BEKKULOVA = "shalipa-bekkulova"
NURPEISOV = "galym-nurpeisov"
SADVAKASOVA = "aya-sadvakasova"
SHYMKENT_1 = "unnamed-shymkent-activist-1"
SHYMKENT_2 = "unnamed-shymkent-activist-2"
DVK_ACTIVIST = "unnamed-activist-convicted-of-dvk-involvement"

REPORTED, CONFIRMED = Certainty.REPORTED, Certainty.CONFIRMED
DEFENDANT, TARGET, VICTIM = Participant.Role.DEFENDANT, Participant.Role.TARGET, Participant.Role.VICTIM

PERSONS = [
    {
        "slug": MAMAI,
        "name": "Жанболат Мамай",
        "name_latin": "Zhanbolat Mamai",
        "aliases": [("Zhanbolat Mamay", PersonAlias.Kind.TRANSLITERATION)],
        "gender": "male",
        "roles": ["opposition-politician", "activist"],
        "biography": (
            "Leader of the unregistered opposition Democratic Party. Detained in mid-March 2022 on criminal "
            "charges believed to be in retaliation for his opposition activities and his criticism of the "
            "authorities, and held in pre-trial detention; further charges related to the January 2022 events "
            "followed on 8 June 2022."
        ),
        "memberships": [("democratic-party", "leader")],
        "sources": ["update", "amnesty-2022-05-21", "iphr-2022-06-13"],
    },
    {
        "slug": BEKKULOVA,
        "name": "Shalipa Bekkulova",
        "name_latin": "Shalipa Bekkulova",
        "gender": "female",
        "roles": ["lawyer"],
        "biography": (
            "Lawyer of the human rights NGO Ar.Rukh.Khak, targeted as part of a criminal investigation into the "
            "January 2022 events in Shymkent because of her communication with activists in her professional "
            "capacity."
        ),
        "memberships": [("ar-rukh-khak", "lawyer")],
        "sources": ["update", "iphr-2022-05-02"],
    },
    {
        "slug": NURPEISOV,
        "name": "Galym Nurpeisov",
        "name_latin": "Galym Nurpeisov",
        "gender": "male",
        "roles": ["lawyer"],
        "biography": "Practising lawyer; husband of Shalipa Bekkulova.",
        "sources": ["update"],
    },
    {
        "slug": SADVAKASOVA,
        "name": "Aya Sadvakasova",
        "name_latin": "Aya Sadvakasova",
        "roles": ["activist"],
        "biography": (
            "Named in the update as another example of the new prosecutions of activists on charges of "
            "involvement in banned organisations; her case is described in a section of the update that is not "
            "part of the text this record was taken from."
        ),
        "sources": ["update"],
    },
    *(
        {
            "slug": slug,
            "name": f"Unnamed activist from Shymkent ({number} of 2)",
            "name_latin": f"Unnamed activist from Shymkent ({number} of 2)",
            "roles": ["activist"],
            "location": "shymkent",
            "biography": (
                "Not named in the update: one of two Shymkent-based activists who went on trial in May 2022 and "
                "were convicted on charges of rioting, although both insisted that they had only peacefully "
                "protested to voice misgivings about socio-economic problems and call for political change."
            ),
            "sources": ["update"],
        }
        for number, slug in ((1, SHYMKENT_1), (2, SHYMKENT_2))
    ),
    {
        "slug": DVK_ACTIVIST,
        "name": "Unnamed activist convicted of involvement in the DVK",
        "name_latin": "Unnamed activist convicted of involvement in the DVK",
        "gender": "male",
        "roles": ["activist"],
        "biography": (
            "Not named in the update: convicted in November 2021 on charges of involvement in the banned DVK "
            "movement; his restricted freedom sentence was later replaced with a prison sentence."
        ),
        "sources": ["update"],
    },
]

ASSEMBLIES = [
    {
        "slug": "oyan-qazaqstan-russian-consulate-almaty-2022-04",
        "title": "Oyan, Qazaqstan protest against the war in Ukraine at the Russian consulate in Almaty",
        "held_on": day(2022, 4, 9),  # the date of the tweet reporting it
        "location": "almaty",
        "place": "in front of the Russian consulate",
        "topic": "Russia's war on Ukraine",
        "organizers": ["oyan-qazaqstan"],
        "permission": Assembly.Permission.UNKNOWN,  # "held without pre-approval": refused or not sought is not said
        "outcome": Assembly.Outcome.DISPERSED,
        "summary": (
            "Activists from Oyan, Qazaqstan protested against Russia's war on Ukraine in front of the Russian "
            "consulate in Almaty; police quickly detained them. One of the peaceful protests held without "
            "pre-approval that were dispersed in March–May 2022 (documented by KIBHR); participants in such "
            "protests were detained and often penalised for violating the rules for conducting assemblies "
            "(article 488 of the Code of Administrative Offences). How many were detained is not stated."
        ),
        "tags": ["protest", "protestors-detained"],
        "sources": ["marat-2022-04-09", "update"],
    },
    {
        "slug": "political-prisoners-protests-2022-03-to-05",
        "title": "Protests demanding the release of political prisoners (March–May 2022)",
        "held_on": year(2022),  # the update says only "during the reporting period", March–May 2022
        "location": "kazakhstan",
        "topic": "release of political prisoners",
        "permission": Assembly.Permission.UNKNOWN,
        "outcome": Assembly.Outcome.DISPERSED,
        "summary": (
            "Several peaceful protests held without pre-approval that demanded the release of political "
            "prisoners were dispersed during March–May 2022; the participants were detained and often penalised "
            "for violating the rules for conducting assemblies (article 488 of the Code of Administrative "
            "Offences). Dates, places and numbers are not given in the update."
        ),
        "tags": ["protest", "protestors-detained"],
        "sources": ["update"],
    },
]

CASES = [
    {
        "slug": "zhanbolat-mamai-2022",
        "title": "Criminal case against opposition leader Zhanbolat Mamai",
        "kind": Case.Kind.CRIMINAL,
        "status": Case.Status.INVESTIGATION,
        "opened_on": month(2022, 3),  # "mid-March 2022"
        "location": "almaty",
        "freedoms": ("expression", "association", "assembly"),
        "tags": ["harassment", "intimidation", "protest"],
        "summary": (
            "The leader of the unregistered opposition Democratic Party was detained in mid-March 2022 on "
            "criminal charges believed to be in retaliation for his opposition activities and his criticism of "
            "the authorities, and widely condemned as politically motivated. The charges concern his campaigning "
            "for measures to help people burdened by financial debt and critical remarks he made during the "
            "police dispersal of a peaceful protest initiated by his party. He was placed in pre-trial detention "
            "although national law does not provide for detention as a measure of restraint for such charges. "
            "On 8 June 2022 further charges related to the January 2022 events were initiated, although he had "
            "only peacefully protested and called for social and political change together with other members "
            "of his party."
        ),
        "sources": ["update", "amnesty-2022-05-21", "iphr-2022-06-13", "iphr-2022-06-13-picture"],
        "participants": [(MAMAI, DEFENDANT, "")],
        "charges": [
            {
                "defendant": MAMAI,
                "article": "CC 274",
                "filed_on": month(2022, 3),
                "description": (
                    "knowingly spreading false information (over his campaigning for measures to help people "
                    "burdened by financial debt)"
                ),
            },
            {
                "defendant": MAMAI,
                "article": "CC 378",
                "filed_on": month(2022, 3),
                "description": (
                    "insulting law enforcement officers (over critical remarks during the police dispersal of a "
                    "peaceful protest initiated by his party)"
                ),
            },
            {
                "defendant": MAMAI,
                "article": "CC 272.1",
                "filed_on": day(2022, 6, 8),
                "description": "organising mass riots (during the January 2022 events)",
                "sources": ["update", "iphr-2022-06-13"],
            },
            {
                "defendant": MAMAI,
                "article": "CC 274.4",
                "filed_on": day(2022, 6, 8),
                "description": (
                    "knowingly spreading false information in an emergency situation (during the January 2022 events)"
                ),
                "sources": ["update", "iphr-2022-06-13"],
            },
        ],
        "detentions": [
            {
                "person": MAMAI,
                "kind": Detention.Kind.PRETRIAL,
                "started_on": month(2022, 3),  # "mid-March 2022"
                "description": (
                    "Placed in pre-trial detention, although national law does not provide for detention as a "
                    "measure of restraint in criminal cases involving charges such as those he faces."
                ),
                "sources": ["update", "amnesty-2022-05-21"],
                "extensions": [
                    {
                        "decided_on": day(2022, 5, 6),
                        "extended_until": datetime.date(2022, 6, 12),
                        "court": "almaty-court-mamai-detention",
                        "sources": ["update", "amnesty-2022-05-21"],
                    },
                ],
            },
        ],
        "events": [
            {
                "kind": Event.Kind.AMNESTY_REFUSED,
                "person": MAMAI,
                "occurred_on": day(2022, 4, 4),
                "description": (
                    "A local court rejected his application for amnesty under the amnesty law adopted for "
                    'Kazakhstan\'s 30 years of independence, reasoning that he "had not admitted his guilt", '
                    "although this is not a requirement for amnesty under the Criminal Code provisions used in "
                    "his case."
                ),
            },
            {
                "kind": Event.Kind.STATEMENT,
                "person": MAMAI,
                "occurred_on": day(2022, 6, 13),  # the date of IPHR's tweet publishing it
                "certainty": CONFIRMED,
                "description": (
                    "In a joint statement, IPHR, KIBHR, the Helsinki Foundation for Human Rights and the Norwegian "
                    "Helsinki Committee called on the authorities to stop persecuting the opposition leader, drop "
                    "the charges against him and release him immediately."
                ),
                "sources": ["update", "iphr-2022-06-13", "iphr-2022-06-13-picture"],
            },
        ],
    },
    {
        "slug": "shalipa-bekkulova-ar-rukh-khak-2022",
        "title": "Pressure on Ar.Rukh.Khak lawyer Shalipa Bekkulova",
        "kind": Case.Kind.EXTRAJUDICIAL,
        "status": Case.Status.INVESTIGATION,
        "opened_on": month(2022, 4),
        "location": "shymkent",
        "freedoms": ("association",),
        "tags": ["harassment", "intimidation", "surveillance"],
        "summary": (
            "The NGO Ar.Rukh.Khak came under pressure over its work documenting violations related to the "
            "January 2022 events and assisting the activists affected. Its lawyer Shalipa Bekkulova was targeted "
            "as part of a criminal investigation into the January 2022 events in Shymkent because of her "
            "communication with activists in her professional capacity. In early May 2022 IPHR raised these "
            "concerns in an open letter to the authorities."
        ),
        "sources": ["update", "iphr-2022-05-02", "iphr-2022-05-02-picture"],
        "participants": [
            (BEKKULOVA, TARGET, "Lawyer of Ar.Rukh.Khak"),
            (NURPEISOV, VICTIM, "His legal case material was examined during the search"),
        ],
        "events": [
            {
                "kind": Event.Kind.INTERROGATION,
                "person": BEKKULOVA,
                "occurred_on": month(2022, 4),  # by the search of 23 April; the exact day is not given
                "description": (
                    "Officials from the National Security Committee interrogated her about her contacts with activists."
                ),
            },
            {
                "kind": Event.Kind.OTHER,
                "person": BEKKULOVA,
                "occurred_on": month(2022, 4),
                "description": (
                    "Officials from the National Security Committee copied her telephone contacts and messages."
                ),
            },
            {
                "kind": Event.Kind.SEARCH,
                "person": BEKKULOVA,
                "occurred_on": day(2022, 4, 23),
                "description": "Officials from the National Security Committee searched her home.",
            },
            {
                "kind": Event.Kind.SEARCH,
                "person": NURPEISOV,
                "occurred_on": day(2022, 4, 23),
                "description": (
                    "During the search of Shalipa Bekkulova's home, National Security Committee officials also "
                    "examined legal case material belonging to her husband, practising lawyer Galym Nurpeisov, in "
                    "violation of the principle of lawyer-client confidentiality."
                ),
            },
            {
                "kind": Event.Kind.STATEMENT,
                "person": None,
                "occurred_on": month(2022, 5),  # "early May 2022"
                "certainty": CONFIRMED,
                "description": (
                    "In an open letter to the relevant Kazakhstani authorities, IPHR raised concerns about the "
                    "pressure on Ar.Rukh.Khak and requested an investigation into the reported harassment."
                ),
                "sources": ["update", "iphr-2022-05-02", "iphr-2022-05-02-picture"],
            },
        ],
    },
    *(
        {
            "slug": f"shymkent-activist-{number}-rioting-trial-2022",
            "title": f"Trial of an unnamed Shymkent activist ({number} of 2) on rioting charges",
            "kind": Case.Kind.CRIMINAL,
            "status": Case.Status.CONVICTED,
            "opened_on": year(2022),  # charges relate to the January 2022 events; the date is not given
            "location": "shymkent",
            "freedoms": ("expression", "assembly"),
            "tags": ["protest"],
            "summary": (
                "One of two Shymkent-based activists tried in May 2022 on charges relating to the January 2022 "
                "events; the trial ended in a guilty verdict on charges of rioting, although the activist "
                "insisted on having only peacefully protested to voice misgivings about socio-economic problems "
                "and call for political change. The update does not name the activist or give the sentence."
            ),
            "sources": ["update"],
            "participants": [(slug, DEFENDANT, "")],
            "charges": [
                {
                    "defendant": slug,
                    "article": "CC 272",
                    "filed_on": None,
                    "status": Charge.Status.CONVICTED,
                    "description": "rioting",
                },
            ],
            "events": [
                {
                    "kind": Event.Kind.TRIAL_START,
                    "person": slug,
                    "occurred_on": month(2022, 5),
                    "description": "The trial began in Shymkent.",
                },
                {
                    "kind": Event.Kind.VERDICT,
                    "person": slug,
                    "occurred_on": month(2022, 5),
                    "description": "Found guilty on charges of rioting; the sentence is not given in the update.",
                },
            ],
        }
        for number, slug in ((1, SHYMKENT_1), (2, SHYMKENT_2))
    ),
    {
        "slug": "aya-sadvakasova-2022",
        "title": "Prosecution of Aya Sadvakasova",
        "kind": Case.Kind.CRIMINAL,
        "status": Case.Status.INVESTIGATION,  # the update's text here does not say how far the case has got
        "opened_on": year(2022),  # one of the "new cases" of March–May 2022
        "freedoms": ("association",),
        "tags": [],
        "summary": (
            "Named in the update as another example of the new cases in which activists were prosecuted on "
            "charges of involvement in banned organisations (article 405 of the Criminal Code). The details are "
            "in a section of the update that is not part of the text this record was taken from."
        ),
        "sources": ["update"],
        "participants": [(SADVAKASOVA, DEFENDANT, "")],
        "charges": [
            {
                "defendant": SADVAKASOVA,
                "article": "CC 405",
                "filed_on": None,
                "description": "involvement in banned organisations",
            },
        ],
    },
    {
        "slug": "unnamed-activist-dvk-restricted-freedom-replaced-2022",
        "title": "Unnamed activist's restricted freedom sentence for DVK involvement replaced with prison",
        "kind": Case.Kind.CRIMINAL,
        "status": Case.Status.CONVICTED,
        "opened_on": None,
        "freedoms": ("association", "assembly"),
        "tags": [],
        "summary": (
            "An activist convicted in November 2021 on charges of involvement in the banned DVK movement had his "
            "restricted freedom sentence replaced with a prison sentence during March–May 2022, after a court "
            "ruled that he had violated the terms of his non-custodial sentence by taking part in a "
            "non-sanctioned peaceful protest. The update does not name him or give the terms."
        ),
        "sources": ["update"],
        "participants": [(DVK_ACTIVIST, DEFENDANT, "")],
        "charges": [
            {
                "defendant": DVK_ACTIVIST,
                "article": "CC 405",
                "filed_on": None,
                "status": Charge.Status.CONVICTED,
                "description": "involvement in the DVK",
            },
        ],
        "sentences": [
            {
                "key": "restricted-freedom",
                "defendant": DVK_ACTIVIST,
                "kind": Sentence.Kind.RESTRICTED_FREEDOM,
                "sentenced_on": month(2021, 11),
                "description": "Restricted freedom on charges of involvement in the DVK.",
            },
            {
                "key": "prison",
                "defendant": DVK_ACTIVIST,
                "kind": Sentence.Kind.IMPRISONMENT,
                "sentenced_on": year(2022),  # during March–May 2022
                "replaces": "restricted-freedom",
                "description": (
                    "A court ruled that he had violated the terms of his non-custodial sentence by participating "
                    "in a non-sanctioned peaceful protest and replaced it with a real prison sentence."
                ),
            },
        ],
    },
    {
        "slug": "case-of-13-activists-banned-movements-2021",
        "title": "High-profile case of 13 activists over the banned opposition movements",
        "kind": Case.Kind.CRIMINAL,
        "status": Case.Status.CONVICTED,
        "opened_on": None,
        "freedoms": ("association",),
        "tags": [],
        "summary": (
            "A high-profile court case involving 13 activists, in which the verdict was handed down in October "
            "2021. During March–May 2022 three of the activists convicted, imprisoned because of their alleged "
            "involvement in the banned DVK and Street Party movements, were released after courts replaced the "
            "remaining part of their prison sentences with restricted freedom, which entails court-imposed "
            "restrictions on movement and public activities. The update names none of them."
        ),
        "sources": ["update"],
        "events": [
            {
                "kind": Event.Kind.VERDICT,
                "person": None,
                "occurred_on": month(2021, 10),
                "description": "Verdict handed down in the case of 13 activists.",
            },
            {
                "kind": Event.Kind.OTHER,
                "person": None,
                "occurred_on": year(2022),  # during March–May 2022
                "description": (
                    "Three activists convicted in this case were released after court decisions replaced the "
                    "remaining part of their prison sentences with non-custodial restricted freedom sentences."
                ),
            },
        ],
    },
]
