"""The API's field types and serializer bases: links built without a resolver per row,
dates and times in ISO form (UTC), slugs checked before any lookup, and the list
serializer that writes rows straight from `.values()`."""

import datetime
import re
from urllib.parse import quote, urlsplit

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..text import validate_storable_text

SLUG = re.compile(r"[-a-zA-Z0-9_]+")


# The models' rule for text (`declarations.text`), for the API fields that are not model
# fields or that name their validators themselves. A lone surrogate, which JSON can carry
# ("\\ud800"), or a NUL would otherwise fail in the database driver, as a server error.
storable_text = validate_storable_text


class StrictText(serializers.CharField):
    """Text that must arrive as a JSON string: DRF's CharField also takes 12 or 1.5 and
    stores "12", which the schema (`type: string`) says is wrong."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictInteger(serializers.IntegerField):
    """A whole number that must arrive as a JSON number: DRF's IntegerField also takes
    "60", 60.0 and true."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


# RFC 3986 outside the authority: unreserved, sub-delims, ":", "@", "/" and percent-escapes
# in the path; "?" as well in the query and the fragment.
URI_PATH = re.compile(r"(?:[A-Za-z0-9\-._~!$&()*+,;=:@/]|%[0-9A-Fa-f]{2})*")
URI_QUERY = re.compile(r"(?:[A-Za-z0-9\-._~!$&()*+,;=:@/?]|%[0-9A-Fa-f]{2})*")
# Never in an address: whitespace, control characters, quotes, angle brackets and the other
# characters RFC 3986 excludes. A page that prints the address in HTML must not be given
# markup, and every address served must be one the schema's `format: uri` accepts.
URI_REFUSED = re.compile(r"[\x00-\x20\x7f-\x9f\"'<>\\^`{|}\s]")
http_address = URLValidator(schemes=["http", "https"])


@extend_schema_field(OpenApiTypes.URI)
class WebAddressField(StrictText):
    """An http or https address, strictly: refused with a message when it holds anything an
    address may not (spaces, quotes, angle brackets, control characters, a bare "%"). An
    address with non-ASCII letters (an IRI) is stored percent-encoded, as a URI."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        storable_text(value)
        refused = URI_REFUSED.search(value)
        if refused:
            raise serializers.ValidationError(
                f"An address cannot contain {refused.group()!r} (position {refused.start() + 1}); "
                "percent-encode it (%22 for a double quote, %20 for a space)."
            )
        value = iri_to_uri(value)
        parts = urlsplit(value)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise serializers.ValidationError(
                "Enter an address that starts with http:// or https://."
            )
        if not (
            URI_PATH.fullmatch(parts.path)
            and URI_QUERY.fullmatch(parts.query)
            and URI_QUERY.fullmatch(parts.fragment)
        ):
            raise serializers.ValidationError(
                "This address has a character it may not have there, such as a second '#', "
                "brackets outside the host or a '%' that starts no escape (%25 for a percent sign)."
            )
        try:
            http_address(value)
        except DjangoValidationError:
            raise serializers.ValidationError("Enter a valid http or https address.") from None
        if len(value) > self.max_length:
            raise serializers.ValidationError(
                f"This address is longer than {self.max_length} characters once encoded."
            )
        return value


class SlugLookupField(serializers.SlugRelatedField):
    """A slug or code looked up in a queryset; a value that cannot be one is refused before
    the lookup, so no odd character reaches the database driver."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not SLUG.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:100])
        return super().to_internal_value(data)


# Stand-ins for the URL keywords while an address is reversed; each one matches its
# converter (slug, digits, op-N) and cannot occur anywhere else in an address.
PLACEHOLDERS = {
    "slug": "zq0slug0qz",
    "declaration": "zq0declaration0qz",
    "anchor": "op-9871",
    "pk": "918273645546372819",
    "evidence_id": "827364554637281991",
}


@extend_schema_field(OpenApiTypes.URI)
class Link(serializers.Field):
    """The absolute address of a detail view, with one reverse() per response.

    `url_kwargs` maps each URL keyword to the attribute path that fills it:
    `Link("api:clause-detail", declaration="declaration.slug", anchor="anchor")`. The address
    is reversed once with placeholders and made absolute; each row then only fills in its
    values. A page of rows costs one reverse() instead of one per row and link. Fields are
    copied for every serializer instance, so the cached `address` never outlives a response.
    """

    def __init__(self, view_name, source="*", **url_kwargs):
        self.view_name = view_name
        self.url_kwargs = {name: path.split(".") for name, path in url_kwargs.items()}
        self.address = None
        super().__init__(source=source, read_only=True)

    def to_representation(self, value):
        if self.address is None:
            self.address = self.addresses(self.context.get("request"))
        values = {}
        for name, attributes in self.url_kwargs.items():
            part = value
            for attribute in attributes:
                part = getattr(part, attribute)
            values[name] = part
        return self.address(**values)

    def addresses(self, request):
        """A function from URL keyword values to the address: `addresses(request)(slug="x")`.
        Rows built without model instances (RowListSerializer) call it on the serializer
        class's declared field, so it stores nothing on the field."""
        placeholders = {name: PLACEHOLDERS[name] for name in self.url_kwargs}
        # Django's reverse(), not DRF's: DRF's carries the request's ?format= into every
        # link, and a CSV row's link to a detail then answers 404 (details are JSON only).
        template = reverse(self.view_name, kwargs=placeholders)
        if request is not None:
            template = request.build_absolute_uri(template)

        def address(**values):
            link = template
            for name, value in values.items():
                link = link.replace(PLACEHOLDERS[name], quote(str(value), safe=""), 1)
            return link

        return address


def clause_link(source="*"):
    """A clause's address: its declaration's slug and its anchor (op-9, pre-3)."""
    return Link("api:clause-detail", source=source, declaration="declaration.slug", anchor="anchor")


class OverdueField(serializers.BooleanField):
    """Whether the instrument is overdue on the serializer context's `as_of` date."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instrument):
        return instrument.overdue_on(self.context["as_of"])


def instrument_url(field_source="instrument"):
    return Link("api:instrument-detail", source=field_source, slug="slug")


def utc_instant(value):
    """An instant in ISO 8601, in UTC ("2026-09-01T12:00:00Z"), or None."""
    if not value:
        return None
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def iso_date(value):
    return value.isoformat() if value is not None else None


class UTCDateTimeField(serializers.DateTimeField):
    """Writes `utc_instant`. Stored times are UTC: DRF's field would look up the active time
    zone and convert every value to it, which was a tenth of the time of a page of status
    entries."""

    def to_representation(self, value):
        return utc_instant(value)


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer, writing the models' times with UTCDateTimeField."""

    serializer_field_mapping = serializers.ModelSerializer.serializer_field_mapping | {
        models.DateTimeField: UTCDateTimeField
    }


class RowListSerializer(serializers.ListSerializer):
    """A list page read as rows, `.values(*child.ROW_COLUMNS)`, each turned into the child's
    representation by the function `child.row_builder()` returns.

    DRF's own path builds a model instance per row (and per related row) and passes it
    through every field's `get_attribute` and `to_representation`; for a page of 50 status
    entries that was 4.2 ms against 1.8 ms for reading the same columns as rows and writing
    the same dicts. The declared fields stay the contract: they make the schema, the detail
    and write responses, and tests check that every list row equals the field-by-field
    representation of the same object. A page of model instances (an instrument list with
    `?expand=`) goes DRF's way.
    """

    def to_representation(self, data):
        rows = data.all() if isinstance(data, models.manager.BaseManager) else data
        if not rows or not isinstance(rows[0], dict):
            return super().to_representation(rows)
        build = self.child.row_builder()
        return [build(row) for row in rows]
