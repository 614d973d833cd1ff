"""Admin for partner API keys: editors create and revoke; the key itself is shown
once, in a message right after it is created, and only its hash is stored.
Researchers have no API-key permissions (``kazmonitor.groups``), so no access."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from people.models import ApiKey
from people.services import api_key_create, api_key_revoke


class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "prefix", "level", "rate_limit", "created_at", "last_used_at", "revoked"]
    list_filter = ["level", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["organization"]
    search_fields = ["name", "prefix", "organization__name"]
    autocomplete_fields = ["organization"]
    actions = ["revoke_keys"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organization", "name", "level", "rate_limit"]
        return ["organization", "name", "level", "rate_limit", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["organization", *self.readonly_fields]

    @admin.display(boolean=True, description="revoked", ordering="revoked_at")
    def revoked(self, obj):
        return obj.revoked_at is not None

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the key's history stays

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key, plain = api_key_create(
            organization=obj.organization,
            name=obj.name,
            level=obj.level,
            rate_limit=obj.rate_limit,
            created_by=request.user,
            instance=obj,
        )
        messages.warning(
            request,
            format_html(
                "The new API key is <code>{}</code>. Copy it now and hand it to the partner securely: "
                "it is shown only this once and cannot be recovered.",
                plain,
            ),
        )

    @admin.action(description="Revoke the selected API keys", permissions=["change"])
    def revoke_keys(self, request, queryset):
        count = 0
        for key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(key=key)
            count += 1
        self.message_user(request, f"Revoked {count} key(s) at {timezone.localtime():%Y-%m-%d %H:%M}.")


admin.site.register(ApiKey, ApiKeyAdmin)
