#include <stdio.h>
#include <stdlib.h>

#include "core/number_format.h"

int chorus_format_double(char *buf, int size, double x)
{
    /* 17 significant digits always round-trip; fewer usually do and read better. */
    for (int precision = 15; precision < 17; precision++) {
        int n = snprintf(buf, (size_t)size, "%.*g", precision, x);
        if (strtod(buf, NULL) == x) return n;
    }
    return snprintf(buf, (size_t)size, "%.17g", x);
}
