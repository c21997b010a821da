from django.urls import path

from standortlotse.cases import views

app_name = "cases"

urlpatterns = [
    path("investieren/suchprofil/", views.profile, name="profile"),
    path("investieren/ergebnis/<uuid:uid>/", views.profile_results, name="profile_results"),
    path("investieren/abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("datenpflege/ansiedlung/", views.board, name="board"),
    path("datenpflege/ansiedlung/neu/", views.create, name="create"),
    path("datenpflege/ansiedlung/<int:pk>/", views.detail, name="detail"),
]
