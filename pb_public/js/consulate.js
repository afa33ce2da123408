// This appliance's consulate: name, city and phone, kept on the phone for offline use
// (none of it is personal).
import { api } from './api.js';

const KEY = 'ab.consulate';

export function consulate() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

let loading = null;

// loadConsulate asks the server once per page load; it keeps the last answer when offline.
export function loadConsulate() {
  if (!loading) {
    loading = (async () => {
      try {
        const info = await api('/api/alertbutton/info');
        const c = { ...info.consulate, vapidPublicKey: info.vapidPublicKey || '' };
        try {
          const list = await api('/api/collections/consulates/records?perPage=1&fields=code,phone,name,city,state&filter=' +
            encodeURIComponent(`code="${c.code}"`));
          const row = list.items && list.items[0];
          if (row && row.phone) c.phone = row.phone;
        } catch {
          // not reached: keep the number this phone already knew (an empty one reads as
          // "not registered yet"); the 24-hour line is always shown
          const known = consulate();
          if (known && known.code === c.code && known.phone) c.phone = known.phone;
        }
        localStorage.setItem(KEY, JSON.stringify(c));
        return c;
      } catch {
        loading = null;
        return consulate();
      }
    })();
  }
  return loading;
}
