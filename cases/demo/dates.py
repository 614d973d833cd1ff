"""Partial dates for the declarations: ``month(2022, 3)`` is "March 2022"."""

import datetime
from typing import NamedTuple

from kazmonitor.dates import DatePrecision


class Partial(NamedTuple):
    date: datetime.date
    precision: str


def day(y: int, m: int, d: int) -> Partial:
    return Partial(datetime.date(y, m, d), DatePrecision.DAY)


def month(y: int, m: int) -> Partial:
    return Partial(datetime.date(y, m, 1), DatePrecision.MONTH)


def year(y: int) -> Partial:
    return Partial(datetime.date(y, 1, 1), DatePrecision.YEAR)
