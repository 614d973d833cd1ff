"""Read an admin change page the way a browser submits it: every form field's current
value, with every inline (nested ones too) and its management form."""

import datetime


def _value(value):
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def form_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = _value(form[name].value())
        if value is not None:
            data[form.add_prefix(name)] = value
    return data


def formset_data(formset) -> dict:
    data = form_data(formset.management_form)
    for form in formset.forms:
        data.update(form_data(form))
        for nested in getattr(form, "nested_formsets", []):
            data.update(formset_data(nested))
    return data


def page_data(response) -> dict:
    """The POST a browser would send from this change page, unchanged."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        data.update(formset_data(inline.formset))
    return data
