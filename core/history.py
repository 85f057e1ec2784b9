"""Change history in French for every SimpleHistoryAdmin: "Oui/Non", values in full, a word diff for long text,
and a reason on every revert ("Restauration de la version du 12/03/2026 14:05").

Extends django-simple-history through its own hooks (`get_historical_record_context_helper`,
`history_form_view`); templates/simple_history/object_history_list.html gives the French headers.
"""

from difflib import SequenceMatcher

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

#: Texts longer than this are shown as a word diff (what was removed, what was added).
LONG_TEXT = 80


def display_value(value):
    """A history value as a person reads it: Oui/Non, "—" for nothing, lists joined with commas."""
    if value is True:
        return "Oui"
    if value is False:
        return "Non"
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)


def word_diff(old, new):
    """(old, new) as HTML, the words removed in <del> and the words added in <ins>."""
    old_words, new_words = old.split(), new.split()
    old_parts, new_parts = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        before, after = " ".join(old_words[i1:i2]), " ".join(new_words[j1:j2])
        if tag == "equal":
            old_parts.append(format_html("{}", before))
            new_parts.append(format_html("{}", after))
            continue
        if before:
            old_parts.append(format_html("<del>{}</del>", before))
        if after:
            new_parts.append(format_html("<ins>{}</ins>", after))
    return _joined(old_parts), _joined(new_parts)


def _joined(parts):
    return format_html_join(" ", "{}", ((part,) for part in parts))


class FrenchHistoryContextHelper(HistoricalRecordContextHelper):
    def stringify_delta_change_values(self, change, old, new):
        old_text, new_text = display_value(old), display_value(new)
        if max(len(old_text), len(new_text)) > LONG_TEXT:
            return word_diff(old_text, new_text)
        return format_html("{}", old_text), format_html("{}", new_text)


class FrenchHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history reads in French and whose reverts say which version they restore."""

    def get_historical_record_context_helper(self, request, historical_record):
        return FrenchHistoryContextHelper(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # On the request, not on self: one ModelAdmin serves every request and thread.
        request.history_revert_version = version_id
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        version_id = getattr(request, "history_revert_version", None)
        if version_id is not None and request.method == "POST":
            version = self.model.history.filter(history_id=version_id).only("history_date").first()
            if version is not None:
                when = timezone.localtime(version.history_date).strftime("%d/%m/%Y %H:%M")
                obj._change_reason = f"Restauration de la version du {when}"
        super().save_model(request, obj, form, change)
