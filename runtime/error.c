#include "error.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Out of memory while reporting an error: the message is static and never
 * freed, so berth_error_free() must recognise it. */
static const char oom_msg[] = "out of memory while building an error message";

static int set_error(berth_error **err, int status, int errnum, const char *fmt, va_list ap)
{
    assert(err != NULL && *err == NULL);
    char *base = NULL, *full = NULL;
    berth_error *e = calloc(1, sizeof(*e));
    if (e == NULL)
        abort();
    if (vasprintf(&base, fmt, ap) < 0)
        base = NULL;
    if (base != NULL && errnum != 0) {
        if (asprintf(&full, "%s: %s", base, strerror(errnum)) < 0)
            full = NULL;
        free(base);
    } else {
        full = base;
    }
    e->errnum = errnum;
    e->status = status;
    e->msg = full != NULL ? full : (char *)oom_msg;
    *err = e;
    return errnum > 0 ? -errnum : -1;
}

int berth_error_new(berth_error **err, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = set_error(err, 1, errnum, fmt, ap);
    va_end(ap);
    return r;
}

int berth_error_new_status(berth_error **err, int status, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = set_error(err, status, errnum, fmt, ap);
    va_end(ap);
    return r;
}

int berth_error_wrap(berth_error **err, const char *fmt, ...)
{
    assert(err != NULL && *err != NULL);
    berth_error *e = *err;
    char *prefix = NULL, *full = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&prefix, fmt, ap);
    va_end(ap);
    if (n >= 0 && asprintf(&full, "%s: %s", prefix, e->msg) >= 0) {
        if (e->msg != oom_msg)
            free(e->msg);
        e->msg = full;
    }
    free(prefix);
    return berth_error_code(e);
}

int berth_error_code(const berth_error *e)
{
    return e->errnum > 0 ? -e->errnum : -1;
}

void berth_error_free(berth_error **err)
{
    int saved = errno;
    if (err != NULL && *err != NULL) {
        if ((*err)->msg != oom_msg)
            free((*err)->msg);
        free(*err);
        *err = NULL;
    }
    errno = saved;
}
