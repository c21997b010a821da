from django.urls import path

from standortlotse.properties.views import backoffice, consent, embedding, public

app_name = "properties"

urlpatterns = [
    path("immobilien/", public.search, name="search"),
    path("immobilien/vergleich/", public.compare, name="compare"),
    path("statistik/", public.statistics_page, name="statistics"),
    path("statistik.csv", public.statistics_csv, name="statistics_csv"),
    path("immobilien/export.<str:fmt>", public.export, name="export"),
    path("immobilien/<int:pk>/", public.detail, name="detail"),
    path("immobilien/<int:pk>/expose.pdf", public.expose, name="expose"),
    path("immobilien/<int:pk>/og.png", public.og_image, name="og_image"),
    path("immobilien/einbetten/", embedding.embed_builder, name="embed"),
    path("widget/immobilien/", embedding.widget, name="widget"),
    path("immobilien/vergleich/vergleich.pdf", public.compare_pdf, name="compare_pdf"),
    path("datenpflege/", backoffice.editor_list, name="editor_list"),
    path("datenpflege/aktualitaet/", backoffice.freshness_dashboard, name="freshness"),
    path("datenpflege/bestaetigen/", backoffice.editor_confirm_many, name="editor_confirm_many"),
    path("datenpflege/eigentuemer/", consent.consent_list, name="consent_list"),
    path("datenpflege/<int:pk>/eigentuemer/", consent.consent_edit, name="consent_edit"),
    path("zustimmung/neuer-link/", consent.consent_link_request, name="consent_link_request"),
    path("zustimmung/<str:token>/", consent.consent_response, name="consent_response"),
    path("datenpflege/neu/", backoffice.editor_create, name="editor_create"),
    path(
        "datenpflege/neu/standortfakten/",
        backoffice.editor_location_facts,
        name="editor_location_facts_new",
    ),
    path("datenpflege/<int:pk>/", backoffice.editor_edit, name="editor_edit"),
    path(
        "datenpflege/<int:pk>/standortfakten/",
        backoffice.editor_location_facts,
        name="editor_location_facts",
    ),
    path("datenpflege/<int:pk>/verlauf/", backoffice.editor_history, name="editor_history"),
    path(
        "datenpflege/<int:pk>/aktion/<slug:action>/", backoffice.editor_action, name="editor_action"
    ),
    path("datenpflege/<int:pk>/fotos/", backoffice.editor_photo_add, name="editor_photo_add"),
    path(
        "datenpflege/<int:pk>/fotos/<int:photo_pk>/loeschen/",
        backoffice.editor_photo_delete,
        name="editor_photo_delete",
    ),
    path(
        "datenpflege/<int:pk>/dokumente/",
        backoffice.editor_document_add,
        name="editor_document_add",
    ),
    path(
        "datenpflege/<int:pk>/dokumente/<int:document_pk>/loeschen/",
        backoffice.editor_document_delete,
        name="editor_document_delete",
    ),
]
