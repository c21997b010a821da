"""The password step of the login (the code step follows in twofactor.py for users with an app)
and a staff member's own settings.

Failed attempts are counted by django-axes (its backend refuses a locked account or address
before the password is checked; see lockout.py), so the login view only decides the second step.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from standortlotse.accounts import digests, twofactor
from standortlotse.accounts.forms import StaffPreferenceForm
from standortlotse.accounts.models import StaffPreference


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"

    def form_valid(self, form):
        user = form.get_user()
        if twofactor.confirmed_device(user) is not None:
            # Password correct; the code from the app follows before anybody is logged in.
            return twofactor.start_second_step(self.request, user, self.get_success_url())
        return super().form_valid(form)


@login_required
def my_settings(request):
    """The logged-in user's own settings (the language of their mails, single mails or a daily
    summary); saved as their StaffPreference, created on the first save."""
    if not twofactor.is_fully_authenticated(request):
        return twofactor.second_step(request, request.get_full_path())
    preference = StaffPreference.objects.filter(user=request.user).first() or StaffPreference(
        user=request.user
    )
    form = StaffPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        preference = form.save()
        messages.success(request, _("Your settings are saved."))
        if preference.delivery == StaffPreference.Delivery.IMMEDIATE and digests.send_for(
            request.user
        ):
            # Back to single mails: what was held for the summary is not kept waiting.
            messages.info(request, _("The notifications collected so far were sent to you now."))
        return redirect("accounts:settings")
    return render(
        request, "accounts/settings.html", {"form": form}, status=400 if form.errors else 200
    )
