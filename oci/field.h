/* Typed access to members of a parsed JSON document, with errors that name
 * the member by its JSON path ("config.json: process.args[0]: expected a
 * string"). Private to oci/: config_*.c and state.c use it.
 *
 * The path is a chain of stack-allocated links, rendered only when an error
 * is reported, so a successful parse never formats a path. */
#ifndef BERTH_OCI_FIELD_H
#define BERTH_OCI_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../runtime/error.h"
#include "json.h"

typedef struct berth_jpath berth_jpath;
struct berth_jpath {
    const berth_jpath *up; /* NULL at the document's top level */
    const char *key;       /* member name, or NULL for an array element */
    size_t index;
};

#define JPATH_KEY(parent, k) ((berth_jpath){.up = (parent), .key = (k)})
#define JPATH_IDX(parent, i) ((berth_jpath){.up = (parent), .index = (i)})

/* Where errors are reported from: `what` names the document. */
typedef struct {
    const char *what;
} berth_field_ctx;

/* Field flags. */
enum {
    FIELD_REQUIRED = 1 << 0, /* absent (or null) is an error */
    FIELD_ABSOLUTE = 1 << 1, /* a string that must be an absolute path */
};

/* Sets *err to "<what>: <path>: <fmt...>". Always returns < 0. */
int berth_field_error(const berth_field_ctx *x, const berth_jpath *p, int errnum, berth_error **err,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Each getter looks up `key` in `obj` (whose own path is `at`). It returns 0
 * when the member is absent or null (an error with FIELD_REQUIRED), 1 when it
 * was read into *ret, and < 0 on a wrong type or value. Strings are copied. */
int berth_field_string(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                       const char *key, unsigned flags, char **ret, berth_error **err);
int berth_field_bool(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                     const char *key, unsigned flags, bool *ret, berth_error **err);
int berth_field_int(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                    const char *key, unsigned flags, int64_t min, int64_t max, int64_t *ret,
                    berth_error **err);
int berth_field_u32(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                    const char *key, unsigned flags, uint32_t *ret, berth_error **err);
/* Accepts integers up to 2^64-1; numbers beyond int64 arrive as doubles and
 * lose their low bits, and values from 2^64 up read as UINT64_MAX (the
 * "unlimited" of rlimits). */
int berth_field_u64(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                    const char *key, unsigned flags, uint64_t *ret, berth_error **err);
/* An array of strings into a NULL-terminated copy; *ret_len may be NULL. */
int berth_field_strv(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                     const char *key, unsigned flags, char ***ret, size_t *ret_len,
                     berth_error **err);
/* Type checks only: *ret points into the tree. */
int berth_field_object(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                       const char *key, unsigned flags, const berth_json **ret, berth_error **err);
int berth_field_array(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                      const char *key, unsigned flags, const berth_json **ret, berth_error **err);

/* Reads one element of an array of objects into `item`. */
typedef int (*berth_field_item_fn)(const berth_field_ctx *x, const berth_json *o,
                                   const berth_jpath *p, void *item, void *data, berth_error **err);

/* For the array of objects `key`: allocates one zeroed item of `item_size`
 * bytes per element into *ret_items (none when item_size is 0: item is then
 * NULL) and calls fn on each element in order. *ret_len counts an item
 * before fn fills it, so that a destructor also frees a half-read one.
 * Returns 0 when absent, 1 when read, < 0 on error. */
int berth_field_objects(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                        const char *key, size_t item_size, void **ret_items, size_t *ret_len,
                        berth_field_item_fn fn, void *data, berth_error **err);

void berth_strv_free(char **v);

#endif
