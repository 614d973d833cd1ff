"""Errors as JSON with a message, never a 500 for bad input.

A hidden record and a missing one give the same plain 404. Django's own
``ValidationError`` (a value the database layer refuses) becomes a 400."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    response = exception_handler(exc, context)
    if response is not None and response.status_code == 404:
        response.data = {"detail": "Not found."}
    return response
