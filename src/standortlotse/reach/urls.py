from django.urls import path

from standortlotse.reach import views

app_name = "reach"

urlpatterns = [
    path("datenpflege/reichweite/", views.dashboard, name="dashboard"),
    path("datenpflege/reichweite/qr/", views.qr_code, name="qr"),
]
