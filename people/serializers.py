"""API serializers for persons, organizations and recognitions. Fields are listed
explicitly; protected persons show only their pseudonym and a masked id; confidential
fields (internal notes, contacts, name keys) are never listed."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kazmonitor.api.fields import (
    ApiId,
    ApiModelSerializer,
    ApiUrl,
    OptionalUrlField,
    PartialDate,
    UtcDateTimeField,
    api_url,
)
from kazmonitor.api.tombstones import api_id
from kazmonitor.models import Location, Source, Tag
from people.models import Membership, Organization, Person, Recognition


class Ref(serializers.Serializer):
    """A short reference to another record. The declared fields document it; ``ref``
    builds it directly (references are the hot path of every list)."""

    def to_representation(self, instance):
        return self.ref(instance, self.context)

    def fast_representation(self, context):
        ref = self.ref
        return lambda instance: ref(instance, context)

    def ref(self, instance, context: dict) -> dict:
        raise NotImplementedError


class VisibleRef(Ref):
    """A reference to a documented record, shown only if the reader may see it."""

    def to_representation(self, instance):
        return self.fast_representation(self.context)(instance)

    def fast_representation(self, context):
        ref = self.ref

        def visible_ref(instance):
            if instance.visibility < int(context["level"]):
                return None
            return ref(instance, context)

        return visible_ref


class PersonRef(VisibleRef):
    id = ApiId(lookup=api_id)
    url = ApiUrl("person", lookup=api_id)
    name = serializers.CharField(source="public_name", help_text="The pseudonym for protected persons.")
    name_local = serializers.CharField(source="public_name_local")

    def ref(self, person, context):
        uid = str(api_id(person))
        name, local = person.public_name, person.public_name_local
        return {"id": uid, "url": api_url(context, "person", uid), "name": name, "name_local": local}


class OrganizationRef(VisibleRef):
    id = ApiId()
    url = ApiUrl("organization")
    name = serializers.CharField()
    abbreviation = serializers.CharField()
    kind = serializers.ChoiceField(choices=Organization.Kind.choices)

    def ref(self, org, context):
        uid = str(org.uuid)
        return {
            "id": uid,
            "url": api_url(context, "organization", uid),
            "name": org.name,
            "abbreviation": org.abbreviation,
            "kind": org.kind,
        }


class LocationRef(Ref):
    id = serializers.SlugField(source="slug")
    url = ApiUrl("location", lookup=lambda obj: obj.slug)
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Location.Kind.choices)

    def ref(self, place, context):
        return {
            "id": place.slug,
            "url": api_url(context, "location", place.slug),
            "name": place.name,
            "kind": place.kind,
        }


class TagRef(Ref):
    id = serializers.SlugField(source="slug")
    name = serializers.CharField()

    def ref(self, tag, context):
        return {"id": tag.slug, "name": tag.name}


class SourceRef(Ref):
    id = ApiId()
    url = ApiUrl("source")
    title = serializers.CharField()
    link = OptionalUrlField(source="url", help_text="Web address of the source.")

    def ref(self, source, context):
        uid = str(source.uuid)
        return {"id": uid, "url": api_url(context, "source", uid), "title": source.title, "link": source.url or None}


class SourceSerializer(ApiModelSerializer):
    id = ApiId()
    url = ApiUrl("source")
    link = OptionalUrlField(source="url", help_text="Web address of the source.")
    archived_link = OptionalUrlField(source="archived_url")
    published_on = PartialDate("published_on")
    has_document = serializers.SerializerMethodField(help_text="An uploaded copy exists (ask the publisher).")

    class Meta:
        model = Source
        fields = ["id", "url", "title", "link", "publisher", "kind", "published_on", "archived_link", "has_document"]
        fields += ["created_at", "updated_at"]

    def get_has_document(self, obj) -> bool:
        return bool(obj.document)


class TagSerializer(ApiModelSerializer):
    id = serializers.SlugField(source="slug")
    url = ApiUrl("tag", lookup=lambda obj: obj.slug)

    class Meta:
        model = Tag
        fields = ["id", "url", "name", "created_at", "updated_at"]


class LocationSerializer(ApiModelSerializer):
    id = serializers.SlugField(source="slug")
    url = ApiUrl("location", lookup=lambda obj: obj.slug)
    parent = LocationRef(allow_null=True)

    class Meta:
        model = Location
        fields = ["id", "url", "name", "name_local", "kind", "parent", "created_at", "updated_at"]


class PersonSerializer(ApiModelSerializer):
    id = ApiId(lookup=api_id)
    url = ApiUrl("person", lookup=api_id)
    slug = serializers.SerializerMethodField(help_text="Null for protected persons.")
    name = serializers.CharField(source="public_name", help_text="The pseudonym for protected persons.")
    name_latin = serializers.SerializerMethodField()
    name_local = serializers.CharField(source="public_name_local")
    pseudonymous = serializers.BooleanField(source="identity_protected", help_text="The name is a pseudonym.")
    aliases = serializers.SerializerMethodField()
    roles = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    location = LocationRef(allow_null=True)
    created_at = UtcDateTimeField(
        source="public_created_at", read_only=True, help_text="For protected persons: when protection began."
    )

    class Meta:
        model = Person
        fields = ["id", "url", "slug", "name", "name_latin", "name_local", "pseudonymous", "aliases", "roles"]
        fields += ["gender", "birth_year", "location", "language", "biography", "created_at", "updated_at"]

    def get_slug(self, obj) -> str | None:
        return None if obj.identity_protected else obj.slug

    def get_name_latin(self, obj) -> str:
        return obj.public_name if obj.identity_protected else obj.name_latin

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_aliases(self, obj) -> list[str]:
        if obj.identity_protected:
            return []
        names = obj.__dict__.get("alias_names")  # a list page's (people.api.load_alias_names)
        return list(names) if names is not None else [alias.name for alias in obj.aliases.all()]


class MembershipSerializer(ApiModelSerializer):
    id = ApiId()
    organization = OrganizationRef()
    since = PartialDate("since")
    until = PartialDate("until")

    class Meta:
        model = Membership
        fields = ["id", "organization", "role", "since", "until"]


class PersonDetailSerializer(PersonSerializer):
    memberships = MembershipSerializer(source="visible_memberships", many=True)
    sources = SourceRef(source="visible_sources", many=True)

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "memberships", "sources"]


class OrganizationSerializer(ApiModelSerializer):
    id = ApiId()
    url = ApiUrl("organization")
    banned_on = PartialDate("banned_on")
    banned_by = OrganizationRef(allow_null=True)
    location = LocationRef(allow_null=True)

    class Meta:
        model = Organization
        fields = ["id", "url", "slug", "name", "name_local", "abbreviation", "kind", "legal_status", "banned_on"]
        fields += ["banned_by", "location", "website", "language", "description", "created_at", "updated_at"]


class OrganizationDetailSerializer(OrganizationSerializer):
    sources = SourceRef(source="visible_sources", many=True)

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "sources"]


class RecognitionSerializer(ApiModelSerializer):
    id = ApiId()
    url = ApiUrl("recognition")
    person = PersonRef()
    recognised_by = OrganizationRef()
    since = PartialDate("since")
    until = PartialDate("until")
    current = serializers.SerializerMethodField(help_text="The recognition stands today.")
    sources = SourceRef(source="visible_sources", many=True)

    class Meta:
        model = Recognition
        fields = ["id", "url", "person", "recognised_by", "since", "until", "current", "certainty", "note"]
        fields += ["sources", "created_at", "updated_at"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_current(self, obj) -> bool:
        from django.utils import timezone

        today = timezone.localdate()
        return obj.since <= today and (obj.until is None or obj.until >= today)
