// offers: which of probe's imports the page offers after a probe, as
// trustd's own advice would name them (trustd/store/diagnose.c): "trust
// this root" (probe --import-root) when the server sent a self-signed CA
// above its certificate and the store does not hold the root, "trust this
// issuer" (probe --trust-issuer) when it sent the CA that issued its
// certificate and that CA is not self-signed, or the chain's CA is in the
// store but not on the application's list. Each passes the fingerprint
// shown here with --expect-sha256, and trustd checks the chain again on
// its second connection: a different chain is refused. Pure.

// o: the probe's outcome (outcome.js). { root, issuer }: each null or the
// presented certificate { sha256, subject, issuer, depth }.
export function probeOffers(o) {
    const none = { root: null, issuer: null };
    if (o.ok || !o.error || o.error.code !== "not_trusted" || !o.doc || !Array.isArray(o.doc.items))
        return none;
    const chain = presentedChain(o.doc.items);
    const leaf = chain.find(c => c.depth === 0);
    if (!leaf)
        return none;
    const message = o.error.message || "";
    const unknown = /is not in the trust store$/.test(message);
    const notOnList = /but not on application .*'s CA trust list$/.test(message);
    const above = chain.filter(c => c.depth > 0);
    const selfIssued = c => c.subject === c.issuer;
    const root = unknown && !selfIssued(leaf) ? above.find(selfIssued) || null : null;
    const issuerCa = above.find(c => c.subject === leaf.issuer && !selfIssued(c)) || null;
    return { root, issuer: unknown || notOnList ? issuerCa : null };
}

// The certificates the server presented, by depth.
export function presentedChain(items) {
    return items
        .filter(i => i.object === "certificate" && i.result === "presented")
        .sort((a, b) => a.depth - b.depth);
}
