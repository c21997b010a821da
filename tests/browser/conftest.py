"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
live server.

* One Chromium for the whole session (started by the first browser test, stopped after the
  last one), a fresh context (cookies, localStorage) per test.
* Nothing leaves the machine: every request that is not for the live server is recorded and
  aborted (like uMap's integration tests mock the tiles). Tests assert that public pages
  attempt no third-party request before the visitor consents to the background map.
* Console errors, uncaught page errors and Content-Security-Policy violations are collected
  and asserted to be absent on every page a test visits (``Watch.check``) and once more when
  the test ends.
* axe-core (vendored) is served to the page from the live server's own origin through a
  Playwright route, so the app's strict CSP (script-src 'self', no 'unsafe-inline') stays
  fully in force while the accessibility audit runs.
* Uploaded media (/media/...) is answered by the route from the test's MEDIA_ROOT, as the web
  server in front of Django does in production (Django's dev `serve` pattern is bound to the
  MEDIA_ROOT of import time, not to the temporary one of each test).
* A test can stand up a page of another site (`Watch.serve`, e.g. a partner page that embeds
  the widget); those requests are answered by the route and listed in `Watch.served`, never
  sent anywhere.
"""

import json
import mimetypes
import os
import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest

from tests.browser.places_support import make_place, png_bytes

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_PATH = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
# Served by the route below, never by Django: same origin as the app, so CSP allows it.
AXE_URL_PATH = "/__browser-tests__/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MEDIA_URL_PATH = "/media/"  # settings.MEDIA_URL
PASSWORD = "secret-pass-123"

# Recorded in every document before any page script runs; CSP does not apply to init scripts.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push({
    directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile,
    line: e.lineNumber, sample: e.sample
  });
});
"""


def routed(origin: str) -> re.Pattern:
    """What the route intercepts: every URL not of the live server (recorded and aborted, or a
    page of another site that a test stands up) and, of the live server, axe-core and the
    media (answered from files here). Matched by Playwright itself, so the other requests
    never wait for Python."""
    own = re.escape(origin + "/")
    answered = "|".join(re.escape(path) for path in (AXE_URL_PATH, MEDIA_URL_PATH))
    return re.compile(f"^(?!{own})|^{own[:-1]}(?:{answered})")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


class Chromium:
    """Playwright (sync API) with one headless Debian Chromium; never downloads a browser.

    While the sync API is alive it keeps an asyncio loop "running" in the main thread, so
    Django refuses ORM calls there (SynchronousOnlyOperation) unless DJANGO_ALLOW_ASYNC_UNSAFE
    is set. The variable is therefore set exactly as long as Playwright runs, and Playwright
    is stopped right after the last browser test (see pytest_runtest_teardown below): the
    tests that run later get neither the loop nor the variable (`manage.py check --deploy`
    in a subprocess rejects it, async.E001).
    """

    def __init__(self):
        self._playwright = None
        self._browser = None
        self._saved_env = None

    @property
    def browser(self):
        if self._browser is None:
            self._start()
        return self._browser

    def _start(self):
        from playwright.sync_api import sync_playwright

        self._saved_env = os.environ.get(ASYNC_UNSAFE)
        os.environ[ASYNC_UNSAFE] = "true"
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )

    def stop(self):
        if self._playwright is None:
            return
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            self._playwright.stop()
            self._playwright = self._browser = None
            if self._saved_env is None:
                os.environ.pop(ASYNC_UNSAFE, None)
            else:
                os.environ[ASYNC_UNSAFE] = self._saved_env


_CHROMIUM = Chromium()


@pytest.fixture(scope="session")
def chromium():
    """The session's Chromium (`chromium.browser`), started on first use."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} not installed (make browser)")
    yield _CHROMIUM
    _CHROMIUM.stop()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last browser test in a row (fixtures already torn down), stop Playwright."""
    if nextitem is None or "chromium" not in getattr(nextitem, "fixturenames", ()):
        _CHROMIUM.stop()


class Watch:
    """Everything a browser context did that a test must look at: third-party requests
    (all aborted), console errors, uncaught errors and CSP violations."""

    def __init__(self, origin: str):
        self.origin = origin
        self.requests = []  # every http(s) URL requested, in order
        self.external = []  # URLs for another origin: recorded and aborted
        self.console_errors = []
        self.page_errors = []
        self.csp_violations = []
        self.allow_external = False  # set by tests that expect (aborted) tile requests
        self.tolerated = []  # (url regex, text regex, reason): known bugs with an xfail test
        self.sites = {}  # origin -> {path: (content type, body)}: other sites' pages (`serve`)
        self.served = []  # URLs of those sites that were requested (answered by the route)

    # --- hooks -------------------------------------------------------------------------
    def request(self, request):
        if request.url.startswith(("http://", "https://")):
            self.requests.append(request.url)

    def route(self, route):
        """Requests for other origins and for the two paths answered here (``routed``); the
        app's own pages and static files go to the live server without a detour through
        Python."""
        url = route.request.url
        origin, path = _origin(url), urlsplit(url).path
        if origin in self.sites:
            self.served.append(url)
            page = self.sites[origin].get(path)
            if page is None:
                route.fulfill(status=404, body="", headers={"Content-Type": "text/plain"})
            else:
                route.fulfill(status=200, body=page[1], headers={"Content-Type": page[0]})
            return
        if origin != self.origin:
            self.external.append(url)
            route.abort()
            return
        if path == AXE_URL_PATH:
            route.fulfill(
                status=200,
                path=str(AXE_PATH),
                headers={"Content-Type": "application/javascript; charset=utf-8"},
            )
            return
        if path.startswith(MEDIA_URL_PATH):
            self._serve_media(route, path[len(MEDIA_URL_PATH) :])
            return
        route.continue_()

    def serve(self, url: str, body: str, content_type: str = "text/html; charset=utf-8"):
        """Answer `url` (on another site) with `body`; the rest of that site answers 404."""
        self.sites.setdefault(_origin(url), {})[urlsplit(url).path or "/"] = (content_type, body)

    @staticmethod
    def _serve_media(route, relative: str):
        from django.conf import settings

        parts = PurePosixPath(relative).parts
        file = Path(settings.MEDIA_ROOT).joinpath(*parts) if parts else None
        if not parts or ".." in parts or file is None or not file.is_file():
            route.fulfill(status=404, body="", headers={"Content-Type": "text/plain"})
            return
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        route.fulfill(status=200, path=str(file), headers={"Content-Type": content_type})

    def console(self, message):
        if message.type != "error":
            return
        location = message.location or {}
        self.console_errors.append(
            {
                "text": message.text,
                "url": location.get("url", ""),
                "page": message.page.url if message.page else "",
            }
        )

    def web_error(self, web_error):
        page = web_error.page
        self.page_errors.append({"error": str(web_error.error), "page": page.url if page else ""})

    # --- assertions --------------------------------------------------------------------
    def tolerate(self, url: str, reason: str, text: str = ""):
        """Ignore console errors whose resource URL matches `url` (and text matches `text`).
        Only for a known app bug that has its own strict xfail test; `reason` says which."""
        self.tolerated.append((re.compile(url), re.compile(text), reason))

    def _is_tolerated(self, error) -> bool:
        return any(
            url_rx.search(error["url"]) and text_rx.search(error["text"])
            for url_rx, text_rx, _reason in self.tolerated
        )

    def _relevant_console_errors(self):
        errors = []
        for error in self.console_errors:
            if self._is_tolerated(error):
                continue
            # With allow_external the aborted tile images log "Failed to load resource";
            # those (and only those) are expected.
            if (
                self.allow_external
                and error["url"]
                and _origin(error["url"]) != self.origin
                and error["text"].startswith("Failed to load resource")
            ):
                continue
            errors.append(error)
        return errors

    def collect_csp(self, page):
        if page.is_closed():
            return
        try:
            found = page.evaluate("() => window.__cspViolations || []")
        except Exception:  # page gone or navigating: the console still has them
            found = []
        for violation in found:
            violation["page"] = page.url
            if violation not in self.csp_violations:
                self.csp_violations.append(violation)

    def check(self, page=None):
        """Assert a clean page: no console error, no uncaught error, no CSP violation and
        (unless allow_external) no request to another origin."""
        if page is not None:
            self.collect_csp(page)
        problems = []
        if self.external and not self.allow_external:
            problems.append("requests to other origins: " + json.dumps(self.external, indent=1))
        errors = self._relevant_console_errors()
        if errors:
            problems.append("console errors: " + json.dumps(errors, indent=1))
        if self.page_errors:
            problems.append("uncaught page errors: " + json.dumps(self.page_errors, indent=1))
        if self.csp_violations:
            problems.append("CSP violations: " + json.dumps(self.csp_violations, indent=1))
        where = page.url if page is not None else "(end of test)"
        assert not problems, f"on {where}:\n" + "\n".join(problems)


class UI:
    """One browser context (with its Watch) and a page in it, plus the steps tests share."""

    def __init__(self, context, watch, live_server, *, javascript=True):
        self.javascript = javascript
        self.context = context
        self.watch = watch
        self.live_server = live_server
        self.page = context.new_page()

    def url(self, path: str) -> str:
        return self.live_server.url + path

    def path(self) -> str:
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def visit(self, path: str):
        """Open a page, let its scripts and fetches settle, and assert it is clean."""
        response = self.page.goto(self.url(path))
        assert response is not None, path
        assert response.ok, f"{path}: HTTP {response.status}"
        self.settle()
        return response

    def settle(self, *, check: bool = True):
        """After a navigation: wait for the load event and for what the maps fetch (outlines,
        markers), then check the page. (Cheaper than "networkidle", which always idles
        500 ms, and the map fetches are the only requests after load.)"""
        self.page.wait_for_load_state("load")
        self.wait_for_maps()
        if check:
            self.watch.check(self.page)

    def wait_for_maps(self):
        """Wait until each map (if scripts run) has drawn the outlines and markers it fetched."""
        if not self.javascript or not self.page.evaluate("() => !!window.L"):
            return
        maps = self.page.locator("[data-map]")
        for index in range(maps.count()):
            el = maps.nth(index)
            el.locator(".leaflet-overlay-pane path").first.wait_for(state="attached")
            if el.get_attribute("data-map") == "search":
                self.page.wait_for_function(
                    "el => el.dataset.markers !== undefined", arg=el.element_handle()
                )

    def submit(self, locator):
        """Click a submit button and wait for the resulting page."""
        with self.page.expect_navigation():
            locator.click()
        self.settle()

    def login(self, username: str, password: str = PASSWORD):
        self.visit("/konto/anmelden/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.submit(self.page.locator("form.narrow-form [type=submit]"))
        assert self.path() == "/datenpflege/", f"login failed, now at {self.page.url}"

    def axe(self):
        """Run axe-core (WCAG 2.0/2.1 A and AA), frames of our origin included; return the
        violations."""
        for frame in self.page.frames:
            # Frames need their own axe to be audited; only ours get one (the CSP of other
            # origins is not ours to satisfy).
            if _origin(frame.url) != self.watch.origin:
                continue
            if not frame.evaluate("() => !!window.axe"):
                # Same origin via the route: allowed by the app's CSP (a path= tag is inline
                # and would be refused by script-src 'self').
                frame.add_script_tag(url=self.url(AXE_URL_PATH))
        # resultTypes: axe still runs every rule but builds selectors only for the violations
        # (the documented speed-up), and only the violations travel back to Python (the whole
        # result, passes and inapplicable rules included, ran to megabytes per page).
        return self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']}).then(result => result.violations)",
            AXE_TAGS,
        )

    def assert_accessible(self, ignore=None):
        """axe finds nothing (after `ignore(violations)`, for a known, separately xfailed
        bug), and the page stayed clean while it ran."""
        violations = self.axe()
        if ignore is not None:
            violations = ignore(violations)
        assert not violations, f"axe on {self.path()}:\n{format_violations(violations)}"
        self.watch.check(self.page)


def format_violations(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation['impact']}]: {violation['help']}")
        for node in violation["nodes"][:8]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {node['target']}  {summary[:300]}")
    return "\n".join(lines)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        # Only a test that passed gets the final clean-browser check at teardown; a failed
        # or xfailed one has already reported (or is expected to have) its problem.
        item.browser_call_passed = report.passed and not hasattr(report, "wasxfail")
    return report


@pytest.fixture
def new_ui(chromium, live_server, request):
    """new_ui(**context_options) -> UI in a fresh, routed and watched browser context."""
    origin = _origin(live_server.url)
    made = []

    def make(**options):
        options.setdefault("locale", "de-DE")
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = chromium.browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.set_default_navigation_timeout(15_000)
        watch = Watch(origin)
        context.route(routed(origin), watch.route)
        context.on("request", watch.request)
        context.on("console", watch.console)
        context.on("weberror", watch.web_error)
        javascript = options.get("java_script_enabled", True)
        if javascript:
            context.add_init_script(CSP_LISTENER)
        ui = UI(context, watch, live_server, javascript=javascript)
        made.append(ui)
        return ui

    yield make
    for ui in made:
        ui.watch.collect_csp(ui.page)
        ui.context.close()
    # Anything that slipped past the per-page checks (e.g. an error after the last check).
    if getattr(request.node, "browser_call_passed", False):
        for ui in made:
            ui.watch.check()


@pytest.fixture
def ui(new_ui):
    return new_ui()


@pytest.fixture
def live_world(transactional_db, live_server, settings, request):
    """The shared `world` (tests/conftest.py), built in a transactional database so that the
    live server thread sees it. A fast hasher: the world has four users to create and the
    tests log in often (the live server thread shares these settings)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return request.getfixturevalue("world")


# --- Creative places ---------------------------------------------------------------------------


@pytest.fixture
def png_file(tmp_path) -> Path:
    """A small real PNG on disk, for <input type=file> (set_input_files)."""
    path = tmp_path / "ort.png"
    path.write_bytes(png_bytes())
    return path


@pytest.fixture
def places_world(live_world, settings, mailoutbox):
    """The `world` with the places portal of the Altmark: two published places (one with a
    photo), one submitted, texts for the portal. Emails are sent at once by the task backend
    (in the live server's thread, same process) into `world.outbox`; the submission rate
    limit does not get in the way of a test suite that submits from 127.0.0.1 all day."""
    from django.core.cache import cache

    from standortlotse.places.models import RegionSettings

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PLACE_SUBMISSIONS_PER_HOUR = 1000
    cache.clear()
    w = live_world
    w.outbox = mailoutbox
    rules = RegionSettings.for_region(w.region)
    rules.intro_de = "Coworking, Kultur und Dorfläden zwischen Elbe und Heide."
    rules.intro_en = "Coworking, culture and village shops between the Elbe and the heath."
    rules.criteria_de = "Wir veröffentlichen Orte, die offen für andere sind."
    rules.save()
    w.place_a = make_place(
        w,
        "Coworking Alte Schule",
        municipality=w.mun_a,
        offers=("desks", "events"),
        photo_alt="Der Arbeitsraum mit großen Fenstern",
        story="<p>Seit 2021 <strong>offen</strong>.</p>",
        opening_info="Mo–Fr 9–18 Uhr",
        website="https://alte-schule.example",
        contact_name="Erika Muster",
        contact_email="kontakt@alte-schule.example",
        contact_phone="03931 123 456",
        tags="Glasfaser, Garten",
        former_use="Dorfschule",
    )
    w.place_b = make_place(
        w,
        "Kulturscheune Gardelegen",
        municipality=w.mun_b,
        fields=("life",),
        types=("culture",),
        offers=("events",),
    )
    w.place_submitted = make_place(
        w,
        "Dorfladen Kläden",
        municipality=w.mun_a,
        status="submitted",
        fields=("life",),
        types=("village_shop",),
    )
    w.published_places = [w.place_a, w.place_b]
    return w
