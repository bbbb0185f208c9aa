// Search map: one marker per commune with the number of listings (no personal data).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("carte");
    if (!element || typeof L === "undefined") { return; }
    var map = L.map(element, { scrollWheelZoom: false }).setView([48.85, 2.35], 9);
    var tiles = element.getAttribute("data-tiles-url");
    if (tiles) {
      L.tileLayer(tiles, {
        maxZoom: 18,
        attribution: element.getAttribute("data-tiles-attribution") || ""
      }).addTo(map);
    }
    fetch(element.getAttribute("data-markers-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { markers: [] }; })
      .then(function (data) {
        var bounds = [];
        data.markers.forEach(function (marker) {
          var label = marker.commune + " : " + marker.count + (marker.count > 1 ? " annonces" : " annonce");
          var icon = L.divIcon({
            className: "",
            html: '<span class="map-count">' + marker.count + "</span>",
            iconSize: [32, 24]
          });
          var link = document.createElement("a");
          link.href = marker.url;
          link.textContent = label;
          L.marker([marker.lat, marker.lng], { icon: icon, title: label, alt: label, keyboard: true })
            .bindPopup(link)
            .addTo(map);
          bounds.push([marker.lat, marker.lng]);
        });
        if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12 }); }
      })
      .catch(function () { /* the list stays the reference */ });
  });
})();
