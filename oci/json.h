/* berth's own JSON tree. This header and json.c are the only places that
 * know which JSON library is underneath (yajl today; it is unmaintained
 * upstream, so it must stay swappable). */
#ifndef BERTH_JSON_H
#define BERTH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../runtime/error.h"

typedef enum {
    BERTH_JSON_NULL,
    BERTH_JSON_BOOL,
    BERTH_JSON_INT,    /* a number with no fraction or exponent that fits int64 */
    BERTH_JSON_DOUBLE, /* any other number */
    BERTH_JSON_STRING,
    BERTH_JSON_ARRAY,
    BERTH_JSON_OBJECT,
} berth_json_type;

typedef struct berth_json berth_json;
struct berth_json {
    berth_json_type type;
    union {
        bool b;
        int64_t i;
        double d;
        char *s; /* NUL-terminated; JSON strings with embedded NUL are rejected */
        struct {
            berth_json **items;
            size_t len;
        } array;
        struct {
            char **keys;
            berth_json **values;
            size_t len;
        } object;
    } u;
    unsigned line, column; /* where the value starts in the source (1-based) */
};

/* Parses buf[0..len). On a syntax error the message names `what` (a path
 * such as the config file) with line and column: "config.json:3:14: ...". */
int berth_json_parse(const char *buf, size_t len, const char *what, berth_json **ret,
                     berth_error **err);
void berth_json_free(berth_json *j);

/* Object member lookup; NULL when absent or when j is not an object. */
const berth_json *berth_json_get(const berth_json *j, const char *key);

/* A growing buffer of generated JSON. */
typedef struct berth_json_gen berth_json_gen;
berth_json_gen *berth_json_gen_new(bool pretty);
void berth_json_gen_free(berth_json_gen *g);
void berth_json_gen_map_open(berth_json_gen *g);
void berth_json_gen_map_close(berth_json_gen *g);
void berth_json_gen_array_open(berth_json_gen *g);
void berth_json_gen_array_close(berth_json_gen *g);
void berth_json_gen_string(berth_json_gen *g, const char *s);
void berth_json_gen_int(berth_json_gen *g, int64_t v);
void berth_json_gen_bool(berth_json_gen *g, bool v);
void berth_json_gen_null(berth_json_gen *g);
/* key + value in one call, for the common case inside maps */
void berth_json_gen_kv_string(berth_json_gen *g, const char *key, const char *value);
void berth_json_gen_kv_int(berth_json_gen *g, const char *key, int64_t value);
void berth_json_gen_kv_bool(berth_json_gen *g, const char *key, bool value);
/* Emits a parsed tree as-is (used to copy annotations or whole sections). */
void berth_json_gen_tree(berth_json_gen *g, const berth_json *j);
/* The text so far (NUL-terminated, owned by g). Fails only on misuse
 * (unbalanced maps) or out of memory. */
int berth_json_gen_result(berth_json_gen *g, const char **ret, size_t *ret_len, berth_error **err);

#endif
