from django.urls import path

from standortlotse.transparency import views

app_name = "transparency"

urlpatterns = [
    path("transparenz/", views.ranking, name="ranking"),
]
