from django.urls import path

from standortlotse.geo import views

app_name = "geo"

urlpatterns = [
    path("karte/quellen/", views.map_sources, name="map_sources"),
]
