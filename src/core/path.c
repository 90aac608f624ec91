#include <string.h>
#include <strings.h>

#include "core/path.h"

int chorus_path_has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), m = strlen(suffix);
    return n >= m && strcasecmp(path + n - m, suffix) == 0;
}
