"""Answer-by deadlines: business days in Korea, public holidays respected (the maintained `holidays` data)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=16)
def _korea(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("KR", years=[year, year + 1])


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _korea(day.year)


def answer_by(asked: dt.datetime, business_days: int = 1) -> dt.datetime:
    """The same time of day ``business_days`` business days after ``asked`` (a weekend question counts from Monday)."""
    day = asked.date()
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    moved = 0
    while moved < business_days:
        day += dt.timedelta(days=1)
        if is_business_day(day):
            moved += 1
    return dt.datetime.combine(day, asked.time())
