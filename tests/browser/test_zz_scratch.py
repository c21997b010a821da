import pytest
pytestmark = pytest.mark.browser

def test_scratch(places_world, ui):
    src = ui.url("/widget/orte/?region=altmark")
    ui.watch.serve("https://partner.example/", f'<html><body><iframe src="{src}" title="x"></iframe></body></html>')
    ui.page.on("request", lambda r: print("REQ", r.url, r.frame.url if r.frame else None))
    ui.page.on("requestfailed", lambda r: print("FAILED", r.url, r.failure))
    ui.page.goto("https://partner.example/")
    ui.page.wait_for_timeout(2000)
    print("REQUESTS", ui.watch.requests)
    print("CONSOLE", ui.watch.console_errors)
    print("FRAMES", [f.url for f in ui.page.frames])
    print(ui.page.content()[:500])
