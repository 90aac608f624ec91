/* Temporary: library pieces not written yet. */
#include "chorus/chorus.h"
#include "core/error_internal.h"
#define NI return chorus_error_set(CHORUS_EINTERNAL, "not implemented yet")
int chorus_votes_read_csv(chorus_votes **o, const char *p, const chorus_read_options *x) { (void)o; (void)p; (void)x; NI; }
int chorus_votes_read_triples(chorus_votes **o, const char *p, const chorus_read_options *x) { (void)o; (void)p; (void)x; NI; }
int chorus_votes_write_csv(const chorus_votes *v, const char *p) { (void)v; (void)p; NI; }
int chorus_votes_write_triples(const chorus_votes *v, const char *p) { (void)v; (void)p; NI; }
int chorus_gold_read(int32_t **o, int64_t *n, const char *p, int32_t k) { (void)o; (void)n; (void)p; (void)k; NI; }
int chorus_gold_write(const int32_t *g, int64_t n, const char *p) { (void)g; (void)n; (void)p; NI; }
int chorus_probs_write(const chorus_probs *pr, const char *p, chorus_probs_format f) { (void)pr; (void)p; (void)f; NI; }
int chorus_probs_read(chorus_probs **o, const char *p, chorus_probs_format f) { (void)o; (void)p; (void)f; NI; }
