/* Reading the item names section of a .chv file (layout: docs/chv-format.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/error.h"
#include "core/error_internal.h"
#include "io/chv_items.h"
#include "votes/votes_internal.h"

/* A name check's CHORUS_EINVAL as CHORUS_EFORMAT naming the file and offset. */
static int as_format_error(int rc, const char *path, uint64_t offset)
{
    if (rc != CHORUS_EINVAL) return rc;
    char what[1024];
    snprintf(what, sizeof what, "%s", chorus_error_last());
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s: %s at byte offset %" PRIu64 "; expected a valid name", path, what,
                            offset);
}

/* Since 1.1, flagged: the item names, after the label section, one length (4 bytes) at least
 * per item, within the file. Otherwise there is no such section and its fields are ignored. */
int chv_check_item_names_section(const char *path, const chv_header *h)
{
    if (!chv_has_item_names(h)) return CHORUS_OK;
    uint64_t off = h->item_names_offset, size = h->item_names_size;
    uint64_t end = h->offset[SEC_LABEL] + h->size[SEC_LABEL];
    if (off % CHV_ALIGN != 0 || off < end)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: item names section offset %" PRIu64 " (header byte offset "
                                "%d); expected a multiple of %d at or after %" PRIu64
                                " (the end of the label section)",
                                path, off, OFF_ITEM_NAMES, CHV_ALIGN, end);
    if (size / 4 < h->n_items)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: item names section size %" PRIu64 " (header byte offset %d) "
                                "is too small for %" PRIu64 " items; expected at least %" PRIu64,
                                path, size, OFF_ITEM_NAMES + 8, h->n_items, 4 * h->n_items);
    return chv_check_within_file(h, path, "item names section", off, size);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Item names are unique, as every reader of item names requires. */
static int check_unique_item_names(const chorus_votes *v, const char *path, uint64_t offset)
{
    int64_t n = 0;
    const char **sorted = malloc((size_t)(v->n_items > 0 ? v->n_items : 1) * sizeof *sorted);
    if (!sorted) return chorus_error_nomem();
    for (int64_t i = 0; i < v->n_items; i++)
        if (v->item_names[i]) sorted[n++] = v->item_names[i];
    qsort(sorted, (size_t)n, sizeof *sorted, compare_names);
    int rc = CHORUS_OK;
    for (int64_t i = 1; i < n && !rc; i++)
        if (strcmp(sorted[i], sorted[i - 1]) == 0)
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s: item name \"%.60s\" appears twice in the item names "
                                  "section at byte offset %" PRIu64 "; expected unique names",
                                  path, sorted[i], offset);
    free(sorted);
    return rc;
}

/*
 * Parses the item names section: per item a u32 length (0 for an unnamed item, else
 * 1..4096) and the name's bytes, packed, and nothing after the last.
 */
int chv_read_item_names(chorus_votes *v, const char *path, const chv_header *h,
                        const unsigned char *names)
{
    uint64_t size = h->item_names_size, base = h->item_names_offset, pos = 0;
    char name[CHV_MAX_NAME + 1];
    for (int64_t i = 0; i < v->n_items; i++) {
        if (size - pos < 4)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: the item names section ends at byte offset %" PRIu64
                                    "; expected the 4-byte length of item name %" PRId64,
                                    path, base + size, i);
        uint32_t len = chv_get_u32(names + pos);
        if (len > CHV_MAX_NAME)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: item name %" PRId64 " has length %" PRIu32
                                    " at byte offset %" PRIu64 "; expected 0..%d",
                                    path, i, len, base + pos, CHV_MAX_NAME);
        pos += 4;
        if (size - pos < len)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: item name %" PRId64 " at byte offset %" PRIu64
                                    " runs past the end of the item names section; expected it "
                                    "to end by byte offset %" PRIu64,
                                    path, i, base + pos, base + size);
        if (len == 0) continue;
        const unsigned char *nul = memchr(names + pos, 0, len);
        if (nul)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: item name %" PRId64
                                    " has a NUL byte at byte offset %" PRIu64 "; expected none",
                                    path, i, base + (uint64_t)(nul - names));
        memcpy(name, names + pos, len);
        name[len] = '\0';
        int rc = chorus_name_check(name, "item");
        if (!rc) rc = chorus_votes_set_item_name(v, i, name);
        if (rc) return as_format_error(rc, path, base + pos);
        pos += len;
    }
    if (pos != size)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: %" PRIu64 " stray bytes at byte offset %" PRIu64
                                "; expected the item names section to end after the last name",
                                path, size - pos, base + pos);
    return v->item_names ? check_unique_item_names(v, path, base) : CHORUS_OK;
}
