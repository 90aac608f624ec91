/* The item names section of a .chv file (since version 1.1; docs/chv-format.md). */
#ifndef CHORUS_CHV_ITEMS_H
#define CHORUS_CHV_ITEMS_H

#include "chorus/votes.h"
#include "io/chv_format.h"

/*
 * With the section flagged (version 1.1 on): it starts aligned after the label section,
 * holds at least a 4-byte length per item and lies within the file; CHORUS_EFORMAT naming
 * the header field otherwise. Without the flag its header fields are ignored.
 */
int chv_check_item_names_section(const char *path, const chv_header *h);

/*
 * Parses the section's bytes (`names`, h->item_names_size of them) into the matrix's item
 * names: per item a u32 length (0 for an unnamed item, else 1..4096) and the name, packed,
 * nothing after the last; names valid and unique. CHORUS_EFORMAT with the byte offset.
 */
int chv_read_item_names(chorus_votes *v, const char *path, const chv_header *h,
                        const unsigned char *names);

#endif
