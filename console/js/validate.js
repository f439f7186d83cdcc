// validate: trustd validate's report, what would break and what to do.
import { el, fill, table, button } from "./dom.js";
import { trustd } from "./trustd.js";
import { loadError } from "./result.js";
import { timeText } from "./expiry.js";

export async function render(section, ctx) {
    const o = await trustd(["validate"]);
    if (!o.ok)
        return loadError(section, "the validation report", o);
    const r = o.doc;
    const problems = r.problems.map(p => [p.application || "(store)", p.code,
        p.ca ? p.ca.label : p.client_certificate ? `client certificate ${p.client_certificate.label}` : "", p.message, p.action || ""]);
    fill(section,
        el("h2", {}, "Validation"),
        el("p", { class: r.ok ? "verdict verdict-ok" : "verdict verdict-bad", "data-field": "validate-verdict" },
            r.ok ? `No problem found (checked ${timeText(r.checked_at)}, CAs expiring within ${r.days} days count).`
                 : `${r.problems.length} problem${r.problems.length === 1 ? "" : "s"} found (checked ${timeText(r.checked_at)}).`),
        table(["Application", "CRL policy", "Trust list", "Trusted CAs", "State"],
              r.applications.map(a => [a.id, a.crl_policy, a.trust_list_defined ? "defined" : "not defined",
                                       String(a.trusted_cas), a.ok ? "ok" : `${a.problems} problem${a.problems === 1 ? "" : "s"}`]),
              { "data-table": "validate-apps" }),
        problems.length ? table(["Application", "Problem", "Certificate", "What", "What to do"], problems,
                                { "data-table": "validate-problems" }) : null,
        button("Check again", () => ctx.render(), { "data-action": "validate-again" }));
}
