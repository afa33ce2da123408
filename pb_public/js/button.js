// The alert button: press and hold for two seconds (mouse, touch or the Space/Enter key).
// A short touch only shows how to use it; the ring fills while holding.
import { h } from './dom.js';

const R = 46;
const CIRC = 2 * Math.PI * R;

export function holdButton({ text, sub, describedBy, holdMs = 2000, onStart, onFire, onShort }) {
  const ring = h('svg:circle', { class: 'ring', cx: 50, cy: 50, r: R, 'stroke-dasharray': CIRC.toFixed(1), 'stroke-dashoffset': CIRC.toFixed(1) });
  const svg = h('svg:svg', { viewBox: '0 0 100 100', 'aria-hidden': 'true', focusable: 'false', class: 'ringbox' },
    h('svg:circle', { class: 'track', cx: 50, cy: 50, r: R }), ring);
  const btn = h('button', { type: 'button', class: 'hold', 'aria-describedby': describedBy },
    svg, h('span', { class: 'hold-text' }, text), h('span', { class: 'hold-sub' }, sub));

  let t0 = 0;
  let frame = 0;
  let fired = false;

  const setProgress = (p) => ring.setAttribute('stroke-dashoffset', (CIRC * (1 - Math.min(1, p))).toFixed(1));

  const tick = (now) => {
    const p = (now - t0) / holdMs;
    setProgress(p);
    if (p >= 1) {
      frame = 0;
      fired = true;
      btn.classList.remove('holding');
      btn.classList.add('fired');
      if (navigator.vibrate) navigator.vibrate(200);
      onFire();
      return;
    }
    frame = requestAnimationFrame(tick);
  };

  const start = () => {
    if (frame || btn.disabled) return;
    fired = false;
    btn.classList.remove('fired');
    btn.classList.add('holding');
    t0 = performance.now();
    if (onStart) onStart();
    frame = requestAnimationFrame(tick);
  };

  const stop = () => {
    if (!frame) return;
    cancelAnimationFrame(frame);
    frame = 0;
    btn.classList.remove('holding');
    setProgress(0);
    if (!fired && onShort) onShort();
  };

  btn.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    btn.focus();
    try { btn.setPointerCapture(e.pointerId); } catch { /* not capturable */ }
    start();
  });
  for (const ev of ['pointerup', 'pointercancel', 'lostpointercapture']) btn.addEventListener(ev, stop);
  btn.addEventListener('blur', stop);
  btn.addEventListener('keydown', (e) => {
    if (e.key !== ' ' && e.key !== 'Enter') return;
    e.preventDefault();
    if (!e.repeat) start();
  });
  btn.addEventListener('keyup', (e) => {
    if (e.key !== ' ' && e.key !== 'Enter') return;
    e.preventDefault();
    stop();
  });
  btn.addEventListener('contextmenu', (e) => e.preventDefault());
  btn.addEventListener('click', (e) => e.preventDefault());
  btn.reset = () => { fired = false; btn.classList.remove('fired'); setProgress(0); };
  return btn;
}
