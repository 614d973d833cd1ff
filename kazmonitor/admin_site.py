"""The admin site: staff need their password AND a time-based one-time code (TOTP).

Flow: the usual admin login (username + password, with django-axes lock-out) →
``/admin/2fa/``: staff with a confirmed authenticator enter its current code; staff
without one (first login) see a QR code and a secret to add to an authenticator app
and confirm it with a code. Only then does ``has_permission`` let them in. Every
admin page, action and autocomplete goes through ``has_permission``."""

import base64

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters


def is_verified(user) -> bool:
    """True once this session has passed the one-time-code check (django-otp)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data: URI (an <img>, so no inline SVG or style for the CSP)."""
    import qrcode
    import qrcode.image.svg

    svg = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


class TokenForm:
    """Six digits, nothing else. (A plain class: the token is checked by the device.)"""

    def __init__(self, data):
        self.raw = (data or {}).get("token", "")

    @property
    def token(self) -> str | None:
        token = "".join(self.raw.split())
        return token if token.isdigit() and len(token) == 6 else None


# Django's admin catalog has no Kazakh for its "View site" link; ours does (the marker
# keeps the entry in our catalogs when they are refreshed with makemessages).
gettext_noop("View site")


class KazMonitorAdminSite(admin.AdminSite):
    site_header = "KazMonitor"
    site_title = _("KazMonitor admin")
    index_title = _("Case records")

    def has_permission(self, request):
        return super().has_permission(request) and is_verified(request.user)

    def each_context(self, request):
        """ "View site" opens the public site in the admin's language: ``/``, ``/ru/``
        or ``/kk/`` (``reverse`` adds the active language's prefix, and the script prefix)."""
        context = super().each_context(request)
        if self.site_url == "/":
            context["site_url"] = reverse("home")
        return context

    def _needs_second_factor(self, request) -> bool:
        user = request.user
        return user.is_authenticated and user.is_active and user.is_staff and not is_verified(user)

    def _next_url(self, request) -> str:
        target = request.POST.get("next") or request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
            return target
        return reverse("admin:index", current_app=self.name)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        if request.method == "GET" and self._needs_second_factor(request):
            url = reverse("admin:two_factor", current_app=self.name)
            return HttpResponseRedirect(f"{url}?next={self._next_url(request)}")
        return super().login(request, extra_context)

    def get_urls(self):
        return [
            path("2fa/", self.two_factor, name="two_factor"),
            path("recently-deleted/", self.admin_view(self.recently_deleted), name="recently_deleted"),
            *super().get_urls(),
        ]

    def recently_deleted(self, request):
        """Deleted records of the last 90 days; editors restore one with everything
        deleted along with it (kazmonitor.services.record_restore)."""
        from django.contrib import messages
        from django.core.exceptions import PermissionDenied

        from kazmonitor.services import RestoreError, recently_deleted, record_restore

        if request.method == "POST":
            label = request.POST.get("model", "")
            app_label, _dot, model_name = label.partition(".")
            if not request.user.has_perm(f"{app_label}.delete_{model_name}"):
                raise PermissionDenied
            try:
                history_id = int(request.POST.get("history_id", ""))
                restored = record_restore(model_label=label, history_id=history_id, user=request.user)
            except (ValueError, RestoreError) as error:
                message = str(error) if isinstance(error, RestoreError) else "That is not a deletion to restore."
                messages.error(request, message)
            else:
                messages.success(
                    request,
                    f"Restored {restored.record._meta.verbose_name} “{restored.record}”"
                    + (f" with {len(restored.related)} related rows." if restored.related else "."),
                )
            return HttpResponseRedirect(request.path)

        entries = [
            {
                "record": record,
                "label": record.instance_type._meta.label_lower,
                "type": record.instance_type._meta.verbose_name,
                "can_restore": request.user.has_perm(
                    f"{record.instance_type._meta.app_label}.delete_{record.instance_type._meta.model_name}"
                ),
            }
            for record in recently_deleted()
        ]
        context = {**self.each_context(request), "title": _("Recently deleted"), "entries": entries}
        request.current_app = self.name
        return TemplateResponse(request, "admin/recently_deleted.html", context)

    @method_decorator(sensitive_post_parameters("token"))
    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def two_factor(self, request):
        from django_otp import login as otp_login
        from django_otp.plugins.otp_totp.models import TOTPDevice

        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login", current_app=self.name))
        next_url = self._next_url(request)
        if is_verified(user):
            return HttpResponseRedirect(next_url)

        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        enrolling = device is None
        if enrolling:
            device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
            device = device or TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)

        error = ""
        if request.method == "POST":
            allowed, details = device.verify_is_allowed()
            token = TokenForm(request.POST).token
            if not allowed:
                error = _("Too many wrong codes. Wait a minute and try again.")
            elif token and device.verify_token(token):
                if enrolling:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                request.session.cycle_key()
                otp_login(request, device)
                return HttpResponseRedirect(next_url)
            else:
                error = _("That code is not valid. Enter the 6 digits your authenticator app shows now.")

        context = {
            **self.each_context(request),
            "title": _("Set up two-factor authentication") if enrolling else _("Two-factor authentication"),
            "enrolling": enrolling,
            "error": error,
            "next": next_url,
        }
        if enrolling:
            context["secret"] = base64.b32encode(device.bin_key).decode()
            context["qr_code"] = qr_data_uri(device.config_url)
        request.current_app = self.name
        return TemplateResponse(request, "admin/two_factor.html", context, status=400 if error else 200)
