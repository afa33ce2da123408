// The best location the phone gives within a few seconds, or nothing.

// locate watches the position for up to maxMs and returns the most accurate fix, or null
// when location is refused, unavailable or too slow.
export function locate(maxMs = 4000) {
  if (!('geolocation' in navigator)) return Promise.resolve(null);
  return new Promise((resolve) => {
    let best = null;
    let watch = null;
    const done = () => {
      if (watch !== null) navigator.geolocation.clearWatch(watch);
      clearTimeout(timer);
      resolve(best);
    };
    const timer = setTimeout(done, maxMs);
    watch = navigator.geolocation.watchPosition(
      (pos) => {
        const c = pos.coords;
        if (!best || c.accuracy < best.accuracy) {
          best = { lat: round(c.latitude), lon: round(c.longitude), accuracy: Math.round(c.accuracy) };
        }
        if (c.accuracy <= 50) done();
      },
      (err) => {
        if (err.code === err.PERMISSION_DENIED) done();
      },
      { enableHighAccuracy: true, maximumAge: 60000, timeout: maxMs },
    );
  });
}

function round(x) {
  return Math.round(x * 1e6) / 1e6;
}

// locationPermission is "granted", "denied", "prompt" or "unknown".
export async function locationPermission() {
  try {
    const p = await navigator.permissions.query({ name: 'geolocation' });
    return p.state;
  } catch {
    return 'unknown';
  }
}

// askLocation shows the browser's permission prompt once, outside an emergency.
export function askLocation() {
  return new Promise((resolve) => {
    if (!('geolocation' in navigator)) return resolve(false);
    navigator.geolocation.getCurrentPosition(() => resolve(true), (err) => resolve(err.code !== err.PERMISSION_DENIED),
      { timeout: 15000, maximumAge: 600000 });
  });
}
