#include "signals.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"

static const struct {
    const char *name;
    int num;
} signal_names[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

/* Parses a decimal in [lo, hi]; -1 when s is not one. */
static int parse_small_int(const char *s, int lo, int hi)
{
    char *end;
    if (*s < '0' || *s > '9')
        return -1;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v < lo || v > hi)
        return -1;
    return (int)v;
}

/* "RTMIN", "RTMIN+N", "RTMAX-N". */
static int parse_realtime(const char *name)
{
    int base, sign;
    const char *rest;
    if (strncasecmp(name, "RTMIN", 5) == 0) {
        base = SIGRTMIN, sign = 1, rest = name + 5;
    } else if (strncasecmp(name, "RTMAX", 5) == 0) {
        base = SIGRTMAX, sign = -1, rest = name + 5;
    } else {
        return -1;
    }
    if (*rest == '\0')
        return base;
    if ((sign > 0 && *rest != '+') || (sign < 0 && *rest != '-'))
        return -1;
    int off = parse_small_int(rest + 1, 0, SIGRTMAX - SIGRTMIN);
    return off < 0 ? -1 : base + sign * off;
}

int berth_signal_parse(const char *s, berth_error **err)
{
    int n = parse_small_int(s, 1, SIGRTMAX);
    if (n > 0)
        return n;
    const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
    for (size_t i = 0; i < ARRAY_SIZE(signal_names); i++)
        if (strcasecmp(name, signal_names[i].name) == 0)
            return signal_names[i].num;
    n = parse_realtime(name);
    if (n > 0)
        return n;
    return berth_error_new(err, 0, "unknown signal \"%s\"", s);
}
