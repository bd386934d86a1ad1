/* A runtime-spec process document on its own (`exec --process FILE`),
 * parsed by the same rules as config.json's `process` section. */
#ifndef BERTH_OCI_PROCESS_H
#define BERTH_OCI_PROCESS_H

#include <stddef.h>

#include "../runtime/error.h"
#include "config.h"

/* Parses buf[0..len) into *ret (zeroed first). Errors read
 * "<what>: process.args: ...", the paths being those of config.json. */
int berth_process_parse(const char *buf, size_t len, const char *what, berth_process_config *ret,
                        berth_error **err);

/* Frees what *p holds (not p itself) and zeroes it. */
void berth_process_config_free(berth_process_config *p);

#endif
