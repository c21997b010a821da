from django.urls import path

from standortlotse.cases import offer_views, views

app_name = "cases"

urlpatterns = [
    path("investieren/suchprofil/", views.profile, name="profile"),
    path("investieren/ergebnis/<str:token>/", views.profile_results, name="profile_results"),
    path(
        "investieren/ergebnis/<str:token>/anfrage/", views.results_inquiry, name="results_inquiry"
    ),
    path("investieren/ergebnis/<str:token>/link/", views.results_link, name="results_link"),
    path(
        "investieren/ergebnis/<str:token>/karte.geojson",
        views.results_geojson,
        name="results_geojson",
    ),
    path("investieren/abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("investieren/alarm/<str:token>/", views.alerts_confirm, name="alerts_confirm"),
    path("datenpflege/ansiedlung/", views.board, name="board"),
    path("datenpflege/ansiedlung/neu/", views.create, name="create"),
    path("datenpflege/ansiedlung/<int:pk>/", views.detail, name="detail"),
    path(
        "datenpflege/ansiedlung/<int:pk>/angebot/neu/",
        offer_views.offer_create,
        name="offer_create",
    ),
    path(
        "datenpflege/ansiedlung/<int:pk>/angebot/<int:offer_pk>/",
        offer_views.offer_manage,
        name="offer_manage",
    ),
    # The investor's private page of a site offer (the token is the key; no login).
    path("angebot/<str:token>/", offer_views.offer_page, name="offer_page"),
    path(
        "angebot/<str:token>/antwort/<int:item_pk>/", offer_views.offer_answer, name="offer_answer"
    ),
    path("angebot/<str:token>/frage/", offer_views.offer_question, name="offer_question"),
    path(
        "angebot/<str:token>/expose/<int:item_pk>.pdf",
        offer_views.offer_expose,
        name="offer_expose",
    ),
    path("angebot/<str:token>/angebot.pdf", offer_views.offer_pdf, name="offer_pdf"),
    path("angebot/<str:token>/karte.geojson", offer_views.offer_geojson, name="offer_geojson"),
]
