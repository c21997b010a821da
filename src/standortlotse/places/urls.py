from django.urls import path

from standortlotse.places.views import moderation as views

app_name = "places"

urlpatterns = [
    path("orte/", views.search, name="search"),
    path("orte/<int:pk>/", views.detail, name="detail"),
    path("orte/<int:pk>/og.png", views.og_image, name="og_image"),
    path("orte/mitmachen/", views.submit_choose_region, name="submit_choose"),
    path("orte/mitmachen/danke/", views.submitted, name="submitted"),
    path("orte/mein-ort/<str:token>/", views.owner, name="owner"),
    path("orte/neuer-link/", views.owner_link_request, name="owner_link_request"),
    path("orte/einbetten/", views.embed_builder, name="embed"),
    path("orte/vorlage.csv", views.csv_template, name="csv_template"),
    path("widget/orte/", views.widget, name="widget"),
    path("region/<slug:slug>/", views.region_portal, name="region"),
    path("region/<slug:slug>/mitmachen/", views.submit, name="submit"),
    path("datenpflege/orte/", views.queue, name="queue"),
    path("datenpflege/orte/import/", views.import_upload, name="import"),
    path("datenpflege/orte/region/<slug:slug>/", views.region_settings, name="region_settings"),
    path("datenpflege/orte/import/anwenden/", views.import_apply, name="import_apply"),
    path("datenpflege/orte/<int:pk>/", views.review, name="review"),
    path("datenpflege/orte/<int:pk>/vertrauen/", views.review_trust, name="review_trust"),
    path("datenpflege/orte/<int:pk>/neuer-link/", views.review_rotate, name="review_rotate"),
    path("datenpflege/orte/<int:pk>/aenderung/<int:update_pk>/", views.review_update, name="review_update"),
    path("datenpflege/orte/<int:pk>/aenderung/foto/<int:photo_pk>/", views.review_held_photo, name="review_held_photo"),
    path("datenpflege/orte/<int:pk>/konflikt/<int:conflict_pk>/", views.review_conflict, name="review_conflict"),
]
