/* berth-helper: the multi-tool the integration tests run inside containers.
 *
 * One static binary with plain libc, so the test image needs nothing else to
 * report what a container sees (namespaces, ids, capabilities, mounts, fds)
 * and to behave in chosen ways (exit codes, signals, sleeping). Output is one
 * fact per line so shell tests can grep it. Errors go to stderr as
 * "berth-helper: <what>: <ERRNO NAME>" with exit status 1; usage errors exit 2.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *prog = "berth-helper";

/* The errno's symbolic name, which tests match on, rather than its text. */
static const char *errno_name(int e)
{
    switch (e) {
    case 0: return "OK";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case EBADF: return "EBADF";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENOSPC: return "ENOSPC";
    case EROFS: return "EROFS";
    case ENOSYS: return "ENOSYS";
    case ENOTSUP: return "ENOTSUP";
    case ETXTBSY: return "ETXTBSY";
    default: return "EOTHER";
    }
}

static int fail(const char *what, const char *arg)
{
    int e = errno;
    fprintf(stderr, "%s: %s %s: %s (%s)\n", prog, what, arg, errno_name(e), strerror(e));
    return 1;
}

static int usage(const char *msg)
{
    fprintf(stderr, "%s: %s\n", prog, msg);
    return 2;
}

static int copy_fd(int fd)
{
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
            return -1;
    return n < 0 ? -1 : 0;
}

static int cat_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail("open", path);
    int r = copy_fd(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return r < 0 ? fail("read", path) : 0;
}

/* Signal names without the SIG prefix, as `kill -l` prints them. */
static const struct {
    const char *name;
    int num;
} signals[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"BUS", SIGBUS},     {"FPE", SIGFPE},
    {"KILL", SIGKILL},     {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},     {"ALRM", SIGALRM}, {"TERM", SIGTERM},   {"CHLD", SIGCHLD},
    {"CONT", SIGCONT},     {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU},     {"URG", SIGURG},   {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},
    {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"SYS", SIGSYS},
};

static int parse_signal(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (*s != '\0' && *end == '\0')
        return n > 0 && n < NSIG ? (int)n : -1;
    if (strncmp(s, "SIG", 3) == 0)
        s += 3;
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
        if (strcmp(signals[i].name, s) == 0)
            return signals[i].num;
    return -1;
}

static const char *signal_name(int sig)
{
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
        if (signals[i].num == sig)
            return signals[i].name;
    return "UNKNOWN";
}

/* `ns`: "<type> <inode>" for each /proc/self/ns entry, to compare with the
 * host's or another process's. */
static int cmd_ns(int argc, char **argv)
{
    DIR *d = opendir("/proc/self/ns");
    if (d == NULL)
        return fail("opendir", "/proc/self/ns");
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[PATH_MAX], target[256];
        snprintf(path, sizeof(path), "/proc/self/ns/%s", de->d_name);
        ssize_t n = readlink(path, target, sizeof(target) - 1);
        if (n < 0)
            continue;
        target[n] = '\0';
        /* "net:[4026531840]" -> "net 4026531840" */
        char *lb = strchr(target, '[');
        unsigned long long ino = lb != NULL ? strtoull(lb + 1, NULL, 10) : 0;
        printf("%s %llu\n", de->d_name, ino);
    }
    closedir(d);
    return 0;
}

static int cmd_pid(int argc, char **argv)
{
    printf("%d\n", (int)getpid());
    return 0;
}

static int cmd_hostname(int argc, char **argv)
{
    struct utsname u;
    if (uname(&u) < 0)
        return fail("uname", "");
    printf("%s\n", u.nodename);
    return 0;
}

static int cmd_domainname(int argc, char **argv)
{
    struct utsname u;
    if (uname(&u) < 0)
        return fail("uname", "");
    printf("%s\n", u.domainname);
    return 0;
}

/* `ids`: "uid=U euid=U gid=G egid=G groups=A,B" (groups empty when none). */
static int cmd_ids(int argc, char **argv)
{
    gid_t groups[256];
    int n = getgroups(256, groups);
    if (n < 0)
        return fail("getgroups", "");
    printf("uid=%u euid=%u gid=%u egid=%u groups=", (unsigned)getuid(), (unsigned)geteuid(),
           (unsigned)getgid(), (unsigned)getegid());
    for (int i = 0; i < n; i++)
        printf("%s%u", i ? "," : "", (unsigned)groups[i]);
    printf("\n");
    return 0;
}

/* Prints the lines of /proc/self/status whose field is in `fields`. */
static int status_fields(const char *const *fields, size_t nfields)
{
    FILE *f = fopen("/proc/self/status", "re");
    if (f == NULL)
        return fail("open", "/proc/self/status");
    char line[1024];
    int found = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        char *colon = strchr(line, ':');
        if (colon == NULL)
            continue;
        for (size_t i = 0; i < nfields; i++) {
            size_t len = strlen(fields[i]);
            if ((size_t)(colon - line) == len && strncmp(line, fields[i], len) == 0) {
                fputs(line, stdout);
                found++;
            }
        }
    }
    fclose(f);
    if (found == 0) {
        fprintf(stderr, "%s: no such field in /proc/self/status\n", prog);
        return 1;
    }
    return 0;
}

static int cmd_caps(int argc, char **argv)
{
    static const char *const caps[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"};
    return status_fields(caps, 5);
}

static int cmd_status(int argc, char **argv)
{
    if (argc < 1)
        return usage("status FIELD");
    return status_fields((const char *const *)argv, 1);
}

static int cmd_limits(int argc, char **argv)
{
    return cat_file("/proc/self/limits");
}

static int cmd_mounts(int argc, char **argv)
{
    return cat_file("/proc/self/mountinfo");
}

/* `fds`: "N TARGET" for each open fd, leaving out the one used to list them. */
static int cmd_fds(int argc, char **argv)
{
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return fail("opendir", "/proc/self/fd");
    int own = dirfd(d);
    int fds[1024];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && n < 1024) {
        if (de->d_name[0] == '.')
            continue;
        int fd = atoi(de->d_name);
        if (fd != own)
            fds[n++] = fd;
    }
    /* readdir's order is the kernel's; sort so output is stable. */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
            int t = fds[j];
            fds[j] = fds[j - 1];
            fds[j - 1] = t;
        }
    for (int i = 0; i < n; i++) {
        char path[64], target[PATH_MAX];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i]);
        ssize_t len = readlink(path, target, sizeof(target) - 1);
        if (len < 0)
            len = 0;
        target[len] = '\0';
        printf("%d %s\n", fds[i], target);
    }
    closedir(d);
    return 0;
}

static int cmd_cwd(int argc, char **argv)
{
    char buf[PATH_MAX];
    if (getcwd(buf, sizeof(buf)) == NULL)
        return fail("getcwd", "");
    printf("%s\n", buf);
    return 0;
}

static int cmd_env(int argc, char **argv)
{
    for (char **e = environ; *e != NULL; e++)
        printf("%s\n", *e);
    return 0;
}

static int cmd_sleep(int argc, char **argv)
{
    if (argc < 1)
        return usage("sleep SECS");
    double secs = strtod(argv[0], NULL);
    struct timespec ts = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    return 0;
}

static int cmd_exit(int argc, char **argv)
{
    if (argc < 1)
        return usage("exit CODE");
    fflush(stdout);
    _exit(atoi(argv[0]) & 0xff);
}

/* `kill-self SIG`: die by SIG. The init of a pid namespace ignores signals it
 * has no handler for when they come from inside its namespace, itself
 * included; so as pid 1 only a fault the kernel raises (SEGV) can kill it.
 * Any other signal then fails loudly with 125 instead of exiting quietly. */
static int cmd_kill_self(int argc, char **argv)
{
    int sig = argc < 1 ? -1 : parse_signal(argv[0]);
    if (sig < 0)
        return usage("kill-self SIG");
    fflush(stdout);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    if (sig == SIGSEGV && getpid() == 1) {
        volatile int *volatile nowhere = NULL;
        *nowhere = 1;
    }
    kill(getpid(), sig);
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
    fprintf(stderr, "%s: still alive after SIG%s (pid %d)\n", prog, signal_name(sig),
            (int)getpid());
    return 125;
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig;
}

/* `trap SIG...`: prints "ready", then the name of each listed signal as it
 * arrives; exits 0 after SIGTERM. SIGTERM is always trapped. */
static int cmd_trap(int argc, char **argv)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    for (int i = 0; i < argc; i++) {
        int sig = parse_signal(argv[i]);
        if (sig < 0 || sig == SIGKILL || sig == SIGSTOP)
            return usage("trap: signal cannot be trapped");
        sigaddset(&set, sig);
    }
    /* Block them all until the handlers are in, so none is lost before "ready". */
    sigprocmask(SIG_BLOCK, &set, &old);
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    for (int sig = 1; sig < NSIG; sig++)
        if (sigismember(&set, sig) == 1)
            sigaction(sig, &sa, NULL);
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        sigsuspend(&old);
        int sig = got_signal;
        got_signal = 0;
        if (sig == 0)
            continue;
        printf("%s\n", signal_name(sig));
        fflush(stdout);
        if (sig == SIGTERM)
            return 0;
    }
}

static int cmd_write(int argc, char **argv)
{
    if (argc < 2)
        return usage("write PATH TEXT");
    int fd = open(argv[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail("open", argv[0]);
    size_t len = strlen(argv[1]);
    ssize_t n = write(fd, argv[1], len);
    int saved = errno;
    close(fd);
    errno = saved;
    if (n != (ssize_t)len)
        return fail("write", argv[0]);
    return 0;
}

static int cmd_cat(int argc, char **argv)
{
    if (argc < 1)
        return usage("cat PATH");
    return cat_file(argv[0]);
}

static int cmd_umask(int argc, char **argv)
{
    mode_t m = umask(0);
    umask(m);
    printf("%04o\n", (unsigned)m);
    return 0;
}

/* `session-keyring`: the serial of this process's session keyring. */
static int cmd_session_keyring(int argc, char **argv)
{
    long id =
        syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* KEY_SPEC_SESSION_KEYRING */, 0);
    if (id < 0)
        return perror("keyctl"), 1;
    printf("%ld\n", id);
    return 0;
}

/* `stat PATH`: "<type> <major>:<minor> <mode>", lstat()'s view. */
static int cmd_stat(int argc, char **argv)
{
    struct stat st;
    if (argc < 1)
        return usage("stat PATH");
    if (lstat(argv[0], &st) < 0)
        return fail("stat", argv[0]);
    const char *type = S_ISCHR(st.st_mode)    ? "char"
                       : S_ISBLK(st.st_mode)  ? "block"
                       : S_ISDIR(st.st_mode)  ? "dir"
                       : S_ISLNK(st.st_mode)  ? "symlink"
                       : S_ISFIFO(st.st_mode) ? "fifo"
                       : S_ISSOCK(st.st_mode) ? "socket"
                                              : "file";
    printf("%s %u:%u %04o\n", type, major(st.st_rdev), minor(st.st_rdev),
           (unsigned)(st.st_mode & 07777));
    return 0;
}

/* `link IFACE`: "IFACE up" or "IFACE down", from SIOCGIFFLAGS. */
static int cmd_link(int argc, char **argv)
{
    if (argc < 1)
        return usage("link IFACE");
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return fail("socket", "AF_INET");
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[0]);
    int r = ioctl(s, SIOCGIFFLAGS, &ifr);
    int saved = errno;
    close(s);
    errno = saved;
    if (r < 0)
        return fail("SIOCGIFFLAGS", argv[0]);
    printf("%s %s\n", argv[0], (ifr.ifr_flags & IFF_UP) ? "up" : "down");
    return 0;
}

/* `syscall-errno NAME`: tries one privileged operation and prints the errno
 * name it got ("OK" on success, after undoing it), for seccomp, capability
 * and read-only checks. */
static int cmd_syscall_errno(int argc, char **argv)
{
    if (argc < 1)
        return usage("syscall-errno mknod|chmod|chown|mount|sethostname|chroot|unshare");
    const char *name = argv[0];
    const char *node = "/tmp/.berth-helper-node";
    int r;
    if (strcmp(name, "mknod") == 0) {
        r = mknod(node, S_IFCHR | 0600, makedev(1, 3));
        if (r == 0)
            unlink(node);
    } else if (strcmp(name, "chmod") == 0) {
        r = chmod("/", 0755);
    } else if (strcmp(name, "chown") == 0) {
        r = chown("/", 0, 0);
    } else if (strcmp(name, "mount") == 0) {
        r = mount("none", "/tmp", "tmpfs", 0, NULL);
        if (r == 0)
            umount2("/tmp", MNT_DETACH);
    } else if (strcmp(name, "sethostname") == 0) {
        char host[HOST_NAME_MAX + 1] = "";
        gethostname(host, sizeof(host));
        r = sethostname(host, strlen(host));
    } else if (strcmp(name, "chroot") == 0) {
        r = chroot("/");
    } else if (strcmp(name, "unshare") == 0) {
        r = unshare(CLONE_NEWUTS);
    } else {
        return usage("syscall-errno: unknown syscall name");
    }
    printf("%s\n", errno_name(r == 0 ? 0 : errno));
    return 0;
}

/* `reopen-write PATH [WAIT_FILE]`: the CVE-2019-5736 move: an O_PATH
 * handle on PATH (e.g. /proc/<pid>/exe of a runtime process), kept until
 * WAIT_FILE exists (the runtime has exec'd away), then reopened for writing
 * through /proc/self/fd. Prints the errno name of the first step that
 * fails, or "OK" (nothing is written). */
static int cmd_reopen_write(int argc, char **argv)
{
    if (argc < 1)
        return usage("reopen-write PATH [WAIT_FILE]");
    int fd = open(argv[0], O_PATH | O_CLOEXEC);
    if (fd < 0) {
        printf("%s\n", errno_name(errno));
        return 0;
    }
    for (int i = 0; argc > 1 && i < 400 && access(argv[1], F_OK) < 0; i++)
        usleep(25000);
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    int w = open(path, O_WRONLY | O_CLOEXEC);
    printf("%s\n", errno_name(w < 0 ? errno : 0));
    return 0;
}

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} commands[] = {
    {"ns", cmd_ns},
    {"pid", cmd_pid},
    {"hostname", cmd_hostname},
    {"domainname", cmd_domainname},
    {"ids", cmd_ids},
    {"caps", cmd_caps},
    {"status", cmd_status},
    {"limits", cmd_limits},
    {"fds", cmd_fds},
    {"cwd", cmd_cwd},
    {"env", cmd_env},
    {"mounts", cmd_mounts},
    {"sleep", cmd_sleep},
    {"exit", cmd_exit},
    {"kill-self", cmd_kill_self},
    {"trap", cmd_trap},
    {"write", cmd_write},
    {"cat", cmd_cat},
    {"umask", cmd_umask},
    {"session-keyring", cmd_session_keyring},
    {"stat", cmd_stat},
    {"link", cmd_link},
    {"syscall-errno", cmd_syscall_errno},
    {"reopen-write", cmd_reopen_write},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s COMMAND [ARG...]\ncommands:", prog);
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
            fprintf(stderr, " %s", commands[i].name);
        fprintf(stderr, "\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(commands[i].name, argv[1]) == 0) {
            int r = commands[i].fn(argc - 2, argv + 2);
            fflush(stdout);
            return r;
        }
    return usage("unknown command (run without arguments for the list)");
}
