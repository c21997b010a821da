"""Site offers: the staff pages (put an offer together, manage it) and the investor's private
page behind the offer's link (no login; the token is the key)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from standortlotse.accounts import policy
from standortlotse.accounts.decorators import editor_required
from standortlotse.cases import matching, offers, services
from standortlotse.cases.forms import (
    OfferAnswerForm,
    OfferExtendForm,
    OfferForm,
    OfferQuestionForm,
)
from standortlotse.cases.models import Case, Verdict, default_offer_expiry
from standortlotse.cases.views import map_features
from standortlotse.core import ratelimit
from standortlotse.properties import expose
from standortlotse.properties.models import Kind
from standortlotse.properties.presenters import compare_table, fact_rows
from standortlotse.properties.selectors import MAX_COMPARE, published_properties
from standortlotse.properties.views.public import pdf_response

PRESELECTED = 3  # the top matches ticked when the form opens
CANDIDATE_MATCHES = 10

# --- staff --------------------------------------------------------------------------------------


def _owned_case(request, pk) -> Case:
    """The case for an offer page: 404 if the user may not see it, 403 if only shared with them
    (offers are made by the owning organisation, as properties are offered)."""
    case = get_object_or_404(
        policy.visible_cases(request.user, Case.objects.select_related("owner", "profile")), pk=pk
    )
    if not policy.owns_case(request.user, case):
        raise PermissionDenied
    return case


def _pks(values) -> list[int]:
    result = []
    for value in values:
        if str(value).isdigit() and int(value) not in result:
            result.append(int(value))
    return result


@editor_required
def offer_create(request, pk):
    case = _owned_case(request, pk)
    contacts = offers.contact_choices(case)
    post = request.POST if request.method == "POST" else None
    default_contact = contacts.filter(pk=request.user.pk).first() or contacts.first()
    form = OfferForm(
        post,
        contacts=contacts,
        initial={
            "language": case.profile.language if case.profile else settings.LANGUAGE_CODE,
            "contact": default_contact,
            "expires_on": default_offer_expiry(),
        },
    )
    found = matching.match(case.profile, limit=CANDIDATE_MATCHES) if case.profile else []
    reasons = {m.property.pk: m for m in found}
    # Properties added by hand (searched earlier, or ticked): listed after the matches.
    extra = _pks([*post.getlist("extra"), *post.getlist("properties")]) if post else []
    extra = [k for k in extra if k not in reasons]
    query = (post or request.GET).get("q", "")
    if query:
        hits = offers.search_properties(query, exclude=list(reasons) + extra)
        extra += [p.pk for p in hits]
    by_pk = published_properties().in_bulk([*reasons, *extra])
    candidates = [by_pk[k] for k in [*reasons, *extra] if k in by_pk]
    if post is not None:
        chosen = set(_pks(post.getlist("properties")))
    else:
        chosen = {m.property.pk for m in found[:PRESELECTED]}
    rows = []
    for index, prop in enumerate(candidates):
        position = post.get(f"position_{prop.pk}", "") if post else ""
        rows.append(
            {
                "property": prop,
                "match": reasons.get(prop.pk),
                "checked": prop.pk in chosen,
                "note": post.get(f"note_{prop.pk}", "") if post else "",
                "position": position if position.isdigit() else str(index + 1),
                "extra": prop.pk not in reasons,
            }
        )
    status = 200
    if post is not None and post.get("action") == "send":
        if form.is_valid():
            picked = sorted(
                (r for r in rows if r["checked"]),
                key=lambda r: (int(r["position"]), rows.index(r)),
            )
            try:
                offer = offers.create_offer(
                    request.user,
                    case,
                    properties=[r["property"] for r in picked],
                    notes={r["property"].pk: r["note"].strip() for r in picked},
                    note=form.cleaned_data["note"],
                    language=form.cleaned_data["language"],
                    contact=form.cleaned_data["contact"],
                    expires_on=form.cleaned_data["expires_on"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The site offer was sent to the investor."))
                return redirect(offer)
        status = 400
    return render(
        request,
        "cases/offer_form.html",
        {
            "case": case,
            "company": services.company_label(request.user, case),
            "form": form,
            "rows": rows,
            "query": query,
            "max_properties": offers.MAX_OFFER_PROPERTIES,
        },
        status=status,
    )


@editor_required
def offer_manage(request, pk, offer_pk):
    case = _owned_case(request, pk)
    offer = get_object_or_404(case.offers.select_related("contact"), pk=offer_pk)
    extend_form = OfferExtendForm(initial={"expires_on": offer.expires_on})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "revoke":
                offers.revoke(request.user, offer)
                messages.success(request, _("The link no longer works."))
                return redirect(offer)
            if action == "extend":
                extend_form = OfferExtendForm(request.POST)
                if extend_form.is_valid():
                    offers.extend(request.user, offer, extend_form.cleaned_data["expires_on"])
                    messages.success(request, _("The validity was changed."))
                    return redirect(offer)
            elif action == "resend":
                offers.send(request.user, offer)
                messages.success(request, _("The site offer was sent to the investor again."))
                return redirect(offer)
            else:
                raise PermissionDenied
        except ValidationError as error:
            extend_form.add_error("expires_on", error)
    return render(
        request,
        "cases/offer_manage.html",
        {
            "case": case,
            "company": services.company_label(request.user, case),
            "offer": offer,
            "items": offer.items.select_related("property"),
            "questions": offer.questions.all(),
            "url": offers.offer_url(offer),
            "extend_form": extend_form,
        },
        status=400 if extend_form.errors else 200,
    )


# --- the investor's page ------------------------------------------------------------------------


def _gone(request, offer):
    """Expired or revoked: whom to ask, in the offer's language, nothing of the offer's content."""
    with translation.override(offer.language):
        response = render(
            request,
            "cases/offer_gone.html",
            {
                "contact_name": offers.contact_name(offer.contact),
                "contact_email": offer.contact.email,
                "organisation": offer.case.owner,
                "revoked": offer.revoked_at is not None,
            },
            status=410,
        )
        response["Content-Language"] = offer.language
    return response


def _offer_or_response(request, token):
    offer, state = offers.offer_for_token(token)
    if state == "unknown":
        raise Http404
    if state == "gone":
        return None, _gone(request, offer)
    return offer, None


def _language_notice(request, offer) -> dict | None:
    """On the page in another language than the offer's (a link typed in without its /en/, or
    the language switch), a line in the offer's language leading back to it; the visitor's
    choice of language is kept (no redirect)."""
    if translation.get_language() == offer.language:
        return None
    url = translate_url(request.path, offer.language)  # resolved in the page's language
    with translation.override(offer.language):
        return {
            "lang": offer.language,
            "url": url,
            "text": _("This offer was written for you in English.")
            if offer.language == "en"
            else _("This offer was written for you in German."),
            "link": _("Read it in English") if offer.language == "en" else _("Read it in German"),
        }


def _investor_page(request, offer, *, answer_forms=None, question_form=None, status=200, sent=""):
    items = offers.shown_items(offer)
    props = [item.property for item in items]
    for item in items:
        item.facts = fact_rows(item.property)[:8]
        item.form = (answer_forms or {}).get(item.pk) or OfferAnswerForm(
            initial={"verdict": item.verdict, "comment": item.comment}, prefix=f"item{item.pk}"
        )
    return render(
        request,
        "cases/offer_page.html",
        {
            "offer": offer,
            "token": offer.token,
            "company": offer.case.company,
            "items": items,
            "rows": compare_table(props[:MAX_COMPARE]) if len(props) > 1 else [],
            "compared": props[:MAX_COMPARE],
            "municipalities": offers.municipalities(items),
            "contact_name": offers.contact_name(offer.contact),
            "organisation": offer.case.owner,
            "question_form": question_form or OfferQuestionForm(),
            "kind_choices": Kind.choices,
            "sent": sent or request.GET.get("sent", ""),
            "verdicts": Verdict,
            "language_notice": _language_notice(request, offer),
        },
        status=status,
    )


def offer_page(request, token):
    offer, gone = _offer_or_response(request, token)
    if gone:
        return gone
    offers.record_open(offer)
    return _investor_page(request, offer)


def _within_limit(request, offer) -> bool:
    return ratelimit.hit(request, f"offer:{offer.pk}", offers.OFFER_POSTS_PER_HOUR, 3600)


def _back(offer, sent, anchor):
    return redirect(reverse("cases:offer_page", args=[offer.token]) + f"?sent={sent}#{anchor}")


@require_POST
def offer_answer(request, token, item_pk):
    offer, gone = _offer_or_response(request, token)
    if gone:
        return gone
    item = get_object_or_404(offer.items.select_related("property"), pk=item_pk)
    form = OfferAnswerForm(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        if _within_limit(request, offer):
            offers.answer(offer, item, form.cleaned_data["verdict"], form.cleaned_data["comment"])
            return _back(offer, f"answer{item.pk}", f"item-{item.pk}")
        form.add_error(None, _("Many answers came from your connection. Please try again later."))
        return _investor_page(request, offer, answer_forms={item.pk: form}, status=429)
    return _investor_page(request, offer, answer_forms={item.pk: form}, status=400)


@require_POST
def offer_question(request, token):
    offer, gone = _offer_or_response(request, token)
    if gone:
        return gone
    form = OfferQuestionForm(request.POST)
    if form.is_valid():
        if _within_limit(request, offer):
            offers.ask(offer, form.cleaned_data["text"])
            return _back(offer, "question", "question")
        form.add_error(None, _("Many answers came from your connection. Please try again later."))
        return _investor_page(request, offer, question_form=form, status=429)
    return _investor_page(request, offer, question_form=form, status=400)


def offer_expose(request, token, item_pk):
    """The property's exposé through the offer, so staff see the download in the case."""
    offer, gone = _offer_or_response(request, token)
    if gone:
        return gone
    item = next((i for i in offers.shown_items(offer) if i.pk == item_pk), None)
    if item is None:
        raise Http404
    offers.record_download(offer, item)
    language = translation.get_language() or offer.language
    return pdf_response(
        expose.property_pdf(item.property, language), f"expose-{item.property_id}.pdf"
    )


def offer_pdf(request, token):
    offer, gone = _offer_or_response(request, token)
    if gone:
        return gone
    offers.record_offer_pdf(offer)
    language = translation.get_language() or offer.language
    return pdf_response(offers.offer_pdf(offer, language), "standortangebot.pdf")


def offer_geojson(request, token):
    offer, state = offers.offer_for_token(token)
    if state != "ok":
        raise Http404
    response = map_features((item.property, {}) for item in offers.shown_items(offer))
    response["Cache-Control"] = "private, no-store"
    return response
