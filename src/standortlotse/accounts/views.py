"""The password step of the login; the code step follows in twofactor.py for users with an app.

Failed attempts are counted by django-axes (its backend refuses a locked account or address
before the password is checked; see lockout.py), so this view only decides the second step.
"""

from django.contrib.auth import views as auth_views

from standortlotse.accounts import twofactor


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"

    def form_valid(self, form):
        user = form.get_user()
        if twofactor.confirmed_device(user) is not None:
            # Password correct; the code from the app follows before anybody is logged in.
            return twofactor.start_second_step(self.request, user, self.get_success_url())
        return super().form_valid(form)
