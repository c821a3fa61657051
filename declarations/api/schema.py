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
