/* The runtime-spec "seccomp notify" hand-off: the listener fd goes to the
 * unix socket at listenerPath, with the container process state as JSON
 * (ociVersion, fds ["seccompFd"], pid, metadata, state) in the same
 * message. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "../oci/json.h"
#include "cleanup.h"
#include "seccomp.h"

static int process_state(const struct berth_seccomp_prog *p, const berth_json *state,
                         berth_json_gen *g, const char **ret, size_t *ret_len, berth_error **err)
{
    const berth_json *pid = berth_json_get(state, "pid");
    berth_json_gen_map_open(g);
    berth_json_gen_kv_string(g, "ociVersion", OCI_SPEC_VERSION);
    berth_json_gen_string(g, "fds");
    berth_json_gen_array_open(g);
    berth_json_gen_string(g, "seccompFd");
    berth_json_gen_array_close(g);
    berth_json_gen_kv_int(g, "pid", pid != NULL && pid->type == BERTH_JSON_INT ? pid->u.i : 0);
    berth_json_gen_kv_string(g, "metadata", p->listener_metadata ? p->listener_metadata : "");
    berth_json_gen_string(g, "state");
    berth_json_gen_tree(g, state);
    berth_json_gen_map_close(g);
    return berth_json_gen_result(g, ret, ret_len, err);
}

static int send_with_fd(int sock, const char *buf, size_t len, int fd, const char *path,
                        berth_error **err)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof(cbuf));
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
        return berth_error_new(err, errno, "linux.seccomp.listenerPath: sendmsg to `%s`", path);
    return 0;
}

int berth_seccomp_send_listener(const struct berth_seccomp_prog *p, const char *state_json,
                                int listener_fd, berth_error **err)
{
    const char *path = p->listener_path;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path))
        return berth_error_new(err, ENAMETOOLONG, "linux.seccomp.listenerPath `%s`", path);
    strcpy(sa.sun_path, path);
    berth_json *state = NULL;
    if (berth_json_parse(state_json, strlen(state_json), "state", &state, err) < 0)
        return -1;
    berth_json_gen *g = berth_json_gen_new(false);
    const char *msg;
    size_t len;
    int r = g == NULL ? berth_error_new(err, ENOMEM, "seccomp notify")
                      : process_state(p, state, g, &msg, &len, err);
    _cleanup_close_ int sock = -1;
    if (r == 0 && (sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        r = berth_error_new(err, errno, "socket");
    if (r == 0 && connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        r = berth_error_new(err, errno, "linux.seccomp.listenerPath: connect `%s`", path);
    if (r == 0)
        r = send_with_fd(sock, msg, len, listener_fd, path, err);
    berth_json_gen_free(g);
    berth_json_free(state);
    return r;
}
