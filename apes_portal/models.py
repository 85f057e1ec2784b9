"""Site-wide content: the network's key figures, edited by staff."""

from django.db import models


class KeyFigure(models.Model):
    """A dated figure about the network shown on the home page (e.g. 160 adhérents)."""

    label = models.CharField("libellé", max_length=100, help_text="Par exemple « adhérents ».")
    value = models.PositiveIntegerField("valeur")
    as_of = models.DateField("à la date du")
    source = models.CharField("source", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["order", "label"]
        verbose_name = "chiffre clé"
        verbose_name_plural = "chiffres clés"
        constraints = [models.UniqueConstraint(fields=["label"], name="apes_portal_keyfigure_label_unique")]

    def __str__(self):
        return f"{self.value} {self.label}"
