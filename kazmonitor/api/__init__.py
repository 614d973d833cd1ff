"""The shared machinery of the read-only partner API: reader level, keyset
pagination, CSV streaming, rate limits, tombstones and error handling.

Nothing here imports ``people`` or ``cases`` at import time; those apps build their
serializers and viewsets on top of it."""
