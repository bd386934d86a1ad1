/* berth's entry point: global flags, the log sink, one command, and the one
 * place where an error is printed. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../oci/json.h"
#include "../oci/state.h"
#include "cli.h"
#include "context.h"

#ifndef BERTH_COMMIT
#define BERTH_COMMIT "unknown"
#endif

struct log_sink {
    FILE *file; /* --log, or NULL */
    bool json;  /* --log-format json */
};

static const char *level_name(enum berth_log_level l)
{
    static const char *names[] = {"error", "warning", "info", "debug"};
    return names[l];
}

/* One line in the shape runc's clients parse: {"level","msg","time"} or
 * logrus text. */
static void write_line(FILE *f, bool json, enum berth_log_level level, const char *msg)
{
    char now[64];
    berth_error *err = NULL;
    if (berth_rfc3339_now(now, sizeof(now), &err) < 0) {
        berth_error_free(&err);
        snprintf(now, sizeof(now), "unknown");
    }
    if (!json) {
        fprintf(f, "time=\"%s\" level=%s msg=\"%s\"\n", now, level_name(level), msg);
        return;
    }
    berth_json_gen *g = berth_json_gen_new(false);
    const char *text;
    size_t len;
    berth_json_gen_map_open(g);
    berth_json_gen_kv_string(g, "level", level_name(level));
    berth_json_gen_kv_string(g, "msg", msg);
    berth_json_gen_kv_string(g, "time", now);
    berth_json_gen_map_close(g);
    if (berth_json_gen_result(g, &text, &len, &err) == 0)
        fprintf(f, "%s\n", text);
    berth_error_free(&err);
    berth_json_gen_free(g);
}

static void log_callback(void *data, enum berth_log_level level, const char *msg)
{
    struct log_sink *sink = data;
    if (sink->file != NULL)
        write_line(sink->file, sink->json, level, msg);
    else if (sink->json)
        write_line(stderr, true, level, msg);
    else
        fprintf(stderr, "berth: %s: %s\n", level_name(level), msg);
}

static void report_error(struct log_sink *sink, const berth_error *err)
{
    if (sink->file != NULL)
        write_line(sink->file, sink->json, BERTH_LOG_ERROR, err->msg);
    if (sink->json && sink->file == NULL)
        write_line(stderr, true, BERTH_LOG_ERROR, err->msg);
    else
        fprintf(stderr, "berth: %s\n", err->msg);
}

static void print_version(void)
{
    printf("berth version %s\ncommit: %s\nspec: %s\n", BERTH_VERSION, BERTH_COMMIT,
           OCI_SPEC_VERSION);
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD_CGROUP, OPT_ROOTLESS };

/* Returns the index of the command in argv, or -1 (after printing) to exit. */
static int parse_globals(int argc, char **argv, struct berth_context *ctx, const char **log_path,
                         struct log_sink *sink, int *ret_status)
{
    static const struct option longopts[] = {
        {"root", required_argument, NULL, OPT_ROOT},
        {"log", required_argument, NULL, OPT_LOG},
        {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
        {"debug", no_argument, NULL, OPT_DEBUG},
        {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP},
        {"rootless", required_argument, NULL, OPT_ROOTLESS},
        {"version", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_ROOT: ctx->state_root = optarg; break;
        case OPT_LOG: *log_path = optarg; break;
        case OPT_LOG_FORMAT:
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                fprintf(stderr, "berth: --log-format: unknown format \"%s\"\n", optarg);
                return *ret_status = 1, -1;
            }
            sink->json = strcmp(optarg, "json") == 0;
            break;
        case OPT_DEBUG: ctx->debug = true; break;
        case OPT_SYSTEMD_CGROUP: ctx->systemd_cgroup = true; break;
        case OPT_ROOTLESS: ctx->rootless = strcmp(optarg, "true") == 0; break;
        case 'v': print_version(); return *ret_status = 0, -1;
        case 'h': berth_cli_usage(stdout); return *ret_status = 0, -1;
        default:
            fprintf(stderr, "berth: unknown global flag or missing value: %s\n", argv[optind - 1]);
            return *ret_status = 1, -1;
        }
    }
    if (optind >= argc) {
        berth_cli_usage(stderr);
        return *ret_status = 1, -1;
    }
    return optind;
}

int main(int argc, char **argv)
{
    struct log_sink sink = {0};
    struct berth_context ctx = {.state_root = "/run/berth",
                                .ops = &berth_sysops_linux,
                                .log = log_callback,
                                .log_data = &sink};
    const char *log_path = NULL;
    int status = 0;
    int first = parse_globals(argc, argv, &ctx, &log_path, &sink, &status);
    if (first < 0)
        return status;
    if (log_path != NULL && (sink.file = fopen(log_path, "ae")) == NULL) {
        fprintf(stderr, "berth: open log `%s`: %s\n", log_path, strerror(errno));
        return 1;
    }
    if (sink.file != NULL)
        setvbuf(sink.file, NULL, _IOLBF, 0);
    berth_error *err = NULL;
    int r = berth_cli_dispatch(&ctx, argc - first, argv + first, &err);
    if (r < 0) {
        report_error(&sink, err);
        status = err->status ? err->status : 1;
        berth_error_free(&err);
    } else {
        status = r;
    }
    if (sink.file != NULL)
        fclose(sink.file);
    return status;
}
