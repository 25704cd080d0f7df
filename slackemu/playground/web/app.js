'use strict';
// The playground's Slack-like client. The server draws every message and
// form (slackemu.HTML); this page lays them out, tells the server what the
// person does, and reads its view again whenever the server says, through
// Server-Sent Events, that something changed.

const $ = (id) => document.getElementById(id);
const state = { as: '', conv: '', thread: '', ws: null, modal: '', shown: {}, running: null, dirty: false };

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

async function api(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(path, init);
  if (!res.ok) throw new Error((await res.text()).trim());
  return res.json();
}

// act sends what the person did; a refusal is shown, as Slack's client would.
async function act(path, body) {
  const out = await api(path, Object.assign({ as: state.as, conv: state.conv }, body)).catch((e) => ({ error: e.message }));
  if (out.error) toast(out.error);
  return out.error ? null : out;
}

function toast(text) {
  Object.assign($('toast'), { textContent: text, hidden: false });
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { $('toast').hidden = true; }, 6000);
}

const lock = '<svg class="lock" viewBox="0 0 10 12" width="10" height="12" aria-label="private"><rect x="1" y="5" width="8" height="7" rx="1" fill="currentColor"/><path d="M3 5V3.5a2 2 0 0 1 4 0V5" stroke="currentColor" fill="none" stroke-width="1.4"/></svg> ';
const person = (id) => state.ws.people.find((p) => p.id === id);
const conversations = () => state.ws.conversations[state.as] || [];

// --- who, where -----------------------------------------------------------

function drawPeople() {
  const me = person(state.as);
  $('whoami').textContent = `${me.role}${me.admin ? ', workspace admin' : ''} · ${me.tz.replace(/^.*\//, '').replace(/_/g, ' ')} time`;
  $('person').innerHTML = state.ws.people.map((p) =>
    `<button type="button" class="person${p.id === state.as ? ' active' : ''}" data-person="${esc(p.id)}" aria-pressed="${p.id === state.as}"
      title="${esc(p.role)}${p.admin ? ' · workspace admin' : ''} · ${esc(p.tz)}">${esc(p.name)}</button>`).join('');
}

function drawSidebar() {
  const item = (c, label) => `<button class="nav${c.id === state.conv ? ' active' : ''}" data-conv="${esc(c.id)}">${label}</button>`;
  $('channels').innerHTML = conversations().filter((c) => !c.im).map((c) => item({ id: c.id }, (c.private ? lock : '# ') + esc(c.name))).join('');
  $('dms').innerHTML = conversations().filter((c) => c.im).map((c) => item({ id: c.id }, '● ' + esc(c.name))).join('');
  document.querySelector('.sidebar [data-conv="home"]').classList.toggle('active', state.conv === 'home');
}

function title() {
  if (state.conv === 'home') return 'priobot · Home';
  const c = conversations().find((c) => c.id === state.conv);
  if (!c) return '';
  return c.im ? 'priobot (direct messages)' : (c.private ? lock : '# ') + esc(c.name);
}

function remember() {
  history.replaceState(null, '', `#as=${state.as}&conv=${state.conv}${state.thread ? '&thread=' + state.thread : ''}`);
}

// go shows a conversation (or "home") as the current person.
async function go(conv, thread) {
  state.conv = conv;
  state.thread = thread || '';
  state.shown = {};
  remember();
  drawSidebar();
  $('title').innerHTML = title();
  $('composer').hidden = conv === 'home';
  $('thread').hidden = !state.thread;
  $('messages').innerHTML = '';
  $('replies').innerHTML = '';
  if (conv === 'home') await act('/api/home', {});
  await refresh();
}

function actAs(id) {
  const dm = conversations().find((c) => c.im);
  state.as = id;
  drawPeople();
  let conv = state.conv;
  if (dm && conv === dm.id) conv = conversations().find((c) => c.im).id;
  if (conv !== 'home' && !conversations().some((c) => c.id === conv)) conv = conversations()[0].id;
  state.modal = '';
  go(conv, conv === state.conv ? state.thread : '');
}

// --- drawing --------------------------------------------------------------

const colors = ['#1d3b53', '#7c3085', '#2b7a0b', '#c2410c', '#0e7490', '#9f1239'];
const color = (name) => colors[[...name].reduce((a, c) => a + c.charCodeAt(0), 0) % colors.length];

function messageHTML(m, inThread) {
  const files = m.files.map((f) => f.image
    ? `<a href="/files/${esc(f.id)}" target="_blank"><img class="file-image" src="/files/${esc(f.id)}" alt="${esc(f.title || f.name)}"></a>`
    : `<div class="file">📄 <a href="/files/${esc(f.id)}" download="${esc(f.name)}">${esc(f.title || f.name)}</a></div>`).join('');
  const replies = !inThread && m.replies
    ? `<button class="replies-link" data-thread="${esc(m.ts)}">${m.replies} ${m.replies === 1 ? 'reply' : 'replies'}</button>` : '';
  return `<div class="message${m.ephemeral ? ' ephemeral' : ''}" data-ts="${esc(m.ts)}">
    <div class="avatar" style="background:${color(m.author)}">${esc(m.author.slice(0, 1).toUpperCase())}</div>
    <div class="body-col"><div class="meta"><b>${esc(m.author)}</b>${m.bot ? '<span class="app-tag">APP</span>' : ''}<time>${esc(m.time)}</time>${m.edited ? ' <span class="edited">(edited)</span>' : ''}</div>
    ${m.ephemeral ? '<div class="ephemeral-note">Only visible to you</div>' : ''}
    <div class="content">${m.html}</div>${files}${replies}</div>
    <button class="more" data-more="${esc(m.ts)}" title="More actions" aria-label="More actions">⋯</button></div>`;
}

// draw shows html in a pane when it changed.
function draw(pane, key, html) {
  if (state.shown[key] === html) return;
  state.shown[key] = html;
  pane.innerHTML = html;
  fillPickers(pane);
}

// drawMessages updates a pane message by message: only a message that
// changed is drawn again, so the others keep their place, hover and focus.
function drawMessages(pane, key, messages, inThread, empty) {
  const shown = state.shown[key] instanceof Map ? state.shown[key] : (state.shown[key] = new Map());
  const atEnd = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 40;
  if (!messages.length) { shown.clear(); pane.innerHTML = empty; return; }
  const wanted = new Set(messages.map((m) => m.ts));
  for (const el of [...pane.children]) if (!wanted.has(el.dataset.ts)) el.remove();
  let before = pane.firstElementChild;
  for (const m of messages) {
    const html = messageHTML(m, inThread);
    let el = pane.querySelector(`:scope > [data-ts="${CSS.escape(m.ts)}"]`);
    if (!el || shown.get(m.ts) !== html) {
      const t = document.createElement('template');
      t.innerHTML = html.trim();
      const fresh = t.content.firstElementChild;
      if (el) {
        if (before === el) before = fresh;
        el.replaceWith(fresh);
      }
      el = fresh;
      shown.set(m.ts, html);
      fillPickers(el);
    }
    if (el !== before) pane.insertBefore(el, before);
    before = el.nextElementSibling;
  }
  if (atEnd) pane.scrollTop = pane.scrollHeight;
}

const viewQuery = () => new URLSearchParams({ as: state.as, conv: state.conv, thread: state.thread, since: state.ws.since }).toString();

async function load() {
  const q = viewQuery();
  const view = await api('/api/view?' + q);
  if (q !== viewQuery()) { state.dirty = true; return; } // the person went elsewhere meanwhile
  if (state.conv === 'home') {
    draw($('messages'), 'home', `<div class="home">${view.home || '<p class="empty">Opening Home…</p>'}</div>`);
  } else {
    drawMessages($('messages'), 'messages', view.messages, false, '<p class="empty">No messages yet. Type <code>/idea</code> to add the first idea.</p>');
  }
  $('thread').hidden = !state.thread;
  if (state.thread) drawMessages($('replies'), 'thread', view.thread || [], true, '');
  drawModal(view.modal);
}

// refresh reads the view again; changes that arrive meanwhile cause one
// more read. It resolves once the page shows the view as it is now.
function refresh() {
  if (state.running) { state.dirty = true; return state.running; }
  state.running = (async () => {
    try {
      do { state.dirty = false; await load(); } while (state.dirty);
    } catch (e) {
      document.body.dataset.error = e.message;
      toast(e.message);
    } finally {
      state.running = null;
    }
  })();
  return state.running;
}

// --- modals and pickers ---------------------------------------------------

// fillPickers lists the workspace's people and the person's channels in
// the user and conversation pickers the server drew empty.
function fillPickers(root) {
  const people = state.ws.people.map((p) => [p.id, p.name]);
  for (const sel of root.querySelectorAll('select.people, select.conversations')) {
    const items = sel.classList.contains('people') ? people
      : conversations().filter((c) => !c.im).map((c) => [c.id, '#' + c.name + (c.private ? ' (private)' : '')]);
    sel.innerHTML = `<option value="">${esc(sel.dataset.placeholder)}</option>` +
      items.map(([id, name]) => `<option value="${esc(id)}"${id === sel.dataset.initial ? ' selected' : ''}>${esc(name)}</option>`).join('');
  }
  for (const box of root.querySelectorAll('.multi.people')) {
    const initial = box.dataset.initial.split(',');
    box.innerHTML = people.map(([id, name]) =>
      `<label><input type="checkbox" value="${esc(id)}"${initial.includes(id) ? ' checked' : ''}> ${esc(name)}</label>`).join('');
  }
}

function drawModal(m) {
  const key = m ? m.id + m.html : '';
  if (key === state.modal) return;
  state.modal = key;
  $('modal').hidden = !m;
  if (!m) return;
  $('modalTitle').textContent = m.title;
  $('modalBody').innerHTML = m.html;
  $('modalClose').textContent = m.close;
  $('modalSubmit').textContent = m.submit;
  $('modalSubmit').hidden = !m.submit;
  fillPickers($('modalBody'));
  const first = $('modalBody').querySelector('input, textarea, select');
  if (first) first.focus();
}

function formValues() {
  const values = {};
  for (const el of $('modalBody').querySelectorAll('[data-action]')) {
    values[el.dataset.block] = el.classList.contains('multi')
      ? [...el.querySelectorAll('input:checked')].map((c) => c.value).join(',') : el.value;
  }
  return values;
}

$('modalForm').addEventListener('submit', async (e) => {
  e.preventDefault();
  for (const old of $('modalBody').querySelectorAll('.error')) old.remove();
  const out = await act('/api/submit', { values: formValues() });
  for (const [block, problem] of Object.entries((out && out.errors) || {})) {
    const input = $('modalBody').querySelector(`.input[data-block="${CSS.escape(block)}"]`);
    if (input) input.insertAdjacentHTML('beforeend', `<div class="error">${esc(problem)}</div>`);
  }
});
$('modalClose').addEventListener('click', () => act('/api/close', {}));

// confirm shows a button's confirm dialog; it resolves true on its OK.
function confirmed(b) {
  if (!b.dataset.confirm) return Promise.resolve(true);
  $('confirmTitle').textContent = b.dataset.confirm;
  $('confirmText').innerHTML = b.dataset.confirmText;
  $('confirmOk').textContent = b.dataset.confirmOk;
  $('confirmDeny').textContent = b.dataset.confirmDeny;
  $('confirm').hidden = false;
  return new Promise((resolve) => {
    const done = (ok) => { $('confirm').hidden = true; resolve(ok); };
    $('confirmOk').onclick = () => done(true);
    $('confirmDeny').onclick = () => done(false);
  });
}

// --- menus ----------------------------------------------------------------

function menu(anchor, heading, names, pick) {
  const m = $('menu');
  m.innerHTML = `<li class="title">${esc(heading)}</li>` +
    (names.length ? names.map((n) => `<li data-pick="${esc(n)}">${esc(n)}</li>`).join('') : '<li class="title">None</li>');
  const r = anchor.getBoundingClientRect();
  m.style.left = Math.min(r.left, innerWidth - 240) + 'px';
  m.style.top = (r.bottom + 180 > innerHeight ? r.top - 8 - 30 * (names.length + 1) : r.bottom + 4) + 'px';
  m.hidden = false;
  m.onclick = (e) => {
    const li = e.target.closest('[data-pick]');
    if (!li) return;
    m.hidden = true;
    pick(li.dataset.pick);
  };
}

// --- what a person does ---------------------------------------------------

document.addEventListener('click', async (e) => {
  const t = e.target;
  if (!t.closest('#menu') && !t.closest('[data-more]') && !t.closest('#shortcuts')) $('menu').hidden = true;
  const who = t.closest('[data-person]');
  if (who) return actAs(who.dataset.person);
  const nav = t.closest('.sidebar [data-conv]');
  if (nav) return go(nav.dataset.conv);
  const open = t.closest('[data-thread]');
  if (open) return go(state.conv, open.dataset.thread);
  const link = t.closest('a[href^="https://emulator.slack.test/archives/"]');
  if (link) {
    e.preventDefault();
    const [, conv, p] = link.getAttribute('href').match(/archives\/([^/]+)\/p(\d+)/) || [];
    if (conv && conversations().some((c) => c.id === conv)) return showMessage(conv, p.slice(0, -6) + '.' + p.slice(-6));
    return toast('That message is in a conversation you are not in.');
  }
  const more = t.closest('[data-more]');
  if (more) {
    const inThread = !!more.closest('#replies');
    return menu(more, 'Message shortcuts', state.ws.shortcuts.message, (name) =>
      act('/api/shortcut', { ts: more.dataset.more, thread: inThread ? state.thread : '', name }));
  }
  const button = t.closest('button.button[data-action]');
  if (button && !button.closest('.modal')) {
    if (!(await confirmed(button))) return;
    const msg = button.closest('.message');
    button.disabled = true;
    await act('/api/click', {
      conv: msg ? state.conv : 'home', ts: msg ? msg.dataset.ts : '',
      block: button.dataset.block, action: button.dataset.action, value: button.dataset.value,
    });
    button.disabled = false;
  }
});

// A message's ⋯ menu sends the option picked, as Slack does.
document.addEventListener('change', async (e) => {
  const menu = e.target.closest('select.overflow[data-action]');
  if (!menu || menu.closest('.modal') || !menu.value) return;
  const msg = menu.closest('.message');
  const value = menu.value;
  menu.value = '';
  await act('/api/click', {
    conv: msg ? state.conv : 'home', ts: msg ? msg.dataset.ts : '',
    block: menu.dataset.block, action: menu.dataset.action, value,
  });
});

async function showMessage(conv, ts) {
  if (conv !== state.conv) await go(conv);
  let row = document.querySelector(`#messages [data-ts="${CSS.escape(ts)}"]`);
  if (!row) { await go(conv, ts); row = document.querySelector(`#replies [data-ts="${CSS.escape(ts)}"]`); }
  if (!row) return;
  row.scrollIntoView({ block: 'center' });
  row.classList.add('flash');
  setTimeout(() => row.classList.remove('flash'), 1500);
}

$('shortcuts').addEventListener('click', () =>
  menu($('shortcuts'), 'Shortcuts', state.ws.shortcuts.global, (name) => act('/api/shortcut', { name })));
$('closeThread').addEventListener('click', () => go(state.conv));

// --- composers ------------------------------------------------------------

const hints = { list: [], on: 0 };

function showHints() {
  const text = $('text').value;
  const [word, ...rest] = text.split(' ');
  const h = $('hints');
  hints.list = !text.startsWith('/') ? [] : rest.length
    ? state.ws.commands.filter((c) => c.name === word)
    : state.ws.commands.filter((c) => c.name.startsWith(word));
  hints.on = Math.min(hints.on, Math.max(hints.list.length - 1, 0));
  h.hidden = hints.list.length === 0;
  h.innerHTML = hints.list.map((c, i) => `<li class="${i === hints.on && !rest.length ? 'on' : ''}" data-command="${esc(c.name)}">
    <b>${esc(c.name)}</b><span class="usage">${esc(c.usage)}</span><span class="desc">${esc(c.description)}</span></li>`).join('');
}

function complete(name) {
  $('text').value = name + ' ';
  $('text').focus();
  showHints();
}

async function send(field, thread) {
  const text = field.value.trim();
  if (!text) return;
  field.value = '';
  $('hints').hidden = true;
  const out = await act('/api/type', { thread, text });
  if (!out) field.value = text;
}

$('hints').addEventListener('click', (e) => {
  const li = e.target.closest('[data-command]');
  if (li) complete(li.dataset.command);
});
// A composer holding only blank lines is empty (as after Enter sends).
const blank = (field) => { if (!field.value.trim()) field.value = ''; };
$('text').addEventListener('input', () => { blank($('text')); showHints(); });
$('threadText').addEventListener('input', () => blank($('threadText')));
$('text').addEventListener('keydown', (e) => {
  const choosing = !$('hints').hidden && !$('text').value.includes(' ');
  if (choosing && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
    e.preventDefault();
    hints.on = (hints.on + (e.key === 'ArrowDown' ? 1 : hints.list.length - 1)) % hints.list.length;
    return showHints();
  }
  if (choosing && (e.key === 'Tab' || (e.key === 'Enter' && hints.list[hints.on].name !== $('text').value))) {
    e.preventDefault();
    return complete(hints.list[hints.on].name);
  }
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    send($('text'), '');
  }
});
$('composer').addEventListener('submit', (e) => { e.preventDefault(); send($('text'), ''); });
$('threadText').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send($('threadText'), state.thread); }
});
$('threadComposer').addEventListener('submit', (e) => { e.preventDefault(); send($('threadText'), state.thread); });

// --- start ----------------------------------------------------------------

// A page error is kept where the browser test looks for it.
addEventListener('error', (e) => { document.body.dataset.error = e.message; });
addEventListener('unhandledrejection', (e) => { document.body.dataset.error = String(e.reason); });

async function start() {
  state.ws = await api('/api/workspace');
  const saved = new URLSearchParams(location.hash.slice(1));
  state.as = person(saved.get('as')) ? saved.get('as') : state.ws.start;
  drawPeople();
  const conv = saved.get('conv');
  const first = conversations().find((c) => c.name === 'product') || conversations()[0];
  await go(conv === 'home' || conversations().some((c) => c.id === conv) ? conv : first.id, saved.get('thread') || '');
  const events = new EventSource('/api/events');
  events.addEventListener('change', refresh);
  events.addEventListener('open', refresh);
  document.body.dataset.ready = 'true';
}
start().catch((e) => toast('The playground could not start: ' + e.message));
