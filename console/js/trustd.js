// trustd: runs the trustd command through Cockpit's process API. Every
// change runs as root through Cockpit's administrative access (superuser
// "require"), every read with it when the user has it and as the user
// otherwise ("try"). The store is always named with --store: privilege
// escalation drops TRUSTD_STORE from the environment.
import { outcome } from "./outcome.js";
import { storePath } from "./settings.js";

const decoder = new TextDecoder();

// The trustd to run: config.json's full path, written by the install
// beside the page; "trustd" from PATH when there is none (a copy of the
// page that was not installed).
let program = null;
function trustdProgram() {
    program ??= fetch("config.json")
        .then(r => (r.ok ? r.json() : {}))
        .then(c => (typeof c.trustd === "string" && c.trustd.startsWith("/") ? c.trustd : "trustd"))
        .catch(() => "trustd");
    return program;
}

function spawnRaw(argv, options, input) {
    return new Promise(resolve => {
        const proc = cockpit.spawn(argv, options);
        // Cockpit's promise passes standard output as the second value of
        // a failure too: trustd's error object is there.
        proc.then((stdout, stderr) => resolve({ exitStatus: 0, stdout, stderr, problem: null }),
                  (ex, stdout) => resolve({ exitStatus: ex.exit_status ?? null, stdout,
                                            stderr: ex.message || "", problem: ex.problem || null }));
        proc.input(input === undefined ? "" : input);
    });
}

function text(data) {
    if (data === undefined || data === null)
        return "";
    return typeof data === "string" ? data : decoder.decode(data);
}

function options(write, binary, environ) {
    const o = { superuser: write ? "require" : "try", err: "message" };
    if (binary)
        o.binary = true;
    if (environ)
        o.environ = environ;
    return o;
}

// Runs trustd --store STORE --json WORDS... and returns its outcome
// (outcome.js). input: what goes to its standard input (a Uint8Array is
// sent as bytes); environ: ["NAME=value"] added to its environment.
export async function trustd(words, { write = false, input, environ } = {}) {
    const binary = input instanceof Uint8Array;
    const argv = [await trustdProgram(), "--store", storePath(), "--json", ...words];
    const run = await spawnRaw(argv, options(write, binary, environ), input);
    run.stdout = text(run.stdout);
    return { argv, ...outcome(run) };
}

// Runs trustd without --json for a file it writes to standard output
// (export: under --json it writes only to a file given with --out).
// Resolves to { ok, data, error }.
export async function trustdOutput(words) {
    const argv = [await trustdProgram(), "--store", storePath(), ...words];
    const run = await spawnRaw(argv, options(false, false), undefined);
    if (run.exitStatus === 0)
        return { ok: true, data: text(run.stdout), error: null };
    const o = outcome({ ...run, stdout: "" });
    return { ok: false, data: null, error: o.error };
}
