// outcome: what one run of trustd said, from its exit status, standard
// output and error. Pure: no Cockpit, no page (the unit tests run it).
//
// trustd --json prints one document on standard output: a listing's own
// document, validate's report (exit 4 when it finds problems), the result
// object {"ok": true, ...} of a command that changed something, or the
// error object {"ok": false, "error": {...}}. Without output (trustd could
// not be started, Cockpit refused) the error comes from Cockpit.

// run: { exitStatus (null when it did not exit), stdout (text), stderr
// (text), problem (Cockpit's, e.g. "access-denied", "not-found") }.
// Returns { ok, doc, error: { code, message } | null }.
export function outcome(run) {
    let doc = null;
    const text = (run.stdout || "").trim();
    if (text !== "") {
        try {
            doc = JSON.parse(text);
        } catch {
            doc = null;
        }
    }
    if (doc && typeof doc === "object" && !Array.isArray(doc) && doc.ok === false && doc.error)
        return { ok: false, doc, error: { code: doc.error.code, message: doc.error.message } };
    if (doc !== null && (run.exitStatus === 0 || isValidateReport(doc)))
        return { ok: true, doc, error: null };
    return { ok: false, doc, error: { code: run.problem || "error", message: failureMessage(run) } };
}

// validate's report is its answer when it exits 4 (problems found) too.
function isValidateReport(doc) {
    return doc && typeof doc === "object" && "checked_at" in doc && Array.isArray(doc.problems);
}

function failureMessage(run) {
    const stderr = (run.stderr || "").trim();
    if (run.problem === "not-found")
        return "trustd is not installed on this machine (it was not found in the PATH)";
    if (run.problem === "access-denied")
        return "not permitted: this needs administrative access";
    if (stderr !== "")
        return stderr.replace(/^trustd: /gm, "");
    if (run.problem)
        return "Cockpit could not run trustd: " + run.problem;
    return "trustd exited with status " + run.exitStatus + " and said nothing";
}

// A result item as one line of words, as trustd's text output has it.
export function itemLine(item) {
    const words = [item.result.replaceAll("_", " ")];
    if (item.application && item.object === "trust")
        words.push(item.application + ":");
    if (item.label)
        words.push(item.label);
    if (item.subject && item.subject !== item.label)
        words.push(item.subject);
    if (item.object === "application" && item.application)
        words.push(item.application);
    if (item.sha256)
        words.push("SHA-256 " + item.sha256);
    if (item.detail)
        words.push("(" + item.detail + ")");
    return words.join("  ");
}
