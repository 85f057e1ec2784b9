// French labels for Leaflet's own controls, which ship in English ("Zoom in", "Close popup"…): a French
// page must not read English to screen-reader users (WCAG 3.1.2, RGAA 8.7). Every map module imports
// this file first; ES modules evaluate their imports before their own body, so the labels are set
// before any map is created. Leaflet comes from django-leaflet's static files (global `L`).
const L = window.L;

if (L) {
  L.Control.Zoom.mergeOptions({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" });
  L.Control.Attribution.mergeOptions({
    prefix: '<a href="https://leafletjs.com" hreflang="en" title="Leaflet, bibliothèque de cartes interactives">Leaflet</a>',
  });
  // Leaflet 1.9 writes the popup close button's label in its private _initLayout(), with no option.
  const initLayout = L.Popup.prototype._initLayout;
  L.Popup.include({
    _initLayout() {
      initLayout.call(this);
      if (this._closeButton) this._closeButton.setAttribute("aria-label", "Fermer la bulle");
    },
  });
}
