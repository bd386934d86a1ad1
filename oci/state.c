/* The state document: what `berth state` prints and what berth keeps in
 * <root>/<id>/state.json (the same fields plus a few private ones). */
#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../runtime/cleanup.h"
#include "field.h"

#ifndef OCI_SPEC_VERSION
#define OCI_SPEC_VERSION "1.2.0"
#endif

static void gen_state(berth_json_gen *g, const berth_state *s, const char *status,
                      bool private_fields)
{
    /* runc prints "" rather than null for unset strings; consumers such as
     * containerd expect strings. */
#define STR(v) ((v) != NULL ? (v) : "")
    berth_json_gen_map_open(g);
    berth_json_gen_kv_string(g, "ociVersion", s->oci_version ? s->oci_version : OCI_SPEC_VERSION);
    berth_json_gen_kv_string(g, "id", STR(s->id));
    berth_json_gen_kv_int(g, "pid", s->pid);
    if (status != NULL)
        berth_json_gen_kv_string(g, "status", status);
    berth_json_gen_kv_string(g, "bundle", STR(s->bundle));
    berth_json_gen_kv_string(g, "rootfs", STR(s->rootfs));
    berth_json_gen_kv_string(g, "created", STR(s->created));
    berth_json_gen_kv_string(g, "owner", STR(s->owner));
    if (s->annotations != NULL) {
        berth_json_gen_string(g, "annotations");
        berth_json_gen_tree(g, s->annotations);
    }
    if (private_fields) {
        berth_json_gen_kv_int(g, "pid_start", (int64_t)s->pid_start);
        if (s->cgroup_path != NULL)
            berth_json_gen_kv_string(g, "cgroup_path", s->cgroup_path);
    }
    berth_json_gen_map_close(g);
#undef STR
}

int berth_state_to_json(const berth_state *s, const char *status, bool private_fields, char **ret,
                        berth_error **err)
{
    /* The public form is for people (pretty); the private one for berth. */
    berth_json_gen *g = berth_json_gen_new(!private_fields);
    if (g == NULL)
        return berth_error_new(err, ENOMEM, "state of `%s`", s->id ? s->id : "");
    gen_state(g, s, status, private_fields);
    const char *text = NULL;
    size_t len = 0;
    int r = berth_json_gen_result(g, &text, &len, err);
    if (r < 0) {
        berth_json_gen_free(g);
        return berth_error_wrap(err, "state of `%s`", s->id ? s->id : "");
    }
    char *copy = strndup(text, len);
    berth_json_gen_free(g);
    if (copy == NULL)
        return berth_error_new(err, ENOMEM, "state of `%s`", s->id ? s->id : "");
    *ret = copy;
    return 0;
}

/* Moves the annotations object out of the document, so it outlives it. */
static int take_annotations(const berth_field_ctx *x, berth_json *doc, berth_state *s,
                            berth_error **err)
{
    const berth_json *a = NULL;
    int r = berth_field_object(x, doc, NULL, "annotations", 0, &a, err);
    if (r <= 0)
        return r;
    for (size_t i = 0; i < doc->u.object.len; i++) {
        if (doc->u.object.values[i] == a) {
            s->annotations = doc->u.object.values[i];
            doc->u.object.values[i] = NULL;
        }
    }
    return 0;
}

static int read_state(const berth_field_ctx *x, berth_json *doc, berth_state *s, berth_error **err)
{
    int64_t pid = 0;
    if (doc->type != BERTH_JSON_OBJECT)
        return berth_field_error(x, NULL, 0, err, "expected an object at the top level");
    if (berth_field_string(x, doc, NULL, "ociVersion", 0, &s->oci_version, err) < 0 ||
        berth_field_string(x, doc, NULL, "id", FIELD_REQUIRED, &s->id, err) < 0 ||
        berth_field_int(x, doc, NULL, "pid", 0, 0, INT32_MAX, &pid, err) < 0 ||
        berth_field_string(x, doc, NULL, "bundle", 0, &s->bundle, err) < 0 ||
        berth_field_string(x, doc, NULL, "rootfs", 0, &s->rootfs, err) < 0 ||
        berth_field_string(x, doc, NULL, "created", 0, &s->created, err) < 0 ||
        berth_field_string(x, doc, NULL, "owner", 0, &s->owner, err) < 0 ||
        berth_field_u64(x, doc, NULL, "pid_start", 0, &s->pid_start, err) < 0 ||
        berth_field_string(x, doc, NULL, "cgroup_path", 0, &s->cgroup_path, err) < 0 ||
        take_annotations(x, doc, s, err) < 0)
        return berth_error_code(*err);
    s->pid = (pid_t)pid;
    return 0;
}

int berth_state_from_json(const char *buf, size_t len, const char *what, berth_state **ret,
                          berth_error **err)
{
    berth_field_ctx x = {.what = what};
    berth_json *doc = NULL;
    int r = berth_json_parse(buf, len, what, &doc, err);
    if (r < 0)
        return r;
    berth_state *s = calloc(1, sizeof(*s));
    if (s == NULL)
        r = berth_error_new(err, ENOMEM, "%s", what);
    else
        r = read_state(&x, doc, s, err);
    berth_json_free(doc);
    if (r < 0) {
        berth_state_free(s);
        return r;
    }
    *ret = s;
    return 0;
}

void berth_state_free(berth_state *s)
{
    if (s == NULL)
        return;
    free(s->oci_version);
    free(s->id);
    free(s->bundle);
    free(s->rootfs);
    free(s->created);
    free(s->cgroup_path);
    free(s->owner);
    berth_json_free(s->annotations);
    free(s);
}

int berth_rfc3339_now(char *buf, size_t len, berth_error **err)
{
    struct timespec ts;
    struct tm tm;
    if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
        return berth_error_new(err, errno, "clock_gettime");
    if (gmtime_r(&ts.tv_sec, &tm) == NULL)
        return berth_error_new(err, EOVERFLOW, "gmtime_r");
    char date[32];
    if (strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        return berth_error_new(err, EOVERFLOW, "strftime");
    int n = snprintf(buf, len, "%s.%09ldZ", date, ts.tv_nsec);
    if (n < 0 || (size_t)n >= len)
        return berth_error_new(err, ERANGE, "timestamp needs %d bytes", n + 1);
    return 0;
}
