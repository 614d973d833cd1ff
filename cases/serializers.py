"""API serializers for cases and the facts documented on them. Lists stay light and
link to details; a case's detail carries its visible facts and derived timeline.

Nested facts read the ``visible_*`` attributes prefetched by ``cases.facts`` (or by
the viewsets), never the raw related managers, so nothing below the reader's level
is serialized. Fields are listed explicitly; internal notes never are."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.facts import case_timeline
from cases.models import Assembly, Case, Charge, Detention, Event, Extension, Facility, LegalArticle, Sentence
from kazmonitor.api.fields import ApiId, ApiModelSerializer, ApiSerializer, ApiUrl, ContextFree, PartialDate, api_url
from people.serializers import LocationRef, OrganizationRef, PersonRef, Ref, SourceRef, TagRef, VisibleRef

FREEDOMS = {"affects_expression": "expression", "affects_association": "association", "affects_assembly": "assembly"}


class CaseRef(VisibleRef):
    id = ApiId()
    url = ApiUrl("case")
    title = serializers.CharField()

    def ref(self, case, context):
        uid = str(case.uuid)
        return {"id": uid, "url": api_url(context, "case", uid), "title": case.title}


_HELD_ON = PartialDate("held_on")


class AssemblyRef(VisibleRef):
    id = ApiId()
    url = ApiUrl("assembly")
    title = serializers.CharField()
    held_on = PartialDate("held_on")

    def ref(self, assembly, context):
        uid = str(assembly.uuid)
        held = _HELD_ON.to_representation(assembly)
        return {"id": uid, "url": api_url(context, "assembly", uid), "title": assembly.title, "held_on": held}


class ArticleRef(Ref):
    id = serializers.SlugField(source="slug")
    url = ApiUrl("article", lookup=lambda obj: obj.slug)
    code = serializers.CharField(source="code.short_name", help_text="e.g. CC (Criminal Code), CAO.")
    number = serializers.CharField()
    part = serializers.CharField()
    label = serializers.CharField(help_text='"274.4" for article 274 part 4.')
    title = serializers.CharField()

    def ref(self, article, context):
        return {
            "id": article.slug,
            "url": api_url(context, "article", article.slug),
            "code": article.code.short_name,
            "number": article.number,
            "part": article.part,
            "label": article.label,
            "title": article.title,
        }


class FacilitySerializer(ApiModelSerializer):
    location = LocationRef(allow_null=True)

    class Meta:
        model = Facility
        fields = ["name", "kind", "location"]


class ExtensionSerializer(ApiModelSerializer):
    decided_on = PartialDate("decided_on")
    extended_until = serializers.DateField()
    court = OrganizationRef(allow_null=True)

    class Meta:
        model = Extension
        fields = ["decided_on", "extended_until", "court"]


class FreedomsField(ContextFree, serializers.ListField):
    child = serializers.ChoiceField(choices=list(FREEDOMS.values()))

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        return [name for attr, name in FREEDOMS.items() if getattr(instance, attr)]


class CaseSerializer(ApiModelSerializer):
    id = ApiId()
    url = ApiUrl("case")
    freedoms = FreedomsField(help_text="Freedoms affected.")
    tags = TagRef(many=True)
    location = LocationRef(allow_null=True)
    court = OrganizationRef(allow_null=True)
    opened_on = PartialDate("opened_on")

    class Meta:
        model = Case
        fields = ["id", "url", "slug", "title", "title_en", "title_ru", "title_kk", "language", "kind", "status"]
        fields += ["freedoms", "tags", "location", "court", "case_number", "opened_on", "summary"]
        fields += ["created_at", "updated_at"]


class ParticipantSerializer(ApiSerializer):
    person = PersonRef()
    role = serializers.CharField()
    note = serializers.CharField()


class ChargeSerializer(ApiModelSerializer):
    id = ApiId()
    url = ApiUrl("charge")
    case = CaseRef()
    defendant = PersonRef()
    article = ArticleRef()
    filed_on = PartialDate("filed_on")
    sources = SourceRef(source="visible_sources", many=True)

    class Meta:
        model = Charge
        fields = ["id", "url", "case", "defendant", "article", "filed_on", "status", "certainty", "description"]
        fields += ["sources", "created_at", "updated_at"]


class SentenceSerializer(ApiModelSerializer):
    id = ApiId()
    url = ApiUrl("sentence")
    case = CaseRef()
    defendant = PersonRef()
    sentenced_on = PartialDate("sentenced_on")
    court = OrganizationRef(allow_null=True)
    replaces = serializers.SerializerMethodField(help_text="Id of the earlier sentence this one replaces.")
    sources = SourceRef(source="visible_sources", many=True)

    class Meta:
        model = Sentence
        fields = ["id", "url", "case", "defendant", "kind", "term", "term_unit", "fine_amount", "fine_unit"]
        fields += ["sentenced_on", "court", "replaces", "certainty", "description", "sources"]
        fields += ["created_at", "updated_at"]

    def get_replaces(self, obj) -> str | None:
        if obj.replaces_id is None:
            return None
        known = self.context.get("sentence_ids")
        if known is not None:
            return known.get(obj.replaces_id)
        earlier = obj.replaces
        same = earlier.case_id == obj.case_id and earlier.defendant_id == obj.defendant_id
        return str(earlier.uuid) if same and earlier.visibility >= int(self.context["level"]) else None


class DetentionSerializer(ApiModelSerializer):
    id = ApiId()
    url = ApiUrl("detention")
    person = PersonRef()
    case = CaseRef(allow_null=True)
    assembly = AssemblyRef(allow_null=True)
    started_on = PartialDate("started_on")
    ended_on = PartialDate("ended_on", help_text="Null while the person is held.")
    facility = FacilitySerializer(allow_null=True)
    authority = OrganizationRef(allow_null=True)
    extensions = ExtensionSerializer(source="visible_extensions", many=True)
    sources = SourceRef(source="visible_sources", many=True)

    class Meta:
        model = Detention
        fields = ["id", "url", "person", "case", "assembly", "kind", "started_on", "ended_on", "facility"]
        fields += ["authority", "release_reason", "ill_treatment_alleged", "certainty", "description"]
        fields += ["extensions", "sources", "created_at", "updated_at"]


class EventSerializer(ApiModelSerializer):
    id = ApiId()
    url = ApiUrl("event")
    case = CaseRef()
    person = PersonRef(allow_null=True)
    occurred_on = PartialDate("occurred_on")
    sources = SourceRef(source="visible_sources", many=True)

    class Meta:
        model = Event
        fields = ["id", "url", "case", "person", "kind", "occurred_on", "description", "certainty", "sources"]
        fields += ["created_at", "updated_at"]


class TimelineEntrySerializer(ApiSerializer):
    date = PartialDate("date", precision_attr="precision", allow_null=False)
    kind = serializers.CharField(help_text="charge, detention, extension, release, sentence, or an event kind.")
    text = serializers.CharField()
    certainty = serializers.CharField()
    sources = SourceRef(many=True)


def _without(fields: list[str], *names: str) -> list[str]:
    return [name for name in fields if name not in names]


class CaseChargeSerializer(ChargeSerializer):
    class Meta(ChargeSerializer.Meta):
        fields = _without(ChargeSerializer.Meta.fields, "case")


class CaseSentenceSerializer(SentenceSerializer):
    class Meta(SentenceSerializer.Meta):
        fields = _without(SentenceSerializer.Meta.fields, "case")


class CaseDetentionSerializer(DetentionSerializer):
    class Meta(DetentionSerializer.Meta):
        fields = _without(DetentionSerializer.Meta.fields, "case")


class CaseEventSerializer(EventSerializer):
    class Meta(EventSerializer.Meta):
        fields = _without(EventSerializer.Meta.fields, "case")


class CaseDetailSerializer(CaseSerializer):
    """A case with everything a partner needs, without a second call."""

    participants = serializers.SerializerMethodField()
    charges = CaseChargeSerializer(source="visible_charges", many=True)
    sentences = serializers.SerializerMethodField()
    detentions = CaseDetentionSerializer(source="visible_detentions", many=True)
    events = CaseEventSerializer(source="visible_events", many=True)
    timeline = serializers.SerializerMethodField(help_text="Derived from the charges, detentions and events.")
    sources = SourceRef(source="visible_sources", many=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "participants", "charges", "sentences", "detentions", "events"]
        fields += ["timeline", "sources"]

    @extend_schema_field(ParticipantSerializer(many=True))
    def get_participants(self, case):
        # Ordered by the name shown, never by a protected person's real name.
        rows = sorted(case.visible_participants, key=lambda p: (p.role, p.person.public_name.casefold(), p.pk))
        return ParticipantSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(CaseSentenceSerializer(many=True))
    def get_sentences(self, case):
        known = {s.pk: str(s.uuid) for s in case.visible_sentences}
        context = {**self.context, "sentence_ids": known}
        return CaseSentenceSerializer(case.visible_sentences, many=True, context=context).data

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, case):
        entries = case_timeline(case, self.context["level"])
        return TimelineEntrySerializer(entries, many=True, context=self.context).data


class AssemblySerializer(ApiModelSerializer):
    id = ApiId()
    url = ApiUrl("assembly")
    held_on = PartialDate("held_on")
    location = LocationRef(allow_null=True)
    organizers = OrganizationRef(source="visible_organizers", many=True)
    tags = TagRef(many=True)
    sources = SourceRef(source="visible_sources", many=True)

    class Meta:
        model = Assembly
        fields = ["id", "url", "slug", "title", "title_en", "title_ru", "title_kk", "language", "held_on"]
        fields += ["location", "place", "topic", "organizers", "permission", "outcome", "participants_estimate"]
        fields += ["detained_count", "summary", "tags", "sources", "created_at", "updated_at"]


class AssemblyDetentionSerializer(ApiSerializer):
    id = ApiId()
    url = ApiUrl("detention")
    person = PersonRef()
    kind = serializers.ChoiceField(choices=Detention.Kind.choices)
    started_on = PartialDate("started_on")
    ended_on = PartialDate("ended_on")


class AssemblyDetailSerializer(AssemblySerializer):
    detentions = AssemblyDetentionSerializer(source="visible_detentions", many=True)

    class Meta(AssemblySerializer.Meta):
        fields = [*AssemblySerializer.Meta.fields, "detentions"]


class ArticleSerializer(ApiModelSerializer):
    id = serializers.SlugField(source="slug")
    url = ApiUrl("article", lookup=lambda obj: obj.slug)
    code = serializers.CharField(source="code.short_name", help_text="e.g. CC (Criminal Code), CAO.")
    code_name = serializers.CharField(source="code.name")
    country = serializers.CharField(source="code.country")
    label = serializers.CharField(help_text='"274.4" for article 274 part 4.')

    class Meta:
        model = LegalArticle
        fields = ["id", "url", "code", "code_name", "country", "number", "part", "label", "language", "title"]
        fields += ["title_en", "title_ru", "title_kk", "text", "text_en", "text_ru", "text_kk"]
