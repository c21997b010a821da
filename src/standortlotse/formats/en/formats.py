"""English as the site writes it for visitors from abroad: "1 Dec 2026" and "1 Dec 2026, 14:30"
(day before month, 24-hour clock: no American "12/01/2026" or "Dec. 1, 2026, 2:30 p.m."),
decimal point and thousands comma ("4.4 ha", "12,000 m²"), weeks from Monday.

German keeps Django's formats ("1. Dezember 2026", "01.12.2026 14:30", "4,4 ha", "12.000 m²")."""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
