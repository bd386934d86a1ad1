/* Passing one fd over a unix socket (SCM_RIGHTS): the sync protocol's
 * CONSOLE message and the console socket both use it. */
#ifndef BERTH_FDPASS_H
#define BERTH_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* sendmsg of data (len bytes) with fd attached; MSG_NOSIGNAL, EINTR retried.
 * Returns the bytes sent, or -1 with errno set. */
ssize_t berth_fd_send(int sock, const void *data, size_t len, int fd);

/* recvmsg into data; *ret_fd gets the one fd that came along (O_CLOEXEC), or
 * -1. Returns the bytes received, or -1 with errno set. */
ssize_t berth_fd_recv(int sock, void *data, size_t len, int *ret_fd);

#endif
