// main: the page. Tabs, the store setting, the access it has, and the
// context every tab renders with.
import { button } from "./dom.js";
import { trustd } from "./trustd.js";
import { showResult } from "./result.js";
import { storePath, setStorePath } from "./settings.js";
import * as certificates from "./certs.js";
import * as applications from "./apps.js";
import * as crls from "./crls.js";
import * as probe from "./probe.js";
import * as validate from "./validate.js";
import * as audit from "./audit.js";

const tabs = { certificates, applications, crls, probe, validate, audit };
let current = "certificates";

// What every tab gets: whether changes are possible, a way to make one
// (with its result shown and the tab drawn again), and a button for one.
const ctx = {
    admin: false,
    async change(what, words, opts = {}) {
        const o = await trustd(words, { ...opts, write: true });
        showResult(what, o);
        await render();
        return o;
    },
    writeButton(label, onclick, attrs = {}) {
        return button(label, onclick, {
            ...attrs,
            disabled: !ctx.admin,
            title: ctx.admin ? attrs.title : "Read-only: this needs administrative access",
        });
    },
    render: () => render(),
};

async function render() {
    const section = document.getElementById("tab-" + current);
    section.setAttribute("aria-busy", "true");
    try {
        await tabs[current].render(section, ctx);
    } finally {
        section.setAttribute("aria-busy", "false");
        document.body.dataset.rendered = String(Number(document.body.dataset.rendered || 0) + 1);
    }
}

function selectTab(name) {
    current = name;
    for (const b of document.querySelectorAll("[role=tab]"))
        b.setAttribute("aria-selected", String(b.dataset.tab === name));
    for (const s of document.querySelectorAll(".tab"))
        s.hidden = s.id !== "tab-" + name;
    render();
}

function showAccess(allowed) {
    ctx.admin = allowed === true;
    const p = document.getElementById("access");
    document.body.classList.toggle("read-only", !ctx.admin);
    if (allowed === null) {
        p.textContent = "Checking administrative access…";
        p.className = "access";
    } else if (ctx.admin) {
        p.textContent = "Administrative access: changes run trustd as root through Cockpit's " +
                        "administrative access; the audit log records your login beside it.";
        p.className = "access access-admin";
    } else {
        p.textContent = "Read-only: you have limited access, and changing the trust store needs " +
                        "administrative access. An account that may use sudo turns it on with the " +
                        "Limited access button at the top of Cockpit.";
        p.className = "access access-readonly";
    }
    p.dataset.access = allowed === null ? "checking" : ctx.admin ? "admin" : "read-only";
}

function setupStoreForm() {
    const input = document.getElementById("store-path");
    const error = document.getElementById("store-error");
    input.value = storePath();
    document.getElementById("store-form").addEventListener("submit", event => {
        event.preventDefault();
        const why = setStorePath(input.value.trim());
        error.textContent = why || "";
        if (why === null)
            render();
    });
}

function start() {
    setupStoreForm();
    for (const b of document.querySelectorAll("[role=tab]"))
        b.addEventListener("click", () => selectTab(b.dataset.tab));
    const permission = cockpit.permission({ admin: true });
    showAccess(permission.allowed);
    permission.addEventListener("changed", () => {
        showAccess(permission.allowed);
        render();
    });
    render();
}

start();
