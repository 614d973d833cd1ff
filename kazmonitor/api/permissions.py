"""The API is read-only for everyone: what a reader sees is decided by the querysets
(``visible_to(level)``), and every write method answers 405 Method Not Allowed."""

from rest_framework import exceptions, permissions


class ReadOnlyApi(permissions.BasePermission):
    def has_permission(self, request, view):
        if request.method not in permissions.SAFE_METHODS:
            raise exceptions.MethodNotAllowed(request.method)
        return True
