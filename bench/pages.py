"""What a benchmark run asks for: the API lists beside their bare twins, the floor of any
API request, and the pages it times."""

API = {
    "instruments": ("/api/v1/instruments/?page_size={n}", "/bench/bare/instruments/?page_size={n}"),
    "statuses": ("/api/v1/statuses/?page_size={n}", "/bench/bare/statuses/?page_size={n}"),
}
FLOOR = "/api/v1/themes/?page_size=1"
PAGES = {
    "dashboard": "/reports/",
    "scorecard": "/reports/declarations/synthetic-0020/",
    "country matrix": "/reports/countries/",
    "admin instruments": "/admin/declarations/instrument/",
    "admin statuses": "/admin/declarations/implementationstatus/",
    "api instruments": "/api/v1/instruments/?page_size=50",
    "api statuses": "/api/v1/statuses/?page_size=50",
}
