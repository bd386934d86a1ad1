#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle.h"
#include "store.h"

static void print_table_row(FILE *out, const struct berth_container *c, const char *status)
{
    const berth_state *s = c->state;
    fprintf(out, "%-12s %-8d %-10s %-40s %-30s %s\n", c->id,
            strcmp(status, "stopped") == 0 ? 0 : (int)s->pid, status, s->bundle, s->created,
            *s->owner ? s->owner : "root");
}

static int print_one(FILE *out, enum berth_list_format format, bool first,
                     const struct berth_container *c, berth_error **err)
{
    const char *status = berth_container_status(c);
    if (format == BERTH_LIST_TABLE) {
        print_table_row(out, c, status);
        return 0;
    }
    char *json = NULL;
    if (berth_state_to_json(c->state, status, false, &json, err) < 0)
        return -1;
    fprintf(out, "%s%s", first ? "" : ",", json);
    free(json);
    return 0;
}

int berth_list(const struct berth_context *ctx, enum berth_list_format format, bool quiet,
               FILE *out, berth_error **err)
{
    char **ids = NULL;
    size_t n;
    if (berth_store_list(ctx, &ids, &n, err) < 0) {
        berth_strv_free(ids);
        return -1;
    }
    if (!quiet && format == BERTH_LIST_TABLE)
        fprintf(out, "%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE",
                "CREATED", "OWNER");
    if (!quiet && format == BERTH_LIST_JSON)
        fputs("[", out);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        struct berth_container *c = NULL;
        berth_error *skip = NULL;
        /* A container deleted meanwhile, or one still being created, is not listed. */
        if (berth_store_open(ctx, ids[i], false, &c, &skip) < 0 || c->state == NULL) {
            berth_error_free(&skip);
            berth_container_free(c);
            continue;
        }
        int r = quiet ? (fprintf(out, "%s\n", c->id), 0) : print_one(out, format, first, c, err);
        first = false;
        berth_container_free(c);
        if (r < 0) {
            berth_strv_free(ids);
            return -1;
        }
    }
    if (!quiet && format == BERTH_LIST_JSON)
        fputs("]\n", out);
    berth_strv_free(ids);
    return 0;
}
