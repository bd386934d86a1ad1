/* Pure parts of isolation: linux.seccomp -> rules, sysctl keys, CPU lists,
 * id mappings. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "../../namespaces/idmap.h"
#include "../../oci/json.h"
#include "../../runtime/linux_attrs.h"
#include "../../runtime/seccomp_profile.h"

static berth_json *parse(const char *text)
{
    berth_json *j = NULL;
    berth_error *err = NULL;
    cr_assert_eq(berth_json_parse(text, strlen(text), "t", &j, &err), 0);
    return j;
}

static char *profile_error(const char *text)
{
    berth_json *j = parse(text);
    struct berth_seccomp_profile p;
    berth_error *err = NULL;
    cr_assert_lt(berth_seccomp_profile_parse(j, &p, &err), 0);
    char *msg = strdup(err->msg);
    berth_error_free(&err);
    berth_json_free(j);
    return msg;
}

Test(seccomp_profile, actions_errno_and_args)
{
    berth_json *j =
        parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
              "\"architectures\":[\"SCMP_ARCH_X86_64\"],"
              "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"
              "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
              "{\"names\":[\"chmod\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":5,"
              "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
              "{\"index\":1,\"value\":2,\"valueTwo\":3,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
              "{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_TRACE\"}]}");
    struct berth_seccomp_profile p;
    berth_error *err = NULL;
    cr_assert_eq(berth_seccomp_profile_parse(j, &p, &err), 0);
    cr_assert_eq(p.default_action, SCMP_ACT_ERRNO(38));
    cr_assert_eq(p.n_arches, 1);
    cr_assert_eq(p.arches[0], SCMP_ARCH_X86_64);
    cr_assert_eq(p.flags, 2 /* SECCOMP_FILTER_FLAG_LOG */);
    cr_assert_eq(p.n_rules, 4);
    cr_assert_str_eq(p.rules[1].name, "write");
    cr_assert_eq(p.rules[1].action, SCMP_ACT_ALLOW);
    cr_assert_eq(p.rules[2].action, SCMP_ACT_ERRNO(5));
    cr_assert_eq(p.rules[2].n_args, 2); /* distinct indexes: one rule, ANDed */
    cr_assert_eq(p.rules[2].args[1].op, SCMP_CMP_MASKED_EQ);
    cr_assert_eq(p.rules[2].args[1].datum_b, 3);
    cr_assert_eq(p.rules[3].action, SCMP_ACT_TRACE(EPERM)); /* errnoRet defaults to EPERM */
    cr_assert_not(p.notify);
    berth_seccomp_profile_free(&p);
    berth_json_free(j);
}

Test(seccomp_profile, same_index_conditions_split_into_rules)
{
    berth_json *j = parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
                          "[\"a\",\"b\"],\"action\":\"SCMP_ACT_KILL\",\"args\":["
                          "{\"index\":1,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
                          "{\"index\":1,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}]}]}");
    struct berth_seccomp_profile p;
    berth_error *err = NULL;
    cr_assert_eq(berth_seccomp_profile_parse(j, &p, &err), 0);
    cr_assert_eq(p.n_rules, 4);
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(p.rules[i].n_args, 1);
    cr_assert_eq(p.rules[0].args[0].datum_a, 1);
    cr_assert_eq(p.rules[1].args[0].datum_a, 2);
    cr_assert_str_eq(p.rules[2].name, "b");
    berth_seccomp_profile_free(&p);
    berth_json_free(j);
}

Test(seccomp_profile, errors_name_the_field)
{
    char *m = profile_error("{\"defaultAction\":\"SCMP_ACT_NOPE\"}");
    cr_assert(strstr(m, "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_NOPE\""), "%s", m);
    free(m);
    m = profile_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"x\"],"
                      "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,"
                      "\"op\":\"SCMP_CMP_XX\"}]}]}");
    cr_assert(strstr(m, "syscalls[0].args[0].op: unknown operator \"SCMP_CMP_XX\""), "%s", m);
    free(m);
    m = profile_error(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_Z80\"]}");
    cr_assert(strstr(m, "unknown architecture \"SCMP_ARCH_Z80\""), "%s", m);
    free(m);
    m = profile_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"x\"],"
                      "\"action\":\"SCMP_ACT_NOTIFY\"}]}");
    cr_assert(strstr(m, "listenerPath: required by SCMP_ACT_NOTIFY"), "%s", m);
    free(m);
}

Test(sysctl, namespaced_keys_only)
{
    berth_config c;
    memset(&c, 0, sizeof(c));
    berth_error *err = NULL;
    c.ns[BERTH_NS_IPC].present = true;
    cr_assert_eq(berth_sysctl_check(&c, "kernel.shmmax", &err), 0);
    cr_assert_eq(berth_sysctl_check(&c, "fs.mqueue.msg_max", &err), 0);
    cr_assert_lt(berth_sysctl_check(&c, "net.ipv4.ip_forward", &err), 0);
    cr_assert(strstr(err->msg, "own network namespace"), "%s", err->msg);
    berth_error_free(&err);
    c.ns[BERTH_NS_NETWORK].present = true;
    cr_assert_eq(berth_sysctl_check(&c, "net.ipv4.ip_forward", &err), 0);
    cr_assert_lt(berth_sysctl_check(&c, "kernel.hostname", &err), 0);
    berth_error_free(&err);
    cr_assert_lt(berth_sysctl_check(&c, "vm.swappiness", &err), 0);
    cr_assert(strstr(err->msg, "\"vm.swappiness\" is not namespaced"), "%s", err->msg);
    berth_error_free(&err);
    cr_assert_lt(berth_sysctl_check(&c, "net.../../x", &err), 0);
    berth_error_free(&err);
}

Test(cpu_list, parse)
{
    cpu_set_t s;
    cr_assert_eq(berth_cpu_list_parse("0-2,5", &s), 0);
    cr_assert_eq(CPU_COUNT(&s), 4);
    cr_assert(CPU_ISSET(5, &s));
    cr_assert_lt(berth_cpu_list_parse("3-1", &s), 0);
    cr_assert_lt(berth_cpu_list_parse("1,", &s), 0);
    cr_assert_lt(berth_cpu_list_parse("", &s), 0);
    cr_assert_lt(berth_cpu_list_parse("a", &s), 0);
}

Test(idmap, overlap_and_size)
{
    berth_error *err = NULL;
    berth_id_mapping ok[] = {{0, 1000, 10}, {10, 5000, 10}};
    cr_assert_eq(berth_idmap_check(ok, 2, "m", &err), 0);
    berth_id_mapping over[] = {{0, 1000, 10}, {5, 5000, 10}};
    cr_assert_lt(berth_idmap_check(over, 2, "m", &err), 0);
    cr_assert(strstr(err->msg, "m[1]: containerID range overlaps m[0]"), "%s", err->msg);
    berth_error_free(&err);
    berth_id_mapping host[] = {{0, 1000, 10}, {20, 1005, 10}};
    cr_assert_lt(berth_idmap_check(host, 2, "m", &err), 0);
    cr_assert(strstr(err->msg, "hostID range overlaps"), "%s", err->msg);
    berth_error_free(&err);
    berth_id_mapping big[] = {{0, 4294967000u, 1000}};
    cr_assert_lt(berth_idmap_check(big, 1, "m", &err), 0);
    berth_error_free(&err);
    char *text = NULL;
    cr_assert_eq(berth_idmap_format(ok, 2, &text, &err), 0);
    cr_assert_str_eq(text, "0 1000 10\n10 5000 10\n");
    free(text);
}
