/* Mount option strings -> mount(2) flags, propagation, mount_setattr
 * attributes and filesystem data. The names and their meanings are those of
 * the runtime spec and runc's documentation. */
#include "mount_options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "../runtime/cleanup.h"

struct flag_opt {
    const char *name;
    bool clear; /* the option removes the flag instead of adding it */
    unsigned long flag;
};

static const struct flag_opt flag_opts[] = {
    {"defaults", false, 0},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},
    {"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},
    {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},
    {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},
    {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},
    {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},
    {"nomand", true, MS_MANDLOCK},
    {"atime", true, MS_NOATIME},
    {"noatime", false, MS_NOATIME},
    {"diratime", true, MS_NODIRATIME},
    {"nodiratime", false, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME},
    {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"lazytime", false, MS_LAZYTIME},
    {"nolazytime", true, MS_LAZYTIME},
    {"symfollow", true, MS_NOSYMFOLLOW},
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"bind", false, MS_BIND},
    {"rbind", false, MS_BIND | MS_REC},
};

static const struct flag_opt propagation_opts[] = {
    {"private", false, MS_PRIVATE},       {"rprivate", false, MS_PRIVATE | MS_REC},
    {"shared", false, MS_SHARED},         {"rshared", false, MS_SHARED | MS_REC},
    {"slave", false, MS_SLAVE},           {"rslave", false, MS_SLAVE | MS_REC},
    {"unbindable", false, MS_UNBINDABLE}, {"runbindable", false, MS_UNBINDABLE | MS_REC},
};

/* Recursive attributes. The atime ones are a 3-valued field in the kernel
 * (MOUNT_ATTR__ATIME): any change to it must clear the whole field, so they
 * are handled by set_atime() rather than as plain bits. */
static const struct flag_opt attr_opts[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},
    {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},
    {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},
    {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},
    {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

static const struct flag_opt atime_opts[] = {
    {"rrelatime", false, MOUNT_ATTR_RELATIME},
    {"rnorelatime", true, MOUNT_ATTR_RELATIME},
    {"rnoatime", false, MOUNT_ATTR_NOATIME},
    {"ratime", true, MOUNT_ATTR_NOATIME},
    {"rstrictatime", false, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", true, MOUNT_ATTR_STRICTATIME},
};

static const struct flag_opt *lookup(const struct flag_opt *table, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

#define LOOKUP(table, name) lookup(table, ARRAY_SIZE(table), name)

/* Clearing an atime mode that is not the selected one changes nothing; the
 * kernel default when the field is cleared is relatime (value 0). */
static void set_atime(struct berth_mount_options *o, const struct flag_opt *f)
{
    uint64_t current = o->attr_set & MOUNT_ATTR__ATIME;
    o->attr_clr |= MOUNT_ATTR__ATIME;
    o->attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
    if (!f->clear)
        o->attr_set |= f->flag;
    else if (current != f->flag)
        o->attr_set |= current;
}

static void set_attr(struct berth_mount_options *o, const struct flag_opt *f)
{
    if (f->clear) {
        o->attr_set &= ~(uint64_t)f->flag;
        o->attr_clr |= f->flag;
    } else {
        o->attr_set |= f->flag;
        o->attr_clr &= ~(uint64_t)f->flag;
    }
}

static int append_data(char **data, const char *opt, berth_error **err)
{
    size_t old = *data != NULL ? strlen(*data) : 0, add = strlen(opt);
    char *n = realloc(*data, old + add + 2);
    if (n == NULL)
        return berth_error_new(err, ENOMEM, "mount option `%s`", opt);
    if (old > 0)
        n[old++] = ',';
    memcpy(n + old, opt, add + 1);
    *data = n;
    return 0;
}

static int parse_one(struct berth_mount_options *o, const char *opt, berth_error **err)
{
    const struct flag_opt *f;
    if ((f = LOOKUP(flag_opts, opt)) != NULL) {
        o->flags = f->clear ? o->flags & ~f->flag : o->flags | f->flag;
    } else if ((f = LOOKUP(propagation_opts, opt)) != NULL) {
        if (o->n_propagation == BERTH_MOUNT_MAX_PROPAGATION)
            return berth_error_new(err, EINVAL,
                                   "mount option `%s`: more than %d propagation "
                                   "options",
                                   opt, BERTH_MOUNT_MAX_PROPAGATION);
        o->propagation[o->n_propagation++] = f->flag;
    } else if ((f = LOOKUP(attr_opts, opt)) != NULL) {
        set_attr(o, f);
    } else if ((f = LOOKUP(atime_opts, opt)) != NULL) {
        set_atime(o, f);
    } else if (strcmp(opt, "idmap") == 0) {
        o->idmap = true;
    } else if (strcmp(opt, "ridmap") == 0) {
        o->ridmap = true;
    } else if (strcmp(opt, "tmpcopyup") == 0) {
        o->tmpcopyup = true;
    } else {
        return append_data(&o->data, opt, err);
    }
    return 0;
}

int berth_mount_options_parse(char *const *options, size_t n, struct berth_mount_options *ret,
                              berth_error **err)
{
    struct berth_mount_options o = {0};
    for (size_t i = 0; i < n; i++) {
        if (options[i] == NULL || options[i][0] == '\0')
            continue;
        int r = parse_one(&o, options[i], err);
        if (r < 0) {
            berth_mount_options_free(&o);
            return r;
        }
    }
    *ret = o;
    return 0;
}

void berth_mount_options_free(struct berth_mount_options *o)
{
    free(o->data);
    o->data = NULL;
}
