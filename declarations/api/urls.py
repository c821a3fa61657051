"""The API's addresses, mounted at /api/v1/ under the namespace "api"."""

from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView
from rest_framework import routers

from .index import IndexView, NotFoundView
from .schema import DocsView
from .statuses import StatusViewSet
from .views import (
    ANCHOR,
    ClauseViewSet,
    DeclarationFeedView,
    DeclarationViewSet,
    InstrumentViewSet,
    PartyViewSet,
    StatusFeedView,
    ThemeViewSet,
)

app_name = "api"


class AnchorConverter:
    regex = ANCHOR

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(AnchorConverter, "anchor")

router = routers.SimpleRouter()
router.register("declarations", DeclarationViewSet)
router.register("instruments", InstrumentViewSet)
router.register("statuses", StatusViewSet, basename="status")
router.register("parties", PartyViewSet)
router.register("themes", ThemeViewSet)

urlpatterns = [
    path("", IndexView.as_view(), name="index"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    path(
        "declarations/<slug:slug>/akn.xml",
        DeclarationViewSet.as_view({"get": "akoma_ntoso"}),
        name="declaration-akn",
    ),
    path("clauses/", ClauseViewSet.as_view({"get": "list"}), name="clause-list"),
    path(
        "clauses/<slug:declaration>/<anchor:anchor>/",
        ClauseViewSet.as_view({"get": "retrieve"}),
        name="clause-detail",
    ),
    path("feeds/statuses/", StatusFeedView.as_view(), name="feed-statuses"),
    path("feeds/declarations/<slug:slug>/", DeclarationFeedView.as_view(), name="feed-declaration"),
    *router.urls,
    # Last: an address nothing above serves answers 404 in JSON, not Django's HTML page.
    re_path(r"^(?:[\s\S]*/)?(?:[^/]*\.[^/]*)?\Z", NotFoundView.as_view(), name="not-found"),
]
