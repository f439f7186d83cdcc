/* cli_help: the usage and options of each command (trustd help CMD, trustd
 * CMD --help). A command without an entry gets a pointer to trustd help. */
#include <string.h>

#include "trustd/cli/cli_internal.h"

struct help {
    const char *word1, *word2;
    const char *text;
};

#define CERT_WORD "CERT is a SHA-256 fingerprint (any case, colons optional), 8+ hex digits of it, or a label.\n"
/* Every command takes --json (trustd(8), JSON OUTPUT); an error is then a
 * JSON object too. */
#define JSON_RESULT "  --json             the result as one JSON object: what changed, one item per line\n"

static const struct help HELP[] = {
    { "import", NULL,
      "usage: trustd import [--label L] [--disabled] [--ca-only | --allow-leaf]\n"
      "                     [--pass-file F | --pass-env VAR] [--json] FILE...\n"
      "       trustd import --system [--enabled] [--json]\n"
      "Imports CA certificates from PEM, DER, PKCS#7 or PKCS#12 files (- is standard input),\n"
      "all in one transaction: one refused certificate imports nothing.\n"
      "Each certificate gets one line: imported, already present, skipped (why).\n"
      "  --label L          the label of the one certificate imported (default: its CN)\n"
      "  --disabled         import disabled (no application trusts it until enabled)\n"
      "  --ca-only          skip certificates that are not CAs (the leaf of a PKCS#12\n"
      "                     file or of a chain; a PKCS#12 key is never imported)\n"
      "  --allow-leaf       import a certificate that is not a CA too (to pin it)\n"
      "  --pass-file F      the PKCS#12 password, from the first line of F\n"
      "  --pass-env VAR     the PKCS#12 password, from the variable VAR\n"
      "  --system           the operating system's CAs (" "/etc/ssl/certs/ca-certificates.crt" "),\n"
      "                     imported disabled\n"
      "  --enabled          with --system: imported enabled\n" JSON_RESULT },
    { "list", NULL,
      "usage: trustd list [--app ID] [--expiring DAYS] [--json]\n"
      "Lists the certificates with a header: SHA-256, label, subject, not after, state.\n"
      "  --app ID           only those application ID trusts now\n"
      "  --expiring DAYS    only those that expire within DAYS days (or have expired)\n"
      "  --json             a JSON array\n" },
    { "show", NULL,
      "usage: trustd show CERT [--json] [--pem]\n"
      "Shows one certificate: names, validity, key, extensions, fingerprints and the\n"
      "applications that trust it.\n" CERT_WORD
      "  --json             a JSON object\n"
      "  --pem              the certificate in PEM too\n" },
    { "export", NULL,
      "usage: trustd export CERT [--der] [--out FILE] [--force] [--json]\n"
      "       trustd export --app ID [--out FILE] [--force] [--json]\n"
      "Writes a certificate, or every CA an application trusts as a PEM bundle.\n" CERT_WORD
      "  --app ID           the CAs application ID trusts now\n"
      "  --der              DER instead of PEM (one certificate only)\n"
      "  --out FILE         write FILE (default: standard output)\n"
      "  --force            replace an existing FILE\n"
      "  --json             one item per certificate written (needs --out FILE)\n" },
    { "enable", NULL,
      "usage: trustd enable CERT [--json]\n"
      "Lets applications trust the certificate again; one already enabled is left as it is.\n" CERT_WORD
      JSON_RESULT },
    { "disable", NULL,
      "usage: trustd disable CERT [--json]\n"
      "Keeps the certificate but no application trusts it; one already disabled is left as it is.\n" CERT_WORD
      JSON_RESULT },
    { "label", NULL,
      "usage: trustd label CERT NEW [--json]\n"
      "Gives the certificate the label NEW (unique, printable).\n" CERT_WORD JSON_RESULT },
    { "remove", NULL,
      "usage: trustd remove [--force] [--json] CERT\n"
      "Removes the certificate and the CRLs it issued.\n" CERT_WORD
      "  --force            also when trust lists hold it (it is taken off them)\n" JSON_RESULT },
    { "app", "add",
      "usage: trustd app add ID [--description T] [--type client|server] [--json]\n"
      "Defines an application (with no trust list: it trusts every enabled CA).\n"
      "  --description T    what it is\n"
      "  --type T           client (default) or server\n" JSON_RESULT },
    { "app", "remove",
      "usage: trustd app remove ID [--json]\nRemoves an application (not ftp-client).\n" JSON_RESULT },
    { "app", "list",
      "usage: trustd app list [--json]\n"
      "Lists the applications and how many CAs each trusts.\n"
      "  --json             a JSON array\n" },
    { "app", "show",
      "usage: trustd app show ID [--json]\n"
      "Shows an application, its revocation policy and the CAs it trusts.\n"
      "  --json             a JSON object\n" },
    { "app", "trust",
      "usage: trustd app trust ID CERT... [--json]\n"
      "Puts certificates on the application's trust list (defining the list).\n" CERT_WORD JSON_RESULT },
    { "app", "untrust",
      "usage: trustd app untrust ID CERT... [--json]\n"
      "Takes certificates off the application's trust list.\n" CERT_WORD JSON_RESULT },
    { "app", "trust-list",
      "usage: trustd app trust-list ID defined|undefined [--json]\n"
      "defined: only the CAs on the list are trusted; undefined: every enabled CA\n"
      "(the list is dropped).\n" JSON_RESULT },
    { "app", "set",
      "usage: trustd app set ID --crl none|if-present|required [--json]\n"
      "       trustd app set ID [--tls-min V] [--tls-max V] [--ciphers LIST]\n"
      "                         [--ciphersuites LIST] [--sni on|off] [--unset SETTING]...\n"
      "                         [--json]\n"
      "Changes the application's definition; the settings may be combined (--crl\n"
      "too), and several at once are one change.\n"
      "  --crl POLICY       revocation: none, if-present (a CRL of the issuer is used\n"
      "                     when the store holds one), required (a CRL must be there)\n"
      "  --tls-min V        lowest TLS version its clients use: 1.2 or 1.3\n"
      "  --tls-max V        highest TLS version: 1.2 or 1.3\n"
      "  --ciphers LIST     TLS 1.2 ciphers, OpenSSL syntax (e.g. ECDHE+AESGCM)\n"
      "  --ciphersuites LIST  TLS 1.3 cipher suites (e.g. TLS_AES_256_GCM_SHA384)\n"
      "  --sni on|off       send the server's name in the handshake (default on)\n"
      "  --unset SETTING    back to the default: tls-min, tls-max, ciphers,\n"
      "                     ciphersuites or sni (may be repeated)\n"
      JSON_RESULT
      "Clients may narrow this policy for one run, never widen it.\n" },
    { "app", "cert",
      "usage: trustd app cert assign ID FILE [--label L] [--group G] [--json]\n"
      "                              [--pass-file F | --pass-env VAR]\n"
      "       trustd app cert list ID [--json]\n"
      "       trustd app cert remove ID CERT\n"
      "       trustd app cert export ID CERT [--out FILE] [--force]\n"
      "                              [--with-key [--pass-file F | --pass-env VAR]]\n"
      "       trustd app cert group ID GROUP|none\n"
      "The certificates application ID presents to servers that ask for one: up to 4,\n"
      "in the order assigned; at a handshake the first issued by a CA the server names\n"
      "(and of a key type it takes) is presented, else the first that suits the handshake.\n"
      "The certificates are kept in the store; their private keys in one key file per\n"
      "application beside it (STORE.keys/ID.key), mode 0600, or 0640 with a group.\n"
      "  assign FILE        PEM (the certificate, its key, optionally its chain) or\n"
      "                     PKCS#12; checked: within its validity, key matching, not a\n"
      "                     CA, key usage allowing TLS client authentication (clientAuth)\n"
      "  --label L          its label within the application (default: its CN)\n"
      "  --group G          the key file is mode 0640 with group G: its members' programs\n"
      "                     may present the application's certificates (none: 0600)\n"
      "  --pass-file F      the PKCS#12 or key password, from the first line of F\n"
      "  --pass-env VAR     ... from the variable VAR (else it is asked for when needed)\n"
      "  remove CERT        CERT is the certificate's label or fingerprint (8+ hex digits)\n"
      "  export CERT        the certificate and its chain as PEM; no private key unless\n"
      "  --with-key         a PKCS#12 file (mode 0600) with the key, under a new password\n"
      "                     (--pass-file, --pass-env, or asked twice)\n"
      "  group G|none       the key file's group (mode 0640), or none (mode 0600)\n"
      "  --json             list: a JSON object; the others: the result as one JSON object\n" },
    { "verify", NULL,
      "usage: trustd verify --app ID [--host NAME] [--json] CHAIN.pem\n"
      "Judges a chain (leaf first) as application ID would; exit 4 when not trusted.\n"
      "  --app ID           the application whose trust list and policy decide\n"
      "  --host NAME        check the leaf's name too\n"
      "  --json             the path as JSON items; not trusted: the error object\n" },
    { "probe", NULL,
      "usage: trustd probe [--app ID] HOST[:PORT] [--implicit]\n"
      "                    [--import-root | --trust-issuer] [--expect-sha256 FP] [--json]\n"
      "Connects to an FTPS server, shows the chain it presents and judges it as\n"
      "application ID would (default ftp-client): the verdict, the cause and the\n"
      "commands that fix it; exit 4 when not trusted.\n"
      "  --app ID           the application whose trust list and policy decide\n"
      "  --implicit         TLS at connect (port 990) instead of AUTH TLS (port 21)\n"
      "  --import-root      import the server's self-signed root CA that completes\n"
      "                     the chain (asked first at a terminal), then judge again\n"
      "  --trust-issuer     import the CA that issued the server's certificate and put\n"
      "                     it on the application's trust list (defining the list if\n"
      "                     needed), asked first at a terminal, then judge again\n"
      "  --expect-sha256 FP the SHA-256 the imported CA must have (from its publisher;\n"
      "                     needed without a terminal); any case, colons optional\n"
      "  --json             the chain, what was imported and the path as JSON items;\n"
      "                     never asks (--import-root imports, --trust-issuer needs\n"
      "                     --expect-sha256), as without a terminal\n" },
    { "crl", "import",
      "usage: trustd crl import FILE [--json]\n"
      "Imports CRLs (PEM, or one DER) after checking each against its issuer in the store.\n"
      JSON_RESULT },
    { "crl", "list",
      "usage: trustd crl list [--json]\n"
      "Lists the CRLs: SHA-256, issuer, revoked count, next update.\n"
      "  --json             a JSON array\n" },
    { "crl", "remove",
      "usage: trustd crl remove CRL [--json]\n"
      "Removes a CRL, named by its SHA-256 fingerprint or 8+ hex digits of it.\n" JSON_RESULT },
    { "crl", "refresh",
      "usage: trustd crl refresh [--app ID] [--timeout SECS] [--ca-file FILE] [--json]\n"
      "Fetches, for every CA that the revocation policies in force need a CRL for, the\n"
      "CRL from the CA's http:// and https:// distribution points, checks it as crl\n"
      "import does and replaces older ones of that CA. One line per CA; exit 1 when a\n"
      "fetch failed (after trying the others).\n"
      "  --app ID           only the CAs that application needs CRLs for\n"
      "  --timeout SECS     the whole of one fetch (default 30; connecting 10 at most)\n"
      "  --ca-file FILE     the CAs that verify https:// servers (default: the system's)\n"
      JSON_RESULT },
    { "validate", NULL,
      "usage: trustd validate [--app ID] [--days N] [--json] [--quiet]\n"
      "Checks, read-only, each application's trust list (or the enabled CAs it falls\n"
      "back to): not empty, every CA enabled and in date, none ending within N days,\n"
      "and the CRLs its revocation policy needs present and current. One line per\n"
      "problem with the next step; exit 4 when there is any (for cron and monitoring).\n"
      "  --app ID           only that application\n"
      "  --days N           warn about CAs that end within N days (default 30)\n"
      "  --json             one JSON object: applications and problems with codes\n"
      "  --quiet            no line for applications without problems\n" },
    { "audit", NULL,
      "usage: trustd audit [--since T] [--json]\n"
      "Shows the audit trail: time, user, action, and what changed (with its label).\n"
      "  --since T          entries from T on: a duration back from now (30s, 15m, 12h,\n"
      "                     7d), a UTC date (2026-11-28, 2026-11-28T10:00[:00]) or\n"
      "                     Unix seconds\n"
      "  --json             a JSON array\n" },
    { "check", NULL,
      "usage: trustd check [--json]\n"
      "Checks the store's integrity; creates a missing store and upgrades an old one\n"
      "when its owner runs it.\n" JSON_RESULT },
    { "backup", NULL,
      "usage: trustd backup FILE [--force] [--json]\n"
      "Writes a consistent copy of the store to FILE, and the applications' key files\n"
      "(their client certificates' private keys) to FILE.keys with their modes and groups.\n"
      "  --force            replace an existing FILE\n" JSON_RESULT },
    { "publish", NULL,
      "usage: trustd publish --out DIR --signer CERT --key KEY [--valid-for 7d]\n"
      "                      [--on-stale warn|refuse] [--json]\n"
      "Writes a signed, numbered snapshot of what the fleet owns (CAs, CRLs, applications,\n"
      "trust lists) to DIR: snapshot-SERIAL.db, then manifest.p7m (CMS). Never client\n"
      "certificates, keys or the audit log (docs/fleet.md).\n"
      "  --signer CERT      the signer's certificate: from a CA the store trusts for the\n"
      "                     application trustd-fleet, with the extended key usage\n"
      "                     2.25.332603511364343167872398633870680035333\n"
      "  --key KEY          its unencrypted PEM private key\n"
      "  --valid-for D      how long subscribers use it before it is stale (default 7d)\n"
      "  --on-stale P       warn (default) or refuse: what ftpc does once it is stale\n" JSON_RESULT },
    { "subscribe", NULL,
      "usage: trustd subscribe URL --signer-ca CERT [--tls-ca CERT] [--json]\n"
      "Makes the store managed by the publisher whose folder is URL (https, http, file).\n"
      "  --signer-ca CERT   the CA that certifies the publisher's signers (pinned)\n"
      "  --tls-ca CERT      the CA of the web server's certificate (default: the system's)\n" JSON_RESULT },
    { "sync", NULL,
      "usage: trustd sync [--timeout SECS] [--json]\n"
      "Fetches the publisher's manifest and, when its serial is new, the snapshot; checks\n"
      "the signature, serial, validity, size, SHA-256, schema and integrity; installs it in\n"
      "one transaction. Any failure changes nothing. Run it from a timer as the store's owner.\n"
      "  --timeout SECS     the time limit of each download (default 30)\n" JSON_RESULT },
    { "status", NULL,
      "usage: trustd status [--json]\n"
      "The fleet subscription: URL, installed serial, when published and fetched, when it\n"
      "goes stale, the last sync error.\n" },
    { "unsubscribe", NULL,
      "usage: trustd unsubscribe [--json]\n"
      "Makes a managed store local again; it keeps the policy last installed.\n" JSON_RESULT },
    { "restore", NULL,
      "usage: trustd restore FILE --force [--json]\n"
      "Replaces everything the store holds with the backup FILE (checked, and upgraded\n"
      "to this version's schema, before the store is touched), and the key files with\n"
      "those of FILE.keys. The store's file stays the same: programs reading it see the\n"
      "old store or the restored one.\n"
      "  --force            required: the store's present contents are replaced\n" JSON_RESULT },
};

void cli_help(FILE *f, const char *word1, const char *word2)
{
    for (size_t i = 0; i < sizeof HELP / sizeof HELP[0]; i++) {
        const struct help *h = &HELP[i];
        if (strcmp(h->word1, word1) == 0 &&
            ((h->word2 == NULL && word2 == NULL) ||
             (h->word2 != NULL && word2 != NULL && strcmp(h->word2, word2) == 0))) {
            fputs(h->text, f);
            return;
        }
    }
    fprintf(f, "trustd %s%s%s: see trustd help for its usage\n", word1, word2 ? " " : "",
            word2 ? word2 : "");
}

int cli_help_group(FILE *f, const char *word1)
{
    int n = 0;
    for (size_t i = 0; i < sizeof HELP / sizeof HELP[0]; i++) {
        if (HELP[i].word2 == NULL || strcmp(HELP[i].word1, word1) != 0)
            continue;
        fputs(n++ ? "\n" : "", f);
        fputs(HELP[i].text, f);
    }
    return n;
}
