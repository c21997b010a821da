from django.urls import path

from standortlotse.profiles import backoffice, views

app_name = "profiles"

# The public pages of each kind of area: (kind, address part, converter of its key).
KINDS = (
    ("municipality", "gemeinde", "str"),
    ("district", "kreis", "str"),
    ("region", "region", "slug"),
)

urlpatterns = [
    path("standort/", views.index, name="index"),
    path("standort/vergleich/", views.compare, name="compare"),
    path("datenpflege/standortdaten/", backoffice.figure_list, name="editor_list"),
    path("datenpflege/standortdaten/import/", backoffice.import_upload, name="editor_import"),
    path(
        "datenpflege/standortdaten/import/bestaetigen/",
        backoffice.import_confirm,
        name="editor_import_confirm",
    ),
    path("datenpflege/standortdaten/neu/", backoffice.figure_edit, name="editor_new"),
    path("datenpflege/standortdaten/<int:pk>/", backoffice.figure_edit, name="editor_edit"),
]
for kind, part, converter in KINDS:
    urlpatterns += [
        path(f"standort/{part}/<{converter}:key>/", views.profile, {"kind": kind}, name=kind),
        path(
            f"standort/{part}/<{converter}:key>/standortprofil.pdf",
            views.profile_pdf,
            {"kind": kind},
            name=f"{kind}_pdf",
        ),
        path(
            f"standort/{part}/<{converter}:key>/og.png",
            views.og_image,
            {"kind": kind},
            name=f"{kind}_og",
        ),
        path(
            f"widget/standort/{part}/<{converter}:key>/",
            views.embed,
            {"kind": kind},
            name=f"{kind}_embed",
        ),
    ]
