/* The command table: each command parses its own flags and makes exactly
 * one library call. */
#ifndef BERTH_CLI_H
#define BERTH_CLI_H

#include <stdio.h>

#include "context.h"
#include "error.h"

/* Runs argv[0] (the command name) and returns the process exit status:
 * >= 0 on success (run: the container's), < 0 with *err on failure. */
int berth_cli_dispatch(const struct berth_context *ctx, int argc, char **argv, berth_error **err);

void berth_cli_usage(FILE *out);

#endif
