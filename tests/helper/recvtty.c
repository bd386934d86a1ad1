/* recvtty: a console socket for tests, like runc's recvtty.
 *
 * usage: recvtty [--send TEXT] [--timeout SECS] SOCKET_PATH
 *
 * Listens on SOCKET_PATH (it appears only once it accepts connections),
 * takes one connection, receives the pty master that the runtime sends with
 * SCM_RIGHTS, removes SOCKET_PATH and prints "recvtty: got NAME" on stderr
 * (NAME is the message's payload). Then it copies the master to stdout until
 * the container side hangs up. With --send, TEXT is written to the master
 * first and stdin is ignored; without it, stdin is copied to the master.
 * --timeout SECS ends it with status 124. Exit 0 once the terminal closed. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *prog = "recvtty";

static int die(const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
    return 1;
}

/* Binds a temporary name and renames it into place after listen(), so a
 * runtime that sees SOCKET_PATH can always connect. */
static int listen_at(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char tmp[sizeof(sa.sun_path)];
    if (snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid()) >= (int)sizeof(tmp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, tmp);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0 ||
        rename(tmp, path) < 0)
        return -1;
    return fd;
}

static int receive_fd(int conn)
{
    char name[4096];
    struct iovec iov = {.iov_base = name, .iov_len = sizeof(name) - 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
    ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
    if (n < 0)
        return -1;
    name[n] = '\0';
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
        errno = EBADMSG;
        return -1;
    }
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof(fd));
    fprintf(stderr, "%s: got %s\n", prog, name);
    return fd;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n, len -= (size_t)n;
    }
    return 0;
}

/* master -> stdout, and stdin -> master while use_stdin, until EIO/EOF. */
static int copy(int master, int use_stdin)
{
    char buf[4096];
    for (;;) {
        struct pollfd fds[2] = {{.fd = master, .events = POLLIN},
                                {.fd = use_stdin ? 0 : -1, .events = POLLIN}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return die("poll");
        }
        if (fds[0].revents) {
            ssize_t n = read(master, buf, sizeof(buf));
            if (n <= 0) /* EIO: every peer closed */
                return 0;
            if (write_all(1, buf, (size_t)n) < 0)
                return die("write stdout");
        }
        if (fds[1].revents) {
            ssize_t n = read(0, buf, sizeof(buf));
            if (n <= 0)
                use_stdin = 0;
            else if (write_all(master, buf, (size_t)n) < 0)
                return die("write master");
        }
    }
}

int main(int argc, char **argv)
{
    const char *send = NULL;
    int i = 1;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (strcmp(argv[i], "--send") == 0)
            send = argv[i + 1];
        else if (strcmp(argv[i], "--timeout") == 0)
            alarm((unsigned)atoi(argv[i + 1]));
        else
            break;
    }
    if (i != argc - 1) {
        fprintf(stderr, "usage: %s [--send TEXT] [--timeout SECS] SOCKET_PATH\n", prog);
        return 2;
    }
    signal(SIGALRM, SIG_DFL);
    int lfd = listen_at(argv[i]);
    if (lfd < 0)
        return die(argv[i]);
    int conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    unlink(argv[i]);
    if (conn < 0)
        return die("accept");
    int master = receive_fd(conn);
    if (master < 0)
        return die("receive the pty master");
    close(conn);
    close(lfd);
    if (send != NULL && write_all(master, send, strlen(send)) < 0)
        return die("write master");
    return copy(master, send == NULL);
}
