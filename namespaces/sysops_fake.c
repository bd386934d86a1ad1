/* The recording fake; see sysops_fake.h for what it does and does not do. */
#include "sysops_fake.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "../runtime/cleanup.h"

#define LINE_MAX_LEN 1024
#define MAX_FDS 4096
#define MAX_RULES 16
#define MAX_ALIASES 8

struct rule {
    size_t nth;       /* 0: match by name instead */
    const char *name; /* static strings from the test */
    const char *substr;
    int errnum;
    bool used;
};

static struct {
    struct berth_fake_call *calls;
    size_t n, cap;
    char *log;
    char *fd_names[MAX_FDS];
    struct rule rules[MAX_RULES];
    size_t n_rules;
    const char *alias_prefix[MAX_ALIASES], *alias[MAX_ALIASES];
    size_t n_aliases;
} fk;

struct line {
    char buf[LINE_MAX_LEN];
    size_t len;
    int nargs;
    char second[LINE_MAX_LEN]; /* the second argument: the path of the open ops */
};

static void put(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct line *l, const char *fmt, ...)
{
    if (l->len >= sizeof(l->buf))
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len = l->len + (size_t)n < sizeof(l->buf) ? l->len + (size_t)n : sizeof(l->buf) - 1;
}

/* Every argument goes through here first: a comma, and the text of the
 * second argument kept aside to name the fd an open returns. */
static void arg_begin(struct line *l)
{
    if (l->nargs++ > 0)
        put(l, ",");
}

static void arg_end(struct line *l, size_t start)
{
    if (l->nargs == 2)
        snprintf(l->second, sizeof(l->second), "%s", l->buf + start);
}

static const char *fd_name(int fd)
{
    return fd >= 0 && fd < MAX_FDS ? fk.fd_names[fd] : NULL;
}

static void put_str(struct line *l, const char *s)
{
    arg_begin(l);
    size_t start = l->len;
    int fd, end = 0;
    if (s == NULL) {
        put(l, "NULL");
    } else if (sscanf(s, "/proc/self/fd/%d%n", &fd, &end) == 1 && s[end] == '\0' &&
               fd_name(fd) != NULL) {
        put(l, "@%s", fd_name(fd));
    } else {
        for (size_t i = 0; i < fk.n_aliases; i++) {
            size_t plen = strlen(fk.alias_prefix[i]);
            if (strncmp(s, fk.alias_prefix[i], plen) == 0) {
                put(l, "%s%s", fk.alias[i], s + plen);
                arg_end(l, start);
                return;
            }
        }
        put(l, "%s", s);
    }
    arg_end(l, start);
}

static void put_cstr(struct line *l, char *s)
{
    put_str(l, s);
}

static void put_data(struct line *l, const void *p)
{
    put_str(l, p);
}

static void put_int(struct line *l, int v)
{
    arg_begin(l);
    size_t start = l->len;
    if (v == AT_FDCWD)
        put(l, "AT_FDCWD");
    else if (fd_name(v) != NULL)
        put(l, "@%s", fd_name(v));
    else
        put(l, "%d", v);
    arg_end(l, start);
}

static void put_uint(struct line *l, unsigned int v)
{
    arg_begin(l);
    put(l, "%#o", v);
}

static void put_ulong(struct line *l, unsigned long v)
{
    arg_begin(l);
    put(l, "%#lx", v);
}

static void put_how(struct line *l, struct open_how *h)
{
    arg_begin(l);
    put(l, "{flags=%#llx,resolve=%#llx}", (unsigned long long)h->flags,
        (unsigned long long)h->resolve);
}

static void put_attr(struct line *l, struct mount_attr *a)
{
    arg_begin(l);
    put(l, "{set=%#llx,clr=%#llx,propagation=%#llx}", (unsigned long long)a->attr_set,
        (unsigned long long)a->attr_clr, (unsigned long long)a->propagation);
}

static void put_stat(struct line *l, struct stat *st)
{
    arg_begin(l);
    put(l, "buf");
}

static void put_statfs(struct line *l, struct statfs *st)
{
    arg_begin(l);
    put(l, "buf");
}

#define ARG(l, x)                                                                                  \
    _Generic((x),                                                                                  \
        const char *: put_str,                                                                     \
        char *: put_cstr,                                                                          \
        const void *: put_data,                                                                    \
        int: put_int,                                                                              \
        unsigned int: put_uint,                                                                    \
        unsigned long: put_ulong,                                                                  \
        struct open_how *: put_how,                                                                \
        struct mount_attr *: put_attr,                                                             \
        struct stat *: put_stat,                                                                   \
        struct statfs *: put_statfs)(l, x)

#define ARGS_N(...) ARGS_N_(__VA_ARGS__, 5, 4, 3, 2, 1, 0)
#define ARGS_N_(a, b, c, d, e, n, ...) n
#define ARGS_CAT(a, b) ARGS_CAT_(a, b)
#define ARGS_CAT_(a, b) a##b
#define ARGS_1(l, a) ARG(l, a)
#define ARGS_2(l, a, b) ARGS_1(l, a), ARG(l, b)
#define ARGS_3(l, a, b, c) ARGS_2(l, a, b), ARG(l, c)
#define ARGS_4(l, a, b, c, d) ARGS_3(l, a, b, c), ARG(l, d)
#define ARGS_5(l, a, b, c, d, e) ARGS_4(l, a, b, c, d), ARG(l, e)
#define ARGS_EACH(l, ...) ARGS_CAT(ARGS_, ARGS_N(__VA_ARGS__))(l, __VA_ARGS__)
#define ARGS_FORMAT(l, ...) ARGS_EACH(l, __VA_ARGS__)

static void name_fd(int fd, const char *name)
{
    if (fd < 0 || fd >= MAX_FDS)
        return;
    free(fk.fd_names[fd]);
    fk.fd_names[fd] = strdup(name);
}

static int special_close(int fd)
{
    int r = close(fd);
    if (r == 0 && fd < MAX_FDS) {
        free(fk.fd_names[fd]);
        fk.fd_names[fd] = NULL;
    }
    return r;
}

static int special_mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
    int fd =
        openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 07777);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int special_open_tree(int dirfd, const char *path, unsigned int flags)
{
    return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static const struct berth_sysops special = {
    .close = special_close,
    .mknodat = special_mknodat,
    .open_tree = special_open_tree,
};

/* The open ops pass through too; record() remembers the path each returned
 * fd was opened with. */
static const char *const passthrough[] = {"openat",   "openat2", "mkdirat", "symlinkat",
                                          "unlinkat", "fstatat", "fstatfs", "umask"};
static const char *const fd_returning[] = {"openat", "openat2", "open_tree"};

static bool in_list(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

static int planned_failure(const char *name, const char *line)
{
    for (size_t i = 0; i < fk.n_rules; i++) {
        struct rule *r = &fk.rules[i];
        if (r->used)
            continue;
        bool hit = r->nth != 0 ? r->nth == fk.n + 1
                               : strcmp(r->name, name) == 0 &&
                                     (r->substr == NULL || strstr(line, r->substr) != NULL);
        if (hit) {
            r->used = true;
            return r->errnum;
        }
    }
    return 0;
}

static void record(const char *name, struct line *l, int ret, int err)
{
    if (fk.n == fk.cap) {
        fk.cap = fk.cap ? fk.cap * 2 : 64;
        fk.calls = realloc(fk.calls, fk.cap * sizeof(*fk.calls));
        if (fk.calls == NULL)
            abort();
    }
    fk.calls[fk.n++] = (struct berth_fake_call){name, strdup(l->buf), ret, err};
    if (ret >= 0 && in_list(fd_returning, ARRAY_SIZE(fd_returning), name))
        name_fd(ret, l->second);
}

/* One generated function per op: format, maybe fail, run, record. */
#define FAKE_OP(ret_t, name, params, args)                                                         \
    static ret_t fake_##name params                                                                \
    {                                                                                              \
        struct line l = {.len = 0};                                                                \
        put(&l, "%s(", #name);                                                                     \
        ARGS_FORMAT(&l, ARGS_UNPAREN args);                                                        \
        put(&l, ")");                                                                              \
        int planned = planned_failure(#name, l.buf), r = 0;                                        \
        errno = 0;                                                                                 \
        if (planned != 0)                                                                          \
            r = -1, errno = planned;                                                               \
        else if (special.name != NULL)                                                             \
            r = special.name args;                                                                 \
        else if (in_list(passthrough, ARRAY_SIZE(passthrough), #name))                             \
            r = berth_sysops_linux.name args;                                                      \
        int saved = errno;                                                                         \
        record(#name, &l, r, r < 0 ? saved : 0);                                                   \
        errno = saved;                                                                             \
        return (ret_t)r;                                                                           \
    }
#define ARGS_UNPAREN(...) __VA_ARGS__
BERTH_SYSOPS(FAKE_OP)
#undef FAKE_OP

#define FAKE_MEMBER(ret_t, name, params, args) .name = fake_##name,
const struct berth_sysops berth_sysops_fake = {BERTH_SYSOPS(FAKE_MEMBER)};
#undef FAKE_MEMBER

void berth_fake_reset(void)
{
    for (size_t i = 0; i < fk.n; i++)
        free(fk.calls[i].line);
    free(fk.calls);
    free(fk.log);
    for (size_t i = 0; i < MAX_FDS; i++)
        free(fk.fd_names[i]);
    memset(&fk, 0, sizeof(fk));
}

void berth_fake_alias(const char *prefix, const char *alias)
{
    if (fk.n_aliases < MAX_ALIASES) {
        fk.alias_prefix[fk.n_aliases] = prefix;
        fk.alias[fk.n_aliases++] = alias;
    }
}

static void add_rule(struct rule r)
{
    if (fk.n_rules == MAX_RULES)
        abort();
    fk.rules[fk.n_rules++] = r;
}

void berth_fake_fail_nth(size_t n, int errnum)
{
    add_rule((struct rule){.nth = n, .errnum = errnum});
}

void berth_fake_fail_call(const char *name, const char *substr, int errnum)
{
    add_rule((struct rule){.name = name, .substr = substr, .errnum = errnum});
}

size_t berth_fake_ncalls(void)
{
    return fk.n;
}

const struct berth_fake_call *berth_fake_call_at(size_t i)
{
    return i < fk.n ? &fk.calls[i] : NULL;
}

const char *berth_fake_log(void)
{
    size_t len = 1;
    for (size_t i = 0; i < fk.n; i++)
        len += strlen(fk.calls[i].line) + 1;
    free(fk.log);
    fk.log = malloc(len);
    if (fk.log == NULL)
        abort();
    char *p = fk.log;
    for (size_t i = 0; i < fk.n; i++)
        p += sprintf(p, "%s\n", fk.calls[i].line);
    *p = '\0';
    return fk.log;
}

size_t berth_fake_count(const char *name)
{
    size_t c = 0;
    for (size_t i = 0; i < fk.n; i++)
        c += strcmp(fk.calls[i].name, name) == 0;
    return c;
}

long berth_fake_find(const char *substr, size_t from)
{
    for (size_t i = from; i < fk.n; i++)
        if (strstr(fk.calls[i].line, substr) != NULL)
            return (long)i;
    return -1;
}

size_t berth_fake_open_fds(void)
{
    size_t c = 0;
    for (size_t i = 0; i < MAX_FDS; i++)
        c += fk.fd_names[i] != NULL;
    return c;
}
