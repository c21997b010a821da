from django.conf import settings
from django.shortcuts import render
from django.utils.translation import get_language

from standortlotse.core.forms import within_rate_limit
from standortlotse.search import alerts, services
from standortlotse.search.forms import AlertForm
from standortlotse.search.models import SearchAlert


def search(request):
    query = request.GET.get("q", "")
    result = services.search(query, (get_language() or "de")[:2]) if query.strip() else None
    return render(request, "search/results.html", {"query": query, "result": result})


def alert_subscribe(request):
    """Save a search with an email address (no account); a confirmation mail goes out first."""
    # From a search page's offer (GET with the search in "query" and the address), or a link.
    initial = {
        "query": request.GET.get("query", request.GET.urlencode()),
        "email": request.GET.get("email", ""),
    }
    form = AlertForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if within_rate_limit(request, form, "search-alert", settings.INQUIRIES_PER_HOUR):
                alerts.subscribe(
                    form.cleaned_data["email"],
                    form.cleaned_data["query"],
                    (get_language() or "de")[:2],
                )
                return render(
                    request, "search/alert_sent.html", {"email": form.cleaned_data["email"]}
                )
            status = 429
        else:
            status = 400
    query = form["query"].value() or ""
    return render(
        request,
        "search/alert_form.html",
        {"form": form, "search_query": alerts.clean_query(query)},
        status=status,
    )


def _by_token(field, token):
    return SearchAlert.objects.filter(**{field: token}).first() if len(token) <= 64 else None


def alert_confirm(request, token):
    """The link of the confirmation mail: a button confirms (mail scanners only GET)."""
    alert = _by_token("confirm_token", token)
    state = "unknown" if alert is None else "ask"
    if alert is not None and alert.confirmed_at is None and alert.confirm_expired:
        state = "expired"
    elif alert is not None and alert.confirmed_at is not None:
        state = "done"
    elif alert is not None and request.method == "POST":
        alerts.confirm(alert)
        state = "done"
    return render(
        request,
        "search/alert_confirm.html",
        {
            "state": state,
            "alert": alert,
            "search_url": alerts.search_url(alert) if alert else "",
        },
        status={"unknown": 404, "expired": 410}.get(state, 200),
    )


def alert_unsubscribe(request, token):
    alert = _by_token("unsubscribe_token", token)
    state = "unknown" if alert is None else "ask"
    if alert is not None and alert.unsubscribed_at is not None:
        state = "done"
    elif alert is not None and request.method == "POST":
        alerts.unsubscribe(alert)
        state = "done"
    return render(
        request,
        "search/alert_unsubscribe.html",
        {"state": state},
        status=404 if state == "unknown" else 200,
    )
