#include "container_id.h"

#include <ctype.h>
#include <string.h>

#define MAX_ID_LEN 1024

int berth_container_id_validate(const char *id, berth_error **err)
{
    if (id == NULL || *id == '\0')
        return berth_error_new(err, 0, "container id cannot be empty");
    size_t len = strlen(id);
    if (len > MAX_ID_LEN)
        return berth_error_new(err, 0, "invalid container id: longer than %d bytes", MAX_ID_LEN);
    if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return berth_error_new(err, 0, "invalid container id \"%s\"", id);
    for (const char *p = id; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (!(isalnum(ch) || ch == '_' || ch == '+' || ch == '-' || ch == '.'))
            return berth_error_new(err, 0,
                                   "invalid container id \"%s\": only letters, digits, "
                                   "'_', '+', '-' and '.' are allowed",
                                   id);
    }
    return 0;
}
