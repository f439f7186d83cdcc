// Drives the trustd Cockpit page in Debian's chromium with playwright-core
// (no browser download): tests/integ/console_browser.sh starts Cockpit and
// passes, in the environment, its URL, the store, the logins and what to
// expect. Every step waits for what the page shows; the first step that
// does not see it fails the run (exit 1), with a screenshot in ARTIFACTS.
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const env = name => {
    const v = process.env[name];
    if (v === undefined || v === "")
        throw new Error(`${name} is not set`);
    return v;
};
const URL = env("URL"), STORE = env("STORE"), FILES = env("FILES"), ARTIFACTS = env("ARTIFACTS");
const TRUSTD = env("TRUSTD");
const ROOT = env("ROOT_SHA256"), UPLOAD = env("UPLOAD_SHA256"), HOSTILE = env("HOSTILE_SHA256");
const HOSTILE_LABEL = env("HOSTILE_LABEL");
const NEW_LABEL = "Uploaded <b>CA</b> & co";

// As root and offline, chromium needs these (no sandbox as root, nothing
// that reaches outside hosts).
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let step = "start";
let shots = 0;
const started = Date.now();
function log(text) {
    console.log(`console.mjs: ${text}`);
}
function setStep(what) {
    step = what;
    log(`${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
}
function check(ok, what) {
    if (!ok)
        throw new Error(what);
}

function trustdJson(args) {
    let out;
    try {
        out = execFileSync(TRUSTD, ["--store", STORE, ...args, "--json"], { encoding: "utf8" });
    } catch (e) {
        out = e.stdout;
    }
    return JSON.parse(out);
}

async function screenshot(page, name) {
    shots += 1;
    await page.screenshot({ path: join(ARTIFACTS, `${String(shots).padStart(2, "0")}-${name}.png`) });
}

async function login(page, user, password) {
    await page.goto(URL + "/");
    await page.fill("#login-user-input", user);
    await page.fill("#login-password-input", password);
    await page.click("#login-button");
    // The shell has logged in once it shows a page in its frame.
    const shell = page.waitForSelector("iframe[name^='cockpit1:']", { state: "attached", timeout: 30000 });
    const refused = page.waitForSelector("#login-error-message:visible", { timeout: 30000 }).then(() => true, () => false);
    if (await Promise.race([shell.then(() => false), refused]))
        throw new Error(`login of ${user} refused: ${await page.textContent("#login-error-message")}`);
    await shell;
}

// The page's frame inside Cockpit's shell, once it has drawn a tab.
async function openPage(page) {
    await page.goto(URL + "/trustd");
    let frame = null;
    for (let i = 0; i < 200 && !frame; i++) {
        frame = page.frames().find(f => f.url().includes("/trustd/index.html")) || null;
        if (!frame)
            await page.waitForTimeout(100);
    }
    check(frame, "Cockpit did not open the page's frame");
    await frame.waitForSelector("body[data-rendered]", { timeout: 30000 });
    return frame;
}

async function rendered(frame) {
    return Number(await frame.getAttribute("body", "data-rendered"));
}

// Runs action and waits until the page has drawn its tab again after it.
async function andRendered(frame, action) {
    const before = await rendered(frame);
    await action();
    await frame.waitForFunction(n => Number(document.body.dataset.rendered) > n &&
                                     document.querySelector("[aria-busy=true]") === null, before,
                                { timeout: 30000 });
}

async function tab(frame, name) {
    await andRendered(frame, () => frame.click(`[role=tab][data-tab=${name}]`));
}

async function resultTitle(frame) {
    return (await frame.textContent("[data-field=result-title]")).trim();
}

const row = sha => `[data-table=certificates] tr[data-sha256="${sha}"]`;

async function setStore(frame) {
    await frame.fill("#store-path", STORE);
    await andRendered(frame, () => frame.click("#store-use"));
}

async function adminRun(browserDir) {
    const context = await chromium.launchPersistentContext(browserDir, {
        executablePath: "/usr/bin/chromium", headless: true, args: FLAGS, acceptDownloads: true,
        viewport: { width: 1400, height: 1000 },
    });
    const page = context.pages()[0] || (await context.newPage());
    try {
        setStep("log in as the administrator");
        await login(page, env("ADMIN_USER"), env("ADMIN_PASS"));
        setStep("turn on administrative access");
        await page.click("text=Limited access");
        await page.fill("[role=dialog] input[type=password]", env("ADMIN_PASS"));
        await page.keyboard.press("Enter");
        await page.waitForSelector("text=Administrative access", { timeout: 30000 });

        setStep("open the page");
        let frame = await openPage(page);
        await frame.waitForSelector("#access[data-access=admin]", { timeout: 30000 });
        await setStore(frame);

        setStep("list the CAs");
        await frame.waitForSelector(row(HOSTILE));
        const other = await frame.textContent(`[data-table=certificates] tr:has-text("ftpc Other Test CA") [data-field=state]`);
        check(other.trim() === "enabled", `the seeded CA is shown as ${other}`);
        // The test PKI's CAs end within 30 days: the warning colour.
        check(await frame.locator(`[data-table=certificates] tr:has-text("ftpc Other Test CA") [data-expiry=soon]`).count() === 1,
              "a CA expiring within 30 days has no warning");
        check(await frame.locator(`${row(HOSTILE)} [data-expiry=ok]`).count() === 1,
              "a CA valid for a year is shown as expiring");
        // "Trusted by" as trustd show says it.
        const trustedBy = (await frame.textContent(`${row(HOSTILE)} [data-field=trusted-by]`)).trim();
        check(trustedBy === trustdJson(["show", HOSTILE]).trusted_by.join(", "), `trusted by ${trustedBy}`);

        setStep("certificate text with HTML and escape sequences is shown as text");
        // The markup as characters; the escape sequence's ESC as \x1b, as
        // trustd's text output writes it.
        const label = await frame.textContent(`${row(HOSTILE)} [data-field=label]`);
        check(label === HOSTILE_LABEL.replace("\u001b", "\\x1b"), `the label is shown as ${JSON.stringify(label)}`);
        const subject = await frame.textContent(`${row(HOSTILE)} [data-field=subject]`);
        check(subject.includes("<img src=x onerror=window.pwned=1\\> \\x1b[31mred"),
              `the subject is shown as ${JSON.stringify(subject)}`);
        check(await frame.locator("img").count() === 0, "certificate text became an <img> element");
        check(await frame.evaluate(() => window.pwned === undefined), "certificate text ran as script");
        await frame.click(`${row(HOSTILE)} [data-field=label]`);
        await frame.waitForSelector("[data-field=details]");
        check(await frame.locator("[data-field=cert-details] img").count() === 0, "details made an <img> element");
        await screenshot(page, "certificates");

        setStep("probe a server that sends its root CA");
        await tab(frame, "probe");
        await frame.fill("[data-field=probe-host]", "127.0.0.1");
        await frame.fill("[data-field=probe-port]", env("PROBE_PORT"));
        await frame.selectOption("[data-field=probe-mode]", "implicit");
        await andRendered(frame, () => frame.click("[data-action=probe]"));
        const verdict = await frame.textContent("[data-field=probe-verdict]");
        check(verdict.includes("NOT TRUSTED") && verdict.includes("is not in the trust store"),
              `probe verdict: ${verdict}`);
        check(await frame.locator(`[data-table=probe-chain] tr[data-sha256="${ROOT}"]`).count() === 1,
              "the presented chain lacks the root CA");
        check(await frame.locator("[data-action=trust-issuer]").count() === 0,
              "trust this issuer is offered for a certificate a root issued");
        await screenshot(page, "probe-not-trusted");
        await frame.click("[data-action=trust-root]");
        const shown = await frame.textContent("[data-field=offer-sha256]");
        check(shown.includes(ROOT), `the dialog shows ${shown}, not the root's SHA-256`);
        await andRendered(frame, () => frame.click("dialog [data-action=confirm]"));
        check((await resultTitle(frame)) === "Trust this root CA: done", `trust root: ${await resultTitle(frame)}`);
        check((await frame.textContent("[data-field=probe-verdict]")).includes("TRUSTED by ftp-client"),
              "the probe after trusting the root is not trusted");
        check(await frame.locator("[data-action=trust-root]").count() === 0, "trust this root still offered");
        await screenshot(page, "probe-trusted");

        setStep("import a CA file");
        await tab(frame, "certificates");
        await frame.setInputFiles("[data-field=import-file]", join(FILES, "upload.pem"));
        await andRendered(frame, () => frame.click("[data-action=import]"));
        check((await resultTitle(frame)) === "Import upload.pem: done", `import: ${await resultTitle(frame)}`);
        check((await frame.textContent("[data-field=result-items]")).includes("imported  Console Upload CA"),
              "import's result does not list the certificate");
        await frame.waitForSelector(row(UPLOAD));
        await screenshot(page, "imported");

        setStep("a damaged file shows trustd's error");
        await frame.setInputFiles("[data-field=import-file]", join(FILES, "damaged.pem"));
        await andRendered(frame, () => frame.click("[data-action=import]"));
        check((await resultTitle(frame)) === "Import damaged.pem: failed", `damaged import: ${await resultTitle(frame)}`);
        const why = await frame.textContent("[data-field=result-error]");
        check(why.includes("nothing was imported"), `damaged import says ${why}`);
        await screenshot(page, "damaged-import");

        setStep("import a PKCS#12 file with its password");
        await frame.setInputFiles("[data-field=import-file]", join(FILES, "bundle.p12"));
        await frame.fill("[data-field=import-password]", env("P12_PASS"));
        await andRendered(frame, () => frame.click("[data-action=import]"));
        check((await resultTitle(frame)) === "Import bundle.p12: done", `PKCS#12 import: ${await resultTitle(frame)}`);
        await frame.waitForSelector(row(env("P12_SHA256")));
        check((await frame.inputValue("[data-field=import-password]")) === "", "the password stays in the form");

        setStep("put the CA on ftp-client's trust list");
        await tab(frame, "applications");
        const app = '[data-app="ftp-client"]';
        await frame.selectOption(`${app} [data-field=add-ca]`, UPLOAD);
        await andRendered(frame, () => frame.click(`${app} [data-action=trust]`));
        check((await resultTitle(frame)) === "Trust Console Upload CA for ftp-client: done", await resultTitle(frame));
        await frame.waitForSelector(`${app} [data-table=trust-list] tr[data-sha256="${UPLOAD}"]`);
        const shownList = await frame.$$eval(`${app} [data-table=trust-list] tbody tr`, rows => rows.map(r => r.dataset.sha256));
        const show = trustdJson(["app", "show", "ftp-client"]);
        check(show.trust_list_defined, "trustd says ftp-client's list is not defined");
        check(JSON.stringify(show.certificates.map(c => c.sha256).sort()) === JSON.stringify(shownList.sort()),
              `the page shows ${shownList}, trustd app show ${show.certificates.map(c => c.sha256)}`);

        setStep("export the application's bundle");
        const [bundle] = await Promise.all([page.waitForEvent("download"),
                                            frame.click(`${app} [data-action=export-bundle]`)]);
        const got = readFileSync(await bundle.path(), "utf8");
        const want = execFileSync(TRUSTD, ["--store", STORE, "export", "--app", "ftp-client"], { encoding: "utf8" });
        check(got === want && got.includes("BEGIN CERTIFICATE"), "the downloaded bundle is not trustd's export");
        check(bundle.suggestedFilename() === "ftp-client-cas.pem", `the bundle is named ${bundle.suggestedFilename()}`);

        setStep("set the revocation policy");
        await frame.selectOption(`${app} [data-field=crl-policy]`, "if-present");
        await andRendered(frame, () => frame.click(`${app} [data-action=set-crl]`));
        check(trustdJson(["app", "show", "ftp-client"]).crl_policy === "if-present", "the CRL policy did not change");
        await screenshot(page, "applications");

        setStep("disable the CA");
        await tab(frame, "certificates");
        await andRendered(frame, () => frame.click(`${row(UPLOAD)} [data-action=disable]`));
        check((await frame.textContent(`${row(UPLOAD)} [data-field=state]`)).trim() === "disabled", "not shown disabled");
        check(!trustdJson(["show", UPLOAD]).enabled, "trustd says the CA is still enabled");

        setStep("the audit log names the login");
        await tab(frame, "audit");
        const entry = `[data-table=audit] tr:has([data-field=action]:text-is("disable"))`;
        const who = await frame.textContent(`${entry} [data-field=who]`);
        check(who === `root (0), login ${env("ADMIN_USER")} (${execFileSync("id", ["-u", env("ADMIN_USER")], { encoding: "utf8" }).trim()})`,
              `the audit entry says ${who}`);
        check((await frame.textContent(`${entry} [data-field=subject]`)) === UPLOAD, "the audit entry names another CA");
        await screenshot(page, "audit");
        await frame.fill("[data-field=audit-since]", "2099-01-01");
        await andRendered(frame, () => frame.click("[data-action=audit-show]"));
        check(await frame.locator("[data-table=audit]").count() === 0, "audit --since the future shows entries");
        await frame.fill("[data-field=audit-since]", "1h");
        await andRendered(frame, () => frame.click("[data-action=audit-show]"));
        check(await frame.locator("[data-table=audit] tbody tr").count() >= 5, "audit --since 1h lacks entries");

        setStep("label the CA with markup, and enable it again");
        await tab(frame, "certificates");
        await frame.click(`${row(UPLOAD)} [data-action=label]`);
        await frame.fill("dialog [data-field=prompt]", NEW_LABEL);
        await andRendered(frame, () => frame.click("dialog [data-action=confirm]"));
        check((await frame.textContent(`${row(UPLOAD)} [data-field=label]`)) === NEW_LABEL, "the new label is not shown as text");
        check(await frame.locator("[data-table=certificates] b").count() === 0, "a label became a <b> element");
        check(trustdJson(["show", UPLOAD]).label === NEW_LABEL, "trustd has another label");
        await andRendered(frame, () => frame.click(`${row(UPLOAD)} [data-action=enable]`));
        check((await frame.textContent(`${row(UPLOAD)} [data-field=state]`)).trim() === "enabled", "not shown enabled");

        setStep("remove with confirmation");
        await frame.click(`${row(UPLOAD)} [data-action=remove]`);
        check((await frame.textContent("dialog")).includes("trust list of ftp-client"), "the dialog does not warn of the list");
        await screenshot(page, "remove-dialog");
        await frame.click("dialog [data-action=cancel]");
        check(await frame.locator(row(UPLOAD)).count() === 1, "cancel removed the CA");
        check(trustdJson(["list"]).some(c => c.sha256 === UPLOAD), "cancel removed the CA from the store");
        await frame.click(`${row(UPLOAD)} [data-action=remove]`);
        await andRendered(frame, () => frame.click("dialog [data-action=confirm]"));
        check((await resultTitle(frame)) === `Remove ${NEW_LABEL}: done`, await resultTitle(frame));
        check(await frame.locator(row(UPLOAD)).count() === 0, "the removed CA is still listed");

        setStep("the validation summary");
        await tab(frame, "validate");
        let summary = await frame.textContent("[data-field=validate-verdict]");
        check(/problems? found/.test(summary), `validate says ${summary}`);
        // The CA removed was the only one on ftp-client's list.
        check(await frame.locator('[data-table=validate-problems] td:text-is("no-trusted-ca")').count() === 1,
              "validate does not say that ftp-client trusts nothing");
        await screenshot(page, "validate");

        setStep("undefine the trust list");
        await tab(frame, "applications");
        await frame.click(`${app} [data-action=undefine]`);
        await andRendered(frame, () => frame.click("dialog [data-action=confirm]"));
        check((await frame.textContent(`${app} [data-field=trust-list-state]`)).startsWith("Not defined"),
              "the list is still shown defined");
        check(!trustdJson(["app", "show", "ftp-client"]).trust_list_defined, "trustd says the list is defined");
        await tab(frame, "validate");
        // Every enabled CA again: the test PKI's end within 30 days.
        check(await frame.locator('[data-table=validate-problems] td:text-is("no-trusted-ca")').count() === 0,
              "validate still says ftp-client trusts nothing");
        check(await frame.locator('[data-table=validate-problems] td:text-is("ca-expiring")').count() >= 1,
              "validate does not list the CAs that expire within 30 days");

        setStep("the revocation lists");
        await tab(frame, "crls");
        await frame.waitForSelector("text=No CRL in the store.");
    } catch (e) {
        await screenshot(page, "failed").catch(() => {});
        throw e;
    } finally {
        await context.close();
    }
}

async function viewerRun(browserDir) {
    const context = await chromium.launchPersistentContext(browserDir, {
        executablePath: "/usr/bin/chromium", headless: true, args: FLAGS, viewport: { width: 1400, height: 1000 },
    });
    const page = context.pages()[0] || (await context.newPage());
    try {
        setStep("log in as a user without sudo");
        await login(page, env("VIEW_USER"), env("VIEW_PASS"));
        const frame = await openPage(page);
        setStep("the page is read-only and says why");
        await frame.waitForSelector("#access[data-access=read-only]", { timeout: 30000 });
        check((await frame.textContent("#access")).includes("needs administrative access"), "no reason given");
        await setStore(frame);
        await frame.waitForSelector(row(ROOT));
        check(await frame.isDisabled("[data-action=import]"), "import is possible read-only");
        check(await frame.isDisabled(`${row(ROOT)} [data-action=disable]`), "disable is possible read-only");
        check(await frame.isEnabled(`${row(ROOT)} [data-action=export]`), "export is refused read-only");
        await screenshot(page, "read-only");
        await tab(frame, "applications");
        check(await frame.isDisabled('[data-app="ftp-client"] [data-action=set-crl]'), "the CRL policy can be set read-only");
    } catch (e) {
        await screenshot(page, "failed-viewer").catch(() => {});
        throw e;
    } finally {
        await context.close();
    }
}

const dirs = [];
try {
    for (const run of [adminRun, viewerRun]) {
        const dir = mkdtempSync(join(tmpdir(), "trustd-console-chromium-"));
        dirs.push(dir);
        await run(dir);
    }
    log(`ok (${shots} screenshots in ${ARTIFACTS})`);
} catch (e) {
    console.error(`console.mjs: FAIL at "${step}": ${e.message}`);
    process.exitCode = 1;
} finally {
    for (const d of dirs)
        rmSync(d, { recursive: true, force: true });
}
