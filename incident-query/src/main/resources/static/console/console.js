// The live console: reads the query service's JSON API with the browser's session and follows /api/stream.
// No framework, no inline script (the page's Content-Security-Policy forbids it), nothing from another origin.
import {el, time, duration, countdown, replace} from './render.js';

const state = {
    incidentId: null,
    steps: [],          // the selected incident's timeline: one step of the time slider per recorded event
    position: null,     // index into steps while the past is shown; null = live
    session: null,
    lastEventId: null,
    obligations: [],
    signingOut: false,
    connectedBefore: false,
};

// ---- the API -------------------------------------------------------------------------------------------------

class Refused extends Error {
    constructor(status) {
        super('HTTP ' + status);
        this.status = status;
    }
}

async function api(path) {
    const response = await fetch(path, {headers: {Accept: 'application/json'}, credentials: 'same-origin'});
    if (response.status === 401) {
        // the session ended: sign in again, then come back here
        if (!state.signingOut) {
            location.assign('/');
        }
        throw new Refused(401);
    }
    if (!response.ok) {
        throw new Refused(response.status);
    }
    return response.json();
}

function query(path, params) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
        if (value !== null && value !== undefined && value !== '') {
            search.set(key, value);
        }
    }
    const text = search.toString();
    return text ? path + '?' + text : path;
}

// ---- refreshes, coalesced: a burst of stream events makes one request per view ------------------------------

const pending = new Set();
let flushTimer = null;

function schedule(...views) {
    views.forEach(view => pending.add(view));
    if (flushTimer === null) {
        flushTimer = setTimeout(flush, 30);
    }
}

async function flush() {
    flushTimer = null;
    const views = [...pending];
    pending.clear();
    await Promise.all(views.map(view => refreshers[view]().catch(error => report(view, error))));
}

function report(view, error) {
    if (!(error instanceof Refused)) {
        console.warn('refreshing ' + view + ' failed', error);
    }
}

const refreshers = {
    board: refreshBoard,
    isolated: refreshIsolated,
    incidents: refreshIncidents,
    incident: refreshIncident,
    obligations: refreshObligations,
    audit: refreshAudit,
    admin: refreshAdmin,
};

// ---- the board and the isolated systems ---------------------------------------------------------------------

function pastInstant() {
    return state.position === null ? null : state.steps[state.position].recordedAt;
}

async function refreshBoard() {
    const asOf = pastInstant();
    const rows = await api(query('/api/services', {asOf}));
    if (asOf !== pastInstant()) {
        return; // the slider moved meanwhile: its own refresh shows the board
    }
    replace(document.getElementById('board-rows'), rows.map(row => el('tr', {'data-service': row.serviceId},
        el('th', {scope: 'row'}, row.serviceId),
        el('td', {}, el('span', {class: 'badge state-' + row.state}, row.state)),
        el('td', {}, time(row.since)),
        el('td', {}, incidentLink(row.incidentId, short(row.incidentId))))));
    document.getElementById('board-empty').hidden = rows.length > 0;
    document.querySelector('#board .asof-tag').hidden = state.position === null;
}

async function refreshIsolated() {
    const rows = await api('/api/isolated-systems');
    replace(document.getElementById('isolated-rows'), rows.map(row => el('tr', {'data-system': row.systemId},
        el('th', {scope: 'row'}, row.systemId),
        el('td', {}, time(row.isolatedSince)),
        el('td', {}, incidentLink(row.incidentId, row.incidentTitle)),
        el('td', {}, row.reason || ''))));
    document.getElementById('isolated-empty').hidden = rows.length > 0;
}

function incidentLink(incidentId, text) {
    if (!incidentId) {
        return '';
    }
    return el('a', {href: '#incident=' + incidentId}, text || incidentId);
}

function short(id) {
    return id ? id.substring(0, 8) : '';
}

// ---- the incidents list ---------------------------------------------------------------------------------------

async function refreshIncidents() {
    const form = new FormData(document.getElementById('filters'));
    const rows = await api(query('/api/incidents', Object.fromEntries(form.entries())));
    replace(document.getElementById('incident-rows'), rows.map(row => el('tr', {
            'data-incident': row.incidentId,
            class: row.incidentId === state.incidentId ? 'selected' : ''
        },
        el('th', {scope: 'row'}, incidentLink(row.incidentId, row.title)),
        el('td', {}, el('span', {class: 'badge status-' + row.status}, row.status)),
        el('td', {}, el('span', {class: 'badge severity-' + row.severity}, row.severity)),
        el('td', {}, time(row.openedAt)))));
    document.getElementById('incidents-empty').hidden = rows.length > 0;
    if (state.incidentId === null && rows.length > 0 && !location.hash) {
        // nothing chosen yet: show the newest incident, so that the room sees the story at once
        history.replaceState(null, '', '#incident=' + rows[0].incidentId);
        selectFromHash();
    }
}

// ---- one incident ---------------------------------------------------------------------------------------------

async function refreshIncident() {
    if (!state.incidentId) {
        return;
    }
    const id = state.incidentId;
    const position = state.position;
    const [timeline, detail] = await Promise.all([
        api('/api/incidents/' + id + '/timeline'),
        position === null ? api('/api/incidents/' + id) : null,
    ]);
    if (id !== state.incidentId || position !== state.position) {
        return; // another incident or another moment was chosen meanwhile: its own refresh shows it
    }
    state.steps = timeline;
    const shown = detail !== null ? detail
        : await api(query('/api/incidents/' + id, {atSequence: state.steps[position].sequence}));
    if (id !== state.incidentId || position !== state.position) {
        return;
    }
    renderSlider();
    renderIncident(shown, timeline);
}

function renderIncident(incident, timeline) {
    document.getElementById('incident-none').hidden = true;
    document.getElementById('incident-body').hidden = false;
    document.getElementById('incident-title').textContent = incident.title;
    const panel = document.getElementById('incident');
    panel.dataset.version = incident.version;
    panel.dataset.status = incident.status;
    replace(document.getElementById('facts'), [
        fact('Status', el('span', {class: 'badge status-' + incident.status, id: 'incident-status'}, incident.status)),
        fact('Severity', el('span', {class: 'badge severity-' + incident.severity}, incident.severity)),
        fact('Opened', time(incident.openedAt)),
        fact('Opened by', incident.openedBy),
        fact('Commander', incident.commanderId || '—'),
        fact('Version', String(incident.version)),
        fact('Contained', incident.containedAt ? time(incident.containedAt) : '—'),
        fact('Resolved', incident.resolvedAt ? time(incident.resolvedAt) : '—'),
    ]);
    const metrics = incident.metrics || {};
    replace(document.getElementById('metrics'), [
        fact('Time to detect', duration(metrics.timeToDetect)),
        fact('Time to contain', duration(metrics.timeToContain)),
        fact('Time to resolve', duration(metrics.timeToResolve)),
        ...(metrics.services || []).map(service => fact('Restore ' + service.serviceId,
            duration(service.timeToRestore))),
    ]);
    replace(document.getElementById('waves'), (incident.attackWaves || []).map(wave => el('li', {},
        el('strong', {}, wave.attackType), ' · ', wave.severity, ' · detected ', time(wave.detectedAt),
        wave.description ? el('div', {class: 'note'}, wave.description) : '',
        (wave.techniques || []).length ? el('div', {class: 'note'}, 'ATT&CK ' + wave.techniques.join(', ')) : '')));
    replace(document.getElementById('systems'), (incident.systems || []).map(system => el('li',
        {'data-system': system.systemId},
        el('span', {class: 'badge system-' + system.state}, system.state), ' ', system.systemId, ' since ',
        time(system.since), system.isolationReason ? el('div', {class: 'note'}, system.isolationReason) : '')));
    replace(document.getElementById('services'), (incident.services || []).map(service => el('li',
        {'data-service': service.serviceId},
        el('span', {class: 'badge state-' + service.state}, service.state), ' ', service.serviceId, ' since ',
        time(service.since), service.description ? el('div', {class: 'note'}, service.description) : '')));
    replace(document.getElementById('updates'), [...(incident.statusUpdates || [])].reverse().map(update =>
        el('li', {}, el('span', {class: 'badge audience-' + update.audience}, update.audience), ' ',
            time(update.publishedAt), el('div', {}, update.text || ''))));
    const shownUpTo = state.position === null ? Infinity : state.steps[state.position].sequence;
    replace(document.getElementById('timeline'), timeline.map(entry => el('li', {
            class: entry.sequence > shownUpTo ? 'later' : '',
            'data-sequence': entry.sequence
        },
        el('span', {class: 'seq'}, '#' + entry.sequence), ' ', time(entry.correctedOccurredAt || entry.occurredAt),
        ' ', el('span', {class: 'summary'}, entry.summary), ' ', el('span', {class: 'actor'}, entry.actor))));
}

function fact(name, value) {
    return [el('dt', {}, name), el('dd', {}, value)];
}

// ---- reporting obligations, with live countdowns -----------------------------------------------------------------

async function refreshObligations() {
    if (!state.incidentId) {
        return;
    }
    const id = state.incidentId;
    const obligations = await api('/api/incidents/' + id + '/obligations');
    if (id === state.incidentId) {
        state.obligations = obligations;
        renderObligations();
    }
}

function renderObligations() {
    const now = Date.now();
    replace(document.getElementById('obligations'), state.obligations.map(obligation => {
        const clock = countdown(obligation, now);
        return el('li', {class: 'obligation ' + clock.kind, 'data-obligation': obligation.regime + '/' + obligation.clock},
            el('span', {class: 'badge clock-' + clock.kind}, clock.label), ' ',
            el('strong', {}, obligation.regimeName + ': ' + obligation.clockName), ' to ', obligation.recipient,
            el('div', {class: 'countdown'}, clock.text, ' · due ', time(obligation.dueAt)));
    }));
    if (state.obligations.length === 0) {
        replace(document.getElementById('obligations'), [el('li', {class: 'note'}, 'No reporting clock runs.')]);
    }
}

// ---- the time slider ------------------------------------------------------------------------------------------

function renderSlider() {
    const slider = document.getElementById('slider');
    slider.max = String(state.steps.length);
    slider.value = String(state.position === null ? state.steps.length : state.position);
    const label = document.getElementById('slider-label');
    const banner = document.getElementById('past-banner');
    document.body.classList.toggle('past', state.position !== null);
    if (state.position === null) {
        replace(label, ['live']);
        banner.hidden = true;
        slider.setAttribute('aria-valuetext', 'live');
        return;
    }
    const step = state.steps[state.position];
    const text = 'after event #' + step.sequence + ' (' + step.summary + ')';
    replace(label, [text, ', recorded ', time(step.recordedAt)]);
    slider.setAttribute('aria-valuetext', text);
    replace(document.getElementById('past-text'), ['the incident and the board as recorded at ', time(step.recordedAt),
        ', ' + text + '. Changes since are not shown.']);
    banner.hidden = false;
}

function showPosition(position) {
    state.position = position === null || position >= state.steps.length ? null : Math.max(0, position);
    renderSlider();
    schedule('incident', 'board');
}

// ---- audit trail and administration: shown only to roles the API answers ------------------------------------------

async function guarded(panelId, load) {
    const panel = document.getElementById(panelId);
    try {
        await load();
        panel.hidden = false;
    } catch (error) {
        panel.hidden = true;
        if (!(error instanceof Refused) || (error.status !== 403 && error.status !== 404)) {
            throw error;
        }
    }
}

async function refreshAudit() {
    await guarded('audit', async () => {
        const verify = await api('/api/audit/verify');
        let checkpoint = null;
        try {
            checkpoint = await api('/api/audit/checkpoint');
        } catch (error) {
            if (!(error instanceof Refused) || error.status !== 404) {
                throw error;
            }
        }
        replace(document.getElementById('audit-facts'), [
            fact('Ledger', el('span', {class: 'badge ' + (verify.valid ? 'verified' : 'broken'), id: 'audit-valid'},
                verify.valid ? 'VERIFIED' : 'BROKEN')),
            fact('Entries', String(verify.treeSize)),
            verify.valid ? [] : fact('Reason', verify.reason || ''),
            fact('Latest checkpoint', checkpoint
                ? [String(checkpoint.treeSize) + ' entries, signed ', time(checkpoint.signedAt)] : 'none yet'),
        ]);
        const link = document.getElementById('audit-export');
        link.href = state.incidentId ? '/api/audit/export?incidentId=' + state.incidentId : '/api/audit/export';
        link.textContent = state.incidentId ? 'Download this incident\'s export (NDJSON)'
            : 'Download the export (NDJSON)';
    });
}

async function refreshAdmin() {
    await guarded('admin', async () => {
        const projections = await api('/api/admin/projections');
        replace(document.getElementById('admin-facts'), [
            fact('Projection', projections.processor),
            fact('Running', projections.running ? 'yes' : 'NO'),
            fact('Caught up', projections.caughtUp ? 'yes' : 'no'),
            fact('Digest', el('code', {}, String(projections.digest || '').substring(0, 16))),
        ]);
    });
}

// ---- the stream -----------------------------------------------------------------------------------------------

let source = null;

function connect() {
    const url = state.lastEventId === null ? '/api/stream'
        : '/api/stream?lastEventId=' + encodeURIComponent(state.lastEventId);
    const resuming = state.lastEventId !== null;
    source = new EventSource(url);
    source.addEventListener('open', () => {
        setConnection('live');
        if (!resuming && state.connectedBefore) {
            // a new stream without a position to resume from: what changed meanwhile is only in the views
            schedule('board', 'isolated', 'incidents', 'incident', 'obligations');
        }
        state.connectedBefore = true;
    });
    source.addEventListener('error', () => {
        if (source.readyState === EventSource.CLOSED) {
            // the service refused or was down: open a new stream where this one stood
            setConnection('reconnecting');
            source.close();
            reconnectLater();
        } else {
            setConnection('reconnecting');
        }
    });
    const follow = (type, handler) => source.addEventListener(type, event => {
        state.lastEventId = event.lastEventId || state.lastEventId;
        handler(event.data ? JSON.parse(event.data) : {});
    });
    follow('incident', change => {
        schedule('incidents', 'isolated');
        if (change.incidentId === state.incidentId) {
            schedule('incident', 'obligations');
        }
    });
    follow('service', () => schedule('board'));
    follow('obligation', change => {
        if (change.incidentId === state.incidentId) {
            schedule('obligations');
        }
    });
    follow('reset', () => schedule('board', 'isolated', 'incidents', 'incident', 'obligations'));
}

/** A second later, once the service answers (a 401 sends the person to the sign-in), a new stream. */
function reconnectLater() {
    setTimeout(() => api('/api/session').then(connect, reconnectLater), 1000);
}

function setConnection(kind) {
    const indicator = document.getElementById('connection');
    indicator.dataset.state = kind;
    indicator.textContent = kind === 'live' ? 'live' : 'reconnecting…';
    indicator.title = state.lastEventId === null ? '' : 'last change ' + state.lastEventId;
}

// ---- selection, keyboard, sign-out ------------------------------------------------------------------------------

function selectFromHash() {
    const match = /incident=([0-9a-fA-F-]{36})/.exec(location.hash);
    const id = match ? match[1] : null;
    if (id === state.incidentId) {
        return;
    }
    state.incidentId = id;
    state.steps = [];
    state.position = null;
    state.obligations = [];
    document.body.classList.remove('past');
    document.getElementById('past-banner').hidden = true;
    schedule('incident', 'obligations', 'incidents', 'board', 'audit');
}

function keys(event) {
    const target = event.target;
    if (target instanceof HTMLInputElement && target.type !== 'range' || target instanceof HTMLSelectElement) {
        return;
    }
    const slider = document.getElementById('slider');
    if (event.key === '/') {
        event.preventDefault();
        document.querySelector('#filters select').focus();
    } else if ((event.key === '[' || event.key === ']') && state.steps.length > 0) {
        const current = state.position === null ? state.steps.length : state.position;
        showPosition(current + (event.key === '[' ? -1 : 1));
        slider.focus();
    } else if (event.key === 'l' || event.key === 'L') {
        showPosition(null);
    }
}

async function signOut() {
    const signOut = state.session && state.session.signOut;
    if (!signOut) {
        return;
    }
    state.signingOut = true;
    if (source) {
        source.close();
    }
    await fetch(signOut.path, {
        method: signOut.method, credentials: 'same-origin', headers: {[signOut.csrfHeader]: signOut.csrfToken}
    });
    location.assign('/console/signed-out.html');
}

async function start() {
    state.session = await api('/api/session');
    document.getElementById('who').textContent = 'Signed in as ' + state.session.name + ' ('
        + state.session.roles.join(', ').toLowerCase() + ')';
    document.getElementById('sign-out').hidden = !state.session.signOut;
    document.getElementById('sign-out').addEventListener('click', signOut);
    document.getElementById('filters').addEventListener('change', () => schedule('incidents'));
    document.getElementById('slider').addEventListener('input', event => showPosition(Number(event.target.value)));
    document.getElementById('live-button').addEventListener('click', () => showPosition(null));
    document.getElementById('back-to-live').addEventListener('click', () => showPosition(null));
    document.addEventListener('keydown', keys);
    window.addEventListener('hashchange', selectFromHash);
    // a page left for another holds no stream (browsers allow few connections to one host); back again, it resumes
    window.addEventListener('pagehide', () => source && source.close());
    window.addEventListener('pageshow', event => {
        if (event.persisted) {
            connect();
        }
    });
    connect();
    selectFromHash();
    schedule('board', 'isolated', 'incidents', 'audit', 'admin');
    setInterval(renderObligations, 1000);
    setInterval(() => schedule('audit', 'admin'), 30000);
}

start().catch(error => report('console', error));
