"""Wording for synthetic titles, summaries and descriptions, in English (and some in
Russian), varied enough for full-text search to have something to rank.

Every text names persons only by the name the public may see (``public_name``), so a
protected identity never leaks through a title, slug, summary or description."""

import datetime
import random

from .names import words

MONTHS = words("January February March April May June July August September October November December")
MONTHS_RU = words("января февраля марта апреля мая июня июля августа сентября октября ноября декабря")


def day_text(date: datetime.date) -> str:
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def day_text_ru(date: datetime.date) -> str:
    return f"{date.day} {MONTHS_RU[date.month - 1]} {date.year} года"


def case_title(rng: random.Random, kind: str, who: str, count: int, article, city: str, first: str = "") -> str:
    """``who``: the one defendant's public name or "N people"; ``first``: the first defendant's."""
    if kind == "torture":
        return rng.choice(
            (f"Torture complaint of {who}", f"Alleged ill-treatment of {who} in police custody in {city}")
        )
    if kind == "extrajudicial":
        return rng.choice(
            (
                f"Harassment of {who} in {city}",
                f"Surveillance of {who}",
                f"Intimidation of {who} and relatives",
                f"{who} summoned to the police over online posts",
                f"Travel ban on {who}",
            )
        )
    if kind == "civil":
        return rng.choice((f"Defamation lawsuit against {who}", f"Civil suit against {who} over social media posts"))
    if 1 < count <= 5:
        others = "1 other" if count == 2 else f"{count - 1} others"
        return rng.choice((f"{first} and {others}: {article.title}", f"Case of {first} and others in {city}"))
    if count > 1:
        noun = "protesters" if article.freedom == "assembly" else "activists"
        return rng.choice(
            (
                f"{count} defendants charged with {article.title} in {city}",
                f"Case of {count} {noun} in {city}",
                f"{city}: {count} {noun} prosecuted for {article.title}",
            )
        )
    if kind == "administrative":
        return rng.choice(
            (
                f"Administrative case against {who} ({article.label})",
                f"{who} punished for {article.title} in {city}",
                f"{who}: {article.title}",
            )
        )
    return rng.choice(
        (
            f"{who}: {article.title}",
            f"Prosecution of {who} for {article.title}",
            f"Criminal case against {who} (art. {article.label})",
            f"{who} charged with {article.title} in {city}",
        )
    )


def case_title_ru(kind: str, who: str, article, city_ru: str) -> str:
    if kind in ("criminal", "administrative") and article is not None:
        return f"{who}: {article.title_ru} ({city_ru})"
    return f"{who}: преследование ({city_ru})"


_CONTEXT = {
    "expression": (
        "The charges relate to posts on social media criticising the local authorities.",
        "A linguistic expert examination commissioned by the investigators was disputed by the defence.",
        "The posts in question called for an end to corruption in the akimat.",
        "Supporters say the case is retaliation for criticism of the authorities.",
    ),
    "assembly": (
        "The accused denies the charges and says the protest was entirely peaceful.",
        "Videos from the square show no violence by the protesters.",
        "The case file relies mainly on the testimony of police officers.",
        "Dozens of people were detained at the same protest.",
    ),
    "association": (
        "The prosecution rests on membership of a movement banned as extremist.",
        "Investigators cite reposts of the movement's videos and donations to it.",
        "The accused says they only attended a meeting of supporters.",
    ),
    "": (
        "Human rights defenders regard the prosecution as politically motivated.",
        "Observers noted violations of due process during the investigation.",
        "Independent journalists were not allowed into the courtroom.",
        "Relatives say the questioning took place without a lawyer present.",
    ),
    "pressure": (
        "Human rights defenders link the pressure to their public criticism of the authorities.",
        "Police officers refused to register a complaint about it.",
        "Relatives were warned to stop speaking to journalists.",
        "No official explanation was given.",
    ),
}
_JANUARY = "The case is one of many opened after the January 2022 events."
_STATUS = {
    "investigation": "The investigation is ongoing.",
    "trial": "The trial is under way.",
    "convicted": "The court found the accused guilty.",
    "acquitted": "The court acquitted the accused.",
    "closed": "The case was later closed.",
    "appeal": "The verdict has been appealed.",
}


def case_summary(rng, kind: str, who: str, article, city: str, date: datetime.date, status: str, january: bool) -> str:
    when = day_text(date)
    if kind == "torture":
        first = (
            f"{who} reported being beaten and threatened by police officers in {city} after being detained on {when}."
        )
    elif kind == "extrajudicial":
        what = rng.choice(("surveillance", "threats", "pressure on relatives", "repeated police visits"))
        first = f"Since {when}, {who} has reported {what} in {city}."
    elif kind == "civil":
        first = f"On {when}, a civil lawsuit was filed against {who} in {city}."
    elif kind == "administrative":
        first = (
            f"On {when}, police in {city} detained {who}, who was then brought before a court under article "
            f"{article.label} of the Code of Administrative Offences ({article.title})."
        )
    else:
        first = (
            f"On {when}, investigators in {city} opened a criminal case against {who} under article "
            f"{article.label} of the Criminal Code ({article.title})."
        )
    if kind in ("extrajudicial", "torture"):
        context = _CONTEXT["pressure"]
    else:
        context = _CONTEXT.get(article.freedom if article else "", ()) + _CONTEXT[""]
    parts = [first, *rng.sample(context, 2)]
    if january:
        parts.append(_JANUARY)
    parts.append(_STATUS[status])
    return " ".join(parts)


def case_summary_ru(who: str, city_ru: str, date: datetime.date) -> str:
    return (
        f"{day_text_ru(date).capitalize()} в городе {city_ru} началось преследование: {who}. "
        "Правозащитники считают дело политически мотивированным."
    )


EVENT_TEXTS = {
    "hearing": (
        "A court hearing took place in {city}.",
        "The hearing was postponed at the request of the defence.",
        "The judge rejected the defence's motion to call witnesses.",
        "The court heard the testimony of police officers.",
    ),
    "trial_start": ("The trial of {who} began in {city}.", "The trial opened behind closed doors in {city}."),
    "verdict": ("The court in {city} delivered its verdict.", "The verdict in the case of {who} was announced."),
    "appeal": ("The defence filed an appeal.", "The appeal court upheld the verdict."),
    "amnesty_refused": ("The court refused to apply the amnesty to {who}.",),
    "search": (
        "Police searched the home of {who}.",
        "Officers searched the home of {who} and seized phones and a laptop.",
    ),
    "interrogation": ("{who} was questioned by investigators.", "{who} was summoned for questioning in {city}."),
    "complaint": (
        "The lawyer filed a complaint about ill-treatment in custody.",
        "Relatives of {who} complained to the prosecutor's office.",
    ),
    "statement": (
        "Human rights organisations called for the release of {who}.",
        "{who} published a statement denying the charges.",
    ),
    "harassment": (
        "Unknown people followed {who} and filmed them in {city}.",
        "Police visited the relatives of {who} and warned them.",
        "The employer of {who} was pressured to dismiss them.",
    ),
    "other": ("Further developments were reported in {city}.",),
}


def event_text(rng: random.Random, kind: str, who: str, city: str) -> str:
    return rng.choice(EVENT_TEXTS[kind]).format(who=who, city=city)


# (topic, in Russian, first day it fits)
ASSEMBLY_TOPICS = (
    ("Rally for the release of political prisoners", "Митинг за освобождение политзаключённых", None),
    ("Protest against rising fuel prices", "Протест против роста цен на топливо", None),
    ("Picket against the land code amendments", "Пикет против поправок в Земельный кодекс", datetime.date(2016, 4, 1)),
    ("Rally against the war in Ukraine", "Акция против войны в Украине", datetime.date(2022, 2, 24)),
    ("Oil workers' protest over wages", "Протест нефтяников из-за зарплат", None),
    (
        "Picket demanding justice for the victims of January 2022",
        "Пикет с требованием справедливости для жертв января 2022 года",
        datetime.date(2022, 1, 10),
    ),
    ("Protest against the election results", "Протест против итогов выборов", datetime.date(2019, 6, 9)),
    ("Picket against forced evictions", "Пикет против принудительного выселения", None),
    ("Mothers' protest for child benefits", "Протест матерей за пособия на детей", None),
    ("Rally in support of an arrested journalist", "Акция в поддержку арестованного журналиста", None),
    ("Protest against construction in a city park", "Протест против застройки парка", None),
    ("Rally for political reform", "Митинг за политические реформы", None),
    ("Solo picket against torture", "Одиночный пикет против пыток", None),
)


def assembly_topic(rng: random.Random, date: datetime.date) -> tuple[str, str]:
    while True:
        topic, topic_ru, since = rng.choice(ASSEMBLY_TOPICS)
        if since is None or date >= since:
            return topic, topic_ru


_PERMISSION = {
    "notified": "The organisers had notified the akimat in advance.",
    "approved": "The akimat had approved the assembly.",
    "refused": "The akimat had refused permission.",
    "none": "The organisers did not seek permission.",
    "unknown": "",
}
_OUTCOME = {
    "held": "The assembly took place.",
    "dispersed": "Police dispersed the assembly and detained participants.",
    "prevented": "Police blocked access to the square and detained activists on their way there.",
}


def assembly_summary(
    topic: str, place: str, city: str, date: datetime.date, permission: str, outcome: str, detained: bool
) -> str:
    parts = [f"{topic}, {place} in {city} on {day_text(date)}.", _PERMISSION[permission], _OUTCOME[outcome]]
    if outcome == "held" and detained:
        parts.append("Several participants were detained after it ended.")
    return " ".join(part for part in parts if part)


SOURCE_HEADLINES = (
    "Activist detained in {city}",
    "{city} court sentences protesters",
    "Police disperse rally in {city}",
    "Criminal case opened against blogger in {city}",
    "Human rights defenders call for the release of detained activists",
    "Monitoring report: civic freedoms in {month} {year}",
    "Court extends pre-trial detention of activist in {city}",
    "Journalist summoned for questioning in {city}",
    "Statement on the persecution of civil society activists",
    "Appeal court upholds sentence of {city} activist",
    "Relatives of detainees in {city} report ill-treatment",
    "Fines and arrests after protest in {city}",
)
PUBLISHERS = (
    "Steppe Monitor",
    "Dala Human Rights Bulletin",
    "Qogam News",
    "Azat Voice",
    "Nomad Post",
    "Eurasia Wire",
    "Ulytau Herald",
    "Caspian Courier",
    "Rights in Central Asia Digest",
    "Legal Aid Bureau “Adal”",
)


def source_title(rng: random.Random, city: str, date: datetime.date) -> str:
    return rng.choice(SOURCE_HEADLINES).format(city=city, month=MONTHS[date.month - 1], year=date.year)


BIOGRAPHIES = (
    "Civic activist from {city} who has taken part in peaceful protests since {year}.",
    "Blogger from {city} writing about corruption and local government.",
    "Human rights defender from {city}, known for monitoring trials since {year}.",
    "Member of an opposition movement in {city}; detained several times since {year}.",
    "Resident of {city} who joined the protests in {year}.",
    "Trade union activist from {city}.",
)
