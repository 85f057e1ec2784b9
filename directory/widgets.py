"""A map for placing an organisation's point in the admin, bound to its latitude/longitude inputs.

django-leaflet's own form widgets and admin import GeoDjango, which needs GDAL (absent here); this
widget only uses the Leaflet files django-leaflet ships (static/leaflet/). It renders a map, no
input: the coordinates stay in the ordinary number fields, which keep working without JavaScript.
"""

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
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


class InlineOptionsSelect(forms.Select):
    """A `<select>` whose options are written in Python instead of one template render each.

    Django renders every `<option>` through its own template (`select_option.html` and `attrs.html`): on
    the directory's filter form (about 150 options) that was most of the time a list page took to build
    (bench/RESULTS.md). Flat choices only; the `<select>` element keeps Django's attributes (id,
    required, aria-describedby, aria-invalid), built by the bound field as usual.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, mark_safe(" selected") if str(option_value) in selected else "", label)
                for option_value, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )
