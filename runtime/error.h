/* The one error contract of berth.
 *
 * Every fallible function returns int and takes `berth_error **err` last.
 *   failure: returns < 0 and sets *err (which must be NULL on entry);
 *   success: returns >= 0 (an fd, a count, 0) and leaves *err untouched.
 * berth_error_new() builds a fresh error from the errno captured at the
 * failing call; berth_error_wrap() prefixes context to an existing one.
 * Library code never prints: main() prints a returned error once. */
#ifndef BERTH_ERROR_H
#define BERTH_ERROR_H

#include <stdarg.h>

typedef struct berth_error {
    int errnum; /* errno at the failing call, 0 if not a syscall failure */
    int status; /* suggested process exit status (1 unless set otherwise) */
    char *msg;  /* full one-line message, errno text already appended */
} berth_error;

/* Sets *err to "<fmt...>: <strerror(errnum)>" (or just fmt when errnum is 0).
 * Always returns a negative value: -errnum, or -1 when errnum is 0, so that
 * callers can write `return berth_error_new(err, errno, "open `%s`", p);`. */
int berth_error_new(berth_error **err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same, with a chosen exit status (e.g. 255 for exec failures). */
int berth_error_new_status(berth_error **err, int status, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Prefixes "<fmt...>: " to an existing *err and returns its negative code. */
int berth_error_wrap(berth_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Frees *err (if any), sets it to NULL and preserves errno. */
void berth_error_free(berth_error **err);

/* The negative code berth_error_new() returned for this error. */
int berth_error_code(const berth_error *e);

#endif
