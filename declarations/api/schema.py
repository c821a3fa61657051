"""The OpenAPI schema's adjustments (named in SPECTACULAR_SETTINGS) and the docs page."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularSwaggerSplitView

from .serializers import EXPANDABLE


def csv_as_text(result, generator, request, public):
    """Schema post-processing: a CSV body is text, not the JSON object drf-spectacular
    assumes for every renderer."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                if "text/csv" in content:
                    content["text/csv"] = {"schema": {"type": "string"}}
    return result


def optional_expansions(result, generator, request, public):
    """Schema post-processing: a list row has the expandable collections only on request, so
    they are not required there (drf-spectacular marks every read-only field required)."""
    row = result.get("components", {}).get("schemas", {}).get("InstrumentList", {})
    if "required" in row:
        row["required"] = [name for name in row["required"] if name not in EXPANDABLE]
    return result


# Error answers ---------------------------------------------------------------------------

ERROR_SCHEMAS = {
    "Error": {
        "type": "object",
        "description": "DRF's error body: what went wrong, in words.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "FieldErrors": {
        "type": "object",
        "description": (
            "What is wrong with the request, by field or query parameter: a list of messages "
            "each (a list of such objects for a list of nested items, such as `evidence`), or "
            "`detail` alone when the body is not JSON at all."
        ),
        "additionalProperties": {
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "object"}]}},
                {"type": "object"},
            ]
        },
        "example": {"page_size": ["Give a whole number of results per page, from 1 to 100."]},
    },
    "TooManyRequests": {
        "type": "object",
        "description": (
            "Over the rate limit: `detail` only. Locked out after too many refused tokens: "
            "`code` is `locked_out` and `retry_after` the seconds until the lockout ends "
            "(null when it lasts until an administrator lifts it)."
        ),
        "properties": {
            "detail": {"type": "string"},
            "code": {"type": "string", "enum": ["locked_out"]},
            "retry_after": {"type": "integer", "nullable": True, "minimum": 0},
        },
        "required": ["detail"],
    },
}

ERRORS = {
    "400": ("FieldErrors", "Invalid query parameters or fields, with a message for each."),
    "401": ("Error", "No credentials, or a token that is unknown, revoked or expired."),
    "403": ("Error", "Signed in, but not allowed to do this."),
    "404": (
        "Error",
        "No such object, no such page, or a format (`?format=`) this address does not serve.",
    ),
    "406": ("Error", "None of the formats the Accept header names is served here."),
    "415": ("Error", "The body is not JSON (`Content-Type: application/json`)."),
    "429": ("TooManyRequests", "Too many requests, or locked out after refused tokens."),
}

RETRY_AFTER = {
    "description": "Seconds until a request may succeed again.",
    "schema": {"type": "integer", "minimum": 1},
}
WWW_AUTHENTICATE = {"description": "How to authenticate.", "schema": {"type": "string"}}


def error_responses(result, generator, request, public):
    """Schema post-processing: document on every operation the errors any of them can give,
    each with its body: 400 where there are parameters or a body to be wrong, 401, 403, 404,
    406 and 429 everywhere, 415 where a body is sent. A description the view already gave
    (the write's 403) is kept; only the body is added."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(ERROR_SCHEMAS)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            codes = set(ERRORS) - {"400", "415"}
            query = any(p.get("in") == "query" for p in operation.get("parameters", []))
            if query or "requestBody" in operation:
                codes.add("400")
            if "requestBody" in operation:
                codes.add("415")
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                name, description = ERRORS[code]
                response = responses.setdefault(code, {"description": description})
                response["content"] = {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                }
                if code == "429":
                    response["headers"] = {"Retry-After": RETRY_AFTER}
                if code == "401":
                    response["headers"] = {"WWW-Authenticate": WWW_AUTHENTICATE}
            operation["responses"] = dict(sorted(responses.items()))
    return result


# Links between operations (OpenAPI `links`), which stateful testing follows: from a list to
# the detail of its first row, from a recorded entry to the entry and its instrument.
LINKS = {
    ("/api/v1/declarations/", "get", "200"): {
        "declaration": ("declarations_retrieve", {"slug": "$response.body#/results/0/slug"}),
        "akoma_ntoso": ("declarations_akoma_ntoso", {"slug": "$response.body#/results/0/slug"}),
        "feed": ("feeds_declarations_retrieve", {"slug": "$response.body#/results/0/slug"}),
    },
    ("/api/v1/clauses/", "get", "200"): {
        "clause": (
            "clauses_retrieve",
            {
                "declaration": "$response.body#/results/0/declaration",
                "anchor": "$response.body#/results/0/anchor",
            },
        ),
    },
    ("/api/v1/instruments/", "get", "200"): {
        "instrument": ("instruments_retrieve", {"slug": "$response.body#/results/0/slug"}),
    },
    ("/api/v1/statuses/", "get", "200"): {
        "entry": ("statuses_retrieve", {"id": "$response.body#/results/0/id"}),
        "instrument": ("instruments_retrieve", {"slug": "$response.body#/results/0/instrument"}),
    },
    ("/api/v1/statuses/", "post", "201"): {
        "entry": ("statuses_retrieve", {"id": "$response.body#/id"}),
        "instrument": ("instruments_retrieve", {"slug": "$response.body#/instrument"}),
        "entries_of_the_instrument": (
            "statuses_list",
            {"instrument": "$response.body#/instrument"},
        ),
    },
    ("/api/v1/parties/", "get", "200"): {
        "party": ("parties_retrieve", {"code": "$response.body#/results/0/code"}),
    },
    ("/api/v1/themes/", "get", "200"): {
        "theme": ("themes_retrieve", {"slug": "$response.body#/results/0/slug"}),
    },
}


def operation_links(result, generator, request, public):
    """Schema post-processing: the `links` above on the responses they start from."""
    paths = result.get("paths", {})
    for (path, method, code), links in LINKS.items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(code)
        if response is None:
            continue
        response["links"] = {
            name: {"operationId": operation, "parameters": parameters}
            for name, (operation, parameters) in links.items()
        }
    return result


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "declarations.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` (or `Bearer <key>`), with a key from an administrator.",
        }


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from this site's static files, its settings in a separate script: the page
    has no inline script or style, so the strict Content-Security-Policy holds."""

    url_name = "api:schema"
    template_name = "declarations/api_docs.html"
