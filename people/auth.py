"""``Authorization: Api-Key <key>`` for the partner API.

No header: the request reads as ``public`` (anonymous). A key that is unknown,
malformed or revoked is a 401 with a message saying which; it never silently falls
back to public, so a partner notices a revoked key at once."""

import hmac

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from people.models import ApiKey
from people.services import api_key_touch, hash_key

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        parts = header.split()
        if parts[0].lower() != KEYWORD.lower():
            raise exceptions.AuthenticationFailed(f"Use the header 'Authorization: {KEYWORD} <your key>'.")
        if len(parts) != 2 or len(parts[1]) > 200 or "\x00" in parts[1]:
            raise exceptions.AuthenticationFailed("Malformed API key header.")
        plain = parts[1]
        hashed = hash_key(plain)
        key = ApiKey.objects.filter(hashed_key=hashed).first()
        if key is None or not hmac.compare_digest(key.hashed_key, hashed):
            raise exceptions.AuthenticationFailed("Invalid API key.")
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        api_key_touch(key=key)
        return (None, key)

    def authenticate_header(self, request):
        return KEYWORD


class ApiKeySchema(OpenApiAuthenticationExtension):
    """Documents the header in the OpenAPI schema (and the docs page's Authorize button)."""

    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f"'{KEYWORD} <your key>'. Without it you read public records at a lower rate limit.",
        }

    def get_security_requirement(self, auto_schema):
        return [{self.name: []}, {}]
