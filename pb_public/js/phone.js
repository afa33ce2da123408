// A phone number as people type it ("559 555 1234", "(559) 555-1234", "+52 55 1234 5678")
// read into E.164, and shown back grouped so the person can check it. The server follows
// the same rules (hooks/phone), so the number shown is the number stored.

// normalizePhone returns the E.164 form of text, or '' when it cannot tell the number.
// Without a country code, 10 digits are a U.S. number (1 and 10 digits too); 52 and 10
// digits are Mexican, and Mexico's old mobile 1 after 52 is dropped.
export function normalizePhone(text) {
  const raw = String(text || '').trim();
  if (!/^\+?[0-9 ()./\-\u00a0]+$/.test(raw)) return '';
  const digits = raw.replace(/\D/g, '');
  let d;
  if (raw.startsWith('+')) d = digits;
  else if (digits.startsWith('011')) d = digits.slice(3);
  else if (digits.startsWith('00')) d = digits.slice(2);
  else if (digits.length === 10) d = '1' + digits;
  else if ((digits.length === 11 && digits[0] === '1') || (digits.length === 12 && digits.startsWith('52'))
    || (digits.length === 13 && digits.startsWith('521'))) d = digits;
  else return '';
  if (d.length === 13 && d.startsWith('521')) d = '52' + d.slice(3);
  if (d[0] === '1' && (d.length !== 11 || d[1] < '2')) return '';
  if (d.startsWith('52') && d.length !== 12) return '';
  const e164 = '+' + d;
  return validPhone(e164) ? e164 : '';
}

export function validPhone(e164) {
  return /^\+[1-9][0-9]{7,14}$/.test(e164);
}

// formatPhone groups an E.164 number the way it is read aloud: +1 559 555 1234,
// +52 55 1234 5678, +52 662 123 4567.
export function formatPhone(e164) {
  const d = String(e164 || '').replace(/^\+/, '');
  if (d.length === 11 && d[0] === '1') return `+1 ${d.slice(1, 4)} ${d.slice(4, 7)} ${d.slice(7)}`;
  if (d.length === 12 && d.startsWith('52')) {
    const n = d.slice(2);
    return /^(55|56|33|81)/.test(n) ? `+52 ${n.slice(0, 2)} ${n.slice(2, 6)} ${n.slice(6)}` : `+52 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
  }
  return e164 ? '+' + d : '';
}
