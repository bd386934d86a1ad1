/* When the init joins a user namespace by path and unshares the new
 * namespaces itself (userns_join.h): only then, so the common path keeps
 * its single clone3. */
#include <criterion/criterion.h>

#include "namespaces/userns_join.h"

static berth_config with(const char *user_path, berth_ns_kind new_kind)
{
    berth_config c = {0};
    c.ns[BERTH_NS_USER].present = true;
    c.ns[BERTH_NS_USER].path = (char *)user_path;
    if (new_kind != BERTH_NS_USER)
        c.ns[new_kind].present = true;
    return c;
}

Test(userns_join, only_a_joined_user_namespace_with_a_new_one_defers)
{
    berth_config c = with("/proc/1/ns/user", BERTH_NS_MOUNT);
    cr_assert(berth_ns_defer_p(&c));
    c = with("/proc/1/ns/user", BERTH_NS_PID);
    cr_assert(berth_ns_defer_p(&c));
    c = with(NULL, BERTH_NS_MOUNT);
    cr_assert_not(berth_ns_defer_p(&c), "a new user namespace: one clone3 with every flag");
    c = with("/proc/1/ns/user", BERTH_NS_USER);
    cr_assert_not(berth_ns_defer_p(&c), "nothing new beside it");
    c = with("/proc/1/ns/user", BERTH_NS_UTS);
    c.ns[BERTH_NS_UTS].path = "/proc/1/ns/uts";
    cr_assert_not(berth_ns_defer_p(&c), "every other one joined by path too");
    c = (berth_config){0};
    c.ns[BERTH_NS_MOUNT].present = true;
    cr_assert_not(berth_ns_defer_p(&c), "no user namespace at all");
}
