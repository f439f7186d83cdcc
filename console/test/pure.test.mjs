// The console's pure modules under node's own test runner (no browser):
// what a trustd run means, expiry, probe's offers, visible text, the store
// setting and download names.
import { test } from "node:test";
import assert from "node:assert/strict";
import { outcome, itemLine } from "../js/outcome.js";
import { expiry, expiryWords, timeText } from "../js/expiry.js";
import { probeOffers } from "../js/offers.js";
import { visible } from "../js/text.js";
import { checkStorePath } from "../js/settings.js";
import { fileName } from "../js/download.js";
import { trustMaps } from "../js/data.js";

const errorObject = (code, exit, message, items = []) => JSON.stringify({
    ok: false, command: "x", error: { code, exit_status: exit, message },
    changes: { added: 0, removed: 0, updated: 0, unchanged: 0 }, items,
});

test("a result object, a listing and validate's report with problems are answers", () => {
    const result = { ok: true, command: "import", changes: { added: 1, removed: 0, updated: 0, unchanged: 0 }, items: [] };
    assert.deepEqual(outcome({ exitStatus: 0, stdout: JSON.stringify(result) + "\n", stderr: "" }),
                     { ok: true, doc: result, error: null });
    assert.equal(outcome({ exitStatus: 0, stdout: "[]\n" }).ok, true);
    const report = { checked_at: "2026-01-01T00:00:00Z", days: 30, ok: false, applications: [], problems: [{ code: "ca-expiring" }] };
    const o = outcome({ exitStatus: 4, stdout: JSON.stringify(report), stderr: "trustd: validate: 1 problem" });
    assert.equal(o.ok, true);
    assert.equal(o.doc.problems[0].code, "ca-expiring");
});

test("an error object is the error, whatever standard error says", () => {
    const o = outcome({ exitStatus: 1, stdout: errorObject("error", 1, "-: not a certificate file"), stderr: "trustd: other" });
    assert.equal(o.ok, false);
    assert.deepEqual(o.error, { code: "error", message: "-: not a certificate file" });
    // An error object is never an answer, even with exit status 0.
    assert.equal(outcome({ exitStatus: 0, stdout: errorObject("usage", 2, "u") }).ok, false);
});

test("without a document the error comes from standard error or Cockpit", () => {
    assert.deepEqual(outcome({ exitStatus: 3, stdout: "", stderr: "trustd: no certificate is labelled 'x'\n" }).error,
                     { code: "error", message: "no certificate is labelled 'x'" });
    assert.match(outcome({ exitStatus: null, stdout: "", problem: "not-found" }).error.message, /not installed/);
    assert.equal(outcome({ exitStatus: null, stdout: "", problem: "access-denied" }).error.code, "access-denied");
    assert.equal(outcome({ exitStatus: 1, stdout: "{not json" }).ok, false);
    assert.match(outcome({ exitStatus: 1, stdout: "" }).error.message, /exited with status 1/);
});

test("a result item reads as trustd's line", () => {
    assert.equal(itemLine({ object: "certificate", result: "already_present", label: "Lab Root", subject: "CN=Lab Root",
                            sha256: "ab" }), "already present  Lab Root  CN=Lab Root  SHA-256 ab");
    assert.equal(itemLine({ object: "trust", result: "trusted", application: "ftp-client", label: "L", sha256: "cd" }),
                 "trusted  ftp-client:  L  SHA-256 cd");
    assert.equal(itemLine({ object: "certificate", result: "skipped", subject: "CN=x", detail: "not a CA certificate: --ca-only" }),
                 "skipped  CN=x  (not a CA certificate: --ca-only)");
});

test("expiry: expired, within 30 days, later", () => {
    const now = Date.parse("2026-12-01T00:00:00Z");
    assert.equal(expiry("2026-11-30T23:59:59Z", now).state, "expired");
    assert.equal(expiry("2026-12-01T00:00:00Z", now).state, "expired");
    assert.deepEqual(expiry("2026-12-30T23:59:59Z", now), { state: "soon", days: 29 });
    assert.deepEqual(expiry("2026-12-31T00:00:00Z", now), { state: "ok", days: 30 });
    assert.equal(expiry("not a date", now).state, "unknown");
    assert.equal(expiryWords(expiry("2026-12-01T12:00:00Z", now)), "expires within a day");
    assert.equal(expiryWords(expiry("2026-12-02T12:00:00Z", now)), "expires in 1 day");
    assert.equal(expiryWords(expiry("2027-06-01T00:00:00Z", now)), "");
});

const leaf = { object: "certificate", result: "presented", depth: 0, sha256: "11", subject: "CN=host", issuer: "CN=Inter" };
const inter = { object: "certificate", result: "presented", depth: 1, sha256: "22", subject: "CN=Inter", issuer: "CN=Root" };
const root = { object: "certificate", result: "presented", depth: 2, sha256: "33", subject: "CN=Root", issuer: "CN=Root" };
const probe = (message, items) => outcome({ exitStatus: 4, stdout: errorObject("not_trusted", 4, message, items) });

test("probe offers the root and the issuer where trustd's advice names them", () => {
    const unknown = "ftp-client would not trust this chain: the root CA it was sent with, CN=Root, is not in the trust store";
    assert.deepEqual(probeOffers(probe(unknown, [root, leaf, inter])), { root, issuer: inter });
    // A certificate the root issued itself: the root only.
    const direct = { ...leaf, issuer: "CN=Root" };
    assert.deepEqual(probeOffers(probe(unknown, [direct, { ...root, depth: 1 }])), { root: { ...root, depth: 1 }, issuer: null });
    // The server did not send its root: the issuer only.
    const noRoot = "ftp-client would not trust this chain: the CA that issued CN=Inter, CN=Root, is not in the trust store";
    assert.deepEqual(probeOffers(probe(noRoot, [leaf, inter])), { root: null, issuer: inter });
    // In the store but not on the list: the issuer.
    const notOnList = "ftp-client would not trust this chain: the CA CN=Root that its chain leads to is in the trust " +
                      "store but not on application ftp-client's CA trust list";
    assert.deepEqual(probeOffers(probe(notOnList, [leaf, inter, root])), { root: null, issuer: inter });
});

test("probe offers nothing when trustd would not import", () => {
    const none = { root: null, issuer: null };
    const trusted = outcome({ exitStatus: 0, stdout: JSON.stringify({ ok: true, items: [leaf, inter, root] }) });
    assert.deepEqual(probeOffers(trusted), none);
    // Disabled: trustd says to enable it, and importing changes nothing.
    const disabled = "ftp-client would not trust this chain: the CA CN=Root that its chain leads to is in the trust store but disabled";
    assert.deepEqual(probeOffers(probe(disabled, [leaf, inter, root])), none);
    // A self-signed server certificate: no CA to import.
    const self = { ...leaf, issuer: "CN=host" };
    const selfMsg = "ftp-client would not trust this chain: it is self-signed, and the trust store does not hold it (no CA vouches for it)";
    assert.deepEqual(probeOffers(probe(selfMsg, [self])), none);
    // A connection that failed is not a verdict.
    assert.deepEqual(probeOffers(outcome({ exitStatus: 1, stdout: errorObject("error", 1, "cannot connect") })), none);
});

test("visible: control characters and direction overrides as escapes, line ends kept", () => {
    assert.equal(visible("<img src=x> \u001b[31mred"), "<img src=x> \\x1b[31mred");
    assert.equal(visible("a\nb\tc"), "a\nb\tc");
    assert.equal(visible("\u0000\u007f\u009b"), "\\x00\\x7f\\x9b");
    assert.equal(visible("evil\u202etxt.exe"), "evil\\u202etxt.exe");
    assert.equal(visible("Zürich CA"), "Zürich CA");
});

test("the store path must be absolute and printable", () => {
    assert.equal(checkStorePath("/var/lib/trustd/trust.db"), null);
    assert.match(checkStorePath("trust.db"), /absolute/);
    assert.match(checkStorePath(""), /give/);
    assert.match(checkStorePath("/tmp/a\nb"), /control/);
});

test("download names keep letters, digits, dots and dashes", () => {
    assert.equal(fileName("ftpc Test Root CA", ".pem"), "ftpc-Test-Root-CA.pem");
    assert.equal(fileName("../../etc/passwd", ".pem"), "etc-passwd.pem");
    assert.equal(fileName("<img src=x>", ".pem"), "img-src-x.pem");
    assert.equal(fileName("///", ".pem"), "certificate.pem");
});

test("which applications trust a certificate, and which lists hold it", () => {
    const apps = [
        { id: "a", trust_list_defined: true, certificates: [{ sha256: "1", enabled: true }, { sha256: "2", enabled: false }] },
        { id: "b", trust_list_defined: false, certificates: [{ sha256: "1", enabled: true }] },
    ];
    const { trustedBy, onLists } = trustMaps(apps);
    assert.deepEqual(trustedBy.get("1"), ["a", "b"]);
    assert.equal(trustedBy.get("2"), undefined);
    assert.deepEqual(onLists.get("2"), ["a"]);
    assert.deepEqual(onLists.get("1"), ["a"]);
});

test("times read as dates in UTC", () => {
    assert.equal(timeText("2027-01-01T03:13:19Z"), "2027-01-01 03:13:19 UTC");
    assert.equal(timeText(null), "");
});
