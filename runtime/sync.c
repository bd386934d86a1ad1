#include "sync.h"

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const char *type_name(uint32_t t)
{
    switch (t) {
    case BERTH_SYNC_READY: return "READY";
    case BERTH_SYNC_START: return "START";
    case BERTH_SYNC_ERROR: return "ERROR";
    default: return "unknown";
    }
}

void berth_sync_send_error(int sock, const berth_error *err)
{
    struct berth_sync_msg m = {.type = BERTH_SYNC_ERROR, .errnum = err->errnum,
                               .status = err->status};
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

static int receive(int sock, int pidfd, struct berth_sync_msg *m, berth_error **err)
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
    ssize_t r = recv(sock, m, sizeof(*m), 0);
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
    struct berth_sync_msg m;
    if (receive(sock, pidfd, &m, err) < 0)
        return -1;
    if (m.type == expected)
        return 0;
    if (m.type == BERTH_SYNC_ERROR) {
        int r = berth_error_new_status(err, m.status ? m.status : 1, 0, "%s", m.text);
        (*err)->errnum = m.errnum;
        return r;
    }
    return berth_error_new(err, 0, "container init protocol: expected %s, got %s",
                           type_name(expected), type_name(m.type));
}
