"""Units shown to visitors: hectares from square metres, rounded half up (never cut).

Django's ``number_format`` cuts a Decimal to the decimals asked for (43,990 m² would show as
"4,39 ha" or "4,3 ha"); here the value is rounded to the decimals shown first, so 43,990 m² is
"4,40 ha" (two decimals) or "4,4 ha" (one), and 43,950 m² is "4,40 ha" / "4,4 ha". The decimal
separator is the active language's ("4,40" in German, "4.40" in English).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

M2_PER_HA = Decimal(10_000)


def round_half_up(value, decimals: int) -> Decimal:
    """``value`` rounded half up to ``decimals`` places (2.345 → 2.35, not the 2.34 of cutting)."""
    return Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def hectares_value(m2, decimals: int = 2) -> Decimal:
    return round_half_up(Decimal(m2) / M2_PER_HA, decimals)


def hectares(m2, decimals: int = 2) -> str:
    """43 990 → '4,40 ha' (German) / '4.40 ha' (English); ``None`` → ''."""
    if m2 is None:
        return ""
    return f"{number_format(hectares_value(m2, decimals), decimal_pos=decimals)} ha"
