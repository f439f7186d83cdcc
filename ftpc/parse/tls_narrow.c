/* tls_narrow: command-line TLS versions within the application's range. */
#include "ftpc/parse/tls_narrow.h"

#define TLS_NEWEST 13

static int outside(const char *option, int asked, const char *app_id, const char *show,
                   struct tls_versions range, struct err *e)
{
    if (asked < range.min)
        return err_set(e, ERR_USAGE, "%s 1.%d: application %s requires TLS 1.%d or newer (%s)",
                       option, asked % 10, app_id, range.min % 10, show);
    return err_set(e, ERR_USAGE, "%s 1.%d: application %s allows TLS 1.%d at most (%s)", option,
                   asked % 10, app_id, range.max % 10, show);
}

int tls_narrow_versions(const char *app_id, const char *show, struct tls_versions app,
                        struct tls_versions cli, struct tls_versions *out, int *min_from_cli,
                        int *max_from_cli, struct err *e)
{
    struct tls_versions range = { app.min ? app.min : 12, app.max ? app.max : TLS_NEWEST };
    *min_from_cli = 0;
    *max_from_cli = 0;
    *out = app;
    if (cli.min && (cli.min < range.min || cli.min > range.max))
        return outside("--tls-min", cli.min, app_id, show, range, e);
    if (cli.max && (cli.max < range.min || cli.max > range.max))
        return outside("--tls-max", cli.max, app_id, show, range, e);
    if (cli.min && cli.max && cli.min > cli.max)
        return err_set(e, ERR_USAGE, "--tls-min 1.%d is above --tls-max 1.%d", cli.min % 10,
                       cli.max % 10);
    if (cli.min) {
        out->min = cli.min;
        *min_from_cli = 1;
    }
    if (cli.max) {
        out->max = cli.max;
        *max_from_cli = 1;
    }
    return 0;
}
