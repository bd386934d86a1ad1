/* A seccomp notify agent for the integration tests (SCMP_ACT_NOTIFY).
 *
 * usage: berth-seccomp-listener SOCKET OUT ERRNO
 * Binds SOCKET, takes one connection from the runtime, receives the
 * listener fd (SCM_RIGHTS) with the container process state JSON, writes
 * the JSON and then one "syscall N" line per notification to OUT, and
 * answers each with -ERRNO, until every process of the filter is gone. */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int receive(const char *path, FILE *out)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (srv < 0 || bind(srv, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(srv, 1) < 0)
        return -1;
    int c = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0)
        return -1;
    static char buf[1 << 16];
    union {
        char b[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf) - 1};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b)};
    ssize_t n = recvmsg(c, &mh, MSG_CMSG_CLOEXEC);
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    if (n <= 0 || cm == NULL || cm->cmsg_type != SCM_RIGHTS)
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(cm), sizeof(int));
    buf[n] = '\0';
    fprintf(out, "%s\n", buf);
    fflush(out);
    close(c);
    close(srv);
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: berth-seccomp-listener SOCKET OUT ERRNO\n");
        return 2;
    }
    FILE *out = fopen(argv[2], "w");
    int fd = out != NULL ? receive(argv[1], out) : -1;
    if (fd < 0) {
        perror("berth-seccomp-listener");
        return 1;
    }
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, -1) < 0 || (p.revents & (POLLHUP | POLLERR)))
            break;
        struct seccomp_notif req;
        memset(&req, 0, sizeof(req));
        if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
            continue;
        fprintf(out, "syscall %d\n", req.data.nr);
        fflush(out);
        struct seccomp_notif_resp resp = {.id = req.id, .error = -atoi(argv[3])};
        ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    }
    return 0;
}
