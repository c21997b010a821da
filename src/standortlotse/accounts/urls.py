from django.contrib.auth import views as auth_views
from django.urls import path

from standortlotse.accounts import twofactor
from standortlotse.accounts.views import LoginView, my_settings

app_name = "accounts"

urlpatterns = [
    path("konto/anmelden/", LoginView.as_view(), name="login"),
    path("konto/abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/anmelden/code/", twofactor.login_code, name="login_code"),
    path("konto/zwei-faktor/", twofactor.setup, name="two_factor"),
    path("konto/einstellungen/", my_settings, name="settings"),
]
