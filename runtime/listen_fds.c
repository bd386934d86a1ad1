#include "listen_fds.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long parse_positive(const char *s)
{
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return *end != '\0' || errno != 0 ? -1 : v;
}

int berth_listen_fds_parse(const char *listen_pid, const char *listen_fds, pid_t self)
{
    long pid = parse_positive(listen_pid);
    long n = parse_positive(listen_fds);
    /* fd numbers are ints; more than that many fds cannot be open anyway. */
    if (pid != (long)self || n <= 0 || n > INT_MAX - 3)
        return 0;
    return (int)n;
}

int berth_fds_check(int listen_fds, int preserve_fds, berth_error **err)
{
    for (int i = 0; i < listen_fds + preserve_fds; i++) {
        if (fcntl(3 + i, F_GETFD) >= 0)
            continue;
        if (i < listen_fds)
            return berth_error_new(err, errno, "LISTEN_FDS=%d: fd %d", listen_fds, 3 + i);
        return berth_error_new(err, errno, "--preserve-fds %d: fd %d", preserve_fds, 3 + i);
    }
    return 0;
}

static int is_listen_var(const char *e)
{
    static const char *const names[] = {"LISTEN_FDS=", "LISTEN_PID=", "LISTEN_FDNAMES="};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strncmp(e, names[i], strlen(names[i])) == 0)
            return 1;
    return 0;
}

int berth_listen_env(char *const *env, int n, pid_t pid, char ***ret, berth_error **err)
{
    size_t len = 0;
    while (env != NULL && env[len] != NULL)
        len++;
    /* Two new entries, the terminator, and two strings in the same block. */
    size_t strings = 2 * 32;
    char **out = malloc((len + 3) * sizeof(char *) + strings);
    if (out == NULL)
        return berth_error_new(err, ENOMEM, "LISTEN_FDS environment");
    size_t j = 0;
    for (size_t i = 0; i < len; i++)
        if (!is_listen_var(env[i]))
            out[j++] = env[i];
    char *s = (char *)(out + len + 3);
    snprintf(s, 32, "LISTEN_FDS=%d", n);
    snprintf(s + 32, 32, "LISTEN_PID=%d", (int)pid);
    out[j++] = s;
    out[j++] = s + 32;
    out[j] = NULL;
    *ret = out;
    return 0;
}
