"""Where a user lands after signing in without a `next` to go back to (or with an unsafe one,
which Django drops), and the page a refused request gets."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.shortcuts import redirect, render


def works_in_the_admin(user):
    """Who may add or change anything there: administrators, editors, country editors.
    Readers only (managers) have nothing to do in the admin."""
    if user.is_superuser:
        return True
    return user.is_staff and any(
        codename.startswith(("add_", "change_"))
        for codename in (perm.partition(".")[2] for perm in user.get_all_permissions())
    )


@login_required
def signed_in(request):
    """LOGIN_REDIRECT_URL: the admin for those who record there, the front page otherwise,
    which sends readers on to the reports."""
    return redirect("admin:index" if works_in_the_admin(request.user) else "home")


def bad_request(request, exception):
    """handler400: the site's own page, saying what was wrong.

    A BadRequest raised by the app carries a message written for the user (a bad
    `?as_of=`, `from` after `to`); a request body over DATA_UPLOAD_MAX_MEMORY_SIZE (a very
    long pasted text) gets the limit. Anything else says only that the request was refused:
    its message may come from deep inside Django and name internals.
    """
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        message = (
            f"What was sent is larger than this site accepts in one form ({limit:g} MB). "
            "For a long declaration, upload it as a file instead of pasting it."
        )
    elif isinstance(exception, BadRequest) and str(exception):
        message = str(exception)
    else:
        message = "The request could not be understood."
    return render(request, "400.html", {"message": message}, status=400)
