/* `berth ps`: the container's pids as JSON, or the host's ps(1) output
 * cut down to them, as runc prints it. */
#include "ps.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "container_pids.h"
#include "lifecycle.h"
#include "store.h"

extern char **environ;

/* Index of the PID column in ps's header line, or -1. */
static int pid_column(const char *header, size_t len)
{
    int col = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && (header[i] == ' ' || header[i] == '\t'))
            i++;
        if (i == len)
            break;
        size_t start = i;
        while (i < len && header[i] != ' ' && header[i] != '\t')
            i++;
        if (i - start == 3 && memcmp(header + start, "PID", 3) == 0)
            return col;
        col++;
    }
    return -1;
}

/* The text of field `col` of a line parsed as a pid; -1 when it is not one. */
static long field_pid(const char *line, size_t len, int col)
{
    size_t i = 0;
    for (int c = 0;; c++) {
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == len)
            return -1;
        size_t start = i;
        while (i < len && line[i] != ' ' && line[i] != '\t')
            i++;
        if (c < col)
            continue;
        long v = 0;
        for (size_t k = start; k < i; k++) {
            if (line[k] < '0' || line[k] > '9' || v > 1L << 32)
                return -1;
            v = v * 10 + (line[k] - '0');
        }
        return v;
    }
}

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
    for (size_t i = 0; i < n; i++)
        if (pids[i] == pid)
            return true;
    return false;
}

int berth_ps_filter(const char *text, size_t len, const pid_t *pids, size_t n, FILE *out,
                    berth_error **err)
{
    const char *nl = memchr(text, '\n', len);
    size_t hlen = nl != NULL ? (size_t)(nl - text) : len;
    int col = pid_column(text, hlen);
    if (col < 0)
        return berth_error_new(err, 0, "ps: no PID column in the output of ps: %.*s", (int)hlen,
                               text);
    fprintf(out, "%.*s\n", (int)hlen, text);
    for (size_t i = nl != NULL ? hlen + 1 : len; i < len;) {
        const char *end = memchr(text + i, '\n', len - i);
        size_t l = end != NULL ? (size_t)(end - (text + i)) : len - i;
        long pid = l > 0 ? field_pid(text + i, l, col) : -1;
        if (l > 0 && pid < 0)
            return berth_error_new(err, 0, "ps: no pid in column %d of: %.*s", col + 1, (int)l,
                                   text + i);
        if (has_pid(pids, n, pid))
            fprintf(out, "%.*s\n", (int)l, text + i);
        i += l + 1;
    }
    return 0;
}

static int read_all_fd(int fd, char **ret, size_t *ret_len, berth_error **err)
{
    size_t cap = 16384, len = 0;
    _cleanup_free_ char *buf = malloc(cap);
    for (;;) {
        if (buf == NULL)
            return berth_error_new(err, ENOMEM, "ps output");
        ssize_t r = read(fd, buf + len, cap - len - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return berth_error_new(err, errno, "read the output of ps");
        if (r == 0)
            break;
        len += (size_t)r;
        if (len + 1 == cap) {
            char *b = realloc(buf, cap *= 2);
            if (b == NULL)
                return berth_error_new(err, ENOMEM, "ps output");
            buf = b;
        }
    }
    buf[len] = '\0';
    *ret = TAKE_PTR(buf);
    *ret_len = len;
    return 0;
}

/* Runs `ps args...` (from PATH) with stdout and stderr into one pipe. */
static int run_ps(char *const *args, char **ret, size_t *ret_len, berth_error **err)
{
    size_t n = 0;
    while (args[n] != NULL)
        n++;
    _cleanup_free_ char **argv = calloc(n + 2, sizeof(char *));
    if (argv == NULL)
        return berth_error_new(err, ENOMEM, "ps");
    argv[0] = "ps";
    memcpy(argv + 1, args, n * sizeof(char *));
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return berth_error_new(err, errno, "pipe2");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    pid_t pid;
    int r = posix_spawnp(&pid, "ps", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (r != 0) {
        close(p[0]);
        return berth_error_new(err, r, "ps: run `ps`");
    }
    r = read_all_fd(p[0], ret, ret_len, err);
    close(p[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return berth_error_new(err, errno, "waitpid ps");
    if (r == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
        r = berth_error_new(err, 0, "ps: `ps` failed (status %d): %.*s", status,
                            (int)strcspn(*ret, "\n"), *ret);
        free(*ret);
        *ret = NULL;
    }
    return r;
}

static int print_json(const pid_t *pids, size_t n, FILE *out)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%d", i ? "," : "", (int)pids[i]);
    fputs("]\n", out);
    return 0;
}

int berth_ps(const struct berth_context *ctx, const char *id, enum berth_ps_format format,
             char *const *ps_args, FILE *out, berth_error **err)
{
    static char *const default_args[] = {"-ef", NULL};
    struct berth_container *c = NULL;
    _cleanup_free_ pid_t *pids = NULL;
    _cleanup_free_ char *text = NULL;
    size_t n = 0, len = 0;
    if (berth_store_open(ctx, id, false, &c, err) < 0)
        return -1;
    const char *status = berth_container_status(c);
    int r = 0;
    if (strcmp(status, "stopped") == 0 || strcmp(status, "creating") == 0)
        r = berth_error_new(err, 0, "container \"%s\" is %s: container not running", id, status);
    if (r == 0)
        r = berth_container_pids(ctx, c, &pids, &n, err);
    berth_container_free(c);
    if (r < 0)
        return -1;
    if (format == BERTH_PS_JSON)
        return print_json(pids, n, out);
    if (run_ps(ps_args != NULL && ps_args[0] != NULL ? ps_args : default_args, &text, &len, err) <
        0)
        return -1;
    return berth_ps_filter(text, len, pids, n, out, err);
}
