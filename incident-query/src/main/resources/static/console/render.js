// Small DOM helpers of the console: elements from data (text only, never HTML), times, durations, countdowns.

/** An element with attributes and children (strings become text nodes; arrays are flattened; '' and null skipped). */
export function el(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
        if (value !== null && value !== undefined && value !== '') {
            element.setAttribute(name, String(value));
        }
    }
    append(element, children);
    return element;
}

function append(parent, children) {
    for (const child of children) {
        if (Array.isArray(child)) {
            append(parent, child);
        } else if (child instanceof Node) {
            parent.appendChild(child);
        } else if (child !== null && child !== undefined && child !== '') {
            parent.appendChild(document.createTextNode(String(child)));
        }
    }
}

/** Replaces a node's children. */
export function replace(parent, children) {
    parent.replaceChildren();
    append(parent, children);
}

const local = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit'
});

/** An instant in the viewer's time zone, with UTC on hover. */
export function time(iso) {
    if (!iso) {
        return '—';
    }
    const date = new Date(iso);
    return el('time', {datetime: date.toISOString(), title: date.toISOString().replace('.000Z', 'Z') + ' (UTC)'},
        local.format(date));
}

/** An ISO-8601 duration (PT1H30M, P1DT2H) as "1d 2h 30m"; "—" while not reached. */
export function duration(iso) {
    if (!iso) {
        return '—';
    }
    const match = /^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
    if (!match) {
        return iso;
    }
    const seconds = (Number(match[2] || 0) * 86400) + (Number(match[3] || 0) * 3600) + (Number(match[4] || 0) * 60)
        + Math.floor(Number(match[5] || 0));
    return (match[1] ? '-' : '') + span(seconds * 1000);
}

/** Milliseconds as "2d 3h 04m 05s", the largest units only. */
export function span(milliseconds) {
    let seconds = Math.max(0, Math.floor(milliseconds / 1000));
    const days = Math.floor(seconds / 86400);
    seconds -= days * 86400;
    const hours = Math.floor(seconds / 3600);
    seconds -= hours * 3600;
    const minutes = Math.floor(seconds / 60);
    seconds -= minutes * 60;
    const pad = n => String(n).padStart(2, '0');
    if (days > 0) {
        return days + 'd ' + hours + 'h ' + pad(minutes) + 'm';
    }
    if (hours > 0) {
        return hours + 'h ' + pad(minutes) + 'm ' + pad(seconds) + 's';
    }
    return minutes + 'm ' + pad(seconds) + 's';
}

/**
 * Where a reporting clock stands at {@code now}: fulfilled (on time or late), missed (due passed, not reported),
 * warning (past its warning time) or running; with the text of its countdown.
 */
export function countdown(obligation, now) {
    const due = Date.parse(obligation.dueAt);
    const warn = obligation.warnAt ? Date.parse(obligation.warnAt) : Infinity;
    if (obligation.state === 'FULFILLED' || obligation.fulfilledAt) {
        return {
            kind: obligation.late ? 'late' : 'fulfilled',
            label: obligation.late ? 'REPORTED LATE' : 'REPORTED',
            text: ['reported ', time(obligation.fulfilledAt)],
        };
    }
    if (now >= due || obligation.deadlineMissed) {
        return {kind: 'missed', label: 'MISSED', text: 'overdue by ' + span(now - due)};
    }
    if (now >= warn || obligation.warningRaised) {
        return {kind: 'warning', label: 'WARNING', text: span(due - now) + ' left'};
    }
    return {kind: 'running', label: 'RUNNING', text: span(due - now) + ' left'};
}
