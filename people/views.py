"""Public lists of persons, organizations and political prisoners. Pages that
gather a person's or an organization's cases live in ``cases.profile_views``
(``cases`` depends on ``people``, never the other way)."""

from django import forms
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from kazmonitor.public_views import PAGE_SIZE, PUBLIC

from .models import Organization, Person, Recognition, Role, public_name_order


def current_recognitions():
    """Recognitions standing today, by a published recognising body."""
    return Recognition.objects.visible_to(PUBLIC).current().filter(recognised_by__visibility__gte=PUBLIC)


def political_prisoners():
    return Person.objects.visible_to(PUBLIC).filter(pk__in=current_recognitions().values("person"))


def by_public_name(persons):
    """Order by the name the public sees, so a pseudonym's place in a list says
    nothing about the real name behind it."""
    return persons.annotate(public_sort=public_name_order()).order_by("public_sort", "pk")


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=200)
    role = forms.ModelChoiceField(
        Role.objects.all(), label=_("Role"), required=False, to_field_name="slug", empty_label=_("any")
    )


class PersonListView(ListView):
    template_name = "people/person_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.form = PersonFilterForm(self.request.GET or None)
        self.form.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        persons = Person.objects.visible_to(PUBLIC).select_related("location").prefetch_related("roles")
        if text := data.get("q"):
            persons = persons.search(text)
        if role := data.get("role"):
            persons = persons.filter(roles=role)
        return by_public_name(persons)

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, **kwargs)


class PoliticalPrisonerListView(ListView):
    """Everyone recognised as a political prisoner today: since when and by whom."""

    template_name = "people/political_prisoner_list.html"

    def get_queryset(self):
        recognitions = current_recognitions().select_related("recognised_by").order_by("since", "pk")
        return by_public_name(
            political_prisoners()
            .select_related("location")
            .prefetch_related(Prefetch("recognitions", queryset=recognitions, to_attr="current_recognitions"))
        )


class OrganizationFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("any")), *Organization.Kind.choices]


class OrganizationListView(ListView):
    template_name = "people/organization_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.form = OrganizationFilterForm(self.request.GET or None)
        self.form.is_valid()
        organizations = Organization.objects.visible_to(PUBLIC).select_related("location").order_by("name", "pk")
        if kind := getattr(self.form, "cleaned_data", {}).get("kind"):
            organizations = organizations.filter(kind=kind)
        return organizations

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, **kwargs)
