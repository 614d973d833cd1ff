from http import HTTPStatus

from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_cookie

from kazmonitor.admin_site import is_verified
from kazmonitor.models import Source, Visibility
from kazmonitor.uploads import DOCUMENT_TYPES


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers, 503 when it does not. Cheap: one trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=HTTPStatus.SERVICE_UNAVAILABLE)
    return JsonResponse({"status": "ok"})


def _is_verified_staff(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff and is_verified(user)


@require_safe
@vary_on_cookie
def source_document(request, uuid):
    """An uploaded source document: to staff (signed in with their second factor), or to
    anyone when the source is public. Always a download under a neutral name, with a
    content type fixed by what the file was checked to be, and no power to run script."""
    source = get_object_or_404(Source.objects.exclude(document=""), uuid=uuid)
    public = source.visibility >= Visibility.PUBLIC
    if not public and not _is_verified_staff(request.user):
        raise Http404
    extension = source.document.name.rsplit(".", 1)[-1].lower()
    if extension not in DOCUMENT_TYPES:
        extension = "bin"
    try:
        handle = source.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"source-{source.uuid}.{extension}",
        content_type=DOCUMENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
