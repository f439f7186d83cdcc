// dom: builds the page's elements. Text is only ever set as text nodes or
// textContent, after visible() (certificates, servers and files are
// untrusted); nothing here takes HTML.
import { visible } from "./text.js";

// el("td", { class: "x", title: t }, child...): children are nodes or
// strings (strings become text nodes); attributes are set one by one,
// "on*" keys as event listeners.
export function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
        if (value === undefined || value === null || value === false)
            continue;
        if (key.startsWith("on") && typeof value === "function")
            node.addEventListener(key.slice(2), value);
        else if (key === "class")
            node.className = value;
        else if (key === "text")
            node.textContent = visible(value);
        else
            node.setAttribute(key, value === true ? "" : String(value));
    }
    append(node, children);
    return node;
}

function append(node, children) {
    for (const child of children.flat()) {
        if (child === undefined || child === null || child === false)
            continue;
        node.append(typeof child === "string" ? document.createTextNode(visible(child)) : child);
    }
}

// Replaces what node holds.
export function fill(node, ...children) {
    node.replaceChildren();
    append(node, children);
    return node;
}

export function button(label, onclick, attrs = {}) {
    return el("button", { type: "button", class: "btn", onclick, ...attrs }, label);
}

// A table with a header row; rows are arrays of cells (strings or nodes),
// or { cells, attrs } for a row with attributes of its own.
export function table(headers, rows, attrs = {}) {
    return el("table", { class: "grid", ...attrs },
        el("thead", {}, el("tr", {}, headers.map(h => el("th", { scope: "col" }, h)))),
        el("tbody", {}, rows.map(row => {
            const r = Array.isArray(row) ? { cells: row, attrs: {} } : row;
            return el("tr", r.attrs, r.cells.map(c => el("td", {}, c)));
        })));
}

// A labelled form field: <label>Text <input ...></label>.
export function field(label, control) {
    return el("label", { class: "field" }, el("span", { class: "field-label" }, label), control);
}

// A modal dialog; resolves true when the confirm button is pressed.
export function confirmDialog(title, body, confirmLabel, { danger = false } = {}) {
    return new Promise(resolve => {
        const dialog = el("dialog", { class: "modal", "aria-labelledby": "modal-title" });
        const done = answer => {
            dialog.close();
            dialog.remove();
            resolve(answer);
        };
        dialog.append(
            el("h2", { id: "modal-title" }, title),
            el("div", { class: "modal-body" }, body),
            el("div", { class: "modal-actions" },
                button(confirmLabel, () => done(true), { class: danger ? "btn btn-danger" : "btn btn-primary",
                                                          "data-action": "confirm" }),
                button("Cancel", () => done(false), { class: "btn btn-link", "data-action": "cancel" })));
        dialog.addEventListener("cancel", () => done(false));
        document.body.append(dialog);
        dialog.showModal();
    });
}

// A dialog asking for one line of text; resolves to it, or null.
export function promptDialog(title, label, initial, confirmLabel) {
    const input = el("input", { type: "text", class: "text", value: initial, "data-field": "prompt" });
    const body = field(label, input);
    const answer = confirmDialog(title, body, confirmLabel);
    input.focus();
    input.select();
    return answer.then(ok => (ok ? input.value : null));
}

// The short form of a fingerprint for tables (the whole one in its title).
export function shortFingerprint(hex) {
    return el("span", { class: "fp", title: hex }, hex.slice(0, 16) + "…");
}
