/* WRENCH's dataset files (wrench_json.c): the class names of the label.json beside them
 * and their items' gold labels; the votes are read by chorus_votes_read_wrench (io.h). */
#ifndef CHORUS_WRENCH_JSON_H
#define CHORUS_WRENCH_JSON_H

#include <stdint.h>

typedef struct chorus_wrench_classes {
    int32_t n;    /* 0: no label.json beside the file */
    char **names; /* n names, class 0 first */
} chorus_wrench_classes;

/* The classes of the label.json in the folder of `path`, if there is one (else n = 0);
 * CHORUS_EFORMAT naming label.json when it is not WRENCH's {"0": "name", ...}. */
int chorus_wrench_classes_read(chorus_wrench_classes *out, const char *path);
void chorus_wrench_classes_free(chorus_wrench_classes *c);

/* The "label" of every item of a WRENCH file, in file order (-1 where it is null or
 * missing); a label must be -1 or a class in 0..n_classes-1 (n_classes 0: any class). */
int chorus_wrench_read_gold(int32_t **out, int64_t *out_n, const char *path, int32_t n_classes);

#endif
