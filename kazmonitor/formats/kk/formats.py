# Kazakh dates as monitoring updates write them: "15 наурыз 2022 ж.", "наурыз 2022 ж."
# (Django ships no Kazakh formats; without these, dates fall back to the US order.)
# "E" is Django's alternative month name, lower case in our Kazakh catalog
# (kazmonitor/formats/months.py); Django's "F" names are capitalised ("Наурыз").
DATE_FORMAT = "j E Y ж."
SHORT_DATE_FORMAT = "d.m.Y"
YEAR_MONTH_FORMAT = "E Y ж."
DATETIME_FORMAT = "j E Y ж., H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
