"""OpenAPI post-processing: document the error answers every operation can give, so
the schema is accurate for clients (and for the schemathesis run in the tests)."""

ERROR = {
    "type": "object",
    "description": '{"detail": "message"}, or {"parameter": ["message", …]} for invalid parameters.',
    "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
}
ANSWERS = {
    "400": "A parameter is invalid; the body names it.",
    "401": "The API key is unknown, malformed or revoked.",
    "404": "No such record (or not visible at your level), or an unknown ?format.",
    "405": "The API is read-only.",
    "406": "Ask for application/json or text/csv.",
    "429": "Over the rate limit; retry after the Retry-After header's seconds.",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    ref = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ANSWERS.items():
                response = {"description": description, "content": {"application/json": {"schema": ref}}}
                if code == "429":
                    response["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
                responses.setdefault(code, response)
            content = responses.get("200", {}).get("content", {})
            if "application/json" in content:
                content.setdefault("text/csv", {"schema": {"type": "string"}, "description": "?format=csv"})
    return result
