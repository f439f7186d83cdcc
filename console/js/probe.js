// probe: connects to an FTPS server (trustd probe), shows the chain it
// presented and the verdict, and offers "trust this root" or "trust this
// issuer" where trustd's advice would (offers.js), with the fingerprint
// shown here pinned by --expect-sha256.
import { el, fill, table, field, button, confirmDialog } from "./dom.js";
import { trustd } from "./trustd.js";
import { probeOffers } from "./offers.js";
import { showResult } from "./result.js";

// What the form holds between renders.
const form = { host: "", port: "", mode: "explicit", app: "ftp-client", last: null };

function target() {
    const port = form.port.trim();
    return port === "" ? form.host.trim() : `${form.host.trim()}:${port}`;
}

function probeWords(extra = []) {
    return ["probe", "--app", form.app, ...(form.mode === "implicit" ? ["--implicit"] : []), ...extra, "--", target()];
}

function chainTable(items, result, name) {
    const rows = items.filter(i => i.result === result).sort((a, b) => a.depth - b.depth)
        .map(c => ({ attrs: { "data-sha256": c.sha256 },
                     cells: [String(c.depth), c.subject, c.issuer, el("span", { class: "fp" }, c.sha256)] }));
    return rows.length ? table(["Depth", "Subject", "Issuer", "SHA-256"], rows, { "data-table": name }) : null;
}

async function offer(ctx, kind, cert) {
    const option = kind === "root" ? "--import-root" : "--trust-issuer";
    const what = kind === "root" ? "Trust this root CA" : `Trust this issuing CA for ${form.app}`;
    const body = el("div", {},
        el("p", {}, kind === "root"
            ? "Import the root CA the server sent into the store?"
            : `Import the CA that issued the server's certificate and put it on ${form.app}'s trust list ` +
              "(defining the list if it has none)?"),
        el("p", { class: "dialog-cert" }, cert.subject, el("br"), el("span", { class: "fp", "data-field": "offer-sha256" },
           "SHA-256 " + cert.sha256)),
        el("p", { class: "warning" }, "Check this SHA-256 with the CA's publisher first. trustd connects again and " +
                                      "refuses a chain whose CA has another fingerprint."));
    if (!(await confirmDialog(what, body, kind === "root" ? "Trust this root" : "Trust this issuer")))
        return;
    const o = await trustd(probeWords([option, "--expect-sha256", cert.sha256]), { write: true });
    showResult(what, o);
    form.last = o;
    ctx.render();
}

function verdict(o) {
    if (o.ok)
        return el("p", { class: "verdict verdict-ok", "data-field": "probe-verdict" }, `TRUSTED by ${form.app}`);
    if (o.error.code === "not_trusted")
        return el("div", { class: "verdict verdict-bad", "data-field": "probe-verdict" },
            el("strong", {}, "NOT TRUSTED"), el("pre", { class: "result-message" }, o.error.message));
    return el("div", { class: "verdict verdict-bad", "data-field": "probe-verdict" },
        el("strong", {}, "Probe failed"), el("pre", { class: "result-message" }, o.error.message));
}

function resultView(ctx, o) {
    const items = o.doc && Array.isArray(o.doc.items) ? o.doc.items : [];
    const offers = probeOffers(o);
    return el("div", { class: "panel", "data-field": "probe-result" },
        el("h3", {}, "Presented by the server"),
        chainTable(items, "presented", "probe-chain") || el("p", { class: "empty" }, "No certificate (no TLS session)."),
        verdict(o),
        items.some(i => i.result === "path") ? el("h3", {}, "Path that verified") : null,
        chainTable(items, "path", "probe-path"),
        offers.root ? el("p", {}, ctx.writeButton(`Trust this root: ${offers.root.subject}`,
                                                  () => offer(ctx, "root", offers.root), { "data-action": "trust-root" })) : null,
        offers.issuer ? el("p", {}, ctx.writeButton(`Trust this issuer: ${offers.issuer.subject}`,
                                                    () => offer(ctx, "issuer", offers.issuer), { "data-action": "trust-issuer" })) : null);
}

export async function render(section, ctx) {
    const apps = await trustd(["app", "list"]);
    const host = el("input", { type: "text", class: "text", value: form.host, "data-field": "probe-host", required: true });
    const port = el("input", { type: "text", class: "text short", value: form.port, "data-field": "probe-port",
                               placeholder: "21 or 990", inputmode: "numeric" });
    const mode = el("select", { "data-field": "probe-mode" },
        el("option", { value: "explicit", selected: form.mode === "explicit" }, "explicit (AUTH TLS)"),
        el("option", { value: "implicit", selected: form.mode === "implicit" }, "implicit (TLS at connect)"));
    const app = el("select", { "data-field": "probe-app" },
        (apps.ok ? apps.doc.map(a => a.id) : ["ftp-client"]).map(id => el("option", { value: id, selected: id === form.app }, id)));
    const go = async () => {
        Object.assign(form, { host: host.value, port: port.value, mode: mode.value, app: app.value });
        if (form.host.trim() === "" || /\s/.test(form.host.trim()) || (form.port.trim() !== "" && !/^[0-9]{1,5}$/.test(form.port.trim())))
            return showResult("Probe", { ok: false, doc: null, error: { message: "give a host name or address, and a port of digits (or none)" } });
        form.last = await trustd(probeWords());
        ctx.render();
    };
    fill(section,
        el("form", { class: "panel", onsubmit: e => { e.preventDefault(); go(); } },
            el("h2", {}, "Probe an FTPS server"),
            el("p", { class: "hint" }, "Shows the certificates the server presents and whether the application would trust them."),
            el("div", { class: "form-row" }, field("Host", host), field("Port", port), field("Security", mode),
               field("Application", app), button("Probe", go, { class: "btn btn-primary", "data-action": "probe" }))),
        form.last ? resultView(ctx, form.last) : null);
}
