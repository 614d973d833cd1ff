"""The data and the expectations of the permission matrix (tests/test_permission_matrix.py):
for every URL pattern of the site, the admin and the API, the status each persona
must get. Keys are URL names (or the route of an unnamed pattern)."""

from dataclasses import dataclass
from types import SimpleNamespace

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Case
from cases.sitemaps import SITEMAPS
from cases.statistics import FIGURES
from kazmonitor.admin_spreadsheets import SpreadsheetImportExportMixin
from kazmonitor.api.tombstones import api_id
from kazmonitor.models import Visibility
from people.models import ApiKey
from people.services import api_key_create
from tests import factories as f
from tests.full_record import build_full_record

PERSONAS = ["anonymous", "public key", "partner key", "researcher", "editor", "superuser"]
OUTSIDERS = ("anonymous", "public key", "partner key")
RECORD_APPS = {"kazmonitor", "people", "cases"}
EDITOR_ONLY = {"people.apikey", "kazmonitor.tombstone"}
LEVELS = {"public": Visibility.PUBLIC, "partners": Visibility.PARTNERS, "internal": Visibility.INTERNAL}


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


def staff_only(researcher: int, editor: int, superuser: int, outsiders: int = 302) -> dict[str, int]:
    return {**dict.fromkeys(OUTSIDERS, outsiders), "researcher": researcher, "editor": editor, "superuser": superuser}


@dataclass
class Check:
    key: str  # URL name, or route of an unnamed pattern
    url: str
    expected: dict[str, int]
    method: str = "get"


def url_patterns(patterns=None, prefix="", namespace=None):
    """(key, route) of every URL pattern, recursively."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield (name or route), route


def build_data() -> SimpleNamespace:
    record = build_full_record()
    data = SimpleNamespace(record=record)
    mamai, case = record.mamai, record.case
    article = f.LegalArticleFactory(number="405")
    org = f.OrganizationFactory(name="Partner NGO", slug="partner-ngo")
    data.public_key = api_key_create(organization=org, name="public", level=ApiKey.Level.PUBLIC)[1]
    data.partner_key = api_key_create(organization=org, name="partner", level=ApiKey.Level.PARTNERS)[1]
    # One record of every API type at every level, under public parents.
    makers = {
        "case": lambda v: f.CaseFactory(visibility=v),
        "person": lambda v: f.PersonFactory(visibility=v),
        "organization": lambda v: f.OrganizationFactory(visibility=v),
        "charge": lambda v: f.ChargeFactory(case=case, defendant=mamai, article=article, visibility=v),
        "sentence": lambda v: f.SentenceFactory(case=case, defendant=mamai, visibility=v),
        "detention": lambda v: f.DetentionFactory(person=mamai, case=case, visibility=v),
        "assembly": lambda v: f.AssemblyFactory(visibility=v),
        "event": lambda v: f.EventFactory(case=case, visibility=v),
        "source": lambda v: f.SourceFactory(visibility=v),
        "recognition": lambda v: f.RecognitionFactory(person=mamai, recognised_by=org, visibility=v),
    }
    data.levelled = {name: {level: make(v) for level, v in LEVELS.items()} for name, make in makers.items()}
    data.slugged = {"article": article.slug, "tag": f.TagFactory().slug, "location": f.LocationFactory().slug}
    for level, source in data.levelled["source"].items():
        source.document.save(f"{level}.txt", ContentFile(b"a source document\n"))
    # Rows for every admin list that is otherwise empty.
    data.user = User.objects.create_user("someone", "someone@example.org", "a long test password")
    data.device = TOTPDevice.objects.create(user=data.user, name="phone")
    AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", user_agent="t", failures_since_start=1)
    AccessLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="t")
    AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="t")
    assert Group.objects.exists()
    return data


def admin_expected(model, action: str) -> dict[str, int]:
    label = model._meta.label_lower
    if model._meta.app_label not in RECORD_APPS:
        expected = staff_only(403, 403, 200)  # accounts, devices, lock-out logs: superusers only
    elif label in EDITOR_ONLY:
        expected = staff_only(403, 200, 200)
    elif action == "delete":
        expected = staff_only(403, 200, 200)  # researchers do not delete
    else:
        expected = staff_only(200, 200, 200)
    return {**expected, **ADMIN_EXCEPTIONS.get((label, action), {})}


# Where a model's admin deliberately differs from the rule above.
ADMIN_EXCEPTIONS = {
    ("kazmonitor.tombstone", "add"): staff_only(403, 403, 403),  # written by the system only
    ("people.apikey", "delete"): staff_only(403, 403, 403),  # keys are revoked, never deleted
    ("axes.accessattempt", "add"): staff_only(403, 403, 403),
    ("axes.accesslog", "add"): staff_only(403, 403, 403),
    ("axes.accessfailurelog", "add"): staff_only(403, 403, 403),
}


def admin_checks(data) -> list[Check]:
    checks = []
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the permission matrix needs a {model._meta.label} row"
        urls = {
            "changelist": reverse(f"{info}_changelist"),
            "add": reverse(f"{info}_add"),
            "change": reverse(f"{info}_change", args=[obj.pk]),
            "delete": reverse(f"{info}_delete", args=[obj.pk]),
            "history": reverse(f"{info}_history", args=[obj.pk]),
        }
        if isinstance(model_admin, SimpleHistoryAdmin):
            version = model.history.filter(**{model._meta.pk.attname: obj.pk}).first()
            urls["simple_history"] = reverse(f"{info}_simple_history", args=[obj.pk, version.history_id])
        for action, url in urls.items():
            checks.append(Check(f"{info}_{action}", url, admin_expected(model, action)))
        # The unnamed "<object_id>/" pattern redirects to the change page (or the login).
        route = f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"
        checks.append(Check(route, f"/{route.replace('<path:object_id>', str(obj.pk))}", everyone(302)))
        checks += import_export_checks(model, info)
    return checks


def import_export_checks(model, info) -> list[Check]:
    from django.urls import NoReverseMatch

    checks = []
    for action, kwargs in [("import", {}), ("process_import", {}), ("export", {}), ("import_template", {"fmt": "csv"})]:
        try:
            url = reverse(f"{info}_{action}", kwargs=kwargs)
        except NoReverseMatch:
            continue
        expected = admin_expected(model, action)
        importable = isinstance(admin.site._registry[model], SpreadsheetImportExportMixin)
        if action in {"import", "import_template"} and not importable:
            expected = staff_only(403, 403, 403)  # this list exports but takes no imports
        if action == "process_import":
            # GET is refused before any permission check; a POST where imports are off is a 403.
            expected = staff_only(405, 405, 405)
            if not importable:
                checks.append(Check(f"{info}_{action}", url, staff_only(403, 403, 403), method="post"))
        checks.append(Check(f"{info}_{action}", url, expected))
    return checks


def site_checks(data) -> list[Check]:
    record = data.record
    case = data.levelled["case"]
    person = data.levelled["person"]
    org = data.levelled["organization"]
    assembly = data.levelled["assembly"]
    checks = [
        Check("home", "/", everyone(200)),
        Check("case_list", reverse("case_list"), everyone(200)),
        Check("case_feed", reverse("case_feed"), everyone(200)),
        Check("person_list", reverse("person_list"), everyone(200)),
        Check("political_prisoners", reverse("political_prisoners"), everyone(200)),
        Check("detained", reverse("detained"), everyone(200)),
        Check("organization_list", reverse("organization_list"), everyone(200)),
        Check("assembly_list", reverse("assembly_list"), everyone(200)),
        Check("article_list", reverse("article_list"), everyone(200)),
        Check("article_detail", reverse("article_detail", args=[data.slugged["article"]]), everyone(200)),
        Check("statistics", reverse("statistics"), everyone(200)),
        Check("search", reverse("search") + "?q=Mamai", everyone(200)),
        Check("robots_txt", reverse("robots_txt"), everyone(200)),
        Check("sitemap", reverse("sitemap"), everyone(200)),
        Check("statistics_csv", reverse("statistics_csv", args=["no-such-figure"]), everyone(404)),
        # A protected person's page is at the masked id only; the real uuid is unknown there.
        Check(
            "person_protected_detail",
            reverse("person_protected_detail", args=[api_id(record.protected)]),
            everyone(200),
        ),
        Check(
            "person_protected_detail", reverse("person_protected_detail", args=[record.protected.uuid]), everyone(404)
        ),
        Check("person_detail", reverse("person_detail", args=[record.protected.slug]), everyone(404)),
        Check("set_language", reverse("set_language"), everyone(302)),
        Check("set_language", reverse("set_language"), everyone(302), method="post"),
        Check("nesting_server_data", reverse("nesting_server_data"), staff_only(200, 200, 200, outsiders=403)),
        Check("healthz", reverse("healthz"), everyone(200)),
    ]
    checks += [Check("statistics_csv", reverse("statistics_csv", args=[name]), everyone(200)) for name in FIGURES]
    checks += [Check("sitemap_section", reverse("sitemap_section", args=[name]), everyone(200)) for name in SITEMAPS]
    for name, objects in [("case_detail", case), ("person_detail", person), ("organization_detail", org),
                          ("assembly_detail", assembly)]:  # fmt: skip
        for level, obj in objects.items():
            checks.append(Check(name, reverse(name, args=[obj.slug]), everyone(200 if level == "public" else 404)))
    for level, source in data.levelled["source"].items():
        expected = everyone(200) if level == "public" else staff_only(200, 200, 200, outsiders=404)
        checks.append(Check("source_document", reverse("source_document", args=[source.uuid]), expected))
    return checks


def api_checks(data) -> list[Check]:
    checks = [
        Check("api:api-root", reverse("api:api-root"), everyone(200)),
        Check("api:schema", reverse("api:schema"), everyone(200)),
        Check("api:docs", reverse("api:docs"), everyone(200)),
        Check("api:status", reverse("api:status"), everyone(200)),
        Check("api:deleted-list", reverse("api:deleted-list"), everyone(200)),
    ]
    for name, objects in data.levelled.items():
        checks.append(Check(f"api:{name}-list", reverse(f"api:{name}-list"), everyone(200)))
        checks.append(Check(f"api:{name}-list", reverse(f"api:{name}-list") + "?format=csv", everyone(200)))
        for level, obj in objects.items():
            url = reverse(f"api:{name}-detail", args=[obj.uuid])
            expected = {"public": everyone(200), "internal": everyone(404)}.get(level) or {
                **everyone(404),
                "partner key": 200,
            }
            checks.append(Check(f"api:{name}-detail", url, expected))
    for name, slug in data.slugged.items():
        checks.append(Check(f"api:{name}-list", reverse(f"api:{name}-list"), everyone(200)))
        checks.append(Check(f"api:{name}-detail", reverse(f"api:{name}-detail", args=[slug]), everyone(200)))
    return checks


def admin_site_checks(data) -> list[Check]:
    case = data.record.case
    ct = ContentType.objects.get_for_model(Case)
    autocomplete = "?term=Ma&app_label=cases&model_name=charge&field_name=defendant"
    return [
        Check("admin:index", reverse("admin:index"), staff_only(200, 200, 200)),
        Check("admin:login", reverse("admin:login"), {**everyone(200), **staff_only(302, 302, 302, outsiders=200)}),
        Check("admin:logout", reverse("admin:logout"), staff_only(405, 405, 405)),
        Check("admin:password_change", reverse("admin:password_change"), staff_only(200, 200, 200)),
        Check("admin:password_change_done", reverse("admin:password_change_done"), staff_only(200, 200, 200)),
        Check("admin:autocomplete", reverse("admin:autocomplete") + autocomplete, staff_only(200, 200, 200)),
        Check("admin:jsi18n", reverse("admin:jsi18n"), staff_only(200, 200, 200)),
        Check("admin:view_on_site", reverse("admin:view_on_site", args=[ct.pk, case.pk]), staff_only(302, 302, 302)),
        Check("admin:app_list", reverse("admin:app_list", args=["cases"]), staff_only(200, 200, 200)),
        Check("admin:app_list", reverse("admin:app_list", args=["auth"]), staff_only(404, 404, 200)),
        Check("admin:two_factor", reverse("admin:two_factor"), staff_only(302, 302, 302)),
        Check("admin:recently_deleted", reverse("admin:recently_deleted"), staff_only(200, 200, 200)),
        Check("admin:cases_case_draft_update", reverse("admin:cases_case_draft_update"), staff_only(200, 200, 200)),
        Check(
            "admin:auth_user_password_change",
            reverse("admin:auth_user_password_change", args=[data.user.pk]),
            staff_only(403, 403, 200),
        ),  # fmt: skip
        # Nobody reads another account's TOTP secret, not even a superuser.
        Check(
            "admin:otp_totp_totpdevice_config",
            reverse("admin:otp_totp_totpdevice_config", args=[data.device.pk]),
            staff_only(403, 403, 403),
        ),  # fmt: skip
        Check(
            "admin:otp_totp_totpdevice_qrcode",
            reverse("admin:otp_totp_totpdevice_qrcode", args=[data.device.pk]),
            staff_only(403, 403, 403),
        ),  # fmt: skip
        Check("admin/(?P<url>.*)$", "/admin/no-such-page/", staff_only(404, 404, 404)),
    ]


def all_checks(data) -> list[Check]:
    return admin_site_checks(data) + admin_checks(data) + site_checks(data) + api_checks(data)
