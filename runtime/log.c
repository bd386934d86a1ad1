#include "context.h"

#include <stdarg.h>
#include <stdio.h>

void berth_log(const struct berth_context *ctx, enum berth_log_level level, const char *fmt, ...)
{
    if (ctx == NULL || ctx->log == NULL || (level == BERTH_LOG_DEBUG && !ctx->debug))
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    ctx->log(ctx->log_data, level, buf);
}
