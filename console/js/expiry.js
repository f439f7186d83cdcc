// expiry: how close a certificate's end is, for the warning colour. Pure.
export const WARN_DAYS = 30;
const DAY_MS = 86400 * 1000;

// notAfter: trustd's ISO time ("2027-01-01T03:13:19Z"); now: milliseconds.
// { state: "expired" | "soon" | "ok" | "unknown", days: whole days left }.
export function expiry(notAfter, now) {
    const end = Date.parse(notAfter);
    if (Number.isNaN(end))
        return { state: "unknown", days: null };
    const days = Math.floor((end - now) / DAY_MS);
    if (end <= now)
        return { state: "expired", days };
    return { state: days < WARN_DAYS ? "soon" : "ok", days };
}

// The words beside the date.
export function expiryWords(e) {
    if (e.state === "expired")
        return "expired";
    if (e.state === "soon")
        return e.days === 0 ? "expires within a day" : `expires in ${e.days} day${e.days === 1 ? "" : "s"}`;
    return "";
}

// trustd's ISO time as the page writes it: "2027-01-01 03:13:19 UTC".
export function timeText(iso) {
    return typeof iso === "string" ? iso.replace("T", " ").replace(/Z$/, " UTC") : "";
}
