from django.urls import path

from standortlotse.privacy import views

app_name = "privacy"

urlpatterns = [
    path("datenpflege/datenschutz/auskunft/", views.export, name="export"),
    path("datenpflege/datenschutz/loeschen/", views.erase, name="erase"),
    path("datenpflege/datenschutz/loeschungen/", views.erasures, name="erasures"),
]
