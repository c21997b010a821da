from django.urls import path

from standortlotse.search import views

app_name = "search"

urlpatterns = [
    path("suche/benachrichtigung/", views.alert_subscribe, name="alert_subscribe"),
    path(
        "suche/benachrichtigung/bestaetigen/<str:token>/",
        views.alert_confirm,
        name="alert_confirm",
    ),
    path(
        "suche/benachrichtigung/abmelden/<str:token>/",
        views.alert_unsubscribe,
        name="alert_unsubscribe",
    ),
]
