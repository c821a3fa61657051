"""Where a user lands after signing in without a `next` to go back to (or with an unsafe one,
which Django drops)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


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
