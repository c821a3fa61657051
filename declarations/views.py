from django.shortcuts import render

from .models import Declaration, Instrument


def home(request):
    """The landing page: what the tracker is and where to go next."""
    context = {
        "declarations": Declaration.objects.only("slug", "title", "adopted_on")[:10],
        "instrument_count": Instrument.objects.tracked().count(),
    }
    return render(request, "declarations/home.html", context)
