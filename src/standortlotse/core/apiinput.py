"""Bounds for API query values that the databases cannot store (found by schemathesis)."""

from datetime import UTC, datetime, timedelta

from ninja.errors import HttpError

MAX_ID = 2**63 - 1  # BigAutoField; SQLite and PostgreSQL integers end here
MAX_OFFSET = 1_000_000
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
_LATEST = datetime(9999, 1, 1, tzinfo=UTC)


def checked_time(value: datetime | None, name: str) -> datetime | None:
    """A time both databases can compare with: offset within ±14 h, year 1900–9998."""
    if value is None:
        return None
    from django.utils import timezone

    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    offset = value.utcoffset() or timedelta(0)
    try:
        in_range = abs(offset) <= timedelta(hours=14) and _EARLIEST <= value <= _LATEST
    except OverflowError:
        in_range = False
    if not in_range:
        raise HttpError(
            422,
            f"{name} must be an ISO 8601 time between 1900 and 9998 with a UTC offset within ±14 hours",
        )
    return value.astimezone(UTC)


def checked_offset(offset: int) -> int:
    if offset < 0 or offset > MAX_OFFSET:
        raise HttpError(422, f"offset must be between 0 and {MAX_OFFSET}")
    return offset
