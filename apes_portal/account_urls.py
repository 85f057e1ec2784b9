"""URLs of members' accounts (apes_portal/accounts.py): public paths in French, names in English."""

from django.contrib.auth import views as auth_views
from django.urls import path

from apes_portal import accounts

app_name = "accounts"

urlpatterns = [
    path("mot-de-passe-oublie/", accounts.PasswordResetView.as_view(), name="password-reset"),
    path(
        "mot-de-passe-oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path("mot-de-passe/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path(
        "mot-de-passe/choisi/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("mot-de-passe/changer/", accounts.PasswordChangeView.as_view(), name="password-change"),
    path(
        "mot-de-passe/change/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
]
