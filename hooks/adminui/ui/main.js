// alertbutton's extension of the admin UI (hooks/adminui). PocketBase runs this file inside
// the admin UI, whose `app` it reads; each element with a pbEvent announces itself with a
// "mount:NAME" event on document.

const words = {
  es: {
    desk: 'Escritorio',
    caseTitle: 'Este caso',
    openDesk: 'Abrir el caso en el escritorio',
    timeline: 'Línea de tiempo',
    notes: 'Notas del caso',
    relatives: 'Familiares',
  },
  en: {
    desk: 'Desk',
    caseTitle: 'This case',
    openDesk: 'Open the case on the desk',
    timeline: 'Timeline',
    notes: 'Case notes',
    relatives: 'Relatives',
  },
};
// Spanish unless the person chose English on the appliance's pages (pb_public/js/i18n.js).
const w = words[localStorage.getItem('ab.lang') === 'en' ? 'en' : 'es'];

// The sections only IT opens: the server refuses them to advisers and consuls anyway.
const itOnly = ['#/logs', '#/settings'];
const allLinks = app.store.headerLinks.slice();

function showRoleLinks() {
  const role = app.store.superuser?.role || 'it';
  const links = allLinks.filter((l) => role === 'it' || !itOnly.includes(l.href));
  links.push({ href: '/staff/', icon: 'ri-briefcase-4-line', label: w.desk });
  app.store.headerLinks = links;
}
document.addEventListener('mount:appHeader', showRoleLinks);
if (app.store.superuser?.id) showRoleLinks();

// opened is the record of the last record form or preview opened: {collection, id}.
let opened = {};
const openUpsert = app.modals.openRecordUpsert;
app.modals.openRecordUpsert = function (collection, record, ...rest) {
  opened = { collection: collection?.name, id: record?.id };
  return openUpsert.call(this, collection, record, ...rest);
};
const openPreview = app.modals.openRecordPreview;
app.modals.openRecordPreview = function (record, ...rest) {
  opened = { collection: record?.collectionName, id: record?.id };
  return openPreview.call(this, record, ...rest);
};

function listURL(collection, filter, sort) {
  const q = new URLSearchParams({ collection, filter });
  if (sort) q.set('sort', sort);
  return '#/collections?' + q.toString();
}

// caseLinks is the box of links of the case id.
function caseLinks(id) {
  const nav = document.createElement('nav');
  nav.className = 'alertbutton-case-links alert info m-b-base';
  nav.setAttribute('aria-label', w.caseTitle);
  const links = [
    [w.openDesk, '/staff/#case/' + encodeURIComponent(id)],
    [w.timeline, listURL('alert_events', `alert="${id}"`, 'created')],
    [w.notes, listURL('case_notes', `alert="${id}"`, 'created')],
    [w.relatives, listURL('contacts', `registrant.alerts_via_registrant.id?="${id}"`)],
  ];
  links.forEach(([label, href], i) => {
    if (i > 0) nav.append(' · ');
    const a = document.createElement('a');
    a.href = href;
    a.textContent = label;
    nav.append(a);
  });
  return nav;
}

// addCaseLinks puts the links at the top of an alert's record form or preview.
function addCaseLinks(e) {
  const modal = e.detail;
  const { collection, id } = opened;
  if (collection !== 'alerts' || !id || modal.querySelector('.alertbutton-case-links')) {
    return;
  }
  (modal.querySelector('.modal-content') || modal).prepend(caseLinks(id));
}
document.addEventListener('mount:recordUpsertModal', addCaseLinks);
document.addEventListener('mount:recordPreviewModal', addCaseLinks);
