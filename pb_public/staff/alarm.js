// Sound and a system notification when a new case arrives. Browsers play sound only after a
// gesture on the page, so the adviser turns it on with a button; the choice is remembered and
// the sound wakes again at the first touch or key after a reload.
const KEY = 'ab.desk.sound';
let ctx = null;

export const wanted = () => localStorage.getItem(KEY) === 'on';
export const playing = () => !!ctx && ctx.state === 'running';

// enable runs inside the adviser's gesture: it unlocks audio and asks to show notifications.
export async function enable() {
  localStorage.setItem(KEY, 'on');
  unlock();
  if ('Notification' in window && Notification.permission === 'default') {
    try {
      await Notification.requestPermission();
    } catch {
      // notifications are a nicety; the sound and the board remain
    }
  }
}

export function disable() {
  localStorage.setItem(KEY, 'off');
}

function unlock() {
  const AC = window.AudioContext || window.webkitAudioContext;
  if (!AC) return;
  if (!ctx) ctx = new AC();
  if (ctx.state === 'suspended') ctx.resume().catch(() => {});
}

// wake unlocks the sound at the first gesture after a reload, when the adviser had it on.
export function wakeOnGesture(onWoken) {
  const once = () => {
    if (wanted()) {
      unlock();
      onWoken();
    }
    window.removeEventListener('pointerdown', once, true);
    window.removeEventListener('keydown', once, true);
  };
  window.addEventListener('pointerdown', once, true);
  window.addEventListener('keydown', once, true);
}

// ring plays three short tones and, when the desk is not in view, shows a notification.
export function ring(title, body, tag) {
  if (wanted() && playing()) {
    const t0 = ctx.currentTime;
    for (let i = 0; i < 3; i++) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, t0 + i * 0.3);
      gain.gain.exponentialRampToValueAtTime(0.3, t0 + i * 0.3 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.3 + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0 + i * 0.3);
      osc.stop(t0 + i * 0.3 + 0.22);
    }
  }
  if (wanted() && document.hidden && 'Notification' in window && Notification.permission === 'granted') {
    try {
      const n = new Notification(title, { body, tag, icon: '/icons/icon-192.png' });
      n.onclick = () => { window.focus(); location.hash = '#case/' + tag; n.close(); };
    } catch {
      // some browsers only notify from a service worker; the push to this device does that
    }
  }
}
