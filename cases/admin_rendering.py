"""Admin forms rendered without a template per widget.

Django draws every widget, option, label and (empty) error list of a form through a
template: on a case page with ten rows of each fact that is some 5,000 template renders
and most of the page's time. ``FastFormRenderer`` writes the HTML of Django's own
templates for the plain widgets in Python, character for character, and renders every
other template as Django does. ``StackedFieldset`` does the same for nested_admin's
stacked-inline fieldset. Besides: autocompletes with nothing selected build no query,
related-object links are reversed once per page, an inline's media is read from its
first row and its blank "add another" row is built once.

``tests/test_admin_scale_forms.py`` holds whole change pages (with and without errors,
for editors and researchers) to Django's own drawing, byte for byte. On a Django or
nested_admin upgrade: if that test fails, the quickest safe repair is to drop the
template it names from ``FAST`` (or ``fieldset_template`` from the inline mixin); it is
then drawn by its template."""

import functools

from django.contrib.admin.widgets import AutocompleteMixin, RelatedFieldWidgetWrapper
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms.renderers import DjangoTemplates
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext
from nested_admin.nested import NestedInlineAdminFormset


def _text(value) -> str:
    """``{{ value }}`` in a template with autoescape on."""
    return conditional_escape(localize(template_localtime(value)))  # as the template engine does


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: escaped unless the value was marked safe."""
    text = f"{value!s}"
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html and django/forms/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_text(name)}")
        else:
            parts.append(f' {_text(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(context) -> str:
    widget = context["widget"]
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _option(option) -> str:
    value = _formatted(option["value"])
    return f'<option value="{value}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>'


def _select(context) -> str:
    widget = context["widget"]
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                raise _Unknown
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(context) -> str:
    widget = context["widget"]
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _admin_date(context) -> str:
    return f'<p class="date">\n  {_input(context)}\n\n\n</p>'


def _label(context) -> str:
    if not context["use_tag"]:
        return _text(context["label"])
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_text(context['label'])}</{tag}>"


def _error_list(context) -> str:
    if context["errors"]:
        raise _Unknown  # errors are few: Django's template draws them
    return ""


def _related_wrapper(context) -> str:
    name = _text(context["name"])
    model = _text(context["model"])
    url_params = _text(context["url_params"])
    links = []
    if not context["is_hidden"]:
        if context["can_change_related"]:
            links.append(
                f'<a class="related-widget-wrapper-link change-related" id="change_id_{name}"\n'
                f'            data-href-template="{_text(context["change_related_template_url"])}?{url_params}"\n'
                f'            data-popup="yes"\n'
                f'            title="{_translated("Change selected %(model)s", model)}">'
                f'<img src="{_static("admin/img/icon-changelink.svg")}" alt="" width="24" height="24"></a>'
            )
        if context["can_add_related"]:
            links.append(
                f'<a class="related-widget-wrapper-link add-related" id="add_id_{name}"\n'
                f'            data-popup="yes"\n'
                f'            href="{_text(context["add_related_url"])}?{url_params}"\n'
                f'            title="{_translated("Add another %(model)s", model)}">'
                f'<img src="{_static("admin/img/icon-addlink.svg")}" alt="" width="24" height="24"></a>'
            )
        if context["can_delete_related"]:
            links.append(
                f'<a class="related-widget-wrapper-link delete-related" id="delete_id_{name}"\n'
                f'            data-href-template="{_text(context["delete_related_template_url"])}?{url_params}"\n'
                f'            data-popup="yes"\n'
                f'            title="{_translated("Delete selected %(model)s", model)}">'
                f'<img src="{_static("admin/img/icon-deletelink.svg")}" alt="" width="24" height="24"></a>'
            )
        if context["can_view_related"]:
            links.append(
                f'<a class="related-widget-wrapper-link view-related" id="view_id_{name}"\n'
                f'             data-href-template="{_text(context["change_related_template_url"])}?'
                f'{_text(context["view_related_url_params"])}"\n'
                f'             title="{_translated("View selected %(model)s", model)}">'
                f'<img src="{_static("admin/img/icon-viewlink.svg")}" alt="" width="24" height="24"></a>'
            )
    reference = "" if context["model_has_limit_choices_to"] else f'data-model-ref="{_text(context["model_name"])}"'
    return (
        f'<div class="related-widget-wrapper" {reference}>\n    {_text(context["rendered_widget"])}\n    \n'
        f"        {''.join(links)}\n    \n</div>"
    )


def _translated(message: str, model: str) -> str:
    # {% blocktranslate %}…{{ model }}…{% endblocktranslate %}: the variable escaped, the text not.
    return gettext(message) % {"model": model}


@functools.cache
def _static(path: str) -> str:
    return conditional_escape(static(path))


def _url(name: str, current_app: str, args: tuple = ()) -> str:
    """``reverse()``, remembered for the URL configuration, script prefix and language
    it was reversed under (a page reverses the same few admin URLs hundreds of times)."""
    return _reversed(name, current_app, args, get_urlconf(), get_script_prefix(), get_language())


@functools.cache
def _reversed(name, current_app, args, urlconf, prefix, language):
    return reverse(name, current_app=current_app, args=args)


@receiver(setting_changed)
def _forget_urls(*, setting, **kwargs):
    if setting in {"STATIC_URL", "STORAGES", "ROOT_URLCONF", "FORCE_SCRIPT_NAME", "LANGUAGE_CODE", "LANGUAGES"}:
        _static.cache_clear()
        _reversed.cache_clear()


class _Unknown(Exception):
    """Something the Python drawing does not know: the template draws it."""


FAST = {
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/text.html": _input,
    "django/forms/widgets/number.html": _input,
    "django/forms/widgets/email.html": _input,
    "django/forms/widgets/url.html": _input,
    "django/forms/widgets/date.html": _input,
    "django/forms/widgets/hidden.html": _input,
    "django/forms/widgets/checkbox.html": _input,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
    "admin/widgets/date.html": _admin_date,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _error_list,
    "django/forms/errors/list/ul.html": _error_list,
    "admin/widgets/related_widget_wrapper.html": _related_wrapper,
}


class FastFormRenderer(DjangoTemplates):
    """Django's default form renderer, with the templates in ``FAST`` drawn in Python."""

    fast = FAST

    def render(self, template_name, context, request=None):
        draw = self.fast.get(template_name)
        if draw is not None:
            try:
                return SafeString(draw(context).strip())
            except _Unknown:
                pass
        return super().render(template_name, context, request)


def _bound(field, name: str):
    """``field.field.<name>`` as a template reads it: a BoundField's attribute, or a
    key of the dict a read-only field stands in with ("" when missing)."""
    target = field.field
    if isinstance(target, dict):
        return target.get(name, "")
    return getattr(target, name)


class StackedFieldset:
    """nested_admin's ``nesting/admin/includes/inline.html`` (Django 5+ branch) written
    in Python: the fieldset of a stacked inline row. Set as the inline's
    ``fieldset_template``; ``{% include %}`` calls ``render(context)`` on it."""

    def render(self, context) -> SafeString:
        fieldset = context["fieldset"]
        inline_admin_form = context["inline_admin_form"]
        level = _text(context.get("heading_level") or 2)
        outer = context.get("forloop") or {}
        last_fieldset = bool(outer.get("last"))
        out = [f'\n<fieldset class="module aligned djn-module {_text(fieldset.classes)}']
        if getattr(inline_admin_form.form, "inlines", None):
            out.append(" has-inlines")
        out.append('">\n    ')
        if fieldset.name:
            collapsible = fieldset.is_collapsible
            out.append("\n        " + ("<details><summary>" if collapsible else ""))
            out.append(f'\n        <h{level} class="fieldset-heading">{_text(fieldset.name)}</h{level}>\n        ')
            out.append(("</summary>" if collapsible else "") + "\n    ")
        out.append("\n    ")
        if fieldset.description:
            out.append(f'\n        <div class="description">{fieldset.description}</div>\n    ')
        out.append("\n    ")
        lines = list(fieldset)
        for number, line in enumerate(lines, 1):
            single = len(line.fields) == 1
            line_errors = line.errors() if single else ""
            fields = list(line)
            out.append('\n        <div class="form-row')
            if single and line_errors:
                out.append(" errors")
            if not line.has_visible_field:
                out.append(" hidden")
            for field in fields:
                name = _bound(field, "name")
                if name:
                    out.append(f" field-{_text(name)}")
            if number == len(lines) and last_fieldset:
                out.append(" djn-form-row-last")
            out.append('">\n            ')
            out.append(_text(line_errors) if single else '<div class="flex-container form-multiline">')
            out.append("\n            ")
            for field in fields:
                out.append(self._field(field, single))
            out.append("\n            " + ("" if single else "</div>") + "\n        </div>\n    ")
        out.append("\n    " + ("</details>" if fieldset.name and fieldset.is_collapsible else "") + "\n</fieldset>\n")
        return SafeString("".join(out))

    @staticmethod
    def _field(field, single: bool) -> str:
        errors = "" if field.is_readonly else field.errors()
        out = ["\n                <div>\n                    "]
        if not single and not field.is_readonly:
            out.append(_text(errors))
        out.append('\n                    \n                    <div class="flex-container')
        if not single:
            out.append(" fieldBox")
            name = _bound(field, "name")
            if name:
                out.append(f" field-{_text(name)}")
            if not field.is_readonly and errors:
                out.append(" errors")
            if _bound(field, "is_hidden"):
                out.append(" hidden")
        if field.is_checkbox:
            out.append(" checkbox-row")
        out.append('">\n                    \n                    ')
        if field.is_checkbox:
            out.append(
                f"\n                        {_text(field.field)}{_text(field.label_tag())}\n                    "
            )
        else:
            out.append(f"\n                        {_text(field.label_tag())}\n                        ")
            if field.is_readonly:
                out.append(f"\n                            <p>{_text(field.contents())}</p>\n                        ")
            else:
                out.append(f"\n                            {_text(field.field)}\n                        ")
            out.append("\n                    ")
        out.append("\n                    </div>\n                    ")
        help_text = _bound(field, "help_text")
        if help_text:
            out.append('\n                        <div class="help')
            if _bound(field, "is_hidden"):
                out.append(" hidden")
            out.append('"')
            id_for_label = _bound(field, "id_for_label")
            if id_for_label:
                out.append(f' id="{_text(id_for_label)}_helptext"')
            out.append(f">\n                            \n                            <div>{help_text}</div>\n")
            out.append("                            \n                        </div>\n                    ")
        out.append("\n                </div>\n            ")
        return "".join(out)


class RendererPassingWrapper(RelatedFieldWidgetWrapper):
    """Django's wrapper (add, change, delete, view links) drawing the widget it wraps
    with the form's renderer (Django's draws it with the default renderer), and
    reversing each link's URL once per model, not once per row."""

    def get_related_url(self, info, action, *args):
        return _url("admin:{}_{}_{}".format(*info, action), self.admin_site.name, args)

    def render(self, name, value, attrs=None, renderer=None):
        if renderer is not None:
            widget = self.widget
            widget.render = lambda *args, **kwargs: type(widget).render(widget, *args, renderer=renderer, **kwargs)
        try:
            return super().render(name, value, attrs, renderer)
        finally:
            self.widget.__dict__.pop("render", None)


class QuietAutocompleteMixin:
    """An autocomplete widget that builds no query for a field with nothing selected
    (Django's builds one and finds it empty: an empty row, a blank person field), and
    reverses its data URL once."""

    def optgroups(self, name, value, attr=None):
        if any(str(v) not in self.choices.field.empty_values for v in value):
            return super().optgroups(name, value, attr)
        default = (None, [], 0)  # what AutocompleteMixin.optgroups returns for no selection
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        return [default]

    def get_url(self):
        return _url(self.url_name % self.admin_site.name, self.admin_site.name)


@functools.cache
def _quiet(widget_class: type) -> type:
    return type(widget_class.__name__, (QuietAutocompleteMixin, widget_class), {})


class OneEmptyFormMixin:
    """A formset whose blank template row ("add another") is built once per page;
    Django builds it again each time it is asked for (a dozen times per inline)."""

    @cached_property
    def empty_form(self):
        return super().empty_form


class FirstRowMediaFormset(NestedInlineAdminFormset):
    """Inline formset helper that reads the rows' scripts and styles from the first row
    (every row has the same widgets) instead of building every row a second time."""

    first_row_only = False

    @property
    def media(self):
        self.first_row_only = True
        try:
            return super().media
        finally:
            self.first_row_only = False

    def __iter__(self):
        for inline_admin_form in super().__iter__():
            yield inline_admin_form
            if self.first_row_only:
                return


renderer = FastFormRenderer()
STACKED_FIELDSET = "nesting/admin/includes/inline.html"


class FastRenderingMixin:
    """For a ModelAdmin or an inline: related-object wrappers pass the renderer on."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if type(widget) is RelatedFieldWidgetWrapper:
            widget.__class__ = RendererPassingWrapper
            widget = widget.widget
        if isinstance(widget, AutocompleteMixin) and not isinstance(widget, QuietAutocompleteMixin):
            widget.__class__ = _quiet(type(widget))
        return formfield


class FastRenderingAdminMixin(FastRenderingMixin):
    """For a ModelAdmin: its form draws with ``FastFormRenderer``, its inlines' media
    come from their first rows."""

    inline_admin_formset_helper_cls = FirstRowMediaFormset

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.default_renderer = renderer
        return form


class FastRenderingInlineMixin(FastRenderingMixin):
    """For an inline: its formset and every form in it draw with ``FastFormRenderer``;
    a stacked inline's rows draw their fieldsets with ``StackedFieldset``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(self, "fieldset_template", None) == STACKED_FIELDSET:
            self.fieldset_template = StackedFieldset()

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("renderer", renderer)
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (OneEmptyFormMixin, formset), {})
