/* Shared by the CLI's command files; not part of the library. */
#ifndef BERTH_CLI_INTERNAL_H
#define BERTH_CLI_INTERNAL_H

#include <getopt.h>

#include "context.h"
#include "error.h"

/* getopt_long step: a flag, -1 at the end, -2 with *err on a bad flag. */
int berth_cli_next_opt(int argc, char **argv, const char *shortopts, const struct option *longopts,
                       const char *cmd, berth_error **err);
int berth_cli_want_args(const char *cmd, int argc, int min, int max, berth_error **err);
int berth_cli_id_only(int argc, char **argv, const char **ret_id, berth_error **err);
/* A non-negative int flag value (up to 2^20). */
int berth_cli_parse_int(const char *flag, const char *s, int *ret, berth_error **err);

int berth_cmd_pause(const struct berth_context *ctx, int argc, char **argv, berth_error **err);
int berth_cmd_resume(const struct berth_context *ctx, int argc, char **argv, berth_error **err);
int berth_cmd_update(const struct berth_context *ctx, int argc, char **argv, berth_error **err);
int berth_cmd_events(const struct berth_context *ctx, int argc, char **argv, berth_error **err);
int berth_cmd_exec(const struct berth_context *ctx, int argc, char **argv, berth_error **err);
int berth_cmd_ps(const struct berth_context *ctx, int argc, char **argv, berth_error **err);
int berth_cmd_features(const struct berth_context *ctx, int argc, char **argv, berth_error **err);

#endif
