import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

LOGIN_FILE = Path(settings.BASE_DIR) / ".local-admin-login"


class Command(BaseCommand):
    help = "Create a local superuser for development (DEBUG only) and print its login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_local_admin is for development only (DEBUG=1); use createsuperuser.")
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
        self.stdout.write(
            self.style.SUCCESS(f"Admin: http://127.0.0.1:8000/admin/  username: {username}  password: {password}")
        )
