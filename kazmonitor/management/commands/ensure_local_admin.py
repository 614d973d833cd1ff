import base64
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN_FILE = Path(settings.BASE_DIR) / ".local-admin-login"
# Where ``runserver`` serves: HOST:PORT as ``make run`` passes it ([::1]:8000 for IPv6).
ADDRESS = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}")
DEFAULT_ADDRESS = "127.0.0.1:8000"


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


class Command(BaseCommand):
    help = (
        "Create a local superuser with a TOTP authenticator for development (DEBUG only) and print "
        "its login, the authenticator secret and the current one-time code. Run again for a fresh code."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--address",
            default=DEFAULT_ADDRESS,
            help=f"HOST:PORT the development server serves on, for the printed admin URL (default {DEFAULT_ADDRESS}).",
        )

    def handle(self, *args, username, address, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_local_admin is for development only (DEBUG=1); use createsuperuser.")
        if not ADDRESS.fullmatch(address):
            raise CommandError(f"--address must be HOST:PORT, e.g. 127.0.0.1:8000 or [::1]:8000, not {address!r}.")
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        password = LOGIN_FILE.read_text().strip() if LOGIN_FILE.exists() else ""
        if user is None or not password or not user.check_password(password):
            password = password or secrets.token_urlsafe(12)
            user = user or User(username=username, email=f"{username}@localhost")
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            LOGIN_FILE.write_text(password + "\n")
            LOGIN_FILE.chmod(0o600)
        # The admin asks every staff member for a one-time code: give the local admin an
        # authenticator so `make run` stays usable without weakening the check.
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        device = device or TOTPDevice.objects.create(user=user, name="local development", confirmed=True)
        secret = base64.b32encode(device.bin_key).decode()
        again = "ensure_local_admin" + ("" if address == DEFAULT_ADDRESS else f" --address {address}")
        self.stdout.write(
            self.style.SUCCESS(f"Admin: http://{address}/admin/  username: {username}  password: {password}")
        )
        self.stdout.write(
            f"Two-factor: one-time code now: {current_code(device)} (valid about 30 s; run "
            f"`DEBUG=1 .venv/bin/python manage.py {again}` again for a fresh one),\n"
            f"  or add the secret {secret} to an authenticator app ({device.config_url})."
        )
