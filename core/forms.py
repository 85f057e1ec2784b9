"""Form pieces shared by every sign-in form."""

from django import forms


class BoundedUsernameMixin:
    """Refuse overlong usernames before authenticating, as a plain wrong login.

    AuthenticationForm only sets `max_length` after the field is built, so nothing enforces it on
    the server; django-axes would then fail to record the attempt (its column holds 255
    characters) and the visitor would get a 500 instead of "wrong username or password".
    """

    def clean_username(self):
        username = self.cleaned_data["username"]
        if len(username) > self.username_field.max_length:
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )
        return username
