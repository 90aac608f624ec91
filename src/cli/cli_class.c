/* A class named on the command line (--positive) by its name or its index. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int cli_resolve_class(const char *cmd, const char *text, int32_t n_classes,
                      const char *(*class_name)(const void *owner, int32_t k), const void *owner,
                      int32_t *out)
{
    int32_t by_name = -1;
    for (int32_t c = 0; c < n_classes && by_name < 0; c++) {
        const char *name = class_name(owner, c);
        if (name && strcmp(name, text) == 0) by_name = c;
    }
    char *end = NULL;
    long long index = strtoll(text, &end, 10);
    int is_index = *text && *end == '\0' && index >= 0 && index < n_classes;
    if (by_name >= 0 && is_index && index != by_name)
        return cli_usage_error(cmd,
                               "--positive '%s' is ambiguous: the name of class %" PRId32
                               " and the index of class %lld",
                               text, by_name, index);
    if (by_name < 0 && !is_index)
        return cli_usage_error(cmd,
                               "--positive '%s' is neither a class name nor an index "
                               "0..%" PRId32,
                               text, n_classes - 1);
    *out = by_name >= 0 ? by_name : (int32_t)index;
    return 0;
}
