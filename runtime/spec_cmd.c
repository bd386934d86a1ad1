#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../oci/spec.h"
#include "cleanup.h"
#include "fileutil.h"
#include "lifecycle.h"

int berth_spec(const struct berth_context *ctx, const char *bundle, bool rootless,
               berth_error **err)
{
    _cleanup_free_ char *json = NULL;
    _cleanup_free_ char *path = NULL;
    if (asprintf(&path, "%s/config.json", bundle != NULL ? bundle : ".") < 0)
        return berth_error_new(err, ENOMEM, "spec");
    if (access(path, F_OK) == 0)
        return berth_error_new(err, EEXIST, "`%s`", path);
    if (berth_spec_generate(rootless, &json, err) < 0)
        return -1;
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return berth_error_new(err, errno, "open `%s`", path);
    if (berth_write_all(fd, json, strlen(json)) < 0 || berth_write_all(fd, "\n", 1) < 0)
        return berth_error_new(err, errno, "write `%s`", path);
    return 0;
}
