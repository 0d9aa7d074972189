/* Tile maps (issue 21 §3): each <figure class="tilemap"> carries the layers the server drew as SVG
   (core.tilemap.map_figure); with a tile source configured (#tile-config) they are drawn again
   with Leaflet over the bureau's tiles: region outlines, labelled markers, a legend with counts
   and a scale. The SVG stays in the page for print and is shown again if the map cannot start. */
(function () {
  'use strict';
  var LABELS_UP_TO = 40;  // as core.charts: more markers are a crowd, drawn without labels

  function config() {
    var node = document.getElementById('tile-config');
    return node ? JSON.parse(node.textContent) : null;
  }

  function icon(layer) {
    var shape = layer.shape === 'home' ? 'home' : (layer.shape === 'square' ? 'square' : 'dot');
    var span = document.createElement('span');
    span.className = 'tm-symbol tm-' + shape;
    span.style.backgroundColor = layer.color;
    return span;
  }

  function legend(data) {
    var control = L.control({position: 'bottomleft'});
    control.onAdd = function () {
      var box = L.DomUtil.create('div', 'tm-legend');
      data.layers.forEach(function (layer) {
        var row = document.createElement('div');
        row.appendChild(icon(layer));
        row.appendChild(document.createTextNode(
          ' ' + layer.name + (layer.unit ? ' ' + layer.markers.length + layer.unit : '')));
        box.appendChild(row);
      });
      return box;
    };
    return control;
  }

  function draw(figure, tiles) {
    var data = JSON.parse(figure.querySelector('.tilemap-data').textContent);
    var holder = document.createElement('div');
    holder.className = 'tilemap-canvas';
    holder.style.height = (figure.dataset.height || 420) + 'px';
    holder.setAttribute('role', 'region');
    holder.setAttribute('aria-label', data.title);
    figure.insertBefore(holder, figure.firstChild);
    var map = L.map(holder, {scrollWheelZoom: false});
    tiles.tiles.forEach(function (url) {
      L.tileLayer(url, {subdomains: tiles.subdomains, maxZoom: 18,
                        attribution: tiles.attribution}).addTo(map);
    });
    data.areas.forEach(function (area) {
      area.rings.forEach(function (ring) {
        L.polygon(ring, {color: '#5d6b57', weight: 1, dashArray: '4 3', fillOpacity: 0.04})
          .bindTooltip(area.name, {sticky: true}).addTo(map);
      });
    });
    var points = [];
    var count = data.layers.reduce(function (n, l) { return n + l.markers.length; }, 0);
    data.layers.forEach(function (layer) {
      layer.markers.forEach(function (m) {
        var marker = L.circleMarker([m[0], m[1]], {
          radius: layer.shape === 'home' ? 9 : (count > LABELS_UP_TO ? 3 : 6),
          color: '#fff', weight: layer.shape === 'home' ? 3 : 1,
          fillColor: layer.color, fillOpacity: 0.9});
        if (m[2]) {
          marker.bindTooltip(m[2], {permanent: count <= LABELS_UP_TO, direction: 'right',
                                    className: 'tm-label'});
        }
        marker.addTo(map);
        points.push([m[0], m[1]]);
      });
    });
    legend(data).addTo(map);
    L.control.scale({metric: true, imperial: false}).addTo(map);
    if (points.length) {
      map.fitBounds(points, {padding: [30, 30], maxZoom: 16});
    } else {
      map.setView([29.27, 117.18], 10);
    }
    figure.classList.add('tilemap-ready');
  }

  document.addEventListener('DOMContentLoaded', function () {
    var tiles = config();
    if (!tiles || typeof L === 'undefined') { return; }
    document.querySelectorAll('figure.tilemap').forEach(function (figure) {
      try { draw(figure, tiles); } catch (e) { figure.classList.remove('tilemap-ready'); throw e; }
    });
  });
}());
