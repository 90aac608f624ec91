/*
 * Keyword LFs: every term of every keyword LF that reads one field goes into an
 * Aho-Corasick automaton, so a text is scanned once whatever the number of LFs and terms.
 *
 * Design
 * - Two automata: one for the terms of case-sensitive LFs, one for the terms of
 *   case-insensitive LFs. Both advance in the same loop over the text (one pass).
 * - Alphabet compression: each automaton maps the 256 byte values to classes, one per
 *   distinct byte used by its terms plus class 0 for every other byte. Case folding lives
 *   in that table: in the case-insensitive automaton 'A' and 'a' map to the same class,
 *   so neither the terms nor the text are ever copied or folded. Only ASCII A-Z fold;
 *   other letters (e.g. "É" and "é") compare byte for byte.
 * - Transitions are a full DFA (failure links are resolved at build time): a dense row of
 *   n_classes int32 entries per state, plus one more entry holding the state's output link
 *   so that the hot loop touches a single row per byte. Entries are pre-multiplied row
 *   offsets, which keeps a multiply off the loop's dependency chain. Memory per state is
 *   4 * (n_classes + 1) bytes plus 8 for the output list start and dictionary link.
 * - A pattern is a distinct (automaton, term bytes after folding, whole_word) triple;
 *   duplicate terms across LFs share one. Each pattern lists the LFs that contain it. On
 *   a text, the first accepted occurrence of a pattern sets its bit in the scratch and
 *   counts one for each of its LFs; an LF fires when its count reaches its need (1 for
 *   "any", its number of distinct patterns for "all").
 * - whole_word is checked at the two ends of an occurrence only, against the text's
 *   bytes: the byte before and after must not be [A-Za-z0-9_] or >= 0x80 (so a term never
 *   matches inside a non-ASCII word); the text's edges count as boundaries. Inner spaces
 *   or punctuation ("check out") are just bytes, but an end that is punctuation still
 *   needs a boundary next to it: whole-word "http://" does not match "http://x.org".
 */
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "lf/lf_internal.h"

enum { AC_EXACT = 0, AC_FOLDED = 1, AC_COUNT = 2 };

typedef struct ac_automaton {
    uint8_t cls[256]; /* byte -> class; case folding happens here */
    int32_t n_classes;
    int32_t width;      /* n_classes + 1: the last entry of a row is the output link */
    int32_t n_states;   /* 0 when the automaton has no terms */
    int32_t *rows;      /* n_states * width; transitions are offsets of the next row */
    int32_t *out_start; /* n_states + 1: patterns ending exactly at a state */
    int32_t *out_pats;
    int32_t *dict; /* nearest proper suffix state (failure chain) with patterns, or -1 */
} ac_automaton;

struct chorus_keyword_index {
    ac_automaton ac[AC_COUNT];
    int32_t n_patterns;
    int32_t *pat_len;
    uint8_t *pat_whole_word; /* BOUNDARY_START | BOUNDARY_END: the ends to check */
    int32_t *pat_lf_start;   /* n_patterns + 1: the LFs containing each pattern */
    int32_t *pat_lfs;
    int32_t n_lfs;
    int32_t *need; /* matched patterns an LF needs to fire; 0 = never fires (no terms) */
};

/* Build-time state of one automaton: the trie grows in ac->rows with ids, -1 = no child. */
typedef struct ac_builder {
    size_t max_states;
    int32_t *node_pat; /* 2 per state: the pattern ending here without / with whole_word */
} ac_builder;

/* One (pattern, LF) membership, collected while inserting terms. */
typedef struct pat_lf {
    int32_t pat;
    int32_t lf;
} pat_lf;

static int fold_ascii(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Which ends of a whole-word pattern need a non-word neighbour. */
enum { BOUNDARY_START = 1, BOUNDARY_END = 2 };

static int is_word_byte(uint8_t c)
{
    /* Bytes of multi-byte UTF-8 sequences count as word bytes: a term must not match
     * inside "café" or "日本語". */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}

static int cmp_pat_lf(const void *a, const void *b)
{
    const pat_lf *x = a, *y = b;
    if (x->pat != y->pat) return x->pat < y->pat ? -1 : 1;
    return (x->lf > y->lf) - (x->lf < y->lf);
}

static void ac_clear(ac_automaton *ac)
{
    free(ac->rows);
    free(ac->out_start);
    free(ac->out_pats);
    free(ac->dict);
    memset(ac, 0, sizeof *ac);
}

/* Sets up the class table from the bytes the terms use and allocates the trie at its
 * largest possible size (one state per term byte plus the root); finish() trims it. */
static int ac_begin(ac_automaton *ac, ac_builder *b, const bool used[256], bool folded,
                    size_t max_states)
{
    int rc = CHORUS_OK;
    /* used[] holds folded bytes for the folded automaton, so 'A' gets the class of 'a'. At
     * most 255 bytes are used (never NUL), so the classes fit in a byte. */
    uint8_t own[256] = {0};
    int32_t n_classes = 1;
    for (int c = 0; c < 256; c++) {
        if (used[c]) own[c] = (uint8_t)n_classes++;
    }
    for (int c = 0; c < 256; c++)
        ac->cls[c] = own[folded ? fold_ascii(c) : c];
    ac->n_classes = n_classes;
    ac->width = n_classes + 1;
    /* Row offsets are int32, so the whole table must stay below 2^31 entries. */
    if (max_states > (size_t)INT32_MAX / (size_t)ac->width) {
        rc = chorus_error_set(CHORUS_ENOMEM, "out of memory: keyword terms too long in total");
        goto done;
    }
    ac->rows = malloc(max_states * (size_t)ac->width * sizeof *ac->rows);
    b->node_pat = malloc(max_states * 2 * sizeof *b->node_pat);
    if (!ac->rows || !b->node_pat) {
        rc = chorus_error_nomem();
        goto done;
    }
    memset(ac->rows, 0xff, (size_t)ac->width * sizeof *ac->rows); /* root: no children */
    b->node_pat[0] = b->node_pat[1] = -1;
    b->max_states = max_states;
    ac->n_states = 1;
done:
    return rc;
}

/* Adds a term to the trie; returns the state where it ends. */
static int32_t ac_insert(ac_automaton *ac, ac_builder *b, const char *term)
{
    int32_t s = 0;
    for (const uint8_t *p = (const uint8_t *)term; *p; p++) {
        int32_t *slot = &ac->rows[(size_t)s * (size_t)ac->width + ac->cls[*p]];
        if (*slot < 0) {
            int32_t t = ac->n_states++;
            memset(&ac->rows[(size_t)t * (size_t)ac->width], 0xff,
                   (size_t)ac->width * sizeof *ac->rows);
            b->node_pat[2 * (size_t)t] = b->node_pat[2 * (size_t)t + 1] = -1;
            *slot = t;
        }
        s = *slot;
    }
    return s;
}

/* Turns the trie into the DFA: failure transitions filled in breadth-first order,
 * dictionary and output links, output lists, and row offsets instead of state ids. */
static int ac_finish(ac_automaton *ac, ac_builder *b)
{
    int rc = CHORUS_OK;
    int32_t *fail = NULL, *queue = NULL;
    const size_t n = (size_t)ac->n_states, w = (size_t)ac->width;
    const int32_t nc = ac->n_classes;

    int32_t *trimmed = realloc(ac->rows, n * w * sizeof *ac->rows);
    if (trimmed) ac->rows = trimmed; /* a failed shrink leaves the larger block usable */
    fail = malloc(n * sizeof *fail);
    queue = malloc(n * sizeof *queue);
    ac->out_start = malloc((n + 1) * sizeof *ac->out_start);
    ac->dict = malloc(n * sizeof *ac->dict);
    if (!fail || !queue || !ac->out_start || !ac->dict) {
        rc = chorus_error_nomem();
        goto done;
    }
    int32_t n_out = 0;
    for (size_t s = 0; s < n; s++) {
        ac->out_start[s] = n_out;
        n_out += (b->node_pat[2 * s] >= 0) + (b->node_pat[2 * s + 1] >= 0);
    }
    ac->out_start[n] = n_out;
    ac->out_pats = malloc((size_t)(n_out > 0 ? n_out : 1) * sizeof *ac->out_pats);
    if (!ac->out_pats) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (size_t s = 0, k = 0; s < n; s++) {
        for (int ww = 0; ww < 2; ww++) {
            if (b->node_pat[2 * s + ww] >= 0) ac->out_pats[k++] = b->node_pat[2 * s + ww];
        }
    }

    size_t head = 0, tail = 0;
    fail[0] = 0;
    ac->dict[0] = -1;
    for (int32_t c = 0; c < nc; c++) {
        int32_t t = ac->rows[c];
        if (t < 0) {
            ac->rows[c] = 0;
        } else {
            fail[t] = 0;
            ac->dict[t] = -1;
            queue[tail++] = t;
        }
    }
    /* States leave the queue in order of depth, so a state's failure target (shallower)
     * already has its full row and dictionary link. */
    while (head < tail) {
        int32_t s = queue[head++];
        int32_t *row = &ac->rows[(size_t)s * w];
        const int32_t *frow = &ac->rows[(size_t)fail[s] * w];
        for (int32_t c = 0; c < nc; c++) {
            int32_t t = row[c];
            if (t < 0) {
                row[c] = frow[c];
                continue;
            }
            int32_t f = frow[c];
            fail[t] = f;
            ac->dict[t] = ac->out_start[f + 1] > ac->out_start[f] ? f : ac->dict[f];
            queue[tail++] = t;
        }
    }
    for (size_t s = 0; s < n; s++) {
        int32_t *row = &ac->rows[s * w];
        for (int32_t c = 0; c < nc; c++)
            row[c] *= (int32_t)w;
        /* The output link: the state itself if patterns end here, else its dictionary
         * link; -1 (the common case) lets the scan skip the state with one test. */
        row[nc] = ac->out_start[s + 1] > ac->out_start[s] ? (int32_t)s : ac->dict[s];
    }
done:
    free(fail);
    free(queue);
    return rc;
}

void chorus_keyword_index_free(chorus_keyword_index *index)
{
    if (!index) return;
    for (int a = 0; a < AC_COUNT; a++)
        ac_clear(&index->ac[a]);
    free(index->pat_len);
    free(index->pat_whole_word);
    free(index->pat_lf_start);
    free(index->pat_lfs);
    free(index->need);
    free(index);
}

int chorus_keyword_index_build(chorus_keyword_index **out, const lf_keyword *const *lfs, int32_t n)
{
    int rc = CHORUS_OK;
    chorus_keyword_index *ix = NULL;
    ac_builder builders[AC_COUNT] = {{0, NULL}, {0, NULL}};
    pat_lf *pairs = NULL;
    *out = NULL;

    ix = calloc(1, sizeof *ix);
    if (!ix) {
        rc = chorus_error_nomem();
        goto done;
    }
    ix->n_lfs = n > 0 ? n : 0;
    ix->need = calloc((size_t)ix->n_lfs + 1, sizeof *ix->need);
    if (!ix->need) {
        rc = chorus_error_nomem();
        goto done;
    }

    /* First pass: the bytes each automaton needs and an upper bound on its states. */
    bool used[AC_COUNT][256];
    memset(used, 0, sizeof used);
    size_t max_states[AC_COUNT] = {1, 1};
    size_t n_terms = 0;
    bool any_terms[AC_COUNT] = {false, false};
    for (int32_t i = 0; i < ix->n_lfs; i++) {
        int a = lfs[i]->case_sensitive ? AC_EXACT : AC_FOLDED;
        for (int32_t j = 0; j < lfs[i]->n_terms; j++) {
            const uint8_t *p = (const uint8_t *)lfs[i]->terms[j];
            size_t len = strlen((const char *)p);
            if (max_states[a] > SIZE_MAX / 2 - len) {
                rc = chorus_error_nomem();
                goto done;
            }
            max_states[a] += len;
            for (size_t k = 0; k < len; k++) {
                used[a][a == AC_FOLDED ? fold_ascii(p[k]) : p[k]] = true;
            }
            any_terms[a] = true;
            n_terms++;
        }
    }
    if (n_terms > (size_t)INT32_MAX) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (int a = 0; a < AC_COUNT; a++) {
        if (!any_terms[a]) continue;
        rc = ac_begin(&ix->ac[a], &builders[a], used[a], a == AC_FOLDED, max_states[a]);
        if (rc != CHORUS_OK) goto done;
    }

    /* Second pass: insert the terms; each new (end state, whole_word) is a new pattern. */
    size_t cap = n_terms > 0 ? n_terms : 1;
    ix->pat_len = malloc(cap * sizeof *ix->pat_len);
    ix->pat_whole_word = malloc(cap * sizeof *ix->pat_whole_word);
    pairs = malloc(cap * sizeof *pairs);
    if (!ix->pat_len || !ix->pat_whole_word || !pairs) {
        rc = chorus_error_nomem();
        goto done;
    }
    size_t n_pairs = 0;
    for (int32_t i = 0; i < ix->n_lfs; i++) {
        const lf_keyword *kw = lfs[i];
        int a = kw->case_sensitive ? AC_EXACT : AC_FOLDED;
        size_t first = n_pairs;
        for (int32_t j = 0; j < kw->n_terms; j++) {
            int32_t s = ac_insert(&ix->ac[a], &builders[a], kw->terms[j]);
            int32_t *slot = &builders[a].node_pat[2 * (size_t)s + (kw->whole_word ? 1 : 0)];
            if (*slot < 0) {
                *slot = ix->n_patterns++;
                ix->pat_len[*slot] = (int32_t)strlen(kw->terms[j]);
                /* An end that is itself punctuation ("http://", "$$$") is a boundary
                 * already: "http://" matches in "http://example.com". */
                const uint8_t *term = (const uint8_t *)kw->terms[j];
                size_t term_len = strlen(kw->terms[j]);
                ix->pat_whole_word[*slot] =
                    kw->whole_word
                        ? (uint8_t)((is_word_byte(term[0]) ? BOUNDARY_START : 0) |
                                    (is_word_byte(term[term_len - 1]) ? BOUNDARY_END : 0))
                        : 0;
            }
            pairs[n_pairs].pat = *slot;
            pairs[n_pairs].lf = i;
            n_pairs++;
        }
        /* Repeated terms (or ones equal after folding) count once towards "all". */
        qsort(pairs + first, n_pairs - first, sizeof *pairs, cmp_pat_lf);
        size_t kept = first;
        for (size_t k = first; k < n_pairs; k++) {
            if (k == first || pairs[k].pat != pairs[kept - 1].pat) pairs[kept++] = pairs[k];
        }
        n_pairs = kept;
        int32_t distinct = (int32_t)(n_pairs - first);
        ix->need[i] = kw->match_all ? distinct : (distinct > 0 ? 1 : 0);
    }

    /* The LFs of each pattern, by a counting sort of the pairs on the pattern. */
    ix->pat_lf_start = calloc((size_t)ix->n_patterns + 1, sizeof *ix->pat_lf_start);
    ix->pat_lfs = malloc((n_pairs > 0 ? n_pairs : 1) * sizeof *ix->pat_lfs);
    if (!ix->pat_lf_start || !ix->pat_lfs) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (size_t k = 0; k < n_pairs; k++)
        ix->pat_lf_start[pairs[k].pat + 1]++;
    for (int32_t p = 0; p < ix->n_patterns; p++)
        ix->pat_lf_start[p + 1] += ix->pat_lf_start[p];
    for (size_t k = 0; k < n_pairs; k++) {
        /* pat_lf_start[p] is used as the fill cursor and shifted back below. */
        ix->pat_lfs[ix->pat_lf_start[pairs[k].pat]++] = pairs[k].lf;
    }
    for (int32_t p = ix->n_patterns; p > 0; p--)
        ix->pat_lf_start[p] = ix->pat_lf_start[p - 1];
    ix->pat_lf_start[0] = 0;

    for (int a = 0; a < AC_COUNT; a++) {
        if (ix->ac[a].n_states == 0) continue;
        rc = ac_finish(&ix->ac[a], &builders[a]);
        if (rc != CHORUS_OK) goto done;
    }
    *out = ix;
    ix = NULL;
done:
    for (int a = 0; a < AC_COUNT; a++)
        free(builders[a].node_pat);
    free(pairs);
    chorus_keyword_index_free(ix);
    return rc;
}

/*
 * Scratch layout: the matched-pattern bitset (uint64 words first, so malloc'ed scratch is
 * aligned for them), one int32 count of matched patterns per LF, then the lists of LFs and
 * patterns a text touched. Only what a text touched is reset after it, so the cost of a
 * text does not grow with the number of LFs and patterns that did not match.
 */
static size_t bitset_words(const chorus_keyword_index *index)
{
    return ((size_t)index->n_patterns + 63) / 64;
}

size_t chorus_keyword_index_scratch_size(const chorus_keyword_index *index)
{
    return bitset_words(index) * sizeof(uint64_t) +
           (2 * (size_t)index->n_lfs + (size_t)index->n_patterns + 1) * sizeof(int32_t);
}

typedef struct scan_state {
    const chorus_keyword_index *ix;
    const uint8_t *text;
    size_t len;
    uint64_t *matched;
    int32_t *counts;
    int32_t *touched_lfs; /* LFs whose count left 0 */
    int32_t n_touched;
    int32_t *matched_pats; /* patterns whose bit was set */
    int32_t n_matched;
} scan_state;

/* Records every pattern ending at text[end - 1] along the output chain starting at u. */
static void report(scan_state *st, const ac_automaton *ac, int32_t u, size_t end)
{
    const chorus_keyword_index *ix = st->ix;
    for (; u >= 0; u = ac->dict[u]) {
        for (int32_t k = ac->out_start[u]; k < ac->out_start[u + 1]; k++) {
            int32_t p = ac->out_pats[k];
            uint64_t bit = (uint64_t)1 << (p & 63);
            if (st->matched[p >> 6] & bit) continue;
            if (ix->pat_whole_word[p]) {
                size_t start = end - (size_t)ix->pat_len[p];
                if ((ix->pat_whole_word[p] & BOUNDARY_START) && start > 0 &&
                    is_word_byte(st->text[start - 1]))
                    continue;
                if ((ix->pat_whole_word[p] & BOUNDARY_END) && end < st->len &&
                    is_word_byte(st->text[end]))
                    continue;
            }
            st->matched[p >> 6] |= bit;
            st->matched_pats[st->n_matched++] = p;
            for (int32_t j = ix->pat_lf_start[p]; j < ix->pat_lf_start[p + 1]; j++) {
                int32_t lf = ix->pat_lfs[j];
                if (st->counts[lf]++ == 0) st->touched_lfs[st->n_touched++] = lf;
            }
        }
    }
}

int32_t chorus_keyword_index_match(const chorus_keyword_index *index, const char *text, size_t len,
                                   void *scratch, int32_t *fired)
{
    scan_state st = {index, (const uint8_t *)text, len, scratch, NULL, NULL, 0, NULL, 0};
    size_t words = bitset_words(index);
    st.counts = (int32_t *)(st.matched + words);
    st.touched_lfs = st.counts + index->n_lfs;
    st.matched_pats = st.touched_lfs + index->n_lfs;

    const ac_automaton *ex = &index->ac[AC_EXACT], *fo = &index->ac[AC_FOLDED];
    const uint8_t *t = st.text;
    int32_t se = 0, sf = 0;
    /* One loop per combination keeps the common single-automaton case free of tests. */
    if (ex->n_states > 0 && fo->n_states > 0) {
        for (size_t i = 0; i < len; i++) {
            se = ex->rows[se + ex->cls[t[i]]];
            sf = fo->rows[sf + fo->cls[t[i]]];
            int32_t ue = ex->rows[se + ex->n_classes], uf = fo->rows[sf + fo->n_classes];
            if (ue >= 0) report(&st, ex, ue, i + 1);
            if (uf >= 0) report(&st, fo, uf, i + 1);
        }
    } else if (ex->n_states > 0 || fo->n_states > 0) {
        const ac_automaton *ac = ex->n_states > 0 ? ex : fo;
        const int32_t *rows = ac->rows;
        const uint8_t *cls = ac->cls;
        const int32_t nc = ac->n_classes;
        int32_t s = 0;
        for (size_t i = 0; i < len; i++) {
            s = rows[s + cls[t[i]]];
            if (rows[s + nc] >= 0) report(&st, ac, rows[s + nc], i + 1);
        }
    }
    int32_t n_fired = 0;
    for (int32_t k = 0; k < st.n_touched; k++) {
        int32_t lf = st.touched_lfs[k];
        if (st.counts[lf] >= index->need[lf]) fired[n_fired++] = lf;
        st.counts[lf] = 0;
    }
    for (int32_t m = 0; m < st.n_matched; m++) {
        int32_t p = st.matched_pats[m];
        st.matched[p >> 6] &= ~((uint64_t)1 << (p & 63));
    }
    return n_fired;
}
