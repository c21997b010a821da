from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The site as a whole: the pages and commands that compose the domain apps (start page,
    sitemap, robots.txt, accessibility statement, load_demo). It sits above every domain app;
    `core` (below them all) and the domain apps never import it (import-linter contract in
    pyproject.toml). Label `portal`, not `site`, so nothing is confused with django.contrib.sites."""

    name = "standortlotse.portal"
    label = "portal"
    verbose_name = "Standortlotse portal"
