/* chorus synth: draw a synthetic vote matrix and its truth. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

enum {
    OPT_OUTPUT,
    OPT_GOLD,
    OPT_ITEMS,
    OPT_LFS,
    OPT_CLASSES,
    OPT_ACCURACY,
    OPT_COVERAGE,
    OPT_BALANCE,
    OPT_SEED,
    OPT_COPIES,
    OPT_QUIET
};

static const cli_option options[] = {
    [OPT_OUTPUT] = {"output", 'o', "VOTES", "where to write the votes (required)"},
    [OPT_GOLD] = {"gold", 0, "GOLD", "where to write the true classes"},
    [OPT_ITEMS] = {"items", 'n', "N", "number of items (default 10000)"},
    [OPT_LFS] = {"lfs", 'm', "M", "number of labeling functions (default 50)"},
    [OPT_CLASSES] = {"classes", 'k', "K", "number of classes (default 2)"},
    [OPT_ACCURACY] = {"accuracy", 0, "LO:HI", "range of LF accuracies (default 0.6:0.9)"},
    [OPT_COVERAGE] = {"coverage", 0, "LO:HI", "range of LF coverages (default 0.1:0.3)"},
    [OPT_BALANCE] = {"balance", 0, "P", "share of class 0, the rest even (default: balanced)"},
    [OPT_SEED] = {"seed", 0, "N", "random seed (default 1)"},
    [OPT_COPIES] = {"copies", 0, "G:C", "G groups of C LFs that copy their group's first LF"},
    [OPT_QUIET] = {"quiet", 'q', NULL, "print nothing on success"},
    {0},
};

static const cli_command command = {
    "synth",
    "-o VOTES [--gold GOLD] [options]",
    "Draws a vote matrix with known truth: each LF fires with its coverage and then votes\n"
    "the true class with its accuracy, otherwise a uniformly drawn wrong class.",
    "The output is the same for the same options and seed on any number of threads.\n",
    options,
    0,
    0};

static int parse_range(const char *option, const char *text, double *lo, double *hi)
{
    const char *colon = strchr(text, ':');
    char buf[64];
    if (!colon || (size_t)(colon - text) >= sizeof buf)
        return cli_usage_error("synth", "--%s expects LO:HI, got '%s'", option, text);
    memcpy(buf, text, (size_t)(colon - text));
    buf[colon - text] = '\0';
    int rc = cli_parse_double("synth", option, buf, 0, 1, lo);
    if (!rc) rc = cli_parse_double("synth", option, colon + 1, 0, 1, hi);
    return rc;
}

int cmd_synth(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    if (!args.values[OPT_OUTPUT]) return cli_usage_error("synth", "missing -o VOTES");
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    int64_t x;
    const char **v = args.values;
    if (v[OPT_ITEMS]) {
        if ((rc = cli_parse_int("synth", "items", v[OPT_ITEMS], 1, (int64_t)1 << 36, &x)))
            return rc;
        o.n_items = x;
    }
    if (v[OPT_LFS]) {
        if ((rc = cli_parse_int("synth", "lfs", v[OPT_LFS], 1, 100000, &x))) return rc;
        o.n_lfs = (int32_t)x;
    }
    if (v[OPT_CLASSES]) {
        if ((rc = cli_parse_int("synth", "classes", v[OPT_CLASSES], 2, 1000, &x))) return rc;
        o.n_classes = (int32_t)x;
    }
    if (v[OPT_SEED]) {
        if ((rc = cli_parse_int("synth", "seed", v[OPT_SEED], 0, INT64_MAX, &x))) return rc;
        o.seed = (uint64_t)x;
    }
    if (v[OPT_ACCURACY] &&
        (rc = parse_range("accuracy", v[OPT_ACCURACY], &o.accuracy_min, &o.accuracy_max)))
        return rc;
    if (v[OPT_COVERAGE] &&
        (rc = parse_range("coverage", v[OPT_COVERAGE], &o.coverage_min, &o.coverage_max)))
        return rc;
    if (v[OPT_COPIES]) {
        int g, c;
        char tail;
        if (sscanf(v[OPT_COPIES], "%d:%d%c", &g, &c, &tail) != 2 || g < 0 || c < 0)
            return cli_usage_error("synth", "--copies expects G:C, e.g. 5:4, got '%s'",
                                   v[OPT_COPIES]);
        o.copy_groups = g;
        o.copy_group_size = c;
    }
    if (v[OPT_BALANCE] && (rc = cli_parse_double("synth", "balance", v[OPT_BALANCE], 0, 0.999999,
                                                 &o.first_class_share)))
        return rc;
    if (chorus_synth_options_check(&o)) return cli_usage_error("synth", "%s", chorus_error_last());

    chorus_votes *votes = NULL;
    int32_t *gold = NULL;
    int status = chorus_synth(&votes, &gold, &o);
    if (!status) status = chorus_votes_write(votes, v[OPT_OUTPUT], CHORUS_FORMAT_AUTO);
    if (!status && v[OPT_GOLD]) status = chorus_gold_write(gold, o.n_items, v[OPT_GOLD]);
    if (status)
        rc = cli_fail("synth", status);
    else if (!v[OPT_QUIET])
        fprintf(stderr,
                "%" PRId64 " items x %" PRId32 " labeling functions, %" PRId64 " votes -> %s\n",
                o.n_items, o.n_lfs, chorus_votes_nnz(votes), v[OPT_OUTPUT]);
    chorus_free(gold);
    chorus_votes_free(votes);
    return rc;
}
