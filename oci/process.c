#include "process.h"

#include <string.h>

#include "config_internal.h"

int berth_process_parse(const char *buf, size_t len, const char *what, berth_process_config *ret,
                        berth_error **err)
{
    berth_json *tree = NULL;
    if (berth_json_parse(buf, len, what, &tree, err) < 0)
        return -1;
    /* The section parser reads `process` of a document: hand it one whose
     * only member is this tree, so both inputs obey one set of rules. */
    char *keys[] = {"process"};
    berth_json *values[] = {tree};
    berth_json doc = {.type = BERTH_JSON_OBJECT,
                      .u.object = {.keys = keys, .values = values, .len = 1}};
    berth_field_ctx x = {.what = what};
    berth_config c;
    memset(&c, 0, sizeof(c));
    int r = 0;
    if (tree->type != BERTH_JSON_OBJECT)
        r = berth_field_error(&x, NULL, 0, err, "expected an object at the top level");
    else
        r = berth_config_parse_process(&x, &doc, &c, err);
    berth_json_free(tree);
    if (r < 0) {
        berth_config_free_process(&c.process);
        return r;
    }
    *ret = c.process;
    return 0;
}

void berth_process_config_free(berth_process_config *p)
{
    berth_config_free_process(p);
    memset(p, 0, sizeof(*p));
}
