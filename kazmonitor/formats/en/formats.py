# International English, as monitoring updates write dates: "12 June 2022", "March 2022".
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d.m.Y"
YEAR_MONTH_FORMAT = "F Y"
DATETIME_FORMAT = "j F Y, H:i"
