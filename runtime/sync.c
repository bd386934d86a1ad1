#include "sync.h"

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdpass.h"

static const char *type_name(uint32_t t)
{
    switch (t) {
    case BERTH_SYNC_READY: return "READY";
    case BERTH_SYNC_START: return "START";
    case BERTH_SYNC_ERROR: return "ERROR";
    case BERTH_SYNC_CONSOLE: return "CONSOLE";
    case BERTH_SYNC_MAPS_DONE: return "MAPS_DONE";
    case BERTH_SYNC_SECCOMP_FD: return "SECCOMP_FD";
    case BERTH_SYNC_HOOKS: return "HOOKS";
    case BERTH_SYNC_HOOKS_DONE: return "HOOKS_DONE";
    case BERTH_SYNC_INIT_PIDFD: return "INIT_PIDFD";
    default: return "unknown";
    }
}

void berth_sync_send_error(int sock, const berth_error *err)
{
    struct berth_sync_msg m = {
        .type = BERTH_SYNC_ERROR, .errnum = err->errnum, .status = err->status};
    snprintf(m.text, sizeof(m.text), "%s", err->msg);
    (void)!send(sock, &m, sizeof(m), MSG_NOSIGNAL);
}

int berth_sync_send(int sock, enum berth_sync_type type, berth_error **err)
{
    struct berth_sync_msg m = {.type = type};
    /* Only the header matters for non-ERROR messages. */
    if (send(sock, &m, offsetof(struct berth_sync_msg, text), MSG_NOSIGNAL) < 0)
        return berth_error_new(err, errno, "send %s to the container init", type_name(type));
    return 0;
}

int berth_sync_send_fd(int sock, enum berth_sync_type type, int fd, berth_error **err)
{
    struct berth_sync_msg m = {.type = type};
    if (berth_fd_send(sock, &m, offsetof(struct berth_sync_msg, text), fd) < 0)
        return berth_error_new(err, errno, "send %s to the parent", type_name(type));
    return 0;
}

static int receive(int sock, int pidfd, struct berth_sync_msg *m, int *ret_fd, berth_error **err)
{
    struct pollfd fds[2] = {{.fd = sock, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
    for (;;) {
        int n = poll(fds, pidfd >= 0 ? 2 : 1, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return berth_error_new(err, errno, "poll the container init");
        /* A message that arrived before the child died still wins. */
        if (fds[0].revents & (POLLIN | POLLHUP))
            break;
        if (fds[1].revents & POLLIN)
            return berth_error_new(err, 0, "container init exited before it was ready");
    }
    memset(m, 0, sizeof(*m));
    ssize_t r = berth_fd_recv(sock, m, sizeof(*m), ret_fd);
    if (r < 0)
        return berth_error_new(err, errno, "receive from the container init");
    if (r == 0)
        return berth_error_new(err, 0, "container init exited before it was ready");
    if ((size_t)r < offsetof(struct berth_sync_msg, text))
        return berth_error_new(err, 0, "short message from the container init");
    m->text[sizeof(m->text) - 1] = '\0';
    return 0;
}

int berth_sync_wait(int sock, int pidfd, enum berth_sync_type expected, berth_error **err)
{
    return berth_sync_wait_fd(sock, pidfd, expected, NULL, err);
}

int berth_sync_wait_fd(int sock, int pidfd, enum berth_sync_type expected, int *ret_fd,
                       berth_error **err)
{
    struct berth_sync_msg m;
    int fd = -1;
    if (receive(sock, pidfd, &m, &fd, err) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (m.type == expected && (ret_fd == NULL || fd >= 0)) {
        if (ret_fd != NULL)
            *ret_fd = fd;
        else if (fd >= 0)
            close(fd);
        return 0;
    }
    if (fd >= 0)
        close(fd);
    if (m.type == expected)
        return berth_error_new(err, 0, "container init protocol: %s without an fd",
                               type_name(expected));
    if (m.type == BERTH_SYNC_ERROR) {
        int r = berth_error_new_status(err, m.status ? m.status : 1, 0, "%s", m.text);
        (*err)->errnum = m.errnum;
        return r;
    }
    return berth_error_new(err, 0, "container init protocol: expected %s, got %s",
                           type_name(expected), type_name(m.type));
}

int berth_sync_send_blob(int sock, enum berth_sync_type type, const void *data, size_t len,
                         berth_error **err)
{
    if (berth_sync_send(sock, type, err) < 0)
        return -1;
    if (send(sock, data, len, MSG_NOSIGNAL) < 0)
        return berth_error_new(err, errno, "send %s (%zu bytes)", type_name(type), len);
    return 0;
}

int berth_sync_wait_blob(int sock, int pidfd, enum berth_sync_type expected, char **ret,
                         berth_error **err)
{
    if (berth_sync_wait(sock, pidfd, expected, err) < 0)
        return -1;
    /* The blob follows its header (a peer that dies in between: n == 0). */
    ssize_t n = recv(sock, NULL, 0, MSG_PEEK | MSG_TRUNC);
    if (n < 0 || n > (1 << 20))
        return berth_error_new(err, n < 0 ? errno : EMSGSIZE, "receive %s", type_name(expected));
    char *buf = malloc((size_t)n + 1);
    if (buf == NULL)
        return berth_error_new(err, ENOMEM, "receive %s", type_name(expected));
    if (recv(sock, buf, (size_t)n, 0) != n) {
        free(buf);
        return berth_error_new(err, errno, "receive %s", type_name(expected));
    }
    buf[n] = '\0';
    *ret = buf;
    return 0;
}
