// result: the panel that shows what trustd answered to the last change:
// its result items, or its error object's message, as text.
import { el, fill, button } from "./dom.js";
import { itemLine } from "./outcome.js";

const panel = () => document.getElementById("result");

function changesLine(changes) {
    if (!changes)
        return null;
    return `${changes.added} added, ${changes.removed} removed, ${changes.updated} updated, ` +
           `${changes.unchanged} unchanged`;
}

// what: the action in words ("Import ca.pem"); o: trustd's outcome.
export function showResult(what, o) {
    const p = panel();
    const items = o.doc && Array.isArray(o.doc.items) ? o.doc.items : [];
    p.className = "result " + (o.ok ? "result-ok" : "result-error");
    fill(p,
        el("div", { class: "result-head" },
            el("strong", { "data-field": "result-title" }, o.ok ? `${what}: done` : `${what}: failed`),
            button("Dismiss", () => { p.hidden = true; }, { class: "btn btn-link" })),
        o.ok ? null : el("pre", { class: "result-message", "data-field": "result-error" }, o.error.message),
        items.length ? el("ul", { class: "result-items", "data-field": "result-items" },
            items.map(i => el("li", { "data-result": i.result }, itemLine(i)))) : null,
        o.doc && o.doc.changes ? el("p", { class: "result-changes" }, "Changes: " + changesLine(o.doc.changes)) : null);
    p.hidden = false;
}

// A message of the page itself (a refused input).
export function showMessage(what, message) {
    showResult(what, { ok: false, doc: null, error: { message } });
}

// A listing or report that could not be read: the tab shows why.
export function loadError(section, what, o) {
    fill(section, el("div", { class: "load-error", role: "alert", "data-field": "load-error" },
        el("strong", {}, `Cannot read ${what}: `), el("span", {}, o.error.message)));
}
