/* The pure half of `berth ps`, for the unit tests. */
#ifndef BERTH_PS_H
#define BERTH_PS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"

/* Writes ps(1)'s header line and the lines whose PID column (found by the
 * header's "PID") holds one of pids. Fails when the header has no PID
 * column or a line has no number there. */
int berth_ps_filter(const char *text, size_t len, const pid_t *pids, size_t n, FILE *out,
                    berth_error **err);

#endif
