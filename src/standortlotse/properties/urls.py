from django.urls import path

from standortlotse.properties.views import backoffice as views

app_name = "properties"

urlpatterns = [
    path("immobilien/", views.search, name="search"),
    path("immobilien/vergleich/", views.compare, name="compare"),
    path("statistik/", views.statistics_page, name="statistics"),
    path("statistik.csv", views.statistics_csv, name="statistics_csv"),
    path("immobilien/export.<str:fmt>", views.export, name="export"),
    path("immobilien/<int:pk>/", views.detail, name="detail"),
    path("immobilien/<int:pk>/expose.pdf", views.expose, name="expose"),
    path("immobilien/<int:pk>/og.png", views.og_image, name="og_image"),
    path("immobilien/einbetten/", views.embed_builder, name="embed"),
    path("widget/immobilien/", views.widget, name="widget"),
    path("immobilien/vergleich/vergleich.pdf", views.compare_pdf, name="compare_pdf"),
    path("datenpflege/", views.editor_list, name="editor_list"),
    path("datenpflege/aktualitaet/", views.freshness_dashboard, name="freshness"),
    path("datenpflege/eigentuemer/", views.consent_list, name="consent_list"),
    path("datenpflege/<int:pk>/eigentuemer/", views.consent_edit, name="consent_edit"),
    path("zustimmung/neuer-link/", views.consent_link_request, name="consent_link_request"),
    path("zustimmung/<str:token>/", views.consent_response, name="consent_response"),
    path("datenpflege/neu/", views.editor_create, name="editor_create"),
    path("datenpflege/<int:pk>/", views.editor_edit, name="editor_edit"),
    path("datenpflege/<int:pk>/verlauf/", views.editor_history, name="editor_history"),
    path(
        "datenpflege/<int:pk>/aktion/<slug:action>/", views.editor_action, name="editor_action"
    ),
    path("datenpflege/<int:pk>/fotos/", views.editor_photo_add, name="editor_photo_add"),
    path(
        "datenpflege/<int:pk>/fotos/<int:photo_pk>/loeschen/",
        views.editor_photo_delete, name="editor_photo_delete",
    ),
    path("datenpflege/<int:pk>/dokumente/", views.editor_document_add, name="editor_document_add"),
    path(
        "datenpflege/<int:pk>/dokumente/<int:document_pk>/loeschen/",
        views.editor_document_delete, name="editor_document_delete",
    ),
]
