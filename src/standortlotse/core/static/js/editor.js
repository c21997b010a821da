/* Editor map: click sets the point (lat/lon inputs), the polygon tool draws the outline
   (GeoJSON textarea). Inputs stay the source of truth, so typing works without the map. A
   moved point asks for the location facts anew (the panel's hx-trigger). */
(function () {
  "use strict";

  function num(input) {
    var value = parseFloat(String(input.value).replace(",", "."));
    return isNaN(value) ? null : value;
  }

  function init() {
    var el = document.getElementById("editor-map");
    if (!el) { return; }
    var lat = document.getElementById("id_lat");
    var lon = document.getElementById("id_lon");
    var outlineInput = document.getElementById("id_outline");
    var municipality = document.getElementById("id_municipality");
    var centres = JSON.parse(document.getElementById("municipality-centres").textContent);
    var map = window.StandortlotseMap.create(el);
    var hasPoint = num(lat) !== null && num(lon) !== null;
    // A new record whose municipality is chosen already (an editor of one municipality) opens there.
    var preset = !hasPoint && municipality ? centres[municipality.value] : null;
    var outlinesLoaded = window.StandortlotseMap.loadOutlines(map, el.dataset.outlinesUrl, !hasPoint && !preset);
    if (preset) { map.setView(preset, 13, { animate: false }); }
    var marker = null;
    var outlineLayer = null;

    // No point yet: the view shows the whole chosen municipality, its boundary drawn stronger,
    // so the editor sees where to click (also when the background tiles do not load).
    // At once to its centre (without animation, so the fit that follows is not dropped by
    // Leaflet), then to its outline once the outlines are there.
    function showMunicipality(pk, centre) {
      if (centre && (num(lat) === null || num(lon) === null)) { map.setView(centre, 13, { animate: false }); }
      outlinesLoaded.then(function () {
        var layers = map.municipalOutlines;
        var chosen = null;
        var noPoint = num(lat) === null || num(lon) === null;
        if (!layers) { return; }
        layers.eachLayer(function (layer) {
          var own = String(layer.feature.properties.municipality) === String(pk);
          layer.setStyle(own ? { weight: 3, dashArray: null, color: "#2f5d50" } : { weight: 1, dashArray: "3 3", color: "#5b6b64" });
          if (own) { chosen = layer; }
        });
        if (!noPoint) { return; }
        if (chosen) { map.fitBounds(chosen.getBounds(), { padding: [12, 12], animate: false }); }
      });
    }

    function setMarker(latlng, pan) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, title: "Standort", alt: "Standort" }).addTo(map);
        marker.on("dragend", function () { writePoint(marker.getLatLng()); });
      } else {
        marker.setLatLng(latlng);
      }
      if (pan) { map.setView(latlng, Math.max(map.getZoom(), 13)); }
    }

    function writePoint(latlng) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      // The location facts beside the map follow the point (htmx, debounced; see the form).
      document.body.dispatchEvent(new CustomEvent("point-moved"));
    }

    function showOutline(text) {
      if (outlineLayer) { map.removeLayer(outlineLayer); outlineLayer = null; }
      if (!text) { return; }
      try {
        outlineLayer = L.geoJSON(JSON.parse(text), { style: { color: "#b4461e" } }).addTo(map);
      } catch (e) { /* invalid text: the server explains the error on save */ }
    }

    if (hasPoint) { setMarker([num(lat), num(lon)], true); }
    if (municipality && municipality.value) { showMunicipality(municipality.value); }
    if (outlineInput) { showOutline(outlineInput.value); }

    map.on("click", function (event) {
      if (map.pm && map.pm.globalDrawModeEnabled()) { return; }
      setMarker(event.latlng, false);
      writePoint(event.latlng);
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        if (num(lat) !== null && num(lon) !== null) { setMarker([num(lat), num(lon)], true); }
      });
    });
    if (outlineInput) {
      outlineInput.addEventListener("change", function () { showOutline(outlineInput.value); });
    }
    if (municipality) {
      municipality.addEventListener("change", function () {
        showMunicipality(municipality.value, centres[municipality.value]);
      });
    }

    if (map.pm && outlineInput) {
      map.pm.setLang(document.documentElement.lang === "en" ? "en" : "de");
      map.pm.addControls({
        position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false,
        drawRectangle: true, drawCircle: false, drawText: false, cutPolygon: false,
        rotateMode: false, dragMode: false, editMode: true, removalMode: true
      });
      // Geoman's icon buttons carry their name only on the parent's title: give the links one.
      el.querySelectorAll(".leaflet-pm-toolbar .button-container").forEach(function (container) {
        var link = container.querySelector("a");
        if (link && container.title) { link.setAttribute("aria-label", container.title); }
      });
      map.on("pm:create", function (event) {
        if (outlineLayer) { map.removeLayer(outlineLayer); }
        outlineLayer = event.layer;
        outlineInput.value = JSON.stringify(event.layer.toGeoJSON().geometry);
        event.layer.on("pm:edit", function () {
          outlineInput.value = JSON.stringify(event.layer.toGeoJSON().geometry);
        });
      });
      map.on("pm:remove", function () { outlineInput.value = ""; outlineLayer = null; });
    }

  }

  function photoPreview(event) {
    var input = event.target;
    if (input.type !== "file" || !input.form) { return; }
    var preview = input.form.querySelector("[data-photo-preview]");
    if (!preview || !input.files.length) { return; }
    preview.src = URL.createObjectURL(input.files[0]);
    preview.alt = "";
    preview.hidden = false;
  }

  // The live location facts answer 422 (coordinates that are no point) and 429 (too many)
  // with a message for the panel: show it there, it is no failure of the page.
  function factsAnswer(event) {
    var detail = event.detail;
    if (detail.target && detail.target.id === "location-facts" &&
        (detail.xhr.status === 422 || detail.xhr.status === 429)) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  }

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:beforeSwap", factsAnswer);
  document.addEventListener("change", photoPreview);
})();
