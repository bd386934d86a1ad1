/* config.json: reading the file, the top-level fields, and the order in
 * which the sections are parsed. The sections live in config_*.c. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../runtime/cleanup.h"
#include "config_internal.h"

/* "1.0.x", "1.1.x" and "1.2.x", with an optional "-dev"/"+meta" suffix: the
 * versions whose documents berth reads correctly. */
static bool version_supported(const char *v)
{
    if (strncmp(v, "1.", 2) != 0 || v[2] < '0' || v[2] > '2' || v[3] != '.')
        return false;
    const char *p = v + 4;
    if (*p < '0' || *p > '9')
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    return *p == '\0' || *p == '-' || *p == '+';
}

static int parse_version(const berth_field_ctx *x, const berth_json *doc, berth_config *c,
                         berth_error **err)
{
    berth_jpath vp = JPATH_KEY(NULL, "ociVersion");
    if (berth_field_string(x, doc, NULL, "ociVersion", FIELD_REQUIRED, &c->oci_version, err) < 0)
        return -1;
    if (!version_supported(c->oci_version))
        return berth_field_error(x, &vp, 0, err, "unsupported ociVersion \"%s\"", c->oci_version);
    return 0;
}

/* Rewrites an absolute path in place without "." or ".." components, repeated
 * or trailing slashes, as Go's filepath.Clean does, so that the bundle and
 * rootfs berth records look like the ones runc records. */
static void clean_path(char *path)
{
    char *out = path + 1, *in = path + 1;
    while (*in != '\0') {
        char *end = strchrnul(in, '/');
        size_t n = (size_t)(end - in);
        if (n == 0 || (n == 1 && in[0] == '.')) {
            /* skip */
        } else if (n == 2 && in[0] == '.' && in[1] == '.') {
            while (out > path + 1 && *--out != '/')
                ;
        } else {
            if (out > path + 1)
                *out++ = '/';
            memmove(out, in, n);
            out += n;
        }
        in = *end == '/' ? end + 1 : end;
    }
    *out = '\0';
}

static int parse_root(const berth_field_ctx *x, const berth_json *doc, berth_config *c,
                      berth_error **err)
{
    const berth_json *root = NULL;
    _cleanup_free_ char *path = NULL;
    berth_jpath rp = JPATH_KEY(NULL, "root"), pp = JPATH_KEY(&rp, "path");
    if (berth_field_object(x, doc, NULL, "root", FIELD_REQUIRED, &root, err) < 0 ||
        berth_field_string(x, root, &rp, "path", FIELD_REQUIRED, &path, err) < 0 ||
        berth_field_bool(x, root, &rp, "readonly", 0, &c->root_readonly, err) < 0)
        return -1;
    if (path[0] == '\0')
        return berth_field_error(x, &pp, 0, err, "must not be empty");
    if (path[0] == '/')
        c->root_path = TAKE_PTR(path);
    else if (asprintf(&c->root_path, "%s/%s", c->bundle, path) < 0) {
        c->root_path = NULL;
        return berth_field_error(x, &pp, ENOMEM, err, "asprintf");
    }
    clean_path(c->root_path);
    struct stat st;
    if (stat(c->root_path, &st) < 0)
        return berth_field_error(x, &pp, errno, err, "stat `%s`", c->root_path);
    if (!S_ISDIR(st.st_mode))
        return berth_field_error(x, &pp, ENOTDIR, err, "`%s`", c->root_path);
    return 0;
}

static int parse_names(const berth_field_ctx *x, const berth_json *doc, berth_config *c,
                       berth_error **err)
{
    if (berth_field_string(x, doc, NULL, "hostname", 0, &c->hostname, err) < 0 ||
        berth_field_string(x, doc, NULL, "domainname", 0, &c->domainname, err) < 0)
        return -1;
    return 0;
}

static int parse_annotations(const berth_field_ctx *x, const berth_json *doc, berth_config *c,
                             berth_error **err)
{
    const berth_json *a = NULL;
    int r = berth_field_object(x, doc, NULL, "annotations", 0, &a, err);
    if (r <= 0)
        return r;
    berth_jpath ap = JPATH_KEY(NULL, "annotations");
    for (size_t i = 0; i < a->u.object.len; i++) {
        berth_jpath kp = JPATH_KEY(&ap, a->u.object.keys[i]);
        if (a->u.object.values[i]->type != BERTH_JSON_STRING)
            return berth_field_error(x, &kp, 0, err, "expected a string");
    }
    c->annotations = a;
    return 0;
}

/* Checks between sections, the ones runc makes before it starts anything. */
static int check_consistency(const berth_field_ctx *x, const berth_json *doc, berth_config *c,
                             berth_error **err)
{
    static const berth_jpath host = {.key = "hostname"}, domain = {.key = "domainname"};
    static const berth_jpath lx = {.key = "linux"}, uidm = {.up = &lx, .key = "uidMappings"},
                             gidm = {.up = &lx, .key = "gidMappings"};
    bool uts = c->ns[BERTH_NS_UTS].present, user = c->ns[BERTH_NS_USER].present;
    if (c->hostname != NULL && c->hostname[0] != '\0' && !uts)
        return berth_field_error(x, &host, 0, err, "setting it needs a UTS namespace");
    if (c->domainname != NULL && c->domainname[0] != '\0' && !uts)
        return berth_field_error(x, &domain, 0, err, "setting it needs a UTS namespace");
    if (!user && c->n_uid_mappings > 0)
        return berth_field_error(x, &uidm, 0, err, "mappings need a user namespace");
    if (!user && c->n_gid_mappings > 0)
        return berth_field_error(x, &gidm, 0, err, "mappings need a user namespace");
    if (user && c->ns[BERTH_NS_USER].path == NULL && c->n_uid_mappings == 0)
        return berth_field_error(x, &uidm, 0, err, "a new user namespace needs mappings");
    if (user && c->ns[BERTH_NS_USER].path == NULL && c->n_gid_mappings == 0)
        return berth_field_error(x, &gidm, 0, err, "a new user namespace needs mappings");
    return 0;
}

static const berth_config_section_fn sections[] = {
    parse_version,
    parse_root,
    parse_names,
    berth_config_parse_process,
    berth_config_parse_mounts,
    berth_config_parse_linux,
    berth_config_parse_hooks,
    parse_annotations,
    check_consistency,
};

int berth_config_parse(const char *buf, size_t len, const char *bundle, const char *what,
                       berth_config **ret, berth_error **err)
{
    berth_field_ctx x = {.what = what};
    berth_config *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return berth_error_new(err, ENOMEM, "%s: calloc", what);
    int r = berth_json_parse(buf, len, what, &c->json, err);
    if (r == 0 && c->json->type != BERTH_JSON_OBJECT)
        r = berth_field_error(&x, NULL, 0, err, "expected an object at the top level");
    if (r == 0 && (c->bundle = strdup(bundle)) == NULL)
        r = berth_error_new(err, ENOMEM, "%s: strdup", what);
    for (size_t i = 0; r == 0 && i < ARRAY_SIZE(sections); i++)
        r = sections[i](&x, c->json, c, err) < 0 ? berth_error_code(*err) : 0;
    if (r < 0) {
        berth_config_free(c);
        return r;
    }
    *ret = c;
    return 0;
}

static int absolute_bundle(const char *bundle, char **ret, berth_error **err)
{
    if (bundle[0] == '/') {
        *ret = strdup(bundle);
        if (*ret == NULL)
            return berth_error_new(err, ENOMEM, "strdup");
    } else {
        _cleanup_free_ char *cwd = getcwd(NULL, 0);
        if (cwd == NULL)
            return berth_error_new(err, errno, "getcwd");
        if (asprintf(ret, "%s/%s", cwd, bundle) < 0)
            return berth_error_new(err, ENOMEM, "asprintf");
    }
    clean_path(*ret);
    return 0;
}

static int read_all(const char *path, char **ret, size_t *ret_len, berth_error **err)
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return berth_error_new(err, errno, "open `%s`", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return berth_error_new(err, errno, "fstat `%s`", path);
    size_t cap = (size_t)st.st_size + 1, len = 0;
    _cleanup_free_ char *buf = malloc(cap);
    if (buf == NULL)
        return berth_error_new(err, ENOMEM, "read `%s`", path);
    for (;;) {
        if (len + 1 >= cap) {
            char *b = realloc(buf, cap *= 2);
            if (b == NULL)
                return berth_error_new(err, ENOMEM, "read `%s`", path);
            buf = b;
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return berth_error_new(err, errno, "read `%s`", path);
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    *ret = TAKE_PTR(buf);
    *ret_len = len;
    return 0;
}

int berth_config_load(const char *bundle, berth_config **ret, berth_error **err)
{
    _cleanup_free_ char *abs = NULL, *path = NULL, *buf = NULL;
    size_t len = 0;
    if (absolute_bundle(bundle, &abs, err) < 0)
        return -1;
    if (asprintf(&path, "%s/config.json", strcmp(abs, "/") == 0 ? "" : abs) < 0) {
        path = NULL;
        return berth_error_new(err, ENOMEM, "asprintf");
    }
    if (read_all(path, &buf, &len, err) < 0)
        return -1;
    return berth_config_parse(buf, len, abs, "config.json", ret, err);
}

void berth_config_free(berth_config *c)
{
    if (c == NULL)
        return;
    free(c->oci_version);
    free(c->bundle);
    free(c->root_path);
    free(c->hostname);
    free(c->domainname);
    berth_config_free_process(&c->process);
    berth_config_free_mounts(c);
    berth_config_free_linux(c);
    berth_config_free_hooks(c);
    berth_json_free(c->json);
    free(c);
}
