from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "standortlotse.inquiries"
    verbose_name = _("Inquiries")

    def ready(self):
        from standortlotse.guides import services as guides
        from standortlotse.inquiries import routing
        from standortlotse.properties import publication

        # The property register's publication gate counts "contact" as there when the contact
        # rule yields an address: the one rule for who is shown and who gets the inquiry.
        publication.set_contact_rule(routing.contact_email_of_property)
        # The guided entry shows the office an inquiry about the municipality or district
        # reaches (guides sits below inquiries: a hook, not an import).
        guides.set_routing_rule(routing.route)
