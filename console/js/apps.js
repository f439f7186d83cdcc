// apps: the application definitions: trust list, revocation policy, TLS
// policy and client certificates (without their keys), and the changes to
// them the console makes.
import { el, fill, button, table, field, confirmDialog } from "./dom.js";
import { trustd, trustdOutput } from "./trustd.js";
import { loadStore } from "./data.js";
import { expiryCell } from "./certs.js";
import { showResult, loadError } from "./result.js";
import { download, fileName } from "./download.js";

const CRL_POLICIES = ["none", "if-present", "required"];

function trustListSection(ctx, app, certs) {
    const members = app.certificates || [];
    const onList = new Set(members.map(c => c.sha256));
    const rows = members.map(c => ({
        attrs: { "data-sha256": c.sha256 },
        cells: [c.label, c.subject, expiryCell(c.not_after),
                el("span", { class: c.enabled ? "state-on" : "state-off" }, c.enabled ? "enabled" : "disabled"),
                app.trust_list_defined
                    ? ctx.writeButton("Take off the list", () => ctx.change(`Untrust ${c.label} for ${app.id}`,
                                      ["app", "untrust", "--", app.id, c.sha256]), { "data-action": "untrust" })
                    : ""],
    }));
    const candidates = certs.filter(c => !onList.has(c.sha256) || !app.trust_list_defined);
    const select = el("select", { "data-field": "add-ca", disabled: !ctx.admin },
        candidates.map(c => el("option", { value: c.sha256 }, `${c.label} (${c.sha256.slice(0, 12)}…)`)));
    const add = () => {
        const cert = candidates.find(c => c.sha256 === select.value);
        if (cert)
            ctx.change(`Trust ${cert.label} for ${app.id}`, ["app", "trust", "--", app.id, cert.sha256]);
    };
    const undefine = async () => {
        const ok = await confirmDialog("Undefine the trust list",
            el("p", {}, `${app.id} will trust every enabled CA in the store, and its list is dropped.`), "Undefine");
        if (ok)
            ctx.change(`Undefine ${app.id}'s trust list`, ["app", "trust-list", "--", app.id, "undefined"]);
    };
    return el("div", { class: "app-part" },
        el("h4", {}, "CA trust list"),
        el("p", { "data-field": "trust-list-state" }, app.trust_list_defined
            ? `Defined: ${app.id} trusts only the enabled CAs on its list (${app.trusted_count}).`
            : `Not defined: ${app.id} trusts every enabled CA in the store (${app.trusted_count}).`),
        app.trusts_nothing ? el("p", { class: "warning" }, `${app.id} trusts no CA now: its connections fail.`) : null,
        el("div", { class: "form-row" },
            app.trust_list_defined
                ? ctx.writeButton("Undefine the list", undefine, { "data-action": "undefine" })
                : ctx.writeButton("Define the list", () => ctx.change(`Define ${app.id}'s trust list`,
                                  ["app", "trust-list", "--", app.id, "defined"]), { "data-action": "define" }),
            button("Export the CAs it trusts", () => exportBundle(app), { "data-action": "export-bundle" })),
        members.length ? table(["Label", "Subject", "Expires", "State", ""], rows, { "data-table": "trust-list" })
                       : el("p", { class: "empty" }, "No CA."),
        candidates.length ? el("div", { class: "form-row" },
            field(app.trust_list_defined ? "Add a CA to the list" : "Put a CA on a new list (defines it)", select),
            ctx.writeButton("Add to the list", add, { "data-action": "trust" })) : null);
}

async function exportBundle(app) {
    const o = await trustdOutput(["export", "--app", app.id]);
    if (!o.ok)
        return showResult(`Export ${app.id}'s CAs`, o);
    download(fileName(app.id + "-cas", ".pem"), o.data);
}

function policySection(ctx, app) {
    const select = el("select", { "data-field": "crl-policy", disabled: !ctx.admin },
        CRL_POLICIES.map(p => el("option", { value: p, selected: p === app.crl_policy }, p)));
    const tls = (v, none) => (v === null || v === undefined ? none : String(v));
    return el("div", { class: "app-part" },
        el("h4", {}, "Revocation"),
        el("div", { class: "form-row" },
            field("CRL policy", select),
            ctx.writeButton("Set", () => ctx.change(`Set ${app.id}'s revocation policy`,
                            ["app", "set", "--crl", select.value, "--", app.id]), { "data-action": "set-crl" })),
        el("h4", {}, "TLS policy"),
        el("table", { class: "details", "data-field": "tls-policy" }, el("tbody", {},
            [["Lowest version", tls(app.tls_min, "default (1.2)")],
             ["Highest version", tls(app.tls_max, "default (the newest)")],
             ["TLS 1.2 ciphers", tls(app.ciphers, "default")],
             ["TLS 1.3 suites", tls(app.ciphersuites, "default")],
             ["Server name (SNI)", app.sni ? "sent" : "not sent"]]
                .map(([k, v]) => el("tr", {}, el("th", { scope: "row" }, k), el("td", {}, v))))));
}

async function clientCertSection(app) {
    const part = el("div", { class: "app-part" }, el("h4", {}, "Client certificates"));
    const o = await trustd(["app", "cert", "list", "--", app.id]);
    if (!o.ok) {
        loadError(part, "its client certificates", o);
        return part;
    }
    const kf = o.doc.key_file;
    part.append(
        el("p", { class: "hint", "data-field": "key-file" }, kf.exists
            ? `Their keys are in ${kf.path} (mode ${kf.mode}, owner ${kf.owner}, group ${kf.group}); the console never reads them.`
            : `No key file (${kf.path}).`),
        o.doc.certificates.length
            ? table(["#", "Label", "Subject", "Issuer", "Key", "Expires"],
                    o.doc.certificates.map(c => [String(c.position), c.label, c.subject, c.issuer, c.key_type,
                                                 expiryCell(c.not_after)]), { "data-table": "client-certs" })
            : el("p", { class: "empty" }, "None: it presents no certificate when a server asks for one."));
    return part;
}

export async function render(section, ctx) {
    const data = await loadStore();
    if (!data.ok)
        return loadError(section, "the applications", data.error);
    const cards = await Promise.all(data.apps.map(async app =>
        el("article", { class: "panel app", "data-app": app.id },
            el("h3", {}, app.id, el("span", { class: "app-type" }, ` ${app.type}`),
               app.description ? el("span", { class: "app-description" }, " — " + app.description) : null),
            trustListSection(ctx, app, data.certs),
            policySection(ctx, app),
            await clientCertSection(app))));
    fill(section, el("h2", {}, `Applications (${data.apps.length})`), cards);
}
