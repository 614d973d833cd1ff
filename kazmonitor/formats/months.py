"""Month names as they stand after a day number ("15 наурыз 2022 ж.", "15 марта 2022 г."):
Django's alternative month names (``django.utils.dates.MONTHS_ALT``, the ``E`` date
format character), which the Kazakh formats (``kk/formats.py``) use.

Django's own Kazakh catalog capitalises them ("Наурыз"); Kazakh writes month names in
lower case, so our catalogs translate them again: lower case in Kazakh, the genitive
forms of Django's Russian catalog in Russian (our catalog comes first, so it must agree).
This module marks the messages for ``makemessages``; nothing needs to import it."""

from django.utils.translation import pgettext_lazy

MONTHS_ALT = {
    1: pgettext_lazy("alt. month", "January"),
    2: pgettext_lazy("alt. month", "February"),
    3: pgettext_lazy("alt. month", "March"),
    4: pgettext_lazy("alt. month", "April"),
    5: pgettext_lazy("alt. month", "May"),
    6: pgettext_lazy("alt. month", "June"),
    7: pgettext_lazy("alt. month", "July"),
    8: pgettext_lazy("alt. month", "August"),
    9: pgettext_lazy("alt. month", "September"),
    10: pgettext_lazy("alt. month", "October"),
    11: pgettext_lazy("alt. month", "November"),
    12: pgettext_lazy("alt. month", "December"),
}
