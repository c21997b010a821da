"""The gaps of the guided entry, for the operators: the cells (target group × theme) without a
published guide written for them in a language, and the districts whose inquiries on a cell's
topic reach no office of their own (the routing falls back to the region or the state).

Read by ``manage.py guides_gaps``, the guides back office and tests/guides/test_coverage.py
(which asserts that the demo data has none).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from standortlotse.geo.models import District, Region
from standortlotse.guides import services
from standortlotse.guides.models import Audience, Theme, Topic


@dataclass(frozen=True)
class CellGap:
    region: Region
    audience: str
    theme: str
    language: str

    def __str__(self):
        return f"{self.region.slug}: {self.audience} × {self.theme} [{self.language}]"


@dataclass(frozen=True)
class ContactGap:
    region: Region
    district: District
    topic: str

    def __str__(self):
        return f"{self.region.slug}: {self.district.name} – {self.topic}"


def cell_gaps(regions=None) -> list[CellGap]:
    """Every (region, audience, theme, language) without a published guide written for that
    audience and theme (``services.written_for``) and in that language (``services.has_text``).
    The overview of such a cell falls back to the theme's general guides and says so."""
    gaps = []
    languages = [code for code, _name in settings.LANGUAGES]
    for region in _regions(regions):
        guides = list(services.published_guides(region))
        for audience in Audience.values:
            for theme in Theme.values:
                cell = [g for g in guides if services.written_for(g, audience, theme)]
                for language in languages:
                    if not any(services.has_text(g, language) for g in cell):
                        gaps.append(CellGap(region, audience, theme, language))
    return gaps


def cell_topics() -> list[str]:
    """The inquiry topics the cells of the guided entry route by."""
    topics = []
    for audience in Audience.values:
        for theme in Theme.values:
            topic = services.cell_topic(audience, theme)
            if topic not in topics:
                topics.append(topic)
    return topics


def contact_gaps(regions=None) -> list[ContactGap]:
    """Every (region, district, topic of a cell) where the responsible office is not the
    district's own (or one of its municipalities'): the overview without a municipality shows
    each district's office, and an inquiry from a municipality without its own contact goes
    there."""
    gaps = []
    topics = cell_topics()
    for region in _regions(regions):
        for district in region.districts.order_by("name"):
            for topic in topics:
                office = services.responsible(region, topic, district=district)
                if office is None or office.level == services.REGION:
                    gaps.append(ContactGap(region, district, topic))
    return gaps


def described(cells: list[CellGap], contacts: list[ContactGap]) -> dict:
    """The gaps in words for the back office: per cell the languages without a guide, per
    district the topics without a contact of its own."""
    languages = dict(settings.LANGUAGES)
    audiences, themes, topics = dict(Audience.choices), dict(Theme.choices), dict(Topic.choices)
    by_cell: dict[tuple, list] = {}
    for gap in cells:
        key = (gap.region.name, audiences[gap.audience], themes[gap.theme])
        by_cell.setdefault(key, []).append(str(languages.get(gap.language, gap.language)))
    by_district: dict[tuple, list] = {}
    for gap in contacts:
        key = (gap.region.name, gap.district.name)
        by_district.setdefault(key, []).append(str(topics.get(gap.topic, gap.topic)))
    return {
        "cells": [
            {"region": r, "audience": a, "theme": t, "languages": ", ".join(names)}
            for (r, a, t), names in by_cell.items()
        ],
        "districts": [
            {"region": r, "district": d, "topics": ", ".join(names)}
            for (r, d), names in by_district.items()
        ],
    }


def _regions(regions):
    return list(regions if regions is not None else Region.objects.order_by("name"))
