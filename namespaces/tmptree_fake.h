/* Throwaway directory trees for unit tests (mkdtemp under $TMPDIR or /tmp).
 * Every helper aborts on failure: a broken fixture is not a test result. */
#ifndef BERTH_TMPTREE_FAKE_H
#define BERTH_TMPTREE_FAKE_H

#include <stdbool.h>

/* A new empty directory; free with berth_tmptree_remove(). */
char *berth_tmptree_new(void);

/* mkdir -p root/rel. */
void berth_tmptree_mkdir(const char *root, const char *rel);

/* An empty file root/rel (parents created). */
void berth_tmptree_file(const char *root, const char *rel);

/* root/rel -> target (parents created). */
void berth_tmptree_symlink(const char *root, const char *rel, const char *target);

/* What root/rel is, without following a final symlink: 'd', 'f', 'l', 'o'
 * (other), or 0 when missing. */
char berth_tmptree_kind(const char *root, const char *rel);

/* rm -rf root (never following symlinks), then frees it. */
void berth_tmptree_remove(char *root);

#endif
