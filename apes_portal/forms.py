"""Sign-in forms shared by the admin site and the member space."""

from django.contrib.admin.forms import AdminAuthenticationForm

from core.forms import BoundedUsernameMixin


class AdminLoginForm(BoundedUsernameMixin, AdminAuthenticationForm):
    """The admin's sign-in form, with the username bounded."""
