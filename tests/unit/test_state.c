/* The state document (oci/state.c). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "oci/state.h"

static berth_json *annotations(void)
{
    const char *s = "{\"org.example/a\": \"1\", \"b\": \"x\\\"y\"}";
    berth_json *j = NULL;
    berth_error *err = NULL;
    cr_assert_eq(berth_json_parse(s, strlen(s), "a", &j, &err), 0);
    return j;
}

static berth_state sample(void)
{
    return (berth_state){
        .oci_version = "1.2.0",
        .id = "web-1",
        .bundle = "/srv/bundles/web",
        .rootfs = "/srv/bundles/web/rootfs",
        .created = "2026-11-25T04:27:46.123456789Z",
        .pid = 4242,
        .pid_start = 987654321,
        .cgroup_path = "/sys/fs/cgroup/berth/web-1",
        .owner = "",
    };
}

static char *to_json(const berth_state *s, const char *status, bool private_fields)
{
    char *out = NULL;
    berth_error *err = NULL;
    int r = berth_state_to_json(s, status, private_fields, &out, &err);
    cr_assert_eq(r, 0, "%s", err ? err->msg : "");
    cr_assert_not_null(out);
    return out;
}

Test(state, public_form_exact)
{
    berth_state s = sample();
    char *out = to_json(&s, "running", false);
    cr_expect_str_eq(out, "{\n"
                          "  \"ociVersion\": \"1.2.0\",\n"
                          "  \"id\": \"web-1\",\n"
                          "  \"pid\": 4242,\n"
                          "  \"status\": \"running\",\n"
                          "  \"bundle\": \"/srv/bundles/web\",\n"
                          "  \"rootfs\": \"/srv/bundles/web/rootfs\",\n"
                          "  \"created\": \"2026-11-25T04:27:46.123456789Z\",\n"
                          "  \"owner\": \"\"\n"
                          "}\n");
    free(out);
}

Test(state, public_form_with_annotations)
{
    berth_state s = sample();
    s.annotations = annotations();
    char *out = to_json(&s, "created", false);
    cr_expect(strstr(out, "\"annotations\": {\n    \"org.example/a\": \"1\",\n") != NULL, "%s",
              out);
    cr_expect_null(strstr(out, "pid_start"), "private field leaked: %s", out);
    cr_expect_null(strstr(out, "cgroup_path"), "private field leaked: %s", out);
    free(out);
    berth_json_free(s.annotations);
}

Test(state, private_form_compact)
{
    berth_state s = sample();
    char *out = to_json(&s, NULL, true);
    cr_expect_str_eq(out,
                     "{\"ociVersion\":\"1.2.0\",\"id\":\"web-1\",\"pid\":4242,"
                     "\"bundle\":\"/srv/bundles/web\",\"rootfs\":\"/srv/bundles/web/rootfs\","
                     "\"created\":\"2026-11-25T04:27:46.123456789Z\",\"owner\":\"\","
                     "\"pid_start\":987654321,\"cgroup_path\":\"/sys/fs/cgroup/berth/web-1\"}");
    free(out);
}

Test(state, null_strings_print_empty)
{
    berth_state s = {.id = "x"};
    char *out = to_json(&s, "stopped", true);
    cr_expect(strstr(out, "\"ociVersion\":\"1.2.0\"") != NULL, "%s", out);
    cr_expect(strstr(out, "\"bundle\":\"\"") != NULL, "%s", out);
    cr_expect(strstr(out, "\"status\":\"stopped\"") != NULL, "%s", out);
    cr_expect_null(strstr(out, "cgroup_path"), "%s", out);
    free(out);
}

Test(state, invalid_utf8_id_fails)
{
    berth_state s = sample();
    s.id = "\xff";
    char *out = NULL;
    berth_error *err = NULL;
    cr_expect_lt(berth_state_to_json(&s, "running", false, &out, &err), 0);
    cr_assert_not_null(err);
    cr_expect_null(out);
    cr_expect(strstr(err->msg, "UTF-8") != NULL, "%s", err->msg);
    berth_error_free(&err);
}

Test(state, round_trip)
{
    berth_state s = sample();
    s.annotations = annotations();
    char *out = to_json(&s, "running", true);
    berth_state *back = NULL;
    berth_error *err = NULL;
    cr_assert_eq(berth_state_from_json(out, strlen(out), "state.json", &back, &err), 0, "%s",
                 err ? err->msg : "");
    cr_expect_str_eq(back->oci_version, s.oci_version);
    cr_expect_str_eq(back->id, s.id);
    cr_expect_str_eq(back->bundle, s.bundle);
    cr_expect_str_eq(back->rootfs, s.rootfs);
    cr_expect_str_eq(back->created, s.created);
    cr_expect_eq(back->pid, s.pid);
    cr_expect_eq(back->pid_start, s.pid_start);
    cr_expect_str_eq(back->cgroup_path, s.cgroup_path);
    cr_expect_str_eq(back->owner, "");
    cr_assert_not_null(back->annotations);
    cr_expect_str_eq(berth_json_get(back->annotations, "b")->u.s, "x\"y");

    /* Regenerating gives the same bytes. */
    char *again = to_json(back, "running", true);
    cr_expect_str_eq(again, out);
    free(again);
    free(out);
    berth_state_free(back);
    berth_json_free(s.annotations);
}

static void bad(const char *json, const char *want)
{
    berth_state *s = NULL;
    berth_error *err = NULL;
    cr_assert_lt(berth_state_from_json(json, strlen(json), "state.json", &s, &err), 0, "%s", json);
    cr_assert_not_null(err);
    cr_expect_null(s);
    cr_expect(strstr(err->msg, want) != NULL, "message \"%s\" lacks \"%s\"", err->msg, want);
    berth_error_free(&err);
}

Test(state, from_json_errors)
{
    bad("{\"id\": ", "state.json:1:8:");
    bad("[]", "state.json: expected an object");
    bad("{\"pid\": 1}", "state.json: id: missing");
    bad("{\"id\": 5}", "state.json: id: expected a string");
    bad("{\"id\": \"a\", \"pid\": -1}", "state.json: pid: -1 is out of range");
    bad("{\"id\": \"a\", \"pid\": \"1\"}", "state.json: pid: expected a number");
    bad("{\"id\": \"a\", \"pid_start\": -5}", "state.json: pid_start: expected an unsigned");
    bad("{\"id\": \"a\", \"annotations\": []}", "state.json: annotations: expected an object");
    bad("{\"id\": \"a\", \"cgroup_path\": false}", "state.json: cgroup_path: expected a string");
}

Test(state, from_json_minimal)
{
    const char *j = "{\"id\": \"a\", \"status\": \"running\", \"unknown\": [1]}";
    berth_state *s = NULL;
    berth_error *err = NULL;
    cr_assert_eq(berth_state_from_json(j, strlen(j), "state.json", &s, &err), 0);
    cr_expect_str_eq(s->id, "a");
    cr_expect_eq(s->pid, 0);
    cr_expect_null(s->bundle);
    cr_expect_null(s->cgroup_path);
    cr_expect_null(s->annotations);
    berth_state_free(s);
    berth_state_free(NULL);
}

Test(state, rfc3339_now)
{
    char buf[64];
    berth_error *err = NULL;
    time_t before = time(NULL);
    cr_assert_eq(berth_rfc3339_now(buf, sizeof(buf), &err), 0);
    cr_expect_eq(strlen(buf), 30, "%s", buf);
    cr_expect_eq(buf[4], '-');
    cr_expect_eq(buf[10], 'T');
    cr_expect_eq(buf[19], '.');
    cr_expect_eq(buf[29], 'Z');
    for (int i = 20; i < 29; i++)
        cr_expect(buf[i] >= '0' && buf[i] <= '9', "%s", buf);
    struct tm tm = {0};
    cr_assert_not_null(strptime(buf, "%Y-%m-%dT%H:%M:%S", &tm));
    time_t t = timegm(&tm);
    cr_expect(t >= before && t <= before + 2, "%s is not now (UTC)", buf);
}

Test(state, rfc3339_buffer_too_small)
{
    char buf[20];
    berth_error *err = NULL;
    cr_expect_lt(berth_rfc3339_now(buf, sizeof(buf), &err), 0);
    cr_assert_not_null(err);
    cr_expect_eq(err->errnum, ERANGE);
    berth_error_free(&err);
}
