// The map: Natural Earth country outlines (world-atlas TopoJSON, served from this package) and the
// selected events, one marker per located event in clusters that show how many events they hold.
// For large selections the server sends one marker per place with its event count instead, and the
// clusters add those counts, so a cluster's number is always a number of events.
"use strict";

(function () {
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  const status = document.getElementById("map-status");
  const say = (text) => { if (status) status.textContent = text; };
  const escapeHtml = (s) => String(s == null ? "" : s).replace(/[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

  const map = L.map(el, { worldCopyJump: true, preferCanvas: true, minZoom: 1, maxZoom: 12,
                         attributionControl: true }).setView([25, 10], 2);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("outlines: Natural Earth");
  el.classList.add("map-ready");

  // Outlines at 1:110m first (100 kB: drawn at once), replaced by 1:50m (750 kB) when a zoom needs them.
  const outlineStyle = { color: "#8a8f98", weight: 0.6, fillColor: "#eef0ea", fillOpacity: 1 };
  let outlines = null, detailed = false;
  const drawOutlines = (scale) => fetch("/static/vendor/world-atlas/countries-" + scale + ".json")
    .then((r) => r.json())
    .then((topo) => {
      const land = topojson.feature(topo, topo.objects.countries);
      land.features.forEach((f) => unwrap(f.geometry));
      const layer = L.geoJSON(land, { interactive: false, style: outlineStyle }).addTo(map);
      if (outlines) map.removeLayer(outlines);
      outlines = layer;
      layer.bringToBack();
      el.dataset.countries = land.features.length;
      el.dataset.outlines = scale;
      if (!el.dataset.outlinesMs) el.dataset.outlinesMs = Math.round(performance.now());  // for benchmarks/web.py
      el.classList.add("outlines-ready");
    })
    .catch(() => say("country outlines could not be loaded"));
  drawOutlines("110m");
  map.on("zoomend", () => {
    if (!detailed && map.getZoom() >= 4) { detailed = true; drawOutlines("50m"); }
  });

  // Rings that cross the antimeridian jump from +180 to -180; Leaflet would draw that jump as a
  // line across the world, so such rings continue past 180 instead.
  function unwrap(geometry) {
    if (!geometry) return;
    const polys = geometry.type === "Polygon" ? [geometry.coordinates] :
                  geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    polys.forEach((poly) => poly.forEach((ring) => {
      for (let i = 1; i < ring.length; i++) {
        const d = ring[i][0] - ring[i - 1][0];
        if (d > 180) ring[i][0] -= 360; else if (d < -180) ring[i][0] += 360;
      }
    }));
  }

  const weight = (layer) => layer.options.weight || 1;
  const clusters = L.markerClusterGroup({
    chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 40,
    iconCreateFunction: (cluster) => {
      const n = cluster.getAllChildMarkers().reduce((sum, m) => sum + weight(m), 0);
      const size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 42 : 50;
      return L.divIcon({ html: '<span style="line-height:' + (size - 4) + 'px">' + n + "</span>", className: "cluster",
                         iconSize: [size, size] });
    },
  });
  map.addLayer(clusters);

  const eventPopup = (p) =>
    '<div class="popup"><div class="when">' + escapeHtml(p.date_value || p.story_date) + " · <b>" +
    escapeHtml(p.plover_type) + (p.plover_mode ? "/" + escapeHtml(p.plover_mode) : "") + "</b> " +
    escapeHtml(p.cameo || "") + "</div><div>" + escapeHtml(p.source_name || "") +
    (p.target_name ? " → " + escapeHtml(p.target_name) : "") + "</div><div class=\"where\">" +
    escapeHtml(p.place_name || "") + "</div><p>" + escapeHtml(p.sentence) + '</p><a href="/story/' +
    encodeURIComponent(p.story_id) + "#event-" + encodeURIComponent(p.event_no) + '">story →</a></div>';
  const placePopup = (p, query) =>
    '<div class="popup"><b>' + escapeHtml(p.place_name) + "</b><div>" + p.n + " events</div>" +
    '<a href="/events?' + query + (query ? "&" : "") + "place=" + encodeURIComponent(p.geonameid) +
    '">list them →</a> · <a href="/place/' + encodeURIComponent(p.geonameid) + '">place →</a></div>';

  const api = el.dataset.api;
  const query = api.indexOf("?") >= 0 ? api.slice(api.indexOf("?") + 1) : "";
  fetch(api)
    .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
    .then(({ ok, body }) => {
      if (!ok) { say(body.detail || "the events could not be loaded"); return; }
      const markers = body.features.map((f) => {
        const [lon, lat] = f.geometry.coordinates;
        const p = f.properties;
        const m = L.marker([lat, lon], {
          weight: p.n,
          icon: L.divIcon({ className: body.mode === "events" ? "event-marker" : "place-marker",
                            html: body.mode === "events" ? "" : "<span>" + p.n + "</span>",
                            iconSize: body.mode === "events" ? [14, 14] : [30, 30] }),
          title: body.mode === "events" ? (p.plover_type + " · " + (p.place_name || "")) : p.place_name,
        });
        m.bindPopup(() => body.mode === "events" ? eventPopup(p) : placePopup(p, query), { maxWidth: 360 });
        return m;
      });
      clusters.addLayers(markers);
      el.dataset.located = body.located;
      el.dataset.mode = body.mode;
      if (el.dataset.point) {
        const [lat, lon] = el.dataset.point.split(",").map(Number);
        if (isFinite(lat) && isFinite(lon)) map.setView([lat, lon], 6);
      } else if (markers.length) {
        // no animation: the clusters of the first view are drawn once, not faded from the world view
        map.fitBounds(clusters.getBounds(), { padding: [30, 30], maxZoom: 6, animate: false });
      }
      say(body.located + " events with coordinates" + (body.mode === "places" ? " (one marker per place)" : "") +
          (body.unlocated ? "; " + body.unlocated + " without" : ""));
      el.dataset.markersMs = Math.round(performance.now());
      el.classList.add("events-ready");
    })
    .catch(() => say("the events could not be loaded"));
})();
