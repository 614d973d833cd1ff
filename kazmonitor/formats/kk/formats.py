# Kazakh dates as monitoring updates write them: "15 наурыз 2022 ж.", "наурыз 2022 ж."
# (Django ships no Kazakh formats; without these, dates fall back to the US order.)
DATE_FORMAT = "j F Y ж."
SHORT_DATE_FORMAT = "d.m.Y"
YEAR_MONTH_FORMAT = "F Y ж."
DATETIME_FORMAT = "j F Y ж., H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
