from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Declaration tracker"
admin.site.site_title = "Declaration tracker"
admin.site.index_title = "Declarations and implementation"

urlpatterns = [
    path("", include("declarations.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("declarations.api")),
]
