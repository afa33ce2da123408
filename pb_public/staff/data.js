// What the desk reads, through PocketBase's records API and the appliance's routes, as the
// signed-in staff member. Lists that change rarely (staff, facilities, consulates, counties)
// are read once per page load.
import { api } from '../js/api.js';
import { token } from './auth.js';

// BOARD_FIELDS are what a board row shows; the person's name and phone come with the
// registrant, whose id and collection stay in so that the audit log can name what was read
// (a realtime message to staff that does not is not sent).
export const BOARD_FIELDS = 'id,collectionId,uid,kind,status,source,origin_consulate,target_consulate,' +
  'escalation_level,duress,created,acknowledged_at,closed_at,relay_status,nobody_reached_at,assigned_to,' +
  'registrant,subject_name,expand.registrant.id,expand.registrant.collectionName,expand.registrant.name,expand.registrant.phone';
export const BOARD_QUERY = { fields: BOARD_FIELDS, expand: 'registrant' };

const get = (path) => api(path, { token: token() });
const q = (params) => new URLSearchParams(params).toString();

// optional answers [] or null for a route or collection this appliance does not have yet.
async function optional(promise, empty) {
  try {
    return await promise;
  } catch (err) {
    if (err.status === 404) return empty;
    throw err;
  }
}

const cache = new Map();
function once(key, load) {
  if (!cache.has(key)) cache.set(key, load().catch((err) => { cache.delete(key); throw err; }));
  return cache.get(key);
}

export function forget() {
  cache.clear();
}

// listAll reads every page of a collection's records.
async function listAll(collection, params) {
  const out = [];
  for (let page = 1; ; page++) {
    const res = await get(`/api/collections/${collection}/records?` + q({ ...params, page, perPage: 500, skipTotal: 1 }));
    out.push(...(res.items || []));
    if ((res.items || []).length < 500) return out;
  }
}

// boardAlerts are every open case and the 200 most recent closed ones.
export async function boardAlerts() {
  const open = listAll('alerts', { ...BOARD_QUERY, filter: 'status = "new" || status = "acknowledged" || status = "in_progress"', sort: 'created' });
  const closed = get('/api/collections/alerts/records?' + q({ ...BOARD_QUERY, filter: 'status != "new" && status != "acknowledged" && status != "in_progress"', sort: '-created', perPage: 200, skipTotal: 1 }));
  const [a, b] = await Promise.all([open, closed]);
  return a.concat(b.items || []);
}

export const staffList = () => once('staff', () => listAll('_superusers', { fields: 'id,name,email,role,on_duty', sort: 'name,email' }));
export const facilities = () => once('facilities', () => optional(listAll('facilities', { fields: 'id,name,kind,active,phone,address', sort: 'name' }), []));
export const consulates = () => once('consulates', () => listAll('consulates', { fields: 'code,name,city,state,phone', sort: 'name' }));

export function county(geoid) {
  if (!geoid) return Promise.resolve(null);
  return once('county:' + geoid, async () => {
    const res = await get('/api/collections/jurisdictions/records?' + q({ filter: `county_geoid = "${geoid}"`, fields: 'county_name,state,consulate', perPage: 1 }));
    return (res.items || [])[0] || null;
  });
}

// countyMap is the county's outline for the locator map (the map helper's route), or null.
export function countyMap(geoid) {
  if (!geoid) return Promise.resolve(null);
  return once('map:' + geoid, () => optional(get(`/api/alertbutton/counties/${encodeURIComponent(geoid)}/map`), null));
}

// staffName names a staff member by record id.
export async function staffName(id) {
  const s = (await staffList()).find((x) => x.id === id);
  return s ? s.name || s.email : '';
}

export const alert = (id) => get(`/api/collections/alerts/records/${encodeURIComponent(id)}?expand=registrant`);
export const contacts = (registrant) => registrant
  ? listAll('contacts', { filter: `registrant = "${registrant}"`, fields: 'id,name,relationship,language,phone,email', sort: 'created' })
  : Promise.resolve([]);
export const events = (id) => listAll('alert_events', { filter: `alert = "${id}"`, sort: 'created' });
export const notes = (id) => optional(listAll('case_notes', { filter: `alert = "${id}"`, sort: 'created' }), []);
export const deliveries = (id) => optional(get(`/api/alertbutton/alerts/${encodeURIComponent(id)}/deliveries`), null);
export const health = () => optional(get('/api/alertbutton/health'), null);

// update writes fields of the alert; the server records the timeline events.
export const update = (id, body) => api(`/api/collections/alerts/records/${encodeURIComponent(id)}?expand=registrant`, { method: 'PATCH', body, token: token() });
export const addNote = (id, body) => api('/api/collections/case_notes/records', { method: 'POST', body: { alert: id, body }, token: token() });
