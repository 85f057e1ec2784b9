"""The directory's admin: the catalogue (`catalogue`) and the review of submissions (`moderation`).

Importing the package registers both (the admin autodiscovery imports `directory.admin`)."""

from . import catalogue, moderation  # noqa: F401 (registers the model admins)
