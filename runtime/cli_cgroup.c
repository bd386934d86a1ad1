/* CLI commands for pause, resume, update and events: flag parsing only. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/json.h"
#include "cgroup_cmds.h"
#include "cleanup.h"
#include "cli_internal.h"
#include "fileutil.h"

int berth_cmd_pause(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    const char *id;
    if (berth_cli_id_only(argc, argv, &id, err) < 0)
        return -1;
    return berth_pause(ctx, id, err);
}

int berth_cmd_resume(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    const char *id;
    if (berth_cli_id_only(argc, argv, &id, err) < 0)
        return -1;
    return berth_resume(ctx, id, err);
}

/* "512", "512k", "64M", "1g" -> bytes; "-1" -> -1 (unlimited). */
static int parse_bytes(const char *flag, const char *s, long long *ret, berth_error **err)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    long long mult = 1;
    switch (*end) {
    case 'k':
    case 'K':
        mult = 1LL << 10;
        end++;
        break;
    case 'm':
    case 'M':
        mult = 1LL << 20;
        end++;
        break;
    case 'g':
    case 'G':
        mult = 1LL << 30;
        end++;
        break;
    default: break;
    }
    if (*end == 'b' || *end == 'B')
        end++;
    if (end == s || *end != '\0' || v < -1)
        return berth_error_new(err, 0, "%s: invalid value \"%s\"", flag, s);
    *ret = v < 0 ? -1 : v * mult;
    return 0;
}

enum { U_MEMORY = 300, U_MEMRES, U_MEMSWAP, U_PIDS, U_QUOTA, U_PERIOD, U_SHARES, U_CPUS, U_MEMS };

static const struct {
    int opt;
    const char *section, *key;
    bool bytes, string;
} update_fields[] = {
    {U_MEMORY, "memory", "limit", true, false}, {U_MEMRES, "memory", "reservation", true, false},
    {U_MEMSWAP, "memory", "swap", true, false}, {U_PIDS, "pids", "limit", false, false},
    {U_QUOTA, "cpu", "quota", false, false},    {U_PERIOD, "cpu", "period", false, false},
    {U_SHARES, "cpu", "shares", false, false},  {U_CPUS, "cpu", "cpus", false, true},
    {U_MEMS, "cpu", "mems", false, true},
};
#define N_UPDATE_FIELDS (sizeof(update_fields) / sizeof(update_fields[0]))

static bool section_used(const char *section, char *const *values)
{
    for (size_t i = 0; i < N_UPDATE_FIELDS; i++)
        if (values[i] != NULL && strcmp(update_fields[i].section, section) == 0)
            return true;
    return false;
}

static int gen_section(berth_json_gen *g, const char *section, char *const *values,
                       berth_error **err)
{
    berth_json_gen_string(g, section);
    berth_json_gen_map_open(g);
    for (size_t i = 0; i < N_UPDATE_FIELDS; i++) {
        if (values[i] == NULL || strcmp(update_fields[i].section, section) != 0)
            continue;
        long long v = 0;
        if (update_fields[i].string) {
            berth_json_gen_kv_string(g, update_fields[i].key, values[i]);
            continue;
        }
        if (update_fields[i].bytes) {
            if (parse_bytes(update_fields[i].key, values[i], &v, err) < 0)
                return -1;
        } else {
            char *end;
            v = strtoll(values[i], &end, 10);
            if (*values[i] == '\0' || *end != '\0')
                return berth_error_new(err, 0, "update: %s: invalid number \"%s\"",
                                       update_fields[i].key, values[i]);
        }
        berth_json_gen_kv_int(g, update_fields[i].key, v);
    }
    berth_json_gen_map_close(g);
    return 0;
}

/* Builds a linux.resources JSON object from the flags given. */
static int resources_from_flags(char *const *values, char **ret, berth_error **err)
{
    static const char *const sections[] = {"memory", "pids", "cpu"};
    berth_json_gen *g = berth_json_gen_new(false);
    const char *text;
    size_t len;
    int r = 0;
    berth_json_gen_map_open(g);
    for (size_t s = 0; r == 0 && s < 3; s++)
        if (section_used(sections[s], values))
            r = gen_section(g, sections[s], values, err);
    berth_json_gen_map_close(g);
    if (r == 0 && (r = berth_json_gen_result(g, &text, &len, err)) == 0 &&
        (*ret = strdup(text)) == NULL)
        r = berth_error_new(err, ENOMEM, "update");
    berth_json_gen_free(g);
    return r;
}

int berth_cmd_update(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    static const struct option longopts[] = {
        {"memory", required_argument, NULL, U_MEMORY},
        {"memory-reservation", required_argument, NULL, U_MEMRES},
        {"memory-swap", required_argument, NULL, U_MEMSWAP},
        {"pids-limit", required_argument, NULL, U_PIDS},
        {"cpu-quota", required_argument, NULL, U_QUOTA},
        {"cpu-period", required_argument, NULL, U_PERIOD},
        {"cpu-share", required_argument, NULL, U_SHARES},
        {"cpu-shares", required_argument, NULL, U_SHARES},
        {"cpuset-cpus", required_argument, NULL, U_CPUS},
        {"cpuset-mems", required_argument, NULL, U_MEMS},
        {"resources", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    char *values[N_UPDATE_FIELDS] = {0};
    const char *file = NULL;
    int c;
    while ((c = berth_cli_next_opt(argc, argv, "+r:", longopts, argv[0], err)) != -1) {
        if (c < 0)
            return -1;
        if (c == 'r') {
            file = optarg;
            continue;
        }
        for (size_t i = 0; i < N_UPDATE_FIELDS; i++)
            if (update_fields[i].opt == c)
                values[i] = optarg;
    }
    if (berth_cli_want_args(argv[0], argc, 1, 1, err) < 0)
        return -1;
    _cleanup_free_ char *json = NULL;
    size_t len;
    if (file != NULL ? berth_read_file_at(AT_FDCWD, strcmp(file, "-") == 0 ? "/dev/stdin" : file,
                                          &json, &len, err) < 0
                     : resources_from_flags(values, &json, err) < 0)
        return -1;
    return berth_update(ctx, argv[optind], json, err);
}

int berth_cmd_events(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    static const struct option longopts[] = {{"stats", no_argument, NULL, 's'},
                                             {"interval", required_argument, NULL, 'i'},
                                             {NULL, 0, NULL, 0}};
    bool once = false;
    int interval_ms = 5000;
    int c;
    while ((c = berth_cli_next_opt(argc, argv, "+", longopts, argv[0], err)) != -1) {
        if (c < 0)
            return -1;
        if (c == 's') {
            once = true;
        } else {
            char *end;
            double v = strtod(optarg, &end);
            if (end == optarg || v <= 0 ||
                (strcmp(end, "s") != 0 && strcmp(end, "ms") != 0 && *end != '\0'))
                return berth_error_new(err, 0, "events: --interval: invalid \"%s\"", optarg);
            interval_ms = (int)(strcmp(end, "ms") == 0 ? v : v * 1000);
        }
    }
    if (berth_cli_want_args(argv[0], argc, 1, 1, err) < 0)
        return -1;
    return berth_events(ctx, argv[optind], once, interval_ms, stdout, err);
}
