/* chorus llm-cache: look into, export or compact the answer cache of llm labeling functions. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

enum { OPT_OUTPUT, OPT_OLDER_THAN };

static const cli_option options[] = {
    [OPT_OUTPUT] = {"output", 'o', "OUT", "export: where to write the entries (JSONL)"},
    [OPT_OLDER_THAN] = {"older-than", 0, "DAYS",
                        "prune: also drop answers written more than DAYS days ago"},
    {0},
};

static const cli_command command = {
    "llm-cache",
    "stats|export|prune CACHE [-o OUT] [--older-than DAYS]",
    "Works on the answer cache of llm labeling functions (default .chorus-llm-cache.jsonl\n"
    "in the spec's folder).",
    "stats   entries (distinct prompts), lines, damaged lines, bytes, tokens, and the\n"
    "        entries whose answer has a confidence (scored)\n"
    "export  the distinct entries, one JSON object per line, to -o OUT\n"
    "prune   rewrites the file with one line per prompt, dropping damaged lines and, with\n"
    "        --older-than, old answers (they will be asked again)\n"
    "See docs/llm.md.\n",
    options,
    2,
    2};

int cmd_llm_cache(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&command, argc, argv, &args);
    if (rc >= 0) return rc;
    const char *action = args.positional[0], *path = args.positional[1];
    const int stats = strcmp(action, "stats") == 0, export = strcmp(action, "export") == 0;
    const int prune = strcmp(action, "prune") == 0;
    if (!stats && !export && !prune)
        return cli_usage_error("llm-cache", "unknown action '%s'; expected stats, export or prune",
                               action);
    if (export && !args.values[OPT_OUTPUT])
        return cli_usage_error("llm-cache", "export needs -o OUT");
    if (args.values[OPT_OUTPUT] && !export)
        return cli_usage_error("llm-cache", "-o applies to export only");
    if (args.values[OPT_OLDER_THAN] && !prune)
        return cli_usage_error("llm-cache", "--older-than applies to prune only");
    double days = 0;
    if (args.values[OPT_OLDER_THAN] &&
        (rc = cli_parse_double("llm-cache", "older-than", args.values[OPT_OLDER_THAN], 0, 1e6,
                               &days)))
        return rc;
    /* Opening creates a missing file; a typo in CACHE should not leave an empty cache. */
    if (access(path, F_OK) != 0) {
        fprintf(stderr, "chorus llm-cache: %s: no such cache file\n", path);
        return CLI_EXIT_USAGE;
    }
    chorus_llm_cache *cache = NULL;
    int status = chorus_llm_cache_open(&cache, path);
    if (status) return cli_fail("llm-cache", status);
    if (stats) {
        chorus_llm_cache_stats s;
        chorus_llm_cache_stats_get(cache, &s);
        printf("entries %" PRId64 "\nlines   %" PRId64 "\ndamaged %" PRId64 "\nbytes   %" PRId64
               "\ntokens  %" PRId64 "\nscored  %" PRId64 "\n",
               s.entries, s.lines, s.damaged, s.bytes, s.tokens, s.scored);
    } else if (export) {
        status = chorus_llm_cache_export(cache, args.values[OPT_OUTPUT]);
    } else {
        int64_t removed = 0;
        status = chorus_llm_cache_prune(cache, days * 86400.0, &removed);
        if (!status) printf("removed %" PRId64 " lines\n", removed);
    }
    if (status) rc = cli_fail("llm-cache", status);
    chorus_llm_cache_close(cache);
    return status ? rc : CLI_EXIT_OK;
}
