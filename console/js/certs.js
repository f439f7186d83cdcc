// certs: the CA certificates of the store, importing them and what can be
// done to each (enable, disable, label, export, remove).
import { el, fill, button, table, field, confirmDialog, promptDialog } from "./dom.js";
import { trustd, trustdOutput } from "./trustd.js";
import { loadStore } from "./data.js";
import { expiry, expiryWords, timeText } from "./expiry.js";
import { showResult, showMessage, loadError } from "./result.js";
import { download, fileName } from "./download.js";

const MAX_FILE = 16 * 1024 * 1024;
const PASS_VAR = "TRUSTD_P12_PASS";

// The expiry cell: the date, and a warning colour within 30 days or after.
export function expiryCell(notAfter) {
    const e = expiry(notAfter, Date.now());
    const words = expiryWords(e);
    return el("span", { class: "expiry expiry-" + e.state, "data-expiry": e.state },
        timeText(notAfter), words ? el("span", { class: "expiry-words" }, " (" + words + ")") : null);
}

export function readFile(file) {
    return new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(new Uint8Array(reader.result));
        reader.onerror = () => reject(reader.error);
        reader.readAsArrayBuffer(file);
    });
}

function importForm(ctx) {
    const file = el("input", { type: "file", "data-field": "import-file", disabled: !ctx.admin });
    const label = el("input", { type: "text", class: "text", "data-field": "import-label", disabled: !ctx.admin,
                                placeholder: "its common name" });
    const password = el("input", { type: "password", class: "text", "data-field": "import-password",
                                   autocomplete: "off", disabled: !ctx.admin });
    const disabled = el("input", { type: "checkbox", "data-field": "import-disabled", disabled: !ctx.admin });
    const caOnly = el("input", { type: "checkbox", "data-field": "import-ca-only", disabled: !ctx.admin });
    const go = async () => {
        const f = file.files[0];
        if (!f)
            return showMessage("Import", "choose a file first (PEM, DER, PKCS#7 or PKCS#12)");
        if (f.size > MAX_FILE)
            return showMessage("Import " + f.name, "the file is larger than 16 MiB: not a certificate file");
        const words = ["import"];
        if (label.value.trim() !== "")
            words.push("--label", label.value.trim());
        if (disabled.checked)
            words.push("--disabled");
        if (caOnly.checked)
            words.push("--ca-only");
        let environ;
        if (password.value !== "") {
            // The password goes to trustd in its environment, never on its
            // command line (which every user of the machine may read).
            words.push("--pass-env", PASS_VAR);
            environ = [`${PASS_VAR}=${password.value}`];
        }
        words.push("-");
        const data = await readFile(f);
        password.value = "";
        const o = await ctx.change("Import " + f.name, words, { input: data, environ });
        if (o.ok)
            file.value = "";
    };
    return el("form", { class: "panel import-form", "data-form": "import", onsubmit: e => { e.preventDefault(); go() } },
        el("h2", {}, "Import certificates"),
        el("div", { class: "form-row" },
            field("File (PEM, DER, PKCS#7, PKCS#12)", file),
            field("Label (one certificate only)", label),
            field("PKCS#12 password", password)),
        el("div", { class: "form-row" },
            el("label", { class: "check" }, disabled, " Import disabled"),
            el("label", { class: "check" }, caOnly, " CAs only (skip a server's own certificate)"),
            ctx.writeButton("Import", go, { class: "btn btn-primary", "data-action": "import" })));
}

async function showDetails(cert, holder) {
    const o = await trustd(["show", "--", cert.sha256]);
    if (!o.ok)
        return loadError(holder, "the certificate", o);
    const d = o.doc;
    const row = (k, v) => [el("th", { scope: "row" }, k), el("td", {}, v)];
    fill(holder, el("h3", {}, d.label),
        el("table", { class: "details", "data-field": "details" }, el("tbody", {},
            [["Subject", d.subject], ["Issuer", d.issuer], ["Serial", d.serial],
             ["Valid from", timeText(d.not_before)], ["Valid until", expiryCell(d.not_after)],
             ["Key", `${d.key_type} ${d.key_bits} bits`], ["Signature", d.signature_algorithm],
             ["CA", d.is_ca ? "yes" : "no"], ["Key usage", d.key_usage || "none"],
             ["SHA-256", d.sha256], ["SHA-1", d.sha1], ["Enabled", d.enabled ? "yes" : "no"],
             ["Trusted by", d.trusted_by.length ? d.trusted_by.join(", ") : "no application"]]
                .map(([k, v]) => el("tr", {}, row(k, v))))));
}

async function remove(ctx, cert, onLists) {
    const lists = onLists.get(cert.sha256) || [];
    const body = el("div", {},
        el("p", {}, "Remove this certificate from the store, with the CRLs it issued?"),
        el("p", { class: "dialog-cert" }, el("strong", {}, cert.label), el("br"), cert.subject, el("br"),
           el("span", { class: "fp" }, "SHA-256 " + cert.sha256)),
        lists.length ? el("p", { class: "warning" }, "It is on the trust list of " + lists.join(", ") +
                                                      ": removing it takes it off.") : null);
    if (!(await confirmDialog("Remove certificate", body, "Remove", { danger: true })))
        return;
    const words = ["remove", ...(lists.length ? ["--force"] : []), "--", cert.sha256];
    await ctx.change("Remove " + cert.label, words);
}

async function relabel(ctx, cert) {
    const name = await promptDialog("Label certificate", "New label", cert.label, "Set label");
    if (name === null || name.trim() === "" || name.trim() === cert.label)
        return;
    await ctx.change("Label " + cert.label, ["label", "--", cert.sha256, name.trim()]);
}

export async function exportCert(cert) {
    const o = await trustdOutput(["export", "--", cert.sha256]);
    if (!o.ok)
        return showResult("Export " + cert.label, o);
    download(fileName(cert.label, ".pem"), o.data);
}

function certRow(ctx, cert, maps, details) {
    const apps = maps.trustedBy.get(cert.sha256) || [];
    return {
        attrs: { "data-sha256": cert.sha256, class: cert.enabled ? "" : "row-disabled" },
        cells: [
            el("a", { href: "#", class: "cert-label", "data-field": "label",
                      onclick: e => { e.preventDefault(); showDetails(cert, details); } }, cert.label),
            el("span", { "data-field": "subject" }, cert.subject),
            el("span", { "data-field": "issuer" }, cert.subject === cert.issuer ? "(self-signed)" : cert.issuer),
            expiryCell(cert.not_after),
            el("span", { class: cert.enabled ? "state-on" : "state-off", "data-field": "state" },
               cert.enabled ? "enabled" : "disabled"),
            el("span", { "data-field": "trusted-by" }, apps.length ? apps.join(", ") : "—"),
            el("span", { class: "actions" },
                cert.enabled
                    ? ctx.writeButton("Disable", () => ctx.change("Disable " + cert.label, ["disable", "--", cert.sha256]),
                                      { "data-action": "disable" })
                    : ctx.writeButton("Enable", () => ctx.change("Enable " + cert.label, ["enable", "--", cert.sha256]),
                                      { "data-action": "enable" }),
                ctx.writeButton("Label…", () => relabel(ctx, cert), { "data-action": "label" }),
                button("Export", () => exportCert(cert), { "data-action": "export" }),
                ctx.writeButton("Remove…", () => remove(ctx, cert, maps.onLists),
                                { class: "btn btn-danger", "data-action": "remove" })),
        ],
    };
}

export async function render(section, ctx) {
    const data = await loadStore();
    if (!data.ok) {
        loadError(section, "the trust store", data.error);
        section.prepend(importForm(ctx));
        return;
    }
    const details = el("div", { class: "panel details-panel", "data-field": "cert-details" },
        el("p", { class: "hint" }, "Choose a label to see the certificate's details."));
    const expiring = data.certs.filter(c => expiry(c.not_after, Date.now()).state !== "ok").length;
    fill(section,
        importForm(ctx),
        el("h2", {}, `Certificates (${data.certs.length})`,
           expiring ? el("span", { class: "badge badge-warning" }, `${expiring} expired or expiring within 30 days`) : null),
        data.certs.length === 0
            ? el("p", { class: "empty" }, "The store holds no certificate yet: import a CA.")
            : table(["Label", "Subject", "Issuer", "Expires", "State", "Trusted by", ""],
                    data.certs.map(c => certRow(ctx, c, data, details)), { "data-table": "certificates" }),
        details);
}
