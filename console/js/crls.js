// crls: the revocation lists in the store, and importing one.
import { el, fill, table, field, shortFingerprint } from "./dom.js";
import { trustd } from "./trustd.js";
import { expiry, timeText } from "./expiry.js";
import { readFile } from "./certs.js";
import { loadError, showMessage } from "./result.js";

function nextUpdate(crl) {
    if (crl.next_update === null)
        return el("span", {}, "(none)");
    const stale = expiry(crl.next_update, Date.now()).state === "expired";
    return el("span", { class: stale ? "expiry expiry-expired" : "expiry" },
        timeText(crl.next_update), stale ? " (stale)" : "");
}

function importForm(ctx) {
    const file = el("input", { type: "file", "data-field": "crl-file", disabled: !ctx.admin });
    const go = async () => {
        const f = file.files[0];
        if (!f)
            return showMessage("Import CRL", "choose a CRL file first (PEM or DER)");
        const o = await ctx.change("Import CRL " + f.name, ["crl", "import", "-"], { input: await readFile(f) });
        if (o.ok)
            file.value = "";
    };
    return el("form", { class: "panel", onsubmit: e => { e.preventDefault(); go(); } },
        el("h2", {}, "Import a CRL"),
        el("p", { class: "hint" }, "It is checked against its issuer, which must be in the store."),
        el("div", { class: "form-row" }, field("File (PEM or DER)", file),
           ctx.writeButton("Import", go, { class: "btn btn-primary", "data-action": "crl-import" })));
}

export async function render(section, ctx) {
    const o = await trustd(["crl", "list"]);
    if (!o.ok) {
        loadError(section, "the CRLs", o);
        section.prepend(importForm(ctx));
        return;
    }
    fill(section, importForm(ctx), el("h2", {}, `Revocation lists (${o.doc.length})`),
        o.doc.length === 0
            ? el("p", { class: "empty" }, "No CRL in the store.")
            : table(["Issuer", "Updated", "Next update", "Revoked", "SHA-256"],
                    o.doc.map(c => [c.issuer, timeText(c.this_update), nextUpdate(c),
                                    String(c.revoked), shortFingerprint(c.sha256)]), { "data-table": "crls" }));
}
