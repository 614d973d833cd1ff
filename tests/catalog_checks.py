"""Checks of a translation catalog (polib), shared by the tests of our Kazakh catalog
(tests/test_site_kazakh.py) and of the upstream one (tests/test_admin_kazakh.py)."""

import re

import polib

# %(name)s, %(size).1f, %(limit)d, %s, %r, %d (a literal "%%" is not a placeholder).
PYTHON_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def placeholders(text: str, flags: list[str]) -> list[str]:
    found = []
    if "python-format" in flags:
        found += [p for p in PYTHON_PLACEHOLDER.findall(text) if p != "%%"]
    if "brace-format" in flags:
        found += BRACE_PLACEHOLDER.findall(text)
    return sorted(found)


def untranslated(catalog: polib.POFile) -> list[str]:
    """The msgids with an empty translation (or obsolete)."""
    return [entry.msgid for entry in catalog if entry.obsolete or not all(t.strip() for t in translations(entry))]


def broken_markup(catalog: polib.POFile) -> list[tuple[str, str]]:
    """(msgid, translation) where the translation loses or adds a placeholder, an HTML tag
    or a space at either edge. A plural's singular may leave out the number ("one
    case"), so each form is held to the plural msgid."""
    broken = []
    for entry in catalog:
        source = entry.msgid_plural or entry.msgid
        for translation in translations(entry):
            if (
                placeholders(translation, entry.flags) != placeholders(source, entry.flags)
                or sorted(HTML_TAG.findall(translation)) != sorted(HTML_TAG.findall(source))
                or translation[:1].isspace() != entry.msgid[:1].isspace()
                or translation[-1:].isspace() != entry.msgid[-1:].isspace()
            ):
                broken.append((entry.msgid, translation))
    return broken
