/* The `hooks` section of config.json: six lists of programs to run. */
#include <limits.h>
#include <stddef.h>
#include <errno.h>
#include <stdlib.h>

#include "../runtime/cleanup.h"
#include "config_internal.h"

static const struct {
    const char *key;
    size_t offset;
} hook_lists[] = {
    {"prestart", offsetof(berth_config, hooks_prestart)},
    {"createRuntime", offsetof(berth_config, hooks_create_runtime)},
    {"createContainer", offsetof(berth_config, hooks_create_container)},
    {"startContainer", offsetof(berth_config, hooks_start_container)},
    {"poststart", offsetof(berth_config, hooks_poststart)},
    {"poststop", offsetof(berth_config, hooks_poststop)},
};

static berth_hook_list *list_of(berth_config *c, size_t i)
{
    return (berth_hook_list *)((char *)c + hook_lists[i].offset);
}

static int parse_hook(const berth_field_ctx *x, const berth_json *o, const berth_jpath *p,
                      void *item, void *data, berth_error **err)
{
    berth_hook_config *h = item;
    int64_t timeout = 0;
    if (berth_field_string(x, o, p, "path", FIELD_REQUIRED | FIELD_ABSOLUTE, &h->path, err) < 0 ||
        berth_field_strv(x, o, p, "args", 0, &h->args, NULL, err) < 0 ||
        berth_field_strv(x, o, p, "env", 0, &h->env, NULL, err) < 0 ||
        berth_field_int(x, o, p, "timeout", 0, 1, INT_MAX, &timeout, err) < 0)
        return -1;
    h->timeout = (int)timeout;
    return 0;
}

int berth_config_parse_hooks(const berth_field_ctx *x, const berth_json *doc, berth_config *c,
                             berth_error **err)
{
    const berth_json *hooks = NULL;
    int r = berth_field_object(x, doc, NULL, "hooks", 0, &hooks, err);
    if (r <= 0)
        return r;
    berth_jpath hp = JPATH_KEY(NULL, "hooks");
    for (size_t i = 0; i < ARRAY_SIZE(hook_lists); i++) {
        berth_hook_list *l = list_of(c, i);
        r = berth_field_objects(x, hooks, &hp, hook_lists[i].key, sizeof(*l->items),
                                (void **)&l->items, &l->len, parse_hook, NULL, err);
        if (r < 0)
            return r;
    }
    return 0;
}

void berth_config_free_hooks(berth_config *c)
{
    for (size_t i = 0; i < ARRAY_SIZE(hook_lists); i++) {
        berth_hook_list *l = list_of(c, i);
        for (size_t j = 0; j < l->len; j++) {
            free(l->items[j].path);
            berth_strv_free(l->items[j].args);
            berth_strv_free(l->items[j].env);
        }
        free(l->items);
    }
}

int berth_config_hooks_parse(const char *buf, size_t len, const char *what, berth_config **ret,
                             berth_error **err)
{
    berth_config *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return berth_error_new(err, ENOMEM, "%s", what);
    berth_field_ctx x = {.what = what};
    if (berth_json_parse(buf, len, what, &c->json, err) < 0 ||
        berth_config_parse_hooks(&x, c->json, c, err) < 0) {
        berth_config_free(c);
        return -1;
    }
    *ret = c;
    return 0;
}
