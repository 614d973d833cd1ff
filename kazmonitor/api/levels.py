"""Which visibility level an API request reads at."""

from kazmonitor.models import Visibility


def api_level(request) -> Visibility:
    """The level of the request's API key, or ``public`` without one.

    Staff sessions are not an API credential: the API never serves ``internal``."""
    key = getattr(request, "auth", None)
    level = getattr(key, "level", None)
    if level is None:
        return Visibility.PUBLIC
    return Visibility(max(int(level), Visibility.PARTNERS))
