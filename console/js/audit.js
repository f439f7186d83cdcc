// audit: the audit trail, from a time on (trustd audit --since).
import { el, fill, table, field, button } from "./dom.js";
import { trustd } from "./trustd.js";
import { loadError } from "./result.js";
import { timeText } from "./expiry.js";

let since = "7d";

// Who acted: the effective user, and the login user beside it when that
// was someone else (sudo, Cockpit's administrative access).
function who(a) {
    const user = `${a.user} (${a.uid})`;
    return a.login_uid !== null && a.login_uid !== undefined && a.login_uid !== a.uid ? `${user}, login ${a.login_user} (${a.login_uid})` : user;
}

export async function render(section, ctx) {
    const input = el("input", { type: "text", class: "text", value: since, "data-field": "audit-since",
                                title: "a duration back from now (30s, 15m, 12h, 7d), a date (2026-11-28) or Unix seconds" });
    const form = el("form", { class: "panel form-row", onsubmit: e => { e.preventDefault(); since = input.value.trim(); ctx.render(); } },
        field("Since", input), button("Show", () => form.requestSubmit(), { "data-action": "audit-show" }),
        el("span", { class: "hint" }, "30s, 15m, 12h, 7d, a date (2026-11-28, 2026-11-28T10:00, UTC) or empty for all"));
    const o = await trustd(since === "" ? ["audit"] : ["audit", "--since", since]);
    if (!o.ok) {
        loadError(section, "the audit log", o);
        section.prepend(form);
        return;
    }
    const rows = o.doc.slice().reverse().map(a => ({
        attrs: { "data-audit-id": String(a.id) },
        cells: [timeText(a.time),
                el("span", { "data-field": "who" }, who(a)),
                el("span", { "data-field": "action" }, a.action),
                el("span", { "data-field": "subject" }, a.subject),
                a.label ? el("span", { "data-field": "audit-label" }, a.label) : ""],
    }));
    fill(section, form, el("h2", {}, `Audit log (${o.doc.length} entries, newest first)`),
        rows.length ? table(["Time", "Who", "Action", "What", "Label"], rows, { "data-table": "audit" })
                    : el("p", { class: "empty" }, "No change in this time."));
}
