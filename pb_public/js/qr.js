// qrSvg draws text as a QR code in an <svg> (no canvas, no data URL, nothing inline).
import qrcode from '../vendor/qrcode-generator/qrcode.mjs';
import { h } from './dom.js';

export function qrSvg(text, label) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const quiet = 4;
  let d = '';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.isDark(r, c)) d += `M${c + quiet} ${r + quiet}h1v1h-1z`;
    }
  }
  const size = n + 2 * quiet;
  return h('svg:svg', { viewBox: `0 0 ${size} ${size}`, role: 'img', 'aria-label': label, class: 'qr', 'shape-rendering': 'crispEdges' },
    h('svg:rect', { width: size, height: size, fill: '#fff' }),
    h('svg:path', { d, fill: '#000' }));
}
