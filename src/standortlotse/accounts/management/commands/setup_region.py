import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from standortlotse.accounts.setup import SetupError, setup_region


class Command(BaseCommand):
    help = (
        "First start of a region: its marketing organisation, each district's economic "
        "development office, the first regional moderator and municipal editors "
        "(docs/deployment.md, 'First start'). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("region", help="slug of a loaded region, e.g. altmark")
        parser.add_argument(
            "--moderator", required=True, help="email of the first regional moderator"
        )
        parser.add_argument(
            "--marketing-name", default="", help="default: Regionalmarketing <region>"
        )
        parser.add_argument(
            "--marketing-email", default="", help="address of the marketing organisation"
        )
        parser.add_argument(
            "--district-email",
            action="append",
            default=[],
            metavar="KEY=EMAIL",
            help="address of a district's economic development office (repeatable), "
            "e.g. 15090=ansiedlung@landkreis-stendal.de",
        )
        parser.add_argument(
            "--editor",
            action="append",
            default=[],
            metavar="EMAIL=AGS",
            help="a municipal editor and the AGS of the municipality (repeatable)",
        )
        parser.add_argument(
            "--ask-passwords",
            action="store_true",
            help="ask for each new account's password (default: a random one, printed once)",
        )

    def handle(self, *args, **options):
        def pairs(values, option):
            found = []
            for value in values:
                left, sep, right = value.partition("=")
                if not sep or not left.strip() or not right.strip():
                    raise CommandError(
                        f"{option} {value!r}: expected {option.upper()[2:]} as LEFT=RIGHT"
                    )
                found.append((left.strip(), right.strip()))
            return found

        def ask(email):
            if not options["ask_passwords"]:
                return None
            if not sys.stdin.isatty():
                raise CommandError("--ask-passwords needs a terminal")
            first = getpass.getpass(f"Password for {email}: ")
            if first != getpass.getpass("Again: "):
                raise CommandError(f"the two passwords for {email} differ")
            return first

        try:
            result = setup_region(
                options["region"],
                options["moderator"],
                marketing_name=options["marketing_name"],
                marketing_email=options["marketing_email"],
                district_emails=dict(pairs(options["district_email"], "--district-email")),
                editors=pairs(options["editor"], "--editor"),
                password_for=ask,
            )
        except SetupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Region {result.region.name} ({result.region.slug}):")
        for org, created in result.organisations:
            state = "created" if created else "exists"
            self.stdout.write(f"  organisation {state}: {org.name} <{org.email or 'no email'}>")
        for account in result.accounts:
            state = "created" if account.created else "exists"
            self.stdout.write(
                f"  account {state}: {account.email} ({account.role}, {account.organisation})"
            )
            if account.password and not options["ask_passwords"]:
                self.stdout.write(
                    f"    password (shown once, hand it over in person): {account.password}"
                )
        for warning in result.warnings():
            self.stdout.write(self.style.WARNING(f"  note: {warning}"))
        self.stdout.write("Log in at /konto/anmelden/ with the email address as user name.")
