"""A map for placing an organisation's point in the admin, bound to its latitude/longitude inputs.

django-leaflet's own form widgets and admin import GeoDjango, which needs GDAL (absent here); this
widget only uses the Leaflet files django-leaflet ships (static/leaflet/). It renders a map, no
input: the coordinates stay in the ordinary number fields, which keep working without JavaScript.
"""

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.templatetags.static import static
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


class PointMapWidget(forms.Widget):
    """Renders a Leaflet map that writes clicks and marker drags into sibling coordinate inputs.

    The sibling inputs are found from this widget's own id, so form prefixes keep working. When no
    point is set the map starts from the selected commune's centroid, fetched from `centroid_url`
    (an admin view answering ``?commune=<id>`` with JSON ``{"latitude": …, "longitude": …}``).
    """

    template_name = "directory/widgets/point_map.html"

    class Media:
        css = {"all": ["leaflet/leaflet.css", "css/admin-point-widget.css"]}
        js = ["leaflet/leaflet.js", forms.Script("js/admin-point-widget.js", type="module")]

    def __init__(
        self,
        attrs=None,
        *,
        centroid_url="",
        latitude_field="latitude",
        longitude_field="longitude",
        commune_field="commune",
        approximate_field="location_is_approximate",
    ):
        super().__init__(attrs)
        self.centroid_url = centroid_url
        self.sibling_fields = {
            "latitude": latitude_field,
            "longitude": longitude_field,
            "commune": commune_field,
            "approximate": approximate_field,
        }

    def value_from_datadict(self, data, files, name):
        return None  # the map submits nothing; the coordinate inputs do

    def value_omitted_from_data(self, data, files, name):
        return False

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        own_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        base_name = name.rsplit("-", 1)[-1]
        prefix = own_id[: -len(base_name)] if own_id.endswith(base_name) else "id_"
        leaflet = getattr(settings, "LEAFLET_CONFIG", {})
        center = leaflet.get("DEFAULT_CENTER", (50.0, 2.8))
        context["map"] = {
            "input_ids": {key: prefix + field for key, field in self.sibling_fields.items()},
            "centroid_url": self.centroid_url,
            "tiles_url": getattr(settings, "MAP_TILES_URL", ""),
            "tiles_attribution": getattr(settings, "MAP_TILES_ATTRIBUTION", ""),
            "image_path": static("leaflet/images/"),
            "default_center": f"{center[0]},{center[1]}",
            "default_zoom": leaflet.get("DEFAULT_ZOOM", 8),
        }
        return context


def _options_html(template, choices, selected):
    """A choice widget's options, one `str.format` of `template` each: `{index}`, `{value}` and `{label}`
    (escaped), `{on}` (" selected" or " checked" for a chosen value, else empty)."""
    return mark_safe(
        "".join(
            template.format(index=index, value=escape(value), label=escape(label), on=selected.get(str(value), ""))
            for index, (value, label) in enumerate(choices)
        )
    )


class InlineOptionsSelect(forms.Select):
    """A `<select>` whose options are written in Python instead of one template render each.

    Django renders every `<option>` through its own template (`select_option.html` and `attrs.html`): on
    the directory's filter form (about 150 options) that was most of the time a list page took to build
    (bench/RESULTS.md). Flat choices only; the `<select>` element keeps Django's attributes (id,
    required, aria-describedby, aria-invalid), built by the bound field as usual.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = dict.fromkeys(self.format_value(value), " selected")
        options = _options_html('<option value="{value}"{on}>{label}</option>', self.choices, selected)
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class InlineCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes written in Python, each inside its `<label class="check">`, for a filter form's fieldset.

    For the same reason as `InlineOptionsSelect`: Django renders each checkbox through three templates
    (`input_option.html`, `input.html`, `attrs.html`), a quarter of the directory's filter form. The
    fieldset around them (includes/filter_form.html) carries the field's id, legend, errors and
    aria-describedby; each input gets Django's own id (`<field id>_<index>`), so the labels and the error
    summary point at the same elements as before. `swatch_prefix` adds each value's colour dot
    (`<span class="kind-dot kind--association">`), as the map legend shows it.
    """

    def __init__(self, attrs=None, choices=(), *, swatch_prefix=""):
        super().__init__(attrs, choices)
        self.swatch_prefix = swatch_prefix

    def render(self, name, value, attrs=None, renderer=None):
        input_attrs = self.build_attrs(self.attrs, attrs)  # the bound field's id and aria-invalid, as Django's
        field_id = escape(input_attrs.pop("id", f"id_{name}"))
        extra = flatatt(input_attrs).replace("{", "{{").replace("}", "}}")
        swatch = (
            f'<span class="kind-dot {self.swatch_prefix}{{value}}" aria-hidden="true"></span>'
            if self.swatch_prefix
            else ""
        )
        template = (
            f'<label class="check" for="{field_id}_{{index}}"><input type="checkbox" name="{escape(name)}"'
            f' value="{{value}}" id="{field_id}_{{index}}"{extra}{{on}}>{swatch}{{label}}</label>'
        )
        selected = dict.fromkeys(map(str, self.format_value(value)), " checked")
        return _options_html(template, self.choices, selected)
