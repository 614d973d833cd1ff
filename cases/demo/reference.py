"""Places, tags, legal articles, organizations and sources named in the update.

Keys (dictionary keys and slugs) are how ``records`` refers to them. Wording
follows the update; where it is vague the declaration says so instead of guessing.
"""

from kazmonitor.models import Source
from people.models import Organization

from .dates import day, year

# slug: (name, local name, kind, parent slug). Almaty, Shymkent and Nur-Sultan are
# cities of republican significance, outside any region, so their parent is the country.
LOCATIONS = {
    "kazakhstan": ("Kazakhstan", "Қазақстан", "country", None),
    "almaty": ("Almaty", "Алматы", "city", "kazakhstan"),
    "shymkent": ("Shymkent", "Шымкент", "city", "kazakhstan"),
    "nur-sultan": ("Nur-Sultan", "Нур-Султан", "city", "kazakhstan"),
}

# The update's "Tags:" line, as written.
TAGS = {
    "harassment": "harassment",
    "hrd-detained": "HRD detained",
    "hrd-prosecuted": "HRD prosecuted",
    "intimidation": "intimidation",
    "protest": "protest",
    "protestors-detained": "protestor(s) detained",
    "surveillance": "surveillance",
    "torture-ill-treatment": "torture/ill-treatment",
}

# slug: (country, short name, name)
LEGAL_CODES = {
    "kz-cc": ("KZ", "CC", "Criminal Code"),
    "kz-cao": ("KZ", "CAO", "Code of Administrative Offences"),
}

# "CC 274.4" -> (code slug, article, part, title as the update words it)
ARTICLES = {
    "CC 272": ("kz-cc", "272", "", "participating in riots"),
    "CC 272.1": ("kz-cc", "272", "1", "organising mass riots"),
    "CC 274": ("kz-cc", "274", "", "knowingly spreading false information"),
    "CC 274.4": ("kz-cc", "274", "4", "knowingly spreading false information in an emergency situation"),
    "CC 378": ("kz-cc", "378", "", "insulting law enforcement officers"),
    "CC 405": ("kz-cc", "405", "", "involvement in banned organisations"),
    "CAO 488": ("kz-cao", "488", "", "violating the rules for conducting assemblies"),
}

NGO, PARTY, MOVEMENT = Organization.Kind.NGO, Organization.Kind.PARTY, Organization.Kind.MOVEMENT
STATE_BODY, COURT, OTHER = Organization.Kind.STATE_BODY, Organization.Kind.COURT, Organization.Kind.OTHER
NOT_STATED = Organization.LegalStatus.NOT_APPLICABLE  # the model has no "unknown"; the update does not say
UNREGISTERED, BANNED = Organization.LegalStatus.UNREGISTERED, Organization.LegalStatus.BANNED

ORGANIZATIONS = [
    {
        "slug": "iphr",
        "name": "International Partnership for Human Rights",
        "abbreviation": "IPHR",
        "kind": NGO,
        "legal_status": NOT_STATED,
        "description": "Co-author of the CIVICUS Monitor update on Kazakhstan for March–May 2022, with KIBHR.",
        "sources": ["update"],
    },
    {
        "slug": "kibhr",
        "name": "Kazakhstan International Bureau for Human Rights and Rule of Law",
        "abbreviation": "KIBHR",
        "kind": NGO,
        "legal_status": NOT_STATED,
        "description": (
            "Co-author of the CIVICUS Monitor update on Kazakhstan for March–May 2022, with IPHR; "
            "documented cases of dispersed peaceful protests in that period."
        ),
        "sources": ["update"],
    },
    {
        "slug": "civicus-monitor",
        "name": "CIVICUS Monitor",
        "kind": OTHER,
        "legal_status": NOT_STATED,
        "description": (
            "Publishes the updates IPHR and KIBHR prepare on Kazakhstan. In 2022 Kazakhstan was on its "
            "Watchlist due to a rapid decline in civic freedoms."
        ),
        "sources": ["update"],
    },
    {
        "slug": "ar-rukh-khak",
        "name": "Ar.Rukh.Khak",
        "kind": NGO,
        "legal_status": NOT_STATED,
        "description": (
            "Human rights NGO documenting violations related to the January 2022 events and assisting the "
            "activists affected, as part of the Human Rights Defence Alliance; it collects information from "
            "victims, relatives and lawyers. In April 2022 it reported having information about 29 activists "
            "facing criminal charges, eighteen of them in pre-trial detention and the others under other "
            "measures of restraint such as house arrest; many had developed health problems in detention and "
            "some reported torture and ill-treatment. It faced pressure over this work (see the case of its "
            "lawyer Shalipa Bekkulova)."
        ),
        "sources": ["update", "iphr-2022-05-02"],
    },
    {
        "slug": "human-rights-defence-alliance",
        "name": "Human Rights Defence Alliance",
        "kind": NGO,
        "legal_status": NOT_STATED,
        "description": "Established by several leading human rights NGOs; Ar.Rukh.Khak monitors violations within it.",
        "sources": ["update"],
    },
    {
        "slug": "kazakhstani-coalition-against-torture",
        "name": "Kazakhstani Coalition against Torture",
        "kind": NGO,
        "legal_status": NOT_STATED,
        "description": (
            "With IPHR, concerned (March 2022) that allegations of torture and ill-treatment of people detained "
            "in connection with the January 2022 protests had not been investigated effectively."
        ),
        "sources": ["update", "iphr-2022-03-30"],
    },
    {
        "slug": "helsinki-foundation-for-human-rights",
        "name": "Helsinki Foundation for Human Rights",
        "kind": NGO,
        "legal_status": NOT_STATED,
        "description": "Joined the June 2022 joint statement calling for Zhanbolat Mamai's release.",
        "sources": ["update", "iphr-2022-06-13"],
    },
    {
        "slug": "norwegian-helsinki-committee",
        "name": "Norwegian Helsinki Committee",
        "kind": NGO,
        "legal_status": NOT_STATED,
        "description": "Joined the June 2022 joint statement calling for Zhanbolat Mamai's release.",
        "sources": ["update", "iphr-2022-06-13"],
    },
    {
        "slug": "amnesty-eeca",
        "name": "Amnesty International Eastern Europe & Central Asia",
        "abbreviation": "Amnesty EECA",
        "kind": NGO,
        "legal_status": NOT_STATED,
        "description": "Called for Zhanbolat Mamai's release after his detention was prolonged (May 2022).",
        "sources": ["amnesty-2022-05-21"],
    },
    {
        "slug": "democratic-party",
        "name": "Democratic Party",
        "kind": PARTY,
        "legal_status": UNREGISTERED,
        "description": (
            "Unregistered opposition party led by Zhanbolat Mamai. In March–May 2022 its members continued to "
            "face intimidation and harassment; supporters were detained and intimidated because of their "
            "peaceful protests and calls for his release."
        ),
        "sources": ["update"],
    },
    {
        "slug": "dvk",
        "name": "Democratic Choice of Kazakhstan",
        "abbreviation": "DVK",
        "kind": MOVEMENT,
        "legal_status": BANNED,  # banned by a court; the update gives neither the date nor the court
        "description": (
            'Opposition movement known by its Russian abbreviation DVK, banned as "extremist" by a court '
            "although it does not endorse or advocate violence. Dozens of people have been detained, prosecuted "
            "and convicted for alleged association with it, mostly under article 405 of the Criminal Code."
        ),
        "sources": ["update"],
    },
    {
        "slug": "koshe-partiyasy",
        "name": "Street Party",
        "name_local": "Koshe Partiyasy",
        "kind": MOVEMENT,
        "legal_status": BANNED,
        "description": (
            'Opposition movement banned as "extremist" by a court although it does not endorse or advocate '
            "violence. Dozens of people have been detained, prosecuted and convicted for alleged association "
            "with it, mostly under article 405 of the Criminal Code."
        ),
        "sources": ["update"],
    },
    {
        "slug": "alga-kazakhstan",
        "name": "Alga Kazakhstan",
        "kind": PARTY,
        "legal_status": UNREGISTERED,
        "description": (
            'Initiative group of the opposition party "Alga Kazakhstan" ("Forward, Kazakhstan!"). In '
            "mid-April 2022 the Ministry of Justice did not accept its application for registration on the "
            "grounds that some documents were missing; the group said it would complete the application and "
            "re-apply."
        ),
        "sources": ["update"],
    },
    {
        "slug": "oyan-qazaqstan",
        "name": "Oyan, Qazaqstan",
        "kind": MOVEMENT,
        "legal_status": NOT_STATED,
        "description": "Its activists protested in front of the Russian consulate in Almaty in April 2022.",
        "sources": ["marat-2022-04-09"],
    },
    {
        "slug": "national-security-committee",
        "name": "National Security Committee",
        "kind": STATE_BODY,
        "legal_status": NOT_STATED,
        "description": (
            "Its officials interrogated lawyer Shalipa Bekkulova, copied her telephone contacts and messages "
            "and searched her home (April 2022)."
        ),
        "sources": ["update"],
    },
    {
        "slug": "general-prosecutors-office",
        "name": "General Prosecutor's Office",
        "kind": STATE_BODY,
        "legal_status": NOT_STATED,
        "description": (
            "According to its information, as of late April 2022 more than 5,000 criminal cases had been "
            "initiated in relation to the January 2022 events, about 250 people had been sentenced to prison "
            "and around 600 were still under investigation."
        ),
        "sources": ["update"],
    },
    {
        "slug": "ministry-of-justice",
        "name": "Ministry of Justice",
        "kind": STATE_BODY,
        "legal_status": NOT_STATED,
        "description": (
            "Did not accept the Alga Kazakhstan initiative group's registration application in mid-April 2022."
        ),
        "sources": ["update"],
    },
    {
        "slug": "ministry-of-information-and-public-development",
        "name": "Ministry of Information and Public Development",
        "kind": STATE_BODY,
        "legal_status": NOT_STATED,
        "description": (
            "First proposed to consider complaints about cyberbullying of children online; the upper house of "
            "parliament gave that task to a group of experts instead."
        ),
        "sources": ["update"],
    },
    {
        "slug": "almaty-court-mamai-detention",
        "name": "Almaty court (not named in the update)",
        "kind": COURT,
        "legal_status": NOT_STATED,
        "location": "almaty",
        "description": "The Almaty court that prolonged Zhanbolat Mamai's pre-trial detention on 6 May 2022.",
        "sources": ["update"],
    },
    {
        "slug": "local-court-mamai-amnesty",
        "name": "Local court (not named in the update)",
        "kind": COURT,
        "legal_status": NOT_STATED,
        "description": "The local court that rejected Zhanbolat Mamai's amnesty application on 4 April 2022.",
        "sources": ["update"],
    },
]

SOCIAL, VIDEO, REPORT = Source.Kind.SOCIAL, Source.Kind.VIDEO, Source.Kind.REPORT

# key: the source. Tweets: the link they share, titled with the tweet text, publisher
# and date from the tweet's signature. Pictures attached to a tweet are their own links.
SOURCES = {
    "update": {
        "title": "CIVICUS Monitor update on Kazakhstan, March–May 2022 (prepared by IPHR and KIBHR)",
        "url": "",
        "publisher": "CIVICUS Monitor; IPHR; KIBHR",
        "kind": REPORT,
        "published_on": year(2022),
    },
    "doorov-2022-04-21": {
        "title": (
            "“New Kazakhstan” and old methods. Despite the course towards democratization and reforms proclaimed "
            "in Nur-Sultan, politically motivated persecution of activists in Kazakhstan has not decreased, human "
            "rights activists say. Report from @Melniko30802652"
        ),
        "url": "https://t.co/iJJkE2tZzi",
        "publisher": "Torokul Doorov (@Torokul)",
        "kind": SOCIAL,
        "published_on": day(2022, 4, 21),
    },
    "iphr-2022-03-30": {
        "title": (
            "#Kazakhstan: Kazakhstani Coalition against Torture and IPHR are concerned that investigations into "
            "allegations of torture/ill-treatment of those targeted & detained in connection with the mass "
            "protests in January 2022 have not been conducted effectively"
        ),
        "url": "https://t.co/wYZzwQC23t",
        "publisher": "IPHR (@IPHR)",
        "kind": SOCIAL,
        "published_on": day(2022, 3, 30),
    },
    "marat-2022-04-09": {
        "title": (
            "Brave activists from Oyan, Qazaqstan protest in front of the Russian consulate in Almaty and police "
            "quickly detain them"
        ),
        "url": "https://t.co/faQTAZX14l",
        "publisher": "Erica Marat (@EricaMarat)",
        "kind": SOCIAL,
        "published_on": day(2022, 4, 9),
    },
    "amnesty-2022-05-21": {
        "title": (
            "Лидеру казахстанской оппозиции Жанболату Мамаю продлили содержание под стражей. "
            "Потребуйте его освобождения!"
        ),
        "url": "https://t.co/pEbrq1x1DR",
        "publisher": "Amnesty Eastern Europe & Central Asia (@AmnestyEECA)",
        "kind": SOCIAL,
        "published_on": day(2022, 5, 21),
    },
    "iphr-2022-06-13": {
        "title": (
            "There’s nothing criminal about peacefully voicing opposition to the authorities and campaigning for "
            "change – #Kazakhstan’s authorities should clear opposition leader Zhanbolat Mamai of trumped-up "
            "charges and release him! w/ @bureau_kz, @hfhrpl & @nhc_no"
        ),
        "url": "https://t.co/7LVaX7NARu",
        "publisher": "IPHR (@IPHR)",
        "kind": SOCIAL,
        "published_on": day(2022, 6, 13),
    },
    "iphr-2022-06-13-picture": {
        "title": "Picture attached to IPHR's tweet of 13 June 2022 on Zhanbolat Mamai",
        "url": "https://pic.twitter.com/RB6Uu3Hmea",
        "publisher": "IPHR (@IPHR)",
        "kind": SOCIAL,
        "published_on": day(2022, 6, 13),
    },
    "diplomat-2022-05-08": {
        "title": (
            "Kazakh President Kassym-Jomat Tokayev signed into law a controversial bill that will require foreign "
            "social media companies to set up local offices and register in Kazakhstan in order to operate."
        ),
        "url": "https://t.co/mn6OQkd1Ml",
        "publisher": "The Diplomat (@Diplomat_APAC)",
        "kind": SOCIAL,
        "published_on": day(2022, 5, 8),
    },
    "diplomat-2022-05-08-picture": {
        "title": "Picture attached to The Diplomat's tweet of 8 May 2022 on the social media law",
        "url": "https://pic.twitter.com/eLQQFUBu0O",
        "publisher": "The Diplomat (@Diplomat_APAC)",
        "kind": SOCIAL,
        "published_on": day(2022, 5, 8),
    },
    "iphr-2022-05-02": {
        "title": (
            "In an open letter to @Ombudsperson_KZ, @GenProkRK, @MFA_KZ, @AkordaPress, IPHR requests an "
            "investigation into reported harassment of Ar.Rukh.Khak over its work on the January 2022 events. "
            "The NGO must be allowed to work w/out intimidation!"
        ),
        "url": "https://t.co/X9k9ABTq6N",
        "publisher": "IPHR (@IPHR)",
        "kind": SOCIAL,
        "published_on": day(2022, 5, 2),
    },
    "iphr-2022-05-02-picture": {
        "title": "Picture attached to IPHR's tweet of 2 May 2022 on Ar.Rukh.Khak",
        "url": "https://pic.twitter.com/SOa1NS01Mv",
        "publisher": "IPHR (@IPHR)",
        "kind": SOCIAL,
        "published_on": day(2022, 5, 2),
    },
}

# Videos listed at the end of the update; it does not say what they show, who
# published them or when, so they stay unattached to any fact.
for _video_id in ("6on1JTVAx8s", "TjBEYS72XuE", "2b1TpcMdoYA", "XWlVHlR7llI", "9HUqPh0pC3I"):
    SOURCES[f"youtube-{_video_id}"] = {
        "title": f"YouTube video {_video_id} linked in the update (subject not stated)",
        "url": f"https://www.youtube.com/watch?v={_video_id}",
        "publisher": "",
        "kind": VIDEO,
        "published_on": None,
    }
