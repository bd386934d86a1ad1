#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdpass.h"

int berth_terminal_connect(const char *path, berth_error **err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path))
        return berth_error_new(err, ENAMETOOLONG, "console socket `%s`", path);
    strcpy(sa.sun_path, path);
    struct stat st;
    if (stat(path, &st) < 0)
        return berth_error_new(err, errno, "console socket `%s`", path);
    if (!S_ISSOCK(st.st_mode))
        return berth_error_new(err, ENOTSOCK, "console socket `%s`", path);
    _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return berth_error_new(err, errno, "socket for console socket `%s`", path);
    int r;
    do
        r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return berth_error_new(err, errno, "connect to console socket `%s`", path);
    return TAKE_FD(fd);
}

int berth_terminal_send_fd(int sock, int fd, berth_error **err)
{
    /* The receivers (conmon, containerd's go-runc, runc's recvtty) read the
     * name into a buffer and take the fd from the one control message. */
    static const char name[] = "/dev/ptmx";
    if (berth_fd_send(sock, name, sizeof(name) - 1, fd) < 0)
        return berth_error_new(err, errno, "send the pty master to the console socket");
    return 0;
}

int berth_terminal_send_to_socket(const char *path, int master, berth_error **err)
{
    _cleanup_close_ int sock = berth_terminal_connect(path, err);
    if (sock < 0)
        return -1;
    if (berth_terminal_send_fd(sock, master, err) < 0)
        return berth_error_wrap(err, "console socket `%s`", path);
    return 0;
}

int berth_terminal_check_options(bool detached, bool terminal, const char *console_socket,
                                 berth_error **err)
{
    if (detached && terminal && console_socket == NULL)
        return berth_error_new(err, 0,
                               "cannot allocate tty if berth will detach without setting "
                               "console socket");
    if ((!detached || !terminal) && console_socket != NULL)
        return berth_error_new(err, 0,
                               "cannot use console socket if berth will not detach or "
                               "allocate tty");
    return 0;
}

int berth_terminal_hand_off(int sock, int *master, const char *path, berth_error **err)
{
    if (berth_terminal_send_fd(sock, *master, err) < 0)
        return berth_error_wrap(err, "console socket `%s`", path);
    close(*master);
    *master = -1;
    return 0;
}

/* --- the foreground proxy ------------------------------------------------ */

static int host_tty(void)
{
    for (int fd = 0; fd <= 2; fd++)
        if (isatty(fd))
            return fd;
    return -1;
}

void berth_terminal_proxy_resize(const struct berth_terminal_proxy *p)
{
    struct winsize ws;
    if (p->host < 0 || ioctl(p->host, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0 || ws.ws_col == 0)
        return;
    (void)ioctl(p->master, TIOCSWINSZ, &ws);
}

int berth_terminal_proxy_begin(struct berth_terminal_proxy *p, int master, berth_error **err)
{
    memset(p, 0, sizeof(*p));
    p->master = master;
    p->host = host_tty();
    p->in.from = 0, p->in.to = master;
    p->out.from = master, p->out.to = 1;
    /* Non-blocking, so that a container that reads no input never stalls
     * berth's signal forwarding. The master is berth's own open file. */
    int fl = fcntl(master, F_GETFL);
    if (fl < 0 || fcntl(master, F_SETFL, fl | O_NONBLOCK) < 0)
        return berth_error_new(err, errno, "fcntl O_NONBLOCK on the pty master");
    if (isatty(0)) {
        if (tcgetattr(0, &p->saved) < 0)
            return berth_error_new(err, errno, "tcgetattr stdin");
        struct termios raw = p->saved;
        cfmakeraw(&raw);
        if (tcsetattr(0, TCSANOW, &raw) < 0)
            return berth_error_new(err, errno, "tcsetattr stdin (raw mode)");
        p->raw = true;
    }
    berth_terminal_proxy_resize(p);
    return 0;
}

void berth_terminal_proxy_end(struct berth_terminal_proxy *p)
{
    if (p->raw)
        (void)tcsetattr(0, TCSANOW, &p->saved);
    p->raw = false;
}

/* stdin ended and is not a terminal (a file, a pipe): the container sees the
 * end of its input too, as the line discipline's EOF character. */
static void send_eof(int master)
{
    struct termios t;
    if (tcgetattr(master, &t) == 0 && (t.c_lflag & ICANON))
        (void)!write(master, &t.c_cc[VEOF], 1);
}

static void pump_read(struct berth_pump *pm)
{
    ssize_t n = read(pm->from, pm->buf, sizeof(pm->buf));
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) { /* the end, or EIO once every peer of a pty is closed */
        pm->eof = true;
        return;
    }
    pm->off = 0;
    pm->len = pm->broken ? 0 : (size_t)n;
}

static void pump_write(struct berth_pump *pm)
{
    ssize_t n = write(pm->to, pm->buf + pm->off, pm->len - pm->off);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n < 0) {
        pm->broken = true;
        pm->off = pm->len = 0;
        return;
    }
    pm->off += (size_t)n;
    if (pm->off == pm->len)
        pm->off = pm->len = 0;
}

static void pump_pollfd(const struct berth_pump *pm, struct pollfd *fd)
{
    if (pm->len > 0)
        *fd = (struct pollfd){.fd = pm->to, .events = POLLOUT};
    else if (!pm->eof)
        *fd = (struct pollfd){.fd = pm->from, .events = POLLIN};
    else
        *fd = (struct pollfd){.fd = -1}; /* poll() skips it */
}

size_t berth_terminal_proxy_pollfds(const struct berth_terminal_proxy *p, struct pollfd *fds)
{
    pump_pollfd(&p->out, &fds[0]);
    pump_pollfd(&p->in, &fds[1]);
    return BERTH_TERMINAL_POLLFDS;
}

static void pump_io(struct berth_pump *pm, const struct pollfd *fd)
{
    if (fd->fd < 0 || fd->revents == 0)
        return;
    if (pm->len > 0)
        pump_write(pm);
    else
        pump_read(pm);
}

void berth_terminal_proxy_io(struct berth_terminal_proxy *p, const struct pollfd *fds)
{
    pump_io(&p->out, &fds[0]);
    bool was_eof = p->in.eof;
    pump_io(&p->in, &fds[1]);
    if (!was_eof && p->in.eof && !isatty(0))
        send_eof(p->master);
}

bool berth_terminal_proxy_done(const struct berth_terminal_proxy *p)
{
    return p->out.eof && p->out.len == 0;
}
