/* Maps of the Standortlotse. Everything comes from our own origin: the background tiles through
   the tile path (core/tiles.py, nginx's cache in production), district and municipal outlines,
   markers. No request goes to a third party, so the maps need no consent step. */
(function () {
  "use strict";

  // Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), each with its
  // own shape, so a category is told apart by shape as well as by colour.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000", "#999999"];
  var maps = [];  // [element, map] of this page's maps
  var SHAPES = ["circle", "square", "diamond", "triangle", "hexagon", "triangle-down", "pentagon", "star", "plus"];

  // Leaflet guesses its image folder from its CSS file name, which the production static
  // storage hashes: give it the real (hashed) URLs from the page.
  (function useStaticIcons() {
    var data = document.getElementById("leaflet-icons");
    if (data && window.L && L.Icon && L.Icon.Default) {
      L.Icon.Default.imagePath = "";  // a string: no guessing, no prefix to the full URLs below
      L.Icon.Default.mergeOptions(JSON.parse(data.textContent));
    }
  })();

  function config() {
    var box = document.querySelector("[data-map-config]");
    return box ? box.dataset : {};
  }

  function shapePath(shape) {
    // Shapes on a 24×24 grid, centred at 12,12.
    switch (shape) {
      case "square": return '<rect x="4" y="4" width="16" height="16" rx="1"/>';
      case "diamond": return '<path d="M12 2 22 12 12 22 2 12Z"/>';
      case "triangle": return '<path d="M12 2 22.5 20.5H1.5Z"/>';
      case "triangle-down": return '<path d="M1.5 3.5H22.5L12 22Z"/>';
      case "hexagon": return '<path d="M12 2 20.7 7V17L12 22 3.3 17V7Z"/>';
      case "pentagon": return '<path d="M12 2 21.5 9 17.9 21H6.1L2.5 9Z"/>';
      case "star": return '<path d="M12 1.5 14.9 8.6 22.5 9.2 16.7 14.1 18.5 21.6 12 17.6 5.5 21.6 7.3 14.1 1.5 9.2 9.1 8.6Z"/>';
      case "plus": return '<path d="M8.5 2H15.5V8.5H22V15.5H15.5V22H8.5V15.5H2V8.5H8.5Z"/>';
      default: return '<circle cx="12" cy="12" r="9.5"/>';
    }
  }

  function symbol(index) {
    var colour = PALETTE[index % PALETTE.length];
    var shape = SHAPES[index % SHAPES.length];
    return '<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">' +
      '<g fill="' + colour + '" stroke="#1a1a1a" stroke-width="1.5" stroke-linejoin="round">' +
      shapePath(shape) + "</g></svg>";
  }

  // The legend of a map is rendered by the page (translated labels, in the order of the filter's
  // choices); its keys decide colour and shape of each category.
  function legendOf(el) {
    var legend = el.parentNode.querySelector("[data-map-legend]");
    var keys = {};
    if (!legend) { return { keys: keys, labels: {} }; }
    var labels = {};
    legend.querySelectorAll("[data-legend-key]").forEach(function (item, index) {
      keys[item.dataset.legendKey] = index;
      labels[item.dataset.legendKey] = item.textContent.trim();
      var mark = document.createElement("span");
      mark.className = "map-legend-symbol";
      mark.innerHTML = symbol(index);
      item.insertBefore(mark, item.firstChild);
    });
    legend.hidden = false;
    return { keys: keys, labels: labels };
  }

  function categoryOf(feature) {
    var p = feature.properties;
    if (p.kind) { return p.kind; }
    if (p.types && p.types.length) { return p.types[0]; }
    return "";
  }

  function markerIcon(index, title) {
    return L.divIcon({
      className: "map-marker",
      html: symbol(index),
      iconSize: [28, 28],
      iconAnchor: [14, 14],
      popupAnchor: [0, -12],
      title: title
    });
  }

  function translateControls(map) {
    var cfg = config();
    var container = map.getContainer();
    [[".leaflet-control-zoom-in", cfg.zoomIn], [".leaflet-control-zoom-out", cfg.zoomOut]].forEach(function (pair) {
      var button = container.querySelector(pair[0]);
      if (button && pair[1]) {
        button.title = pair[1];
        button.setAttribute("aria-label", pair[1]);
      }
    });
  }

  function addAttribution(map) {
    var cfg = config();
    var parts = [];
    if (cfg.sourcesUrl) {
      var link = document.createElement("a");
      link.href = cfg.sourcesUrl;
      link.textContent = cfg.sourcesLabel || "Map sources";
      parts.push(link.outerHTML);
    }
    if (cfg.tileUrl && cfg.tileAttribution) {
      var tiles = document.createElement("span");
      tiles.textContent = cfg.tileAttribution;
      parts.push(tiles.outerHTML);
    }
    if (cfg.outlinesAttribution) {
      var outlines = document.createElement("span");
      outlines.textContent = cfg.outlinesAttribution;
      parts.push(outlines.outerHTML);
    }
    if (parts.length) { map.attributionControl.addAttribution(parts.join(" · ")); }
  }

  function addTiles(map) {
    var cfg = config();
    if (!cfg.tileUrl) { return null; }  // no upstream configured: outlines and markers only
    var maxZoom = parseInt(cfg.maxZoom, 10) || 18;
    // A tile the server cannot get answers with a transparent image: the map stays usable.
    var options = { maxNativeZoom: maxZoom, maxZoom: 18 };
    var b = (cfg.tileBounds || "").split(",").map(parseFloat);
    if (b.length === 4 && !b.some(isNaN)) { options.bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]); }
    return L.tileLayer(cfg.tileUrl, options).addTo(map);
  }

  function drawOutlines(map, data, style) {
    var layer = L.geoJSON(data, { interactive: false, style: style });
    layer.addTo(map);
    return layer;
  }

  // District outlines (fitted to when `fit`) and the municipal boundaries within them.
  function loadOutlines(map, url, fit) {
    if (!url) { return Promise.resolve(null); }
    var municipalitiesUrl = config().municipalitiesUrl;
    var municipal = municipalitiesUrl
      ? fetch(municipalitiesUrl, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) {
            if (data) {
              // Kept on the map: the editor fits its view to the chosen municipality's outline.
              map.municipalOutlines = drawOutlines(map, data, { color: "#5b6b64", weight: 1, dashArray: "3 3", fill: false, className: "municipal-outline" });
            }
            return data;
          })
          .catch(function () { return null; })
      : Promise.resolve(null);
    var districts = fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return null; }
        var layer = drawOutlines(map, data, { color: "#2f5d50", weight: 2.5, fill: true, fillOpacity: 0.04, className: "district-outline" });
        if (fit && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); }
        return layer;
      })
      .catch(function () { return null; });
    return Promise.all([districts, municipal]).then(function (both) {
      map.getContainer().dataset.outlines = both[1] ? String(both[1].features.length) : "0";
      return both[0];
    });
  }

  // Keyboard users reach a popup's link at once: focus goes into the popup when it opens and
  // back to the marker that opened it when it closes.
  function managePopupFocus(map) {
    var opener = null;
    map.on("popupopen", function (event) {
      var source = event.popup._source;
      opener = source && source.getElement ? source.getElement() : null;
      var node = event.popup.getElement();
      var close = node && node.querySelector(".leaflet-popup-close-button");
      if (close && config().closePopup) {
        close.setAttribute("aria-label", config().closePopup);
        close.title = config().closePopup;
      }
      var target = node && node.querySelector(".leaflet-popup-content a");
      if (target) { target.focus({ preventScroll: true }); }
    });
    map.on("popupclose", function () {
      if (opener && document.body.contains(opener)) { opener.focus({ preventScroll: true }); }
      opener = null;
    });
    map.getContainer().addEventListener("keydown", function (event) {
      if (event.key === "Escape" && map._popup && map.hasLayer(map._popup)) { map.closePopup(); }
    });
  }

  function create(el, options) {
    // maxZoom must be known without a tile layer (marker clustering needs it).
    var map = L.map(el, Object.assign({ maxZoom: 18, minZoom: 5, zoomControl: false }, options || {})).setView([52.7, 11.6], 8);
    var cfg = config();
    L.control.zoom({ zoomInTitle: cfg.zoomIn || "Zoom in", zoomOutTitle: cfg.zoomOut || "Zoom out" }).addTo(map);
    translateControls(map);
    addTiles(map);
    addAttribution(map);
    managePopupFocus(map);
    maps.push([el, map]);
    return map;
  }

  function localPath(url, prefix) {
    // Feeds give absolute URLs in the default language: the path on this site, in the
    // visitor's language.
    var path = new URL(url, window.location.href).pathname;
    if (prefix && path.indexOf(prefix + "/") !== 0) { path = prefix + path; }
    return path;
  }

  function withoutPrefix(path, prefix) {
    return prefix && path.indexOf(prefix + "/") === 0 ? path.slice(prefix.length) : path;
  }

  function number(value) {
    return new Intl.NumberFormat(document.documentElement.lang || "de").format(value);
  }

  function popupContent(feature, prefix, labels) {
    var p = feature.properties;
    var wrapper = document.createElement("div");
    wrapper.className = "map-popup";
    var photo = p.photo || (p.photos && p.photos.length ? p.photos[0].url : null);
    if (photo) {
      var img = document.createElement("img");
      img.src = new URL(photo, window.location.href).pathname;
      img.alt = p.photo_alt || (p.photos && p.photos.length ? p.photos[0].alt : "") || "";
      img.width = 160;
      img.height = 100;
      img.loading = "lazy";
      wrapper.appendChild(img);
    }
    var link = document.createElement("a");
    link.className = "map-popup-title";
    link.href = localPath(p.url, prefix);
    link.textContent = p.title || p.name;
    wrapper.appendChild(link);
    var facts = [];
    var category = categoryOf(feature);
    facts.push(p.kind_label || labels[category] || "");
    if (p.municipality) { facts.push(p.municipality); }
    if (p.area_available_m2) { facts.push(number(p.area_available_m2) + " m²"); }
    if (p.availability_label) { facts.push(p.availability_label); }
    var meta = document.createElement("p");
    meta.textContent = facts.filter(Boolean).join(" · ");
    wrapper.appendChild(meta);
    if (p.pitch) {
      var pitch = document.createElement("p");
      pitch.textContent = p.pitch;
      wrapper.appendChild(pitch);
    }
    return wrapper;
  }

  // Results list and map in sync: hovering or focusing a result highlights its marker (or the
  // cluster that holds it), and the other way round. Results are matched by their detail link.
  function syncWithList(el, markers, group, prefix) {
    var section = el.closest("section") || el.parentNode;
    var byPath = {};
    markers.forEach(function (marker) { byPath[marker.options.detailPath] = marker; });
    var items = [];
    section.querySelectorAll("li").forEach(function (item) {
      var link = item.querySelector("a[href]");
      if (!link) { return; }
      var path = withoutPrefix(new URL(link.href, window.location.href).pathname, prefix);
      var marker = byPath[path];
      if (!marker) { return; }
      marker.options.listItem = item;
      items.push(item);
      function on() { highlight(marker, group, true); }
      function off() { highlight(marker, group, false); }
      item.addEventListener("mouseenter", on);
      item.addEventListener("mouseleave", off);
      item.addEventListener("focusin", on);
      item.addEventListener("focusout", off);
    });
    el.dataset.synced = String(items.length);
  }

  function highlight(marker, group, on) {
    marker.options.highlighted = on;  // re-applied when clustering redraws the marker
    var visible = group.getVisibleParent ? group.getVisibleParent(marker) : marker;
    var node = visible && visible.getElement ? visible.getElement() : null;
    if (node) { node.classList.toggle("is-highlighted", on); }
  }

  function markerEvents(marker) {
    function on() {
      if (marker.options.listItem) { marker.options.listItem.classList.add("is-highlighted"); }
    }
    function off() {
      if (marker.options.listItem) { marker.options.listItem.classList.remove("is-highlighted"); }
    }
    marker.on("mouseover", on);
    marker.on("mouseout", off);
    marker.on("add", function () {
      var node = marker.getElement();
      if (!node) { return; }
      node.setAttribute("aria-label", marker.options.title);
      node.classList.toggle("is-highlighted", !!marker.options.highlighted);
      node.addEventListener("focus", on);
      node.addEventListener("blur", off);
    });
  }

  function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    return L.divIcon({
      html: "<div><span>" + count + "</span></div>",
      className: "marker-cluster marker-cluster-" + size,
      iconSize: L.point(40, 40)
    });
  }

  // "Search in this map area" and a drawn rectangle set the search's bbox filter (west,south,
  // east,north) and reload the results page.
  function bboxOf(bounds) {
    function clamp(value, low, high) { return Math.min(high, Math.max(low, value)); }
    return [
      clamp(bounds.getWest(), -180, 180), clamp(bounds.getSouth(), -90, 90),
      clamp(bounds.getEast(), -180, 180), clamp(bounds.getNorth(), -90, 90)
    ].map(function (v) { return v.toFixed(4); }).join(",");
  }

  function searchArea(bounds) {
    var url = new URL(window.location.href);
    url.searchParams.set("bbox", bboxOf(bounds));
    url.searchParams.delete("page");
    window.location.assign(url.pathname + "?" + url.searchParams.toString());
  }

  function showCurrentArea(map, value) {
    var parts = (value || "").split(",").map(parseFloat);
    if (parts.length !== 4 || parts.some(isNaN)) { return null; }
    var bounds = L.latLngBounds([parts[1], parts[0]], [parts[3], parts[2]]);
    L.rectangle(bounds, { interactive: false, color: "#0072B2", weight: 2, dashArray: "6 4", fill: false }).addTo(map);
    return bounds;
  }

  function areaTools(el, map) {
    var cfg = config();
    var tools = document.createElement("div");
    tools.className = "map-tools";
    var search = document.createElement("button");
    search.type = "button";
    search.className = "map-tool";
    search.dataset.mapSearchArea = "";
    search.textContent = cfg.searchArea || "Search in this map area";
    search.addEventListener("click", function () { searchArea(map.getBounds()); });
    tools.appendChild(search);
    if (el.dataset.bbox) {
      var everywhere = document.createElement("button");
      everywhere.type = "button";
      everywhere.className = "map-tool";
      everywhere.textContent = cfg.searchEverywhere || "Search everywhere";
      everywhere.addEventListener("click", function () {
        var url = new URL(window.location.href);
        url.searchParams.delete("bbox");
        url.searchParams.delete("page");
        window.location.assign(url.pathname + (url.searchParams.toString() ? "?" + url.searchParams.toString() : ""));
      });
      tools.appendChild(everywhere);
    }
    // Drawing an area: two clicks on the map set opposite corners of a rectangle (a light
    // tool of our own instead of loading geoman on the public search page).
    var draw = document.createElement("button");
    draw.type = "button";
    draw.className = "map-tool";
    draw.dataset.mapDrawArea = "";
    draw.setAttribute("aria-pressed", "false");
    draw.textContent = cfg.drawArea || "Draw an area";
    var hint = document.createElement("p");
    hint.className = "small map-tool-hint";
    hint.id = el.id + "-draw-hint";
    hint.textContent = cfg.drawHint || "";
    hint.hidden = true;
    hint.setAttribute("aria-live", "polite");
    var corner = null;
    var preview = null;
    function stopDrawing() {
      corner = null;
      if (preview) { map.removeLayer(preview); preview = null; }
      draw.setAttribute("aria-pressed", "false");
      draw.textContent = cfg.drawArea || "Draw an area";
      hint.hidden = true;
      el.classList.remove("is-drawing");
      map.doubleClickZoom.enable();
    }
    draw.addEventListener("click", function () {
      if (draw.getAttribute("aria-pressed") === "true") { stopDrawing(); return; }
      draw.setAttribute("aria-pressed", "true");
      draw.textContent = cfg.drawCancel || "Cancel drawing";
      hint.hidden = false;
      el.classList.add("is-drawing");
      map.doubleClickZoom.disable();
    });
    map.on("click", function (event) {
      if (draw.getAttribute("aria-pressed") !== "true") { return; }
      if (!corner) {
        corner = event.latlng;
        preview = L.rectangle(L.latLngBounds(corner, corner), { interactive: false, color: "#0072B2", weight: 2 }).addTo(map);
        return;
      }
      var bounds = L.latLngBounds(corner, event.latlng);
      stopDrawing();
      searchArea(bounds);
    });
    map.on("mousemove", function (event) {
      if (corner && preview) { preview.setBounds(L.latLngBounds(corner, event.latlng)); }
    });
    tools.appendChild(draw);
    tools.appendChild(hint);
    el.parentNode.insertBefore(tools, el.nextSibling);
  }

  function initSearch(el) {
    var map = create(el);
    var prefix = el.dataset.langPrefix || "";
    var legend = legendOf(el);
    var area = showCurrentArea(map, el.dataset.bbox);
    // Fitted once: to the chosen area, else to the markers, else (no result) to the outlines.
    var outlines = loadOutlines(map, el.dataset.outlinesUrl, false);
    if (area) { map.fitBounds(area, { animate: false }); }
    // A view chosen before the results arrive (a drag, a zoom, a script) is kept.
    var moved = false;
    map.once("movestart", function () { moved = true; });
    if (el.dataset.areaSearch !== undefined) { areaTools(el, map); }
    fetch(el.dataset.geojsonUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (data) {
        var group = L.markerClusterGroup
          ? L.markerClusterGroup({ iconCreateFunction: clusterIcon, showCoverageOnHover: false })
          : L.featureGroup();
        var markers = [];
        data.features.forEach(function (feature) {
          var coords = feature.geometry && feature.geometry.coordinates;
          if (!coords) { return; }
          var title = feature.properties.title || feature.properties.name;
          var key = categoryOf(feature);
          var index = legend.keys[key] !== undefined ? legend.keys[key] : SHAPES.length - 1;
          var marker = L.marker([coords[1], coords[0]], {
            icon: markerIcon(index, title),
            title: title,
            alt: title,
            category: key,
            detailPath: withoutPrefix(new URL(feature.properties.url, window.location.href).pathname, prefix)
          });
          marker.bindPopup(popupContent(feature, prefix, legend.labels), { maxWidth: 260, autoPanPadding: [16, 16] });
          markerEvents(marker);
          markers.push(marker);
          group.addLayer(marker);
        });
        // Fitted before the group is added and without animation, so the clusters are formed
        // once, at the final zoom (not at the start view and again after a zoom animation).
        if (markers.length && !area && !moved) {
          var bounds = L.latLngBounds(markers.map(function (m) { return m.getLatLng(); }));
          map.fitBounds(bounds, { maxZoom: 12, padding: [20, 20], animate: false });
        } else if (!area && !moved) {
          outlines.then(function (layer) {
            if (!moved && layer && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); }
          });
        }
        map.addLayer(group);
        syncWithList(el, markers, group, prefix);
        el.dataset.markers = String(data.features.length);
      })
      .catch(function () { el.dataset.markers = "error"; });
  }

  function initDetail(el) {
    var data = JSON.parse(document.getElementById("map-data").textContent);
    var map = create(el);
    loadOutlines(map, el.dataset.outlinesUrl, false);
    L.marker([data.lat, data.lon], { title: data.title, alt: data.title }).addTo(map);
    // Points proposed instead (a moderator's review of an owner's update): another symbol.
    var proposed = (data.proposed || []).map(function (point) {
      return L.marker([point.lat, point.lon], { icon: markerIcon(1, point.title), title: point.title, alt: point.title }).addTo(map);
    });
    if (data.outline) {
      var outline = L.geoJSON(data.outline, { style: { color: "#b4461e", weight: 2 } }).addTo(map);
      map.fitBounds(outline.getBounds(), { maxZoom: 16 });
    } else if (proposed.length) {
      var bounds = L.latLngBounds([[data.lat, data.lon]].concat(proposed.map(function (m) { return m.getLatLng(); })));
      map.fitBounds(bounds, { maxZoom: 15, padding: [30, 30] });
    } else {
      map.setView([data.lat, data.lon], 14);
    }
  }

  function mapOf(el) {
    var found = maps.filter(function (pair) { return pair[0] === el; })[0];
    return found ? found[1] : null;
  }

  window.StandortlotseMap = { create: create, loadOutlines: loadOutlines, symbol: symbol, mapOf: mapOf };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-map]").forEach(function (el) {
      if (el.dataset.map === "search") { initSearch(el); }
      if (el.dataset.map === "detail") { initDetail(el); }
    });
  });
})();
