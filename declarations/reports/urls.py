from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views.dashboard, name="report_dashboard"),
    path("reports/declarations/<slug:slug>/", views.scorecard, name="report_declaration"),
    path("reports/instruments/<slug:slug>/", views.instrument_report, name="report_instrument"),
    path("reports/countries/", views.country_matrix, name="report_countries"),
    path("reports/overdue/", views.overdue_report, name="report_overdue"),
    path("reports/stale/", views.stale_report, name="report_stale"),
    path("reports/changes/", views.changes_report, name="report_changes"),
    path("reports/rounds/<int:pk>/", views.round_report, name="report_round"),
    path("reports/search/", views.search, name="report_search"),
    # Background jobs (large downloads, imports): for the user who asked only.
    path("jobs/<uuid:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<uuid:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<uuid:pk>/download/", views.job_download, name="job_download"),
    path("jobs/<uuid:pk>/retry/", views.job_retry, name="job_retry"),
]
