"""The articles of Kazakhstan's Criminal Code and Code of Administrative Offences that
monitors meet most often in politically motivated cases, with how often the
synthetic cases use them and which freedom each one restricts."""

from typing import NamedTuple

CODES = {
    "kz-cc": ("KZ", "CC", "Criminal Code"),
    "kz-cao": ("KZ", "CAO", "Code of Administrative Offences"),
}

EXPRESSION, ASSOCIATION, ASSEMBLY = "expression", "association", "assembly"


class Article(NamedTuple):
    code: str  # code slug
    number: str
    part: str
    title: str
    title_ru: str
    weight: int  # relative frequency among charges under this code
    freedom: str  # the freedom a charge under it typically restricts ("" if none)
    tag: str  # the monitor's tag it usually brings

    @property
    def slug(self) -> str:
        return f"{self.code}-{self.number}" + (f"-{self.part}" if self.part else "")

    @property
    def label(self) -> str:
        return f"{self.number}.{self.part}" if self.part else self.number


_FALSE_INFO = ("knowingly spreading false information", "распространение заведомо ложной информации")
_RIOTS = ("mass riots", "массовые беспорядки")
_DISCORD = ("inciting social, national or religious discord", "возбуждение социальной, национальной или иной розни")
_BANNED = (
    "organising or taking part in the activities of a banned extremist organisation",
    "организация и участие в деятельности запрещённой экстремистской организации",
)
_INSULT = ("insulting a representative of the authorities", "оскорбление представителя власти")

CRIMINAL = (
    Article("kz-cc", "174", "1", *_DISCORD, 12, EXPRESSION, "hrd-prosecuted"),
    Article("kz-cc", "174", "2", *_DISCORD, 3, EXPRESSION, "hrd-prosecuted"),
    Article(
        "kz-cc", "179", "2", "public calls to seize power", "публичные призывы к захвату власти", 3, EXPRESSION, ""
    ),
    Article("kz-cc", "180", "", "separatist activity", "сепаратистская деятельность", 1, EXPRESSION, ""),
    Article(
        "kz-cc",
        "256",
        "2",
        "propaganda of terrorism or public calls to commit it",
        "пропаганда терроризма или публичные призывы к его совершению",
        2,
        EXPRESSION,
        "",
    ),
    Article("kz-cc", "272", "1", "organising mass riots", "организация массовых беспорядков", 4, ASSEMBLY, "protest"),
    Article("kz-cc", "272", "2", *_RIOTS, 16, ASSEMBLY, "protestors-detained"),
    Article("kz-cc", "272", "3", "calls to mass riots", "призывы к массовым беспорядкам", 3, ASSEMBLY, "protest"),
    Article("kz-cc", "274", "2", *_FALSE_INFO, 6, EXPRESSION, "hrd-prosecuted"),
    Article(
        "kz-cc",
        "274",
        "4",
        "knowingly spreading false information in an emergency situation",
        "распространение заведомо ложной информации в условиях чрезвычайной ситуации",
        10,
        EXPRESSION,
        "hrd-prosecuted",
    ),
    Article("kz-cc", "293", "2", "hooliganism", "хулиганство", 3, "", ""),
    Article("kz-cc", "378", "1", *_INSULT, 4, EXPRESSION, "harassment"),
    Article(
        "kz-cc",
        "380",
        "1",
        "use of violence against a representative of the authorities",
        "применение насилия в отношении представителя власти",
        4,
        ASSEMBLY,
        "protestors-detained",
    ),
    Article("kz-cc", "405", "1", *_BANNED, 3, ASSOCIATION, "hrd-prosecuted"),
    Article("kz-cc", "405", "2", *_BANNED, 12, ASSOCIATION, "hrd-prosecuted"),
    Article("kz-cc", "190", "3", "fraud", "мошенничество", 4, "", "harassment"),
    Article("kz-cc", "189", "3", "embezzlement", "присвоение или растрата вверенного имущества", 2, "", ""),
    Article("kz-cc", "419", "1", "knowingly false denunciation", "заведомо ложный донос", 2, EXPRESSION, ""),
)

ADMINISTRATIVE = (
    Article(
        "kz-cao",
        "488",
        "",
        "violating the rules for organising and holding peaceful assemblies",
        "нарушение порядка организации и проведения мирных собраний",
        30,
        ASSEMBLY,
        "protest",
    ),
    Article(
        "kz-cao",
        "488",
        "6",
        "taking part in an unauthorised assembly",
        "участие в несанкционированном мирном собрании",
        14,
        ASSEMBLY,
        "protestors-detained",
    ),
    Article(
        "kz-cao",
        "489",
        "10",
        "taking part in the activities of an unregistered or banned association",
        "участие в деятельности незарегистрированного или запрещённого объединения",
        8,
        ASSOCIATION,
        "harassment",
    ),
    Article(
        "kz-cao",
        "490",
        "1",
        "violating the law on religious activity",
        "нарушение законодательства о религиозной деятельности",
        5,
        ASSOCIATION,
        "harassment",
    ),
    Article(
        "kz-cao",
        "453",
        "",
        "distributing media products with prohibited content",
        "распространение продукции СМИ с запрещённым содержанием",
        6,
        EXPRESSION,
        "harassment",
    ),
    Article("kz-cao", "434", "", "petty hooliganism", "мелкое хулиганство", 6, "", "protestors-detained"),
    Article(
        "kz-cao",
        "667",
        "",
        "disobeying a lawful order of a police officer",
        "неповиновение законному требованию сотрудника полиции",
        6,
        ASSEMBLY,
        "protestors-detained",
    ),
    Article("kz-cao", "73-3", "", "defamation", "клевета", 4, EXPRESSION, "harassment"),
)

TORTURE = Article("kz-cc", "146", "", "torture", "пытки", 0, "", "torture-ill-treatment")

ALL_ARTICLES = (*CRIMINAL, *ADMINISTRATIVE, TORTURE)

# The monitor's vocabulary (the demo's slugs) and a few more.
TAGS = {
    "harassment": "harassment",
    "hrd-detained": "HRD detained",
    "hrd-prosecuted": "HRD prosecuted",
    "intimidation": "intimidation",
    "protest": "protest",
    "protestors-detained": "protestor(s) detained",
    "surveillance": "surveillance",
    "torture-ill-treatment": "torture/ill-treatment",
    "january-2022-events": "January 2022 events",
    "journalists": "journalists",
    "online-expression": "online expression",
    "banned-organisation": "banned organisation",
    "religious-freedom": "religious freedom",
    "labour-rights": "labour rights",
    "land-protests": "land protests",
}
