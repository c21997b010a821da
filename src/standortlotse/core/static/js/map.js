/* Maps of the Standortlotse. District outlines and markers come from our own origin; the
   background tiles from the configured tile server are only requested after consent. */
(function () {
  "use strict";
  var CONSENT_KEY = "standortlotse-map-consent";
  var maps = [];

  // Leaflet guesses its image folder from its CSS file name, which the production static
  // storage hashes: give it the real (hashed) URLs from the page.
  (function useStaticIcons() {
    var data = document.getElementById("leaflet-icons");
    if (data && window.L && L.Icon && L.Icon.Default) {
      L.Icon.Default.imagePath = "";  // a string: no guessing, no prefix to the full URLs below
      L.Icon.Default.mergeOptions(JSON.parse(data.textContent));
    }
  })();

  function consentGiven() {
    try { return window.localStorage.getItem(CONSENT_KEY) === "1"; } catch (e) { return false; }
  }

  function consentBox() { return document.querySelector("[data-map-consent]"); }

  function addTiles(map) {
    var box = consentBox();
    if (!box || map._standortlotseTiles) { return; }
    map._standortlotseTiles = L.tileLayer(box.dataset.tileUrl, {
      attribution: box.dataset.tileAttribution, maxZoom: 19
    }).addTo(map);
  }

  function showConsent() {
    var box = consentBox();
    if (!box) { return; }
    if (consentGiven()) { box.hidden = true; return; }
    box.hidden = false;
    var button = box.querySelector("[data-map-consent-accept]");
    button.addEventListener("click", function () {
      try { window.localStorage.setItem(CONSENT_KEY, "1"); } catch (e) { /* private mode */ }
      maps.forEach(addTiles);
      box.hidden = true;
    });
  }

  function loadOutlines(map, url, fit) {
    if (!url) { return Promise.resolve(null); }
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return null; }
        var layer = L.geoJSON(data, {
          interactive: false,
          style: { color: "#2f5d50", weight: 2, fill: true, fillOpacity: 0.04 }
        }).addTo(map);
        if (fit && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); }
        return layer;
      })
      .catch(function () { return null; });
  }

  function create(el, options) {
    // maxZoom must be known without a tile layer (marker clustering needs it).
    var map = L.map(el, Object.assign({ maxZoom: 18, minZoom: 5 }, options || {})).setView([52.7, 11.6], 8);
    maps.push(map);
    if (consentGiven()) { addTiles(map); }
    return map;
  }

  function popupContent(feature, prefix) {
    var wrapper = document.createElement("div");
    var link = document.createElement("a");
    // Feeds give absolute URLs in the default language: link to the path on this site and
    // keep the visitor's language prefix.
    var url = new URL(feature.properties.url, window.location.href).pathname;
    if (prefix && url.indexOf(prefix + "/") !== 0) { url = prefix + url; }
    link.href = url;
    link.textContent = feature.properties.title || feature.properties.name;
    var meta = document.createElement("p");
    meta.textContent = feature.properties.kind_label || feature.properties.pitch || "";
    if (feature.properties.municipality && feature.properties.kind_label) {
      meta.textContent += " · " + feature.properties.municipality;
    }
    wrapper.appendChild(link);
    wrapper.appendChild(meta);
    return wrapper;
  }

  function initSearch(el) {
    var map = create(el);
    loadOutlines(map, el.dataset.outlinesUrl, true);
    fetch(el.dataset.geojsonUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (data) {
        var group = L.markerClusterGroup ? L.markerClusterGroup() : L.featureGroup();
        L.geoJSON(data, {
          onEachFeature: function (feature, layer) {
            var title = feature.properties.title || feature.properties.name;
            layer.bindPopup(popupContent(feature, el.dataset.langPrefix || ""));
            layer.options.title = title;
            layer.options.alt = title;
          }
        }).eachLayer(function (layer) { group.addLayer(layer); });
        map.addLayer(group);
        if (data.features.length) { map.fitBounds(group.getBounds(), { maxZoom: 12, padding: [20, 20] }); }
        el.dataset.markers = String(data.features.length);
      })
      .catch(function () { el.dataset.markers = "error"; });
  }

  function initDetail(el) {
    var data = JSON.parse(document.getElementById("map-data").textContent);
    var map = create(el);
    loadOutlines(map, el.dataset.outlinesUrl, false);
    L.marker([data.lat, data.lon], { title: data.title, alt: data.title }).addTo(map);
    if (data.outline) {
      var outline = L.geoJSON(data.outline, { style: { color: "#b4461e", weight: 2 } }).addTo(map);
      map.fitBounds(outline.getBounds(), { maxZoom: 16 });
    } else {
      map.setView([data.lat, data.lon], 14);
    }
  }

  window.StandortlotseMap = { create: create, loadOutlines: loadOutlines };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-map]").forEach(function (el) {
      if (el.dataset.map === "search") { initSearch(el); }
      if (el.dataset.map === "detail") { initDetail(el); }
    });
    if (document.querySelector("[data-map]")) { showConsent(); }
  });
})();
