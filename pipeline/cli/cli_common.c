/* cli/cli_common.c - option-value parsing and defaults shared by the subcommands. */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_common.h"

#ifndef PM_DATADIR
#define PM_DATADIR "/usr/local/share/policyminer"
#endif

int pm_cli_parse_size(const char *s, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    if (!s || *s == '-' || *s == '\0')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: return -1;
    }
    if (*end != '\0' || (shift && v > (UINT64_MAX >> shift)))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

const char *pm_cli_default_dict_dir(void)
{
    struct stat sb;
    /* a dictionary directory holds country packs (cn/pack.tsv), or is an older flat one */
    if (stat("dictionaries/cn/pack.tsv", &sb) == 0 || stat("dictionaries/gazetteer.tsv", &sb) == 0)
        return "dictionaries";
    /* installed under any PREFIX: PREFIX/bin/policyminer -> PREFIX/share/policyminer */
    static char path[4096]; /* the CLI's own: filled once, read-only afterwards */
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 64);
    if (n > 0) {
        path[n] = '\0';
        char *slash = strrchr(path, '/');
        /* installed, or the source tree the binary was built in (./policyminer) */
        static const char *const rel[] = {"/../share/policyminer/dictionaries", "/dictionaries"};
        for (size_t i = 0; slash && i < sizeof rel / sizeof *rel; i++) {
            strcpy(slash, rel[i]);
            char probe[4200];
            snprintf(probe, sizeof probe, "%s/cn/pack.tsv", path);
            if (stat(probe, &sb) == 0)
                return path;
        }
    }
    return PM_DATADIR "/dictionaries";
}

static int parse_share(const char *s, double *out)
{
    char *end = NULL;
    *out = strtod(s, &end);
    return !end || *end || end == s || !(*out >= 0) || !(*out <= 1);
}

int pm_cli_reuse_option(int c, const char *arg, pm_reuse_options *r)
{
    uint64_t v;
    switch (c) {
    case PM_CLI_OPT_REUSE: r->enabled = 1; return 0;
    case PM_CLI_OPT_NOREUSE: r->enabled = 0; return 0;
    case PM_CLI_OPT_REUSE_THRESHOLD: return parse_share(arg, &r->threshold);
    case PM_CLI_OPT_REUSE_BOILER:
        return parse_share(arg, &r->boilerplate_share) || !(r->boilerplate_share > 0);
    case PM_CLI_OPT_REUSE_MAXCHARS:
        if (pm_cli_parse_size(arg, &v) || v < 5 || v > (1u << 20))
            return 1;
        r->max_chars = (uint32_t)v;
        return 0;
    case PM_CLI_OPT_REUSE_MINCHARS:
        if (pm_cli_parse_size(arg, &v) || v > (1u << 20))
            return 1;
        r->min_chars = (uint32_t)v;
        return 0;
    case PM_CLI_OPT_REUSE_BUCKET:
        if (pm_cli_parse_size(arg, &v) || v < 2 || v > (1u << 20))
            return 1;
        r->bucket_cap = (uint32_t)v;
        return 0;
    case PM_CLI_OPT_REUSE_CAND:
        if (pm_cli_parse_size(arg, &v) || !v)
            return 1;
        r->max_candidates = v;
        return 0;
    case PM_CLI_OPT_REUSE_EXHAUSTIVE: r->exhaustive = 1; return 0;
    default: return -1;
    }
}
