// settings: the page's one setting, the trust store it manages. Kept in
// the browser's local storage for this Cockpit origin.
export const DEFAULT_STORE = "/var/lib/trustd/trust.db";
const KEY = "trustd-console:store";

export function storePath() {
    let saved = null;
    try {
        saved = window.localStorage.getItem(KEY);
    } catch {
        saved = null;
    }
    return saved && checkStorePath(saved) === null ? saved : DEFAULT_STORE;
}

// null when path may be used, else why not.
export function checkStorePath(path) {
    if (typeof path !== "string" || path === "")
        return "give the store's path";
    if (!path.startsWith("/"))
        return "the store's path must be absolute (start with /)";
    if (/[\u0000-\u001f\u007f]/.test(path))
        return "the store's path must not hold control characters";
    if (path.length > 4000)
        return "the store's path is too long";
    return null;
}

export function setStorePath(path) {
    const why = checkStorePath(path);
    if (why !== null)
        return why;
    window.localStorage.setItem(KEY, path);
    return null;
}
