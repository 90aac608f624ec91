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
    OPT_LF_TRUTH,
    OPT_ITEMS,
    OPT_LFS,
    OPT_CLASSES,
    OPT_ACCURACY,
    OPT_COVERAGE,
    OPT_LF_KIND,
    OPT_CLASS_ACCURACY,
    OPT_BALANCE,
    OPT_IMBALANCE,
    OPT_CLASS_BALANCE,
    OPT_COPIES,
    OPT_CORRELATED,
    OPT_ADVERSARIAL,
    OPT_NARROW_PRECISE,
    OPT_SALIENCE,
    OPT_SEED,
    OPT_QUIET,
    OPT_PROGRESS
};

static const cli_option options[] = {
    [OPT_OUTPUT] = {"output", 'o', "VOTES", "where to write the votes (required)"},
    [OPT_GOLD] = {"gold", 0, "GOLD", "where to write the true classes"},
    [OPT_LF_TRUTH] = {"lf-truth", 0, "CSV", "where to write each LF's kind, coverage, accuracy"},
    [OPT_ITEMS] = {"items", 'n', "N", "number of items (default 10000)"},
    [OPT_LFS] = {"lfs", 'm', "M", "number of labeling functions (default 50)"},
    [OPT_CLASSES] = {"classes", 'k', "K", "number of classes (default 2)"},
    [OPT_ACCURACY] = {"accuracy", 0, "LO:HI", "range of LF accuracies (default 0.6:0.9)"},
    [OPT_COVERAGE] = {"coverage", 0, "LO:HI", "range of LF coverages (default 0.1:0.3)"},
    [OPT_LF_KIND] = {"lf-kind", 0, "KIND", "multi-class (default), one-class or mixed:F"},
    [OPT_CLASS_ACCURACY] = {"class-accuracy", 0, NULL,
                            "multi-class LFs draw an accuracy per true class"},
    [OPT_BALANCE] = {"balance", 0, "P", "share of class 0, the rest even (default: balanced)"},
    [OPT_IMBALANCE] = {"imbalance", 0, "R", "class 0 is R times class K-1, geometric between"},
    [OPT_CLASS_BALANCE] = {"class-balance", 0, "P,P,..", "the share of every class (sets K)"},
    [OPT_COPIES] = {"copies", 0, "G:C", "G groups of C LFs that copy their group's first LF"},
    [OPT_CORRELATED] = {"correlated", 0, "G:C:RHO",
                        "G groups of C LFs that copy their first LF at rate RHO"},
    [OPT_ADVERSARIAL] = {"adversarial", 0, "F", "share of LFs with accuracy below chance"},
    [OPT_NARROW_PRECISE] = {"narrow-precise", 0, NULL,
                            "accuracy falls as coverage rises (the rarest LF the most precise)"},
    [OPT_SALIENCE] = {"salience", 0, "S",
                      "LFs fire together on some items, whatever the class (0 <= S < 1)"},
    [OPT_SEED] = {"seed", 0, "N", "random seed (default 1)"},
    [OPT_QUIET] = {"quiet", 'q', NULL, "print nothing on success"},
    [OPT_PROGRESS] = CLI_PROGRESS_OPTION,
    {0},
};

static const cli_command command = {
    "synth",
    "-o VOTES [--gold GOLD] [--lf-truth CSV] [options]",
    "Draws a vote matrix with known truth. Each LF draws a coverage and an accuracy from\n"
    "their ranges. A multi-class LF fires with its coverage and then votes the true class\n"
    "with its accuracy, otherwise a uniformly drawn wrong class. A one-class LF only ever\n"
    "votes its polarity class: its coverage is how often it votes, its accuracy the\n"
    "precision of its votes.",
    "Regimes:\n"
    "  one-class LFs   (keyword and regex rules) fire on their class with probability\n"
    "                  coverage*accuracy/share and on the others coverage*(1-accuracy)/\n"
    "                  (1-share); a coverage too large for its precision and class share is\n"
    "                  lowered to the largest feasible one (the LF is marked clamped).\n"
    "                  Polarities are spread evenly over the classes; --lf-kind mixed:F\n"
    "                  makes a share F of the LFs one-class (a group counts as one LF).\n"
    "  confusion       --class-accuracy: multi-class LFs draw one accuracy per true class.\n"
    "  imbalance       --imbalance 20 -k 2 is 20:1; -k 5 gives shares proportional to\n"
    "                  1, 20^-1/4, 20^-2/4, 20^-3/4, 1/20. --balance P and --class-balance\n"
    "                  are the other two ways; give at most one.\n"
    "  sparse          --coverage 0.005:0.05 leaves many items without a vote.\n"
    "  copies          --copies G:C: the first G*C LFs, in groups of C, repeat their group's\n"
    "                  first LF exactly. --correlated G:C:RHO: the next G*C LFs repeat it\n"
    "                  with probability RHO on each item, else vote on their own.\n"
    "  adversarial     --adversarial F: an accuracy a becomes chance*(1-a)/(1-1/K), below\n"
    "                  chance (1/K, or the polarity's share for one-class LFs); for K = 2\n"
    "                  multi-class LFs 1-a. Needs accuracies above 1/K.\n"
    "  narrow precise  --narrow-precise: an LF's accuracy is set from its coverage, the top\n"
    "                  of the accuracy range at the lowest coverage falling linearly to the\n"
    "                  bottom at the highest (as with keyword rules: narrow ones are precise).\n"
    "  salience        --salience S: some items draw many votes and some none, whatever\n"
    "                  their class (long texts, prototypical wording): an item's draws for\n"
    "                  all LFs share a normal with weight S; each LF keeps its firing rate\n"
    "                  on each class, but given the class the LFs no longer fire\n"
    "                  independently, as label models assume.\n"
    "--lf-truth writes, per LF, what a label model could learn: kind, polarity, coverage,\n"
    "accuracy, chance, adversarial, leader, rho, clamped, and per class the firing rate\n"
    "and the accuracy (space-separated). The output is the same for the same options and\n"
    "seed on any number of threads.\n",
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

static int parse_lf_kind(const char *text, double *one_class_share)
{
    if (strcmp(text, "multi-class") == 0) {
        *one_class_share = 0;
        return 0;
    }
    if (strcmp(text, "one-class") == 0) {
        *one_class_share = 1;
        return 0;
    }
    if (strncmp(text, "mixed:", 6) == 0)
        return cli_parse_double("synth", "lf-kind mixed:", text + 6, 0, 1, one_class_share);
    return cli_usage_error("synth",
                           "--lf-kind expects multi-class, one-class or mixed:F with F in 0..1 "
                           "(the share of one-class LFs), got '%s'",
                           text);
}

/* G:C or G:C:RHO; rho is NULL for the first form. */
static int parse_groups(const char *option, const char *text, int32_t *groups, int32_t *size,
                        double *rho)
{
    int g, c, used = 0;
    if (sscanf(text, "%d:%d%n", &g, &c, &used) != 2 || g < 0 || c < 0 ||
        (rho ? text[used] != ':' : text[used] != '\0'))
        goto bad;
    *groups = g;
    *size = c;
    if (!rho) return 0;
    if (cli_parse_double("synth", option, text + used + 1, 0, 1, rho)) return CLI_EXIT_USAGE;
    return 0;
bad:
    return cli_usage_error("synth", "--%s expects %s, got '%s'", option,
                           rho ? "G:C:RHO, e.g. 5:3:0.5" : "G:C, e.g. 5:4", text);
}

/* --class-balance: one share per class; the count sets K unless -k gave it. */
static int parse_class_balance(const char *text, int k_given, int32_t *k, double **out)
{
    int32_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == ',';
    if (n > 1000) return cli_usage_error("synth", "--class-balance: at most 1000 classes");
    double *shares = calloc((size_t)n, sizeof *shares);
    if (!shares) return cli_usage_error("synth", "out of memory");
    const char *p = text;
    for (int32_t i = 0; i < n; i++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char buf[64];
        if (len >= sizeof buf) {
            free(shares);
            return cli_usage_error("synth", "--class-balance: share %" PRId32 " is too long",
                                   i + 1);
        }
        memcpy(buf, p, len);
        buf[len] = '\0';
        if (cli_parse_double("synth", "class-balance", buf, 0, 1, &shares[i])) {
            free(shares);
            return CLI_EXIT_USAGE;
        }
        p += len + 1;
    }
    if (k_given && n != *k) {
        free(shares);
        return cli_usage_error(
            "synth", "--class-balance has %" PRId32 " shares for %" PRId32 " classes (-k)", n, *k);
    }
    *k = n;
    *out = shares;
    return 0;
}

static int parse_options(const char **v, chorus_synth_options *o, double **balance)
{
    int64_t x;
    int rc;
    if (v[OPT_ITEMS]) {
        if ((rc = cli_parse_int("synth", "items", v[OPT_ITEMS], 1, (int64_t)1 << 36, &x)))
            return rc;
        o->n_items = x;
    }
    if (v[OPT_LFS]) {
        if ((rc = cli_parse_int("synth", "lfs", v[OPT_LFS], 1, 100000, &x))) return rc;
        o->n_lfs = (int32_t)x;
    }
    if (v[OPT_CLASSES]) {
        if ((rc = cli_parse_int("synth", "classes", v[OPT_CLASSES], 2, 1000, &x))) return rc;
        o->n_classes = (int32_t)x;
    }
    if (v[OPT_SEED]) {
        if ((rc = cli_parse_int("synth", "seed", v[OPT_SEED], 0, INT64_MAX, &x))) return rc;
        o->seed = (uint64_t)x;
    }
    if (v[OPT_ACCURACY] &&
        (rc = parse_range("accuracy", v[OPT_ACCURACY], &o->accuracy_min, &o->accuracy_max)))
        return rc;
    if (v[OPT_COVERAGE] &&
        (rc = parse_range("coverage", v[OPT_COVERAGE], &o->coverage_min, &o->coverage_max)))
        return rc;
    if (v[OPT_LF_KIND] && (rc = parse_lf_kind(v[OPT_LF_KIND], &o->one_class_share))) return rc;
    o->class_accuracy = v[OPT_CLASS_ACCURACY] != NULL;
    o->narrow_precise = v[OPT_NARROW_PRECISE] != NULL;
    if (v[OPT_COPIES] &&
        (rc = parse_groups("copies", v[OPT_COPIES], &o->copy_groups, &o->copy_group_size, NULL)))
        return rc;
    if (v[OPT_CORRELATED] &&
        (rc = parse_groups("correlated", v[OPT_CORRELATED], &o->correlated_groups,
                           &o->correlated_group_size, &o->correlation)))
        return rc;
    if (v[OPT_ADVERSARIAL] && (rc = cli_parse_double("synth", "adversarial", v[OPT_ADVERSARIAL], 0,
                                                     1, &o->adversarial_share)))
        return rc;
    if (v[OPT_SALIENCE] &&
        (rc = cli_parse_double("synth", "salience", v[OPT_SALIENCE], 0, 0.999999, &o->salience)))
        return rc;
    if (!!v[OPT_BALANCE] + !!v[OPT_IMBALANCE] + !!v[OPT_CLASS_BALANCE] > 1)
        return cli_usage_error("synth", "--balance, --imbalance and --class-balance are three "
                                        "ways to set the class balance; give at most one");
    if (v[OPT_BALANCE] && (rc = cli_parse_double("synth", "balance", v[OPT_BALANCE], 0, 0.999999,
                                                 &o->first_class_share)))
        return rc;
    if (v[OPT_IMBALANCE] &&
        (rc = cli_parse_double("synth", "imbalance", v[OPT_IMBALANCE], 1, 1e6, &o->imbalance)))
        return rc;
    if (v[OPT_CLASS_BALANCE]) {
        if ((rc = parse_class_balance(v[OPT_CLASS_BALANCE], v[OPT_CLASSES] != NULL, &o->n_classes,
                                      balance)))
            return rc;
        o->class_balance = *balance;
    }
    if (chorus_synth_options_check(o)) return cli_usage_error("synth", "%s", chorus_error_last());
    return 0;
}

/* What the drawn parameters came to that the options may not have said. */
static void print_notes(const chorus_synth_lf *truth, int32_t n_lfs)
{
    int32_t clamped = 0, below = 0;
    for (int32_t j = 0; j < n_lfs; j++) {
        const chorus_synth_lf *t = &truth[j];
        if (t->leader >= 0 && t->rho >= 1) continue; /* a copy repeats its leader */
        clamped += t->clamped;
        below += !t->adversarial && t->accuracy < t->chance;
    }
    if (clamped)
        fprintf(stderr,
                "note: %" PRId32 " one-class LF(s) vote less often than drawn: with their class's "
                "share and precision a larger coverage is impossible (clamped in --lf-truth)\n",
                clamped);
    if (below)
        fprintf(stderr,
                "note: %" PRId32 " LF(s) that are not adversarial are below chance: accuracy under "
                "1/K, or for one-class LFs under their class's share (see --lf-truth)\n",
                below);
}

int cmd_synth(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    const char **v = args.values;
    if (!v[OPT_OUTPUT]) return cli_usage_error("synth", "missing -o VOTES");
    cli_progress_mode progress_mode;
    if ((rc = cli_progress_mode_parse("synth", v[OPT_PROGRESS], v[OPT_QUIET] != NULL,
                                      &progress_mode)))
        return rc;
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    double *balance = NULL;
    if ((rc = parse_options(v, &o, &balance))) {
        free(balance);
        return rc;
    }
    chorus_votes *votes = NULL;
    int32_t *gold = NULL;
    chorus_synth_lf *truth = NULL;
    cli_progress progress;
    cli_progress_init(&progress, "synth", "drawing", progress_mode);
    o.progress = cli_progress_update;
    o.progress_ctx = &progress;
    int status = chorus_synth(&votes, &gold, &o);
    cli_progress_done(&progress);
    if (!status) status = chorus_synth_lf_truth(&truth, &o);
    if (!status) status = chorus_votes_write(votes, v[OPT_OUTPUT], CHORUS_FORMAT_AUTO);
    if (!status && v[OPT_GOLD]) status = chorus_gold_write(gold, o.n_items, v[OPT_GOLD]);
    if (!status && v[OPT_LF_TRUTH])
        status = chorus_synth_lf_truth_write(truth, o.n_lfs, o.n_classes, v[OPT_LF_TRUTH]);
    if (status) {
        rc = cli_fail("synth", status);
    } else if (!v[OPT_QUIET]) {
        const int64_t *row_ptr = chorus_votes_row_ptr(votes);
        int64_t empty = 0;
        for (int64_t i = 0; i < o.n_items; i++)
            empty += row_ptr[i + 1] == row_ptr[i];
        fprintf(stderr,
                "%" PRId64 " items x %" PRId32 " labeling functions, %" PRId64 " votes, %" PRId64
                " items without a vote -> %s\n",
                o.n_items, o.n_lfs, chorus_votes_nnz(votes), empty, v[OPT_OUTPUT]);
        print_notes(truth, o.n_lfs);
    }
    chorus_free(truth);
    chorus_free(gold);
    chorus_votes_free(votes);
    free(balance);
    return rc;
}
