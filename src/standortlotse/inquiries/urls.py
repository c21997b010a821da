from django.urls import path

from standortlotse.inquiries import views

app_name = "inquiries"

urlpatterns = [
    path("kontakt/", views.contact, name="contact"),
    path("kontakt/danke/", views.thanks, name="thanks"),
    path(
        "kontakt/barrierefreiheit/",
        views.contact,
        {"kind": "barrierefreiheit"},
        name="accessibility_feedback",
    ),
    path("kontakt/<slug:kind>/<int:pk>/", views.contact, name="contact_about"),
    path("datenpflege/anfragen/", views.inbox, name="inbox"),
    path("datenpflege/anfragen/<int:pk>/", views.inquiry_detail, name="detail"),
]
