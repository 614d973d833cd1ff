"""The API's JSON, written by orjson: the bytes DRF's ``JSONRenderer`` writes, in a
tenth of the time.

DRF's renderer is ``json.dumps`` (compact separators, non-ASCII as UTF-8) with DRF's
encoder for what JSON has no type for, then U+2028 and U+2029 escaped for JavaScript. A
page of 50 persons took ~250 µs to write that way, ~18 µs here (docs/performance.md,
"The API's JSON written by orjson"). orjson writes strings, numbers, lists, dicts and
uuids itself, and gives dates, times, lazy translations and anything else to DRF's
encoder (``default``), so they read as before. Whatever orjson refuses (a dict key that
is not a string, an integer beyond 64 bits) is written by DRF's renderer, as is an
indented answer (``Accept: application/json; indent=2``) and any setting that changes
DRF's output (``COMPACT_JSON``, ``UNICODE_JSON`` off). Two differences remain, both in
floats, and the API has no float field: one that is not a number (NaN, infinity) is
written ``null`` where DRF's strict JSON would fail, and a small one's exponent is
written without a leading zero (``1e-7`` where ``json.dumps`` writes ``1e-07``)."""

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME  # dates and times as DRF's encoder writes them
_LINE_BREAKS = (("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029"))


class FastJSONRenderer(JSONRenderer):
    """``JSONRenderer`` with orjson writing compact, unindented answers."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None or not (api_settings.COMPACT_JSON and api_settings.UNICODE_JSON):
            return super().render(data, accepted_media_type, renderer_context)
        if self.get_indent(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        encoder = self.encoder_class()
        try:
            written = orjson.dumps(data, default=encoder.default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        for line_break, escaped in _LINE_BREAKS:
            if line_break in written:
                written = written.replace(line_break, escaped)
        return written
