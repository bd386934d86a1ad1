#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "sync.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41) /* Linux 4.13 */
#endif

/* The peer's path inside the container: /dev/pts/<n> of this devpts. */
static int peer_path(int master, char *buf, size_t len, berth_error **err)
{
    unsigned n;
    if (ioctl(master, TIOCGPTN, &n) < 0)
        return berth_error_new(err, errno, "ioctl TIOCGPTN on `/dev/ptmx`");
    snprintf(buf, len, "/dev/pts/%u", n);
    return 0;
}

/* TIOCGPTPEER opens the peer through the master, so no path lookup can be
 * redirected to another devpts; older kernels get the path. */
static int open_peer(int master, const char *path, berth_error **err)
{
    int fd = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0)
        return fd;
    if (errno != EINVAL && errno != ENOTTY)
        return berth_error_new(err, errno, "ioctl TIOCGPTPEER on `/dev/ptmx`");
    fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return berth_error_new(err, errno, "open `%s`", path);
    return fd;
}

/* runc binds the peer onto /dev/console, so that programs writing to the
 * console reach the terminal. The placeholder is a regular file (mknod never
 * opens or follows an existing entry); move_mount does not follow a symlink
 * at the target. A read-only /dev that lacks the placeholder keeps no
 * /dev/console: the terminal itself still works. */
static int mount_console(const struct berth_context *ctx, const char *peer, berth_error **err)
{
    const struct berth_sysops *ops = ctx->ops;
    if (ops->mknodat(AT_FDCWD, "/dev/console", S_IFREG | 0666, 0) < 0 && errno != EEXIST) {
        if (errno == EROFS)
            return 0;
        return berth_error_new(err, errno, "create `/dev/console`");
    }
    int tree = ops->open_tree(AT_FDCWD, peer, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (tree < 0)
        return berth_error_new(err, errno, "open_tree `%s`", peer);
    int r = ops->move_mount(tree, "", AT_FDCWD, "/dev/console", MOVE_MOUNT_F_EMPTY_PATH);
    int saved = errno;
    berth_sysops_closep(ops, &tree);
    if (r < 0)
        return berth_error_new(err, saved, "bind `%s` onto `/dev/console`", peer);
    return 0;
}

/* The peer becomes the controlling terminal of a new session and fds 0-2. */
static int become_stdio(int peer, uid_t uid, berth_error **err)
{
    if (setsid() < 0)
        return berth_error_new(err, errno, "setsid");
    if (ioctl(peer, TIOCSCTTY, 0) < 0)
        return berth_error_new(err, errno, "ioctl TIOCSCTTY");
    for (int fd = 0; fd <= 2; fd++) {
        int r = fd == peer ? fcntl(fd, F_SETFD, 0) : dup2(peer, fd);
        if (r < 0)
            return berth_error_new(err, errno, "dup2 the terminal onto fd %d", fd);
    }
    /* As runc: the process owns its terminal, so it can reopen /dev/tty. */
    if (uid != 0 && fchown(0, uid, (gid_t)-1) < 0)
        return berth_error_new(err, errno, "fchown the terminal to uid %u", (unsigned)uid);
    return 0;
}

static int set_size(int fd, const berth_process_config *p, berth_error **err)
{
    if (p->console_height == 0 && p->console_width == 0)
        return 0;
    struct winsize ws = {.ws_row = (unsigned short)p->console_height,
                         .ws_col = (unsigned short)p->console_width};
    if (ioctl(fd, TIOCSWINSZ, &ws) < 0)
        return berth_error_new(err, errno, "ioctl TIOCSWINSZ (process.consoleSize)");
    return 0;
}

int berth_console_setup(const struct berth_context *ctx, const berth_process_config *p, int sock,
                        bool bind_console, berth_error **err)
{
    _cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        return berth_error_new(err, errno, "open `/dev/ptmx`");
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
        return berth_error_new(err, errno, "ioctl TIOCSPTLCK (unlockpt)");
    char path[64];
    if (peer_path(master, path, sizeof(path), err) < 0)
        return -1;
    _cleanup_close_ int peer = open_peer(master, path, err);
    if (peer < 0 || set_size(peer, p, err) < 0 ||
        (bind_console && mount_console(ctx, path, err) < 0) ||
        berth_sync_send_fd(sock, BERTH_SYNC_CONSOLE, master, err) < 0 ||
        become_stdio(peer, p->uid, err) < 0)
        return -1;
    /* fds 0-2 keep the terminal; the peer itself goes, unless it is one of them. */
    if (peer <= 2)
        peer = -1;
    return 0;
}
