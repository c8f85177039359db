"""Russian: Django's own formats, written out here so the two languages read side by side."""

DATE_FORMAT = "j E Y г."  # 27 ноября 2026 г.
DATETIME_FORMAT = "j E Y г. G:i"
YEAR_MONTH_FORMAT = "F Y г."
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"  # 27.11.2026, for tables
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a no-break space: 1 234,50
NUMBER_GROUPING = 3
