/* The pure and unprivileged parts of process.terminal and fd passing:
 * LISTEN_FDS (runtime/listen_fds.c), the console socket (runtime/terminal.c)
 * and the CONSOLE message of the sync protocol (runtime/sync.c). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "runtime/listen_fds.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"

Test(listen_fds, honoured_only_for_berths_own_pid)
{
    cr_assert_eq(berth_listen_fds_parse("42", "3", 42), 3);
    cr_assert_eq(berth_listen_fds_parse("41", "3", 42), 0);
    cr_assert_eq(berth_listen_fds_parse(NULL, "3", 42), 0);
    cr_assert_eq(berth_listen_fds_parse("42", NULL, 42), 0);
    cr_assert_eq(berth_listen_fds_parse("42", "0", 42), 0);
    cr_assert_eq(berth_listen_fds_parse("42", "-1", 42), 0);
    cr_assert_eq(berth_listen_fds_parse("42", "2x", 42), 0);
    cr_assert_eq(berth_listen_fds_parse("42", "99999999999999999999", 42), 0);
    cr_assert_eq(berth_listen_fds_parse("+42", "1", 42), 0);
}

Test(listen_fds, env_replaces_old_values_and_keeps_the_rest)
{
    char *env[] = {"PATH=/bin", "LISTEN_FDS=9", "A=1", "LISTEN_PID=7", "LISTEN_FDNAMES=x", NULL};
    char **out = NULL;
    berth_error *err = NULL;
    cr_assert_eq(berth_listen_env(env, 2, 1, &out, &err), 0);
    cr_assert_str_eq(out[0], "PATH=/bin");
    cr_assert_str_eq(out[1], "A=1");
    cr_assert_str_eq(out[2], "LISTEN_FDS=2");
    cr_assert_str_eq(out[3], "LISTEN_PID=1");
    cr_assert_null(out[4]);
    free(out);
}

Test(listen_fds, env_from_nothing)
{
    char **out = NULL;
    berth_error *err = NULL;
    cr_assert_eq(berth_listen_env(NULL, 1, 300, &out, &err), 0);
    cr_assert_str_eq(out[0], "LISTEN_FDS=1");
    cr_assert_str_eq(out[1], "LISTEN_PID=300");
    cr_assert_null(out[2]);
    free(out);
}

Test(listen_fds, check_names_the_missing_fd)
{
    berth_error *err = NULL;
    int fd = 3;
    while (fcntl(fd, F_GETFD) >= 0) /* the first closed fd at or above 3 */
        fd++;
    cr_assert_lt(berth_fds_check(0, fd - 2, &err), 0);
    char want[64];
    snprintf(want, sizeof(want), "--preserve-fds %d: fd %d: Bad file descriptor", fd - 2, fd);
    cr_assert_str_eq(err->msg, want);
    berth_error_free(&err);
    cr_assert_eq(berth_fds_check(0, fd - 3, &err), 0);
}

static char *tmp_path(const char *name)
{
    char *p;
    cr_assert_geq(asprintf(&p, "/tmp/berth-unit-%d-%s", (int)getpid(), name), 0);
    unlink(p);
    return p;
}

Test(console_socket, not_a_socket_and_missing_are_named)
{
    char *file = tmp_path("file");
    close(open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
    berth_error *err = NULL;
    cr_assert_lt(berth_terminal_connect(file, &err), 0);
    char *want;
    cr_assert_geq(asprintf(&want, "console socket `%s`: Socket operation on non-socket", file), 0);
    cr_assert_str_eq(err->msg, want);
    berth_error_free(&err);
    unlink(file);
    cr_assert_lt(berth_terminal_send_to_socket(file, 0, &err), 0);
    cr_assert(strstr(err->msg, "No such file or directory") != NULL, "%s", err->msg);
    berth_error_free(&err);
    free(want);
    free(file);
}

/* What conmon and containerd-shim read: the name as payload, one fd. */
Test(console_socket, sends_one_fd_with_the_name)
{
    char *path = tmp_path("sock");
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, path);
    cr_assert_eq(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
    cr_assert_eq(listen(l, 1), 0);
    int pipefd[2];
    cr_assert_eq(pipe2(pipefd, O_CLOEXEC), 0);
    berth_error *err = NULL;
    cr_assert_eq(berth_terminal_send_to_socket(path, pipefd[1], &err), 0);
    int c = accept(l, NULL, NULL);
    char name[64] = {0};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {.iov_base = name, .iov_len = sizeof(name) - 1};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
    cr_assert_eq(recvmsg(c, &mh, 0), (ssize_t)strlen("/dev/ptmx"));
    cr_assert_str_eq(name, "/dev/ptmx");
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cr_assert_not_null(cm);
    cr_assert_eq(cm->cmsg_type, SCM_RIGHTS);
    int got;
    memcpy(&got, CMSG_DATA(cm), sizeof(got));
    cr_assert_eq(write(got, "x", 1), 1);
    char b;
    cr_assert_eq(read(pipefd[0], &b, 1), 1);
    cr_assert_eq(b, 'x');
    unlink(path);
    free(path);
}

/* A sync socketpair whose sp[0] end has a CONSOLE message with pipefd[1]. */
static void send_console(int sp[2], int pipefd[2])
{
    cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
    cr_assert_eq(pipe2(pipefd, O_CLOEXEC), 0);
    berth_error *err = NULL;
    cr_assert_eq(berth_sync_send_fd(sp[1], BERTH_SYNC_CONSOLE, pipefd[1], &err), 0);
}

Test(sync, console_message_carries_the_fd)
{
    int sp[2], pipefd[2];
    send_console(sp, pipefd);
    berth_error *err = NULL;
    int fd = -1;
    cr_assert_eq(berth_sync_wait_fd(sp[0], -1, BERTH_SYNC_CONSOLE, &fd, &err), 0);
    cr_assert_geq(fd, 0);
    cr_assert_eq(fcntl(fd, F_GETFD), FD_CLOEXEC);
    struct stat a, b;
    fstat(fd, &a);
    fstat(pipefd[1], &b);
    cr_assert_eq(a.st_ino, b.st_ino);
}

Test(sync, an_fd_with_the_wrong_message_is_closed)
{
    int sp[2], pipefd[2];
    send_console(sp, pipefd);
    berth_error *err = NULL;
    close(pipefd[1]);
    cr_assert_lt(berth_sync_wait(sp[0], -1, BERTH_SYNC_READY, &err), 0);
    cr_assert_str_eq(err->msg, "container init protocol: expected READY, got CONSOLE");
    berth_error_free(&err);
    /* Every write end is closed: the received copy did not leak. */
    char c;
    cr_assert_eq(read(pipefd[0], &c, 1), 0);
    /* CONSOLE without an fd is a protocol error too. */
    cr_assert_eq(berth_sync_send(sp[1], BERTH_SYNC_CONSOLE, &err), 0);
    int fd = -1;
    cr_assert_lt(berth_sync_wait_fd(sp[0], -1, BERTH_SYNC_CONSOLE, &fd, &err), 0);
    cr_assert_str_eq(err->msg, "container init protocol: CONSOLE without an fd");
    berth_error_free(&err);
}
