"""The staff page that drafts a monitoring update (``/admin/cases/case/draft-update/``):
choose a period and a visibility level, read the draft, copy or download it as
Markdown or HTML."""

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from kazmonitor.models import Visibility

from .updates import build_update, render_html, render_markdown

LEVELS = [
    ("public", "public: what everyone may read"),
    ("partners", "partners: what partner organisations may read"),
    ("internal", "all records (staff only; never publish as is)"),
]
LONGEST_PERIOD = datetime.timedelta(days=3 * 366)


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last three full months."""
    end = today.replace(day=1) - datetime.timedelta(days=1)
    start = end.replace(day=1)
    for _month in range(2):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return start, end


class DraftUpdateForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Until (inclusive)", widget=forms.DateInput(attrs={"type": "date"}))
    level = forms.ChoiceField(label="Records visible at", choices=LEVELS, initial="public")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("The period ends before it starts.")
            if end - start > LONGEST_PERIOD:
                raise forms.ValidationError("Draft at most three years at a time.")
        return data


def draft_update_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    start, end = default_period(timezone.localdate())
    data = request.GET if "start" in request.GET else None
    form = DraftUpdateForm(data, initial={"start": start, "end": end, "level": "public"})
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Draft a monitoring update",
        "opts": model_admin.model._meta,
        "form": form,
    }
    if form.is_valid():
        level = Visibility.parse(form.cleaned_data["level"])
        update = build_update(form.cleaned_data["start"], form.cleaned_data["end"], level)
        download = request.GET.get("download")
        stem = f"kazmonitor-update-{update.start:%Y-%m-%d}-{update.end:%Y-%m-%d}-{form.cleaned_data['level']}"
        if download == "md":
            response = HttpResponse(render_markdown(update), content_type="text/markdown; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{stem}.md"'
            return response
        if download == "html":
            response = HttpResponse(render_html(update, document=True), content_type="text/html; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{stem}.html"'
            return response
        query = request.GET.copy()
        query.pop("download", None)
        context.update(
            update=update,
            markdown=render_markdown(update),
            body=render_html(update),
            query=query.urlencode(),
        )
    return TemplateResponse(request, "admin/cases/update_draft.html", context)
