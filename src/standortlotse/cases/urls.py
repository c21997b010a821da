from django.urls import path

from standortlotse.cases import views

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
]
