from django.urls import path

from standortlotse.exchange import views

app_name = "exchange"

urlpatterns = [
    path("datenpflege/import/", views.start, name="start"),
    path("datenpflege/import/vorlage.<str:fmt>", views.template_file, name="template"),
    path("datenpflege/import/spalten/", views.columns, name="columns"),
    path("datenpflege/import/neu/<slug:target>/", views.start_target, name="start_target"),
    path("datenpflege/import/<uuid:job_id>/", views.job, name="job"),
    path("datenpflege/import/<uuid:job_id>/fortschritt/", views.job_progress, name="progress"),
    path("datenpflege/import/<uuid:job_id>/zuordnung/", views.mapping, name="mapping"),
    path(
        "datenpflege/import/<uuid:job_id>/zuordnung/pruefen/",
        views.mapping_checks,
        name="mapping_checks",
    ),
    path("datenpflege/import/<uuid:job_id>/bestaetigen/", views.confirm, name="confirm"),
    path("datenpflege/import/<uuid:job_id>/verwerfen/", views.discard, name="discard"),
    path("datenpflege/import/<uuid:job_id>/bericht.csv", views.report, name="report"),
]
