from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from tracker.health import healthz
from tracker.views import signed_in

admin.site.site_header = "Declaration tracker"
admin.site.site_title = "Declaration tracker"
admin.site.index_title = "Declarations and implementation"

urlpatterns = [
    path("", include("declarations.reports.urls")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on every page, the admin's included; a 404 there shows
    # up as a console error.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("declarations/favicon.svg"), permanent=True),
    ),
    path("api/v1/", include("declarations.api.urls")),
    path("healthz", healthz, name="healthz"),
    path("signed-in/", signed_in, name="signed_in"),
]
handler400 = "tracker.views.bad_request"
