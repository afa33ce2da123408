// The case's locator map: the county and those around it, as GET
// /api/alertbutton/counties/{geoid}/map gives them, drawn as an SVG with nothing fetched.
// Equirectangular, longitudes shrunk by the cosine of the map's latitude, north up.
import { h } from '../js/dom.js';
import { t } from '../js/i18n.js';

// The map is drawn WIDTH units wide (about as many pixels on a phone); colours meet WCAG AA
// against each other: the county against its neighbours, the marker against both.
const WIDTH = 300;
const COLOURS = {
  sea: '#f3f5f4',
  around: '#dcdcdc',
  aroundLine: '#6b6b6b',
  county: '#0b5d3b',
  countyLine: '#073f28',
  halo: '#ffffff',
  haloLine: '#1b1b1b',
  marker: '#b3261e',
};

let ids = 0;

// drawLocator returns the <svg> of map (the route's answer); place, {lat, lon} or null (the
// alert's location as it is stored: {lat, lon, accuracy} in metres), is marked on it.
export function drawLocator(map, place) {
  const point = place && Number.isFinite(place.lat) && Number.isFinite(place.lon) ? place : null;
  const frame = framing(map.bbox, point);
  const project = projection(frame);
  const height = project.height;
  const id = 'locator-' + ++ids;
  const where = { county: map.name, state: map.state };
  const svg = h('svg:svg', {
    class: 'locator', role: 'img', 'aria-labelledby': id + '-title', 'aria-describedby': id + '-desc',
    viewBox: '0 0 ' + WIDTH + ' ' + round(height), width: '100%', preserveAspectRatio: 'xMidYMid meet',
    'data-geoid': map.geoid,
  },
  h('svg:title', { id: id + '-title' }, t(point ? 'map.title.point' : 'map.title', where)),
  h('svg:desc', { id: id + '-desc' }, [
    map.consulateName ? t('map.consulate', { consulate: map.consulateName }) : t('map.consulate.none'),
    map.attribution || '',
  ].filter(Boolean).join(' ')),
  h('svg:rect', { x: 0, y: 0, width: WIDTH, height: round(height), fill: COLOURS.sea }),
  h('svg:g', { class: 'around' }, (map.neighbours || []).map((n) =>
    shape(n.rings, project, { class: 'neighbour', 'data-geoid': n.geoid, fill: COLOURS.around, stroke: COLOURS.aroundLine, 'stroke-width': '0.75' }))),
  shape(map.county || [], project, { class: 'county', 'data-geoid': map.geoid, fill: COLOURS.county, stroke: COLOURS.countyLine, 'stroke-width': '1.5' }),
  point ? marker(project(point.lon + frame.shift, point.lat), point.accuracy * project.perMetre) : null,
  h('svg:rect', { x: 0.5, y: 0.5, width: WIDTH - 1, height: round(height - 1), fill: 'none', stroke: COLOURS.aroundLine, 'stroke-width': '1' }),
  );
  return svg;
}

// framing is the map's extent, grown to show the point if it falls outside (a place matched
// to its nearest county). shift brings the point's longitude next to a map across the
// antimeridian, whose longitudes run below -180.
function framing(bbox, point) {
  let [w, s, e, n] = bbox;
  const shift = w < -180 && point && point.lon > 0 ? -360 : 0;
  if (point) {
    const lon = point.lon + shift;
    const pad = 0.05 * Math.max(e - w, n - s);
    if (lon < w) w = lon - pad;
    if (lon > e) e = lon + pad;
    if (point.lat < s) s = point.lat - pad;
    if (point.lat > n) n = point.lat + pad;
  }
  return { w, s, e, n, shift };
}

// projection maps [lon, lat] to the map's units; its height is the map's.
function projection({ w, s, e, n }) {
  const k = Math.cos(((s + n) / 2) * Math.PI / 180);
  const scale = WIDTH / ((e - w) * k);
  const project = (lon, lat) => [(lon - w) * k * scale, (n - lat) * scale];
  project.height = (n - s) * scale;
  project.perMetre = scale / 111320; // a degree of latitude is about 111 320 m
  return project;
}

// shape is one county's rings as one path, filled by the even-odd rule (holes stay holes).
function shape(rings, project, attrs) {
  const d = rings.map((ring) => 'M' + ring.slice(0, -1).map(([lon, lat]) => {
    const [x, y] = project(lon, lat);
    return round(x) + ' ' + round(y);
  }).join('L') + 'Z').join('');
  return h('svg:path', { d, 'fill-rule': 'evenodd', 'stroke-linejoin': 'round', 'vector-effect': 'non-scaling-stroke', ...attrs });
}

// marker is the point: a red dot in a white ring, seen on the county and off it, within
// the circle of the fix's accuracy when that is wider than the ring.
function marker([x, y], accuracy) {
  return h('svg:g', { class: 'marker' },
    accuracy > 8 ? [
      h('svg:circle', { class: 'accuracy', cx: round(x), cy: round(y), r: round(accuracy), fill: 'none', stroke: COLOURS.halo, 'stroke-width': '3.5' }),
      h('svg:circle', { cx: round(x), cy: round(y), r: round(accuracy), fill: 'none', stroke: COLOURS.marker, 'stroke-width': '2', 'stroke-dasharray': '4 3' }),
    ] : null,
    h('svg:circle', { cx: round(x), cy: round(y), r: 8, fill: COLOURS.halo, stroke: COLOURS.haloLine, 'stroke-width': '1.5' }),
    h('svg:circle', { cx: round(x), cy: round(y), r: 4.5, fill: COLOURS.marker }));
}

function round(v) {
  return String(Math.round(v * 10) / 10);
}
