"""What the header's back-office menu shows: ``staff_areas``, the areas the logged-in user may
use (``policy.back_office_areas``), worked out only when a page asks for it."""

from django.utils.functional import SimpleLazyObject

from standortlotse.accounts import policy


def staff_menu(request):
    user = getattr(request, "user", None)
    return {"staff_areas": SimpleLazyObject(lambda: policy.back_office_areas(user))}
