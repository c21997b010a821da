from django.urls import path

from standortlotse.places.views import (
    embedding,
    feeds,
    importing,
    moderation,
    owner,
    public,
    submission,
)

app_name = "places"

urlpatterns = [
    path("orte/", public.search, name="search"),
    path("orte/<int:pk>/", public.detail, name="detail"),
    path("orte/<int:pk>/og.png", public.og_image, name="og_image"),
    path("orte/mitmachen/", submission.submit_choose_region, name="submit_choose"),
    path("orte/mitmachen/danke/", submission.submitted, name="submitted"),
    path("orte/mein-ort/<str:token>/", owner.owner, name="owner"),
    path("orte/neuer-link/", owner.owner_link_request, name="owner_link_request"),
    path("orte/einbetten/", embedding.embed_builder, name="embed"),
    path("orte/vorlage.csv", importing.csv_template, name="csv_template"),
    path("orte/gogocarto.json", importing.gogocarto_feed, name="gogocarto_feed"),
    path("widget/orte/", embedding.widget, name="widget"),
    path("region/<slug:slug>/", public.region_portal, name="region"),
    path("region/<slug:slug>/mitmachen/", submission.submit, name="submit"),
    path("datenpflege/orte/", moderation.queue, name="queue"),
    path("datenpflege/orte/import/", importing.import_upload, name="import"),
    path(
        "datenpflege/orte/region/<slug:slug>/", moderation.region_settings, name="region_settings"
    ),
    path("datenpflege/orte/partner/", feeds.feed_list, name="feed_list"),
    path("datenpflege/orte/partner/neu/", feeds.feed_create, name="feed_create"),
    path("datenpflege/orte/partner/<int:pk>/", feeds.feed_edit, name="feed_edit"),
    path("datenpflege/orte/partner/<int:pk>/abrufen/", feeds.feed_pull, name="feed_pull"),
    path("datenpflege/orte/partner/<int:pk>/verlauf/", feeds.feed_history, name="feed_history"),
    path("datenpflege/orte/<int:pk>/", moderation.review, name="review"),
    path("datenpflege/orte/<int:pk>/vertrauen/", moderation.review_trust, name="review_trust"),
    path("datenpflege/orte/<int:pk>/neuer-link/", moderation.review_rotate, name="review_rotate"),
    path("datenpflege/orte/<int:pk>/nachricht/", moderation.review_message, name="review_message"),
    path(
        "datenpflege/orte/<int:pk>/aenderung/<int:update_pk>/",
        moderation.review_update,
        name="review_update",
    ),
    path(
        "datenpflege/orte/<int:pk>/aenderung/foto/<int:photo_pk>/",
        moderation.review_held_photo,
        name="review_held_photo",
    ),
    path(
        "datenpflege/orte/<int:pk>/konflikt/<int:conflict_pk>/",
        moderation.review_conflict,
        name="review_conflict",
    ),
]
