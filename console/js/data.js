// data: what the certificate and application tabs show, read with
// trustd list, app list and app show (one per application).
import { trustd } from "./trustd.js";

// Which applications trust each certificate: those whose trust (app show's
// certificates: a defined list's members, else every enabled CA) holds it
// enabled, as trustd show's trusted_by says; and the defined lists that
// hold it, enabled or not (removing it takes it off them).
export function trustMaps(details) {
    const trustedBy = new Map();
    const onLists = new Map();
    const add = (map, key, id) => map.set(key, [...(map.get(key) || []), id]);
    for (const app of details) {
        for (const c of app.certificates || []) {
            if (c.enabled)
                add(trustedBy, c.sha256, app.id);
            if (app.trust_list_defined)
                add(onLists, c.sha256, app.id);
        }
    }
    return { trustedBy, onLists };
}

// { ok, error, certs, apps: [app show documents], trustedBy, onLists }.
export async function loadStore() {
    const [list, appList] = await Promise.all([trustd(["list"]), trustd(["app", "list"])]);
    if (!list.ok)
        return { ok: false, error: list };
    if (!appList.ok)
        return { ok: false, error: appList };
    const shows = await Promise.all(appList.doc.map(a => trustd(["app", "show", "--", a.id])));
    const failed = shows.find(s => !s.ok);
    if (failed)
        return { ok: false, error: failed };
    const apps = shows.map(s => s.doc);
    return { ok: true, certs: list.doc, apps, ...trustMaps(apps) };
}
