/* Test fixtures: small real directory trees. */
#include "tmptree_fake.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *join(const char *root, const char *rel)
{
    size_t n = strlen(root) + strlen(rel) + 2;
    char *p = malloc(n);
    if (p == NULL)
        abort();
    snprintf(p, n, "%s/%s", root, rel);
    return p;
}

char *berth_tmptree_new(void)
{
    const char *tmp = getenv("TMPDIR");
    char *p = join(tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp", "berth-unit-XXXXXX");
    if (mkdtemp(p) == NULL)
        abort();
    return p;
}

static void mkdir_p(char *path)
{
    for (char *s = strchr(path + 1, '/');; s = strchr(s + 1, '/')) {
        if (s != NULL)
            *s = '\0';
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
            abort();
        if (s == NULL)
            return;
        *s = '/';
    }
}

static void mkdir_parent(const char *path)
{
    char *dir = strndup(path, (size_t)(strrchr(path, '/') - path));
    if (dir == NULL)
        abort();
    mkdir_p(dir);
    free(dir);
}

void berth_tmptree_mkdir(const char *root, const char *rel)
{
    char *p = join(root, rel);
    mkdir_p(p);
    free(p);
}

void berth_tmptree_file(const char *root, const char *rel)
{
    char *p = join(root, rel);
    mkdir_parent(p);
    int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        abort();
    close(fd);
    free(p);
}

void berth_tmptree_symlink(const char *root, const char *rel, const char *target)
{
    char *p = join(root, rel);
    mkdir_parent(p);
    if (symlink(target, p) < 0)
        abort();
    free(p);
}

char berth_tmptree_kind(const char *root, const char *rel)
{
    char *p = join(root, rel);
    struct stat st;
    int r = lstat(p, &st);
    free(p);
    if (r < 0)
        return 0;
    return S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f' : S_ISLNK(st.st_mode) ? 'l' : 'o';
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

void berth_tmptree_remove(char *root)
{
    if (root == NULL)
        return;
    nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    free(root);
}
