from django.urls import path

from standortlotse.guides import views

app_name = "guides"

urlpatterns = [
    path("lotse/", views.entry, name="entry"),
    path("lotse/themen/", views.guide_list, name="guide_list"),
    path("lotse/<slug:region>/<slug:slug>/", views.guide, name="guide"),
    path("kontakte/", views.contacts, name="contacts"),
    path("veranstaltungen/", views.events, name="events"),
    path("veranstaltungen/kalender.ics", views.events_ics, name="events_ics"),
    path("veranstaltungen/feed.atom", views.EventFeed(), name="events_feed"),
    path("veranstaltungen/<int:pk>/", views.event, name="event"),
    path("veranstaltungen/<int:pk>.ics", views.event_ics, name="event_ics"),
    path("datenpflege/lotse/", views.editor_list, name="editor_list"),
    path("datenpflege/lotse/<str:kind>/neu/", views.editor_form, name="editor_create"),
    path("datenpflege/lotse/<str:kind>/<int:pk>/", views.editor_form, name="editor_edit"),
]
