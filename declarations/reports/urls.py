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
]
