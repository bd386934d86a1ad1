#include "seccomp_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
/* The low-level SHA256_* calls are deprecated in OpenSSL 3 in favour of
 * EVP (and the one-shot SHA256() goes through EVP), but EVP drags the provider machinery (and ~400
 * KB) into a static binary for one digest of a few kilobytes. */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileutil.h"
#include "seccomp.h"

int berth_seccomp_cache_key(const berth_json *sc, struct berth_seccomp_key *ret, berth_error **err)
{
    berth_json_gen *g = berth_json_gen_new(false);
    if (g == NULL)
        return berth_error_new(err, ENOMEM, "seccomp cache key");
    const struct scmp_version *v = seccomp_version();
    berth_json_gen_array_open(g);
    berth_json_gen_tree(g, sc);
    berth_json_gen_int(g, (int64_t)seccomp_arch_native());
    berth_json_gen_int(g, (int64_t)(v->major * 1000000 + v->minor * 1000 + v->micro));
    berth_json_gen_array_close(g);
    const char *text;
    size_t len;
    int r = berth_json_gen_result(g, &text, &len, err);
    unsigned char md[SHA256_DIGEST_LENGTH];
    unsigned mdlen = SHA256_DIGEST_LENGTH;
    SHA256_CTX sha;
    if (r == 0 && (SHA256_Init(&sha) != 1 || SHA256_Update(&sha, text, len) != 1 ||
                   SHA256_Final(md, &sha) != 1))
        r = berth_error_new(err, 0, "seccomp cache key: SHA-256 failed");
    berth_json_gen_free(g);
    for (unsigned i = 0; r == 0 && i < mdlen; i++)
        snprintf(ret->hex + 2 * i, 3, "%02x", md[i]);
    return r;
}

int berth_seccomp_cache_get(const struct berth_seccomp_key *key, struct sock_filter **ret,
                            size_t *ret_n)
{
    char path[sizeof(BERTH_SECCOMP_CACHE_DIR) + 80];
    snprintf(path, sizeof(path), "%s/%s.bpf", BERTH_SECCOMP_CACHE_DIR, key->hex);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())
        return 0;
    size_t size = (size_t)st.st_size;
    if (size == 0 || size % sizeof(struct sock_filter) != 0 ||
        size > BPF_MAXINSNS * sizeof(struct sock_filter))
        return 0;
    struct sock_filter *insns = malloc(size);
    if (insns == NULL)
        return 0;
    if (pread(fd, insns, size, 0) != (ssize_t)size) {
        free(insns);
        return 0;
    }
    *ret = insns;
    *ret_n = size / sizeof(struct sock_filter);
    return 1;
}

static int make_dirs(void)
{
    if (mkdir("/run/berth", 0700) < 0 && errno != EEXIST)
        return -1;
    if (mkdir(BERTH_SECCOMP_CACHE_DIR, 0700) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* An anonymous file linked in only when complete: a reader never sees a
 * torn filter, and concurrent writers of one key cannot corrupt it. */
void berth_seccomp_cache_put(const struct berth_context *ctx, const struct berth_seccomp_key *key,
                             const struct sock_filter *insns, size_t n)
{
    _cleanup_close_ int fd = -1;
    if (make_dirs() == 0)
        fd = open(BERTH_SECCOMP_CACHE_DIR, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    char name[80], proc[64];
    snprintf(name, sizeof(name), "%s.bpf", key->hex);
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    _cleanup_close_ int dirfd = open(BERTH_SECCOMP_CACHE_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || dirfd < 0 || berth_write_all(fd, insns, n * sizeof(*insns)) < 0 ||
        (linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW) < 0 && errno != EEXIST))
        berth_log(ctx, BERTH_LOG_DEBUG, "seccomp cache: cannot store %s/%s: %s",
                  BERTH_SECCOMP_CACHE_DIR, name, strerror(errno));
}
