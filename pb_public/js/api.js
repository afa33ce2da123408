// Calls to the appliance's API, with PocketBase's error shape turned into something to show.
import { lang, t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, message, data = {}) {
    super(message);
    this.status = status;
    this.data = data || {};
  }
  // network is true when the server could not be reached at all.
  get network() {
    return this.status === 0;
  }
}

// api sends a JSON request; token is a PocketBase auth token or empty; headers are added.
export async function api(path, { method = 'GET', body, token, headers: extra } = {}) {
  const headers = { ...extra, Accept: 'application/json', 'Accept-Language': lang() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = token;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, t('common.network'));
  }
  if (res.status === 204) return null;
  let json = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  if (!res.ok) {
    const message = (json && json.message) || t('common.error');
    throw new ApiError(res.status, message, json && json.data);
  }
  return json;
}

const codeKeys = {
  validation_required: 'err.required',
  validation_not_unique: 'err.unique',
  validation_invalid_format: 'err.format',
  validation_match_invalid: 'err.format',
  validation_length_out_of_range: 'err.length',
  validation_min_text_constraint: 'err.password.short',
};

// fieldMessages turns PocketBase's {field: {code, message}} into readable text per field.
export function fieldMessages(err) {
  const out = {};
  for (const [name, v] of Object.entries((err && err.data) || {})) {
    if (!v || typeof v !== 'object') continue;
    const key = codeKeys[v.code];
    out[name] = key ? t(key) : v.message || t('common.error');
  }
  return out;
}

// explain is the one line to show for an error.
export function explain(err) {
  if (!(err instanceof ApiError)) return t('common.error');
  if (err.network) return t('common.network');
  if (err.status === 401) return t('common.signin.again');
  if (err.status === 404 && !Object.keys(err.data).length && /(not|wasn't) found/i.test(err.message)) {
    return t('err.missing.route');
  }
  return err.message;
}
