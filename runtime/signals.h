/* Signal names and numbers as runc's `kill` accepts them. */
#ifndef BERTH_SIGNALS_H
#define BERTH_SIGNALS_H

#include "error.h"

/* "9", "KILL", "SIGKILL", "sigkill", "RTMIN+3" -> the number; unknown -> error
 * naming the input. */
int berth_signal_parse(const char *s, berth_error **err);

#endif
