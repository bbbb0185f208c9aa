// Search map: listings counted per commune (no personal data). The list beside it
// stays the reference; the map only helps. Markers too close to be told apart at the
// current zoom are grouped into one (named by its communes and count; activating it
// zooms in), so that none hides another. Controls speak French; when the tiles fail
// (host unreachable, blocked), a visible note says so and the markers stay.
(function () {
  "use strict";
  var GROUP_PIXELS = 40;

  function plural(count, one, many) { return count + " " + (count > 1 ? many : one); }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("carte");
    if (!element || typeof L === "undefined") { return; }
    var fallback = document.getElementById("carte-indisponible");
    var text = function (name) { return element.getAttribute("data-text-" + name) || ""; };
    var map = L.map(element, { scrollWheelZoom: false, zoomControl: false }).setView([48.85, 2.35], 9);
    L.control.zoom({ zoomInTitle: text("zoom-in"), zoomOutTitle: text("zoom-out") }).addTo(map);
    map.attributionControl.setPrefix(false);
    var showFallback = function () { if (fallback) { fallback.hidden = false; } };
    var tiles = element.getAttribute("data-tiles-url");
    if (tiles) {
      L.tileLayer(tiles, {
        maxZoom: 18,
        attribution: element.getAttribute("data-tiles-attribution") || ""
      }).on("tileerror", showFallback).addTo(map);
    } else {
      showFallback();
    }

    var markers = [];
    var layer = L.layerGroup().addTo(map);

    function groups() {
      var found = [];
      markers.forEach(function (marker) {
        var point = map.latLngToLayerPoint([marker.lat, marker.lng]);
        var near = found.find(function (group) { return group.point.distanceTo(point) < GROUP_PIXELS; });
        if (near) { near.members.push(marker); } else { found.push({ point: point, members: [marker] }); }
      });
      return found;
    }

    function labelOf(members) {
      var count = members.reduce(function (sum, m) { return sum + m.count; }, 0);
      var listings = plural(count, text("one"), text("many"));
      if (members.length === 1) { return members[0].commune + " : " + listings; }
      var names = members.slice(0, 3).map(function (m) { return m.commune; }).join(", ");
      var more = members.length > 3 ? " " + text("and-more").replace("%s", members.length - 3) : "";
      return names + more + " : " + listings;
    }

    function draw() {
      layer.clearLayers();
      groups().forEach(function (group) {
        var members = group.members;
        var count = members.reduce(function (sum, m) { return sum + m.count; }, 0);
        var label = labelOf(members);
        var badge = document.createElement("span");
        badge.className = "map-count" + (members.length > 1 ? " map-group" : "");
        badge.setAttribute("aria-hidden", "true");
        badge.textContent = count;
        var name = document.createElement("span");
        name.className = "visually-hidden";
        name.textContent = label;
        var html = document.createElement("span");
        html.appendChild(badge);
        html.appendChild(name);
        var lat = members.reduce(function (s, m) { return s + m.lat; }, 0) / members.length;
        var lng = members.reduce(function (s, m) { return s + m.lng; }, 0) / members.length;
        var marker = L.marker([lat, lng], {
          icon: L.divIcon({ className: "map-marker", html: html.innerHTML, iconSize: [36, 26] }),
          title: label,
          keyboard: true
        });
        if (members.length === 1) {
          var link = document.createElement("a");
          link.href = members[0].url;
          link.textContent = text("see").replace("%s", label);
          marker.bindPopup(link);
        } else {
          marker.on("click", function () {
            map.fitBounds(members.map(function (m) { return [m.lat, m.lng]; }), { padding: [30, 30] });
          });
        }
        marker.addTo(layer);
      });
    }

    fetch(element.getAttribute("data-markers-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { markers: [] }; })
      .then(function (data) {
        markers = data.markers;
        var bounds = markers.map(function (m) { return [m.lat, m.lng]; });
        if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12 }); }
        draw();
        map.on("zoomend", draw);
      })
      .catch(function () { /* the list stays the reference */ });
  });
})();
