/* The JSON tree parser and generator (oci/json.c). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "oci/json.h"

static berth_json *parse_ok(const char *s)
{
    berth_json *j = NULL;
    berth_error *err = NULL;
    int r = berth_json_parse(s, strlen(s), "t.json", &j, &err);
    cr_assert_eq(r, 0, "parse of %s failed: %s", s, err ? err->msg : "?");
    cr_assert_null(err);
    return j;
}

/* Returns the error message (caller frees) and checks the contract. */
static char *parse_fail(const char *s)
{
    berth_json *j = NULL;
    berth_error *err = NULL;
    int r = berth_json_parse(s, strlen(s), "t.json", &j, &err);
    cr_assert_lt(r, 0, "parse of %s succeeded", s);
    cr_assert_not_null(err);
    cr_assert_null(j);
    cr_assert_null(strchr(err->msg, '\n'), "message spans lines: %s", err->msg);
    char *m = strdup(err->msg);
    berth_error_free(&err);
    return m;
}

static void expect_error(const char *s, const char *want)
{
    char *m = parse_fail(s);
    cr_expect(strstr(m, want) != NULL, "input %s: message \"%s\" lacks \"%s\"", s, m, want);
    free(m);
}

Test(json, scalars)
{
    berth_json *j = parse_ok("[null, true, false, 42, -7, 1.5, 1e3, \"s\"]");
    cr_assert_eq(j->type, BERTH_JSON_ARRAY);
    cr_assert_eq(j->u.array.len, 8);
    berth_json **v = j->u.array.items;
    cr_expect_eq(v[0]->type, BERTH_JSON_NULL);
    cr_expect(v[1]->type == BERTH_JSON_BOOL && v[1]->u.b);
    cr_expect(v[2]->type == BERTH_JSON_BOOL && !v[2]->u.b);
    cr_expect(v[3]->type == BERTH_JSON_INT && v[3]->u.i == 42);
    cr_expect(v[4]->type == BERTH_JSON_INT && v[4]->u.i == -7);
    cr_expect(v[5]->type == BERTH_JSON_DOUBLE && v[5]->u.d == 1.5);
    cr_expect(v[6]->type == BERTH_JSON_DOUBLE && v[6]->u.d == 1000.0);
    cr_expect(v[7]->type == BERTH_JSON_STRING && strcmp(v[7]->u.s, "s") == 0);
    berth_json_free(j);
}

Test(json, int64_limits)
{
    berth_json *j = parse_ok("[9223372036854775807, -9223372036854775808, 9223372036854775808,"
                             " 18446744073709551615]");
    berth_json **v = j->u.array.items;
    cr_expect(v[0]->type == BERTH_JSON_INT && v[0]->u.i == INT64_MAX);
    cr_expect(v[1]->type == BERTH_JSON_INT && v[1]->u.i == INT64_MIN);
    cr_expect_eq(v[2]->type, BERTH_JSON_DOUBLE);
    cr_expect_eq(v[2]->u.d, 9223372036854775808.0);
    cr_expect_eq(v[3]->type, BERTH_JSON_DOUBLE);
    berth_json_free(j);
}

Test(json, long_number_text)
{
    /* Longer than the parser's on-stack number buffer. */
    char s[200] = "0.";
    memset(s + 2, '5', 150);
    s[152] = '\0';
    berth_json *j = parse_ok(s);
    cr_expect_eq(j->type, BERTH_JSON_DOUBLE);
    cr_expect(j->u.d > 0.55 && j->u.d < 0.56);
    berth_json_free(j);
}

Test(json, strings_with_escapes)
{
    berth_json *j = parse_ok("\"a\\\"b\\n\\u00e9\\/\"");
    cr_assert_eq(j->type, BERTH_JSON_STRING);
    cr_expect_str_eq(j->u.s, "a\"b\n\xc3\xa9/");
    berth_json_free(j);
}

Test(json, object_lookup)
{
    berth_json *j = parse_ok("{\"a\": 1, \"b\": {\"c\": [true]}}");
    cr_assert_eq(j->type, BERTH_JSON_OBJECT);
    cr_expect_eq(j->u.object.len, 2);
    const berth_json *b = berth_json_get(j, "b");
    cr_assert_not_null(b);
    const berth_json *c = berth_json_get(b, "c");
    cr_assert_not_null(c);
    cr_expect_eq(c->type, BERTH_JSON_ARRAY);
    cr_expect_null(berth_json_get(j, "zz"));
    cr_expect_null(berth_json_get(c, "a"), "lookup in an array must fail");
    cr_expect_null(berth_json_get(NULL, "a"));
    berth_json_free(j);
}

Test(json, duplicate_keys_last_wins)
{
    berth_json *j = parse_ok("{\"a\": 1, \"b\": 2, \"a\": [3]}");
    cr_expect_eq(j->u.object.len, 2, "duplicate must replace, not append");
    const berth_json *a = berth_json_get(j, "a");
    cr_assert_not_null(a);
    cr_expect_eq(a->type, BERTH_JSON_ARRAY);
    berth_json_free(j);
}

Test(json, empty_containers)
{
    berth_json *j = parse_ok("{\"a\": {}, \"b\": []}");
    cr_expect_eq(berth_json_get(j, "a")->u.object.len, 0);
    cr_expect_eq(berth_json_get(j, "b")->u.array.len, 0);
    berth_json_free(j);
}

Test(json, locations)
{
    berth_json *j = parse_ok("{\n  \"a\": 1,\n  \"b\":\t[ \"x\",\n\n      null ]\n}");
    cr_expect_eq(j->line, 1);
    cr_expect_eq(j->column, 1);
    const berth_json *a = berth_json_get(j, "a");
    cr_expect_eq(a->line, 2);
    cr_expect_eq(a->column, 8);
    const berth_json *b = berth_json_get(j, "b");
    cr_expect_eq(b->line, 3);
    cr_expect_eq(b->column, 8);
    cr_expect_eq(b->u.array.items[0]->line, 3);
    cr_expect_eq(b->u.array.items[0]->column, 10);
    cr_expect_eq(b->u.array.items[1]->line, 5);
    cr_expect_eq(b->u.array.items[1]->column, 7);
    berth_json_free(j);
}

Test(json, syntax_error_line_column)
{
    char *m = parse_fail("{\n  \"a\": 1,\n  \"b\": 2 x\n}");
    cr_expect(strncmp(m, "t.json:3:", 9) == 0, "got %s", m);
    free(m);
    expect_error("{\"a\":1} x", "t.json:1:10: parse error: trailing garbage");
    expect_error("[1,2]]", "t.json:1:7:");
    expect_error("{'a':1}", "t.json:1:3: lexical error");
}

Test(json, bad_inputs)
{
    expect_error("", "t.json:1:1: parse error: premature EOF");
    expect_error("{\"a\":\n  [1,\n  2,", "t.json:3:5: parse error: premature EOF");
    expect_error("{\"a\" 1}", "t.json:1:");
    expect_error("[1,]", "t.json:1:");
    expect_error("{1: 2}", "t.json:1:3: parse error: invalid object key");
    expect_error("[\"\xff\"]", "invalid bytes in UTF8");
    expect_error("// c\n{}", "t.json:1:1:");
    expect_error("[01]", "t.json:1:");
    expect_error("{} {}", "trailing garbage");
}

Test(json, nul_in_string_rejected)
{
    expect_error("{\"a\":\n\n   {\"b\" : \"x\\u0000\"}}", "t.json:3:11: string contains a NUL");
    expect_error("{\"a\\u0000\": 1}", "member name contains a NUL");
}

Test(json, nesting_limit)
{
    size_t n = 2000;
    char *s = malloc(2 * n + 1);
    cr_assert_not_null(s);
    memset(s, '[', n);
    memset(s + n, ']', n);
    s[2 * n] = '\0';
    expect_error(s, "nesting too deep");
    /* A depth well inside the limit parses. */
    memset(s, '[', 100);
    memset(s + 100, ']', 100);
    s[200] = '\0';
    berth_json *j = parse_ok(s);
    cr_expect_eq(j->type, BERTH_JSON_ARRAY);
    berth_json_free(j);
    free(s);
}

static char *gen_text(berth_json_gen *g)
{
    const char *t = NULL;
    size_t len = 0;
    berth_error *err = NULL;
    int r = berth_json_gen_result(g, &t, &len, &err);
    cr_assert_eq(r, 0, "%s", err ? err->msg : "");
    cr_assert_eq(strlen(t), len);
    return strdup(t);
}

Test(json_gen, compact)
{
    berth_json_gen *g = berth_json_gen_new(false);
    cr_assert_not_null(g);
    berth_json_gen_map_open(g);
    berth_json_gen_kv_string(g, "s", "a\"b/\n");
    berth_json_gen_kv_int(g, "i", -5);
    berth_json_gen_kv_bool(g, "b", true);
    berth_json_gen_string(g, "n");
    berth_json_gen_null(g);
    berth_json_gen_kv_string(g, "ns", NULL);
    berth_json_gen_string(g, "a");
    berth_json_gen_array_open(g);
    berth_json_gen_int(g, INT64_MAX);
    berth_json_gen_bool(g, false);
    berth_json_gen_array_close(g);
    berth_json_gen_map_close(g);
    char *t = gen_text(g);
    cr_expect_str_eq(t, "{\"s\":\"a\\\"b/\\n\",\"i\":-5,\"b\":true,\"n\":null,\"ns\":null,"
                        "\"a\":[9223372036854775807,false]}");
    free(t);
    berth_json_gen_free(g);
}

Test(json_gen, pretty_two_spaces)
{
    berth_json_gen *g = berth_json_gen_new(true);
    berth_json_gen_map_open(g);
    berth_json_gen_kv_string(g, "id", "x");
    berth_json_gen_string(g, "l");
    berth_json_gen_array_open(g);
    berth_json_gen_int(g, 1);
    berth_json_gen_array_close(g);
    berth_json_gen_map_close(g);
    char *t = gen_text(g);
    cr_expect_str_eq(t, "{\n  \"id\": \"x\",\n  \"l\": [\n    1\n  ]\n}\n");
    free(t);
    berth_json_gen_free(g);
}

/* Checks that the generator refuses to hand out its text, and why. */
static void expect_gen_error(berth_json_gen *g, const char *want)
{
    const char *t = NULL;
    berth_error *err = NULL;
    cr_expect_lt(berth_json_gen_result(g, &t, NULL, &err), 0);
    cr_assert_not_null(err);
    cr_expect_null(t);
    cr_expect(strstr(err->msg, want) != NULL, "\"%s\" lacks \"%s\"", err->msg, want);
    berth_error_free(&err);
    berth_json_gen_free(g);
}

Test(json_gen, unbalanced_is_an_error)
{
    berth_json_gen *g = berth_json_gen_new(false);
    berth_json_gen_map_open(g);
    berth_json_gen_kv_int(g, "a", 1);
    expect_gen_error(g, "incomplete");
}

Test(json_gen, non_string_key_is_an_error)
{
    berth_json_gen *g = berth_json_gen_new(false);
    berth_json_gen_map_open(g);
    berth_json_gen_int(g, 1);
    berth_json_gen_int(g, 2);
    berth_json_gen_map_close(g);
    expect_gen_error(g, "key");
}

Test(json_gen, invalid_utf8_is_an_error)
{
    berth_json_gen *g = berth_json_gen_new(false);
    berth_json_gen_string(g, "\xff\xfe");
    expect_gen_error(g, "UTF-8");
}

Test(json_gen, empty_is_an_error)
{
    expect_gen_error(berth_json_gen_new(false), "incomplete");
}

Test(json_gen, tree_round_trip)
{
    const char *src = "{\"a\":[1,-2,1.5,0.1,1e+300,3.0,\"x\",null,true,{}],\"b\":{\"c\":[]},"
                      "\"big\":9223372036854775808}";
    berth_json *j = parse_ok(src);
    berth_json_gen *g = berth_json_gen_new(false);
    berth_json_gen_tree(g, j);
    char *t = gen_text(g);
    /* Doubles stay doubles ("3.0") and print in their shortest exact form. */
    cr_expect_str_eq(t, "{\"a\":[1,-2,1.5,0.1,1e+300,3.0,\"x\",null,true,{}],\"b\":{\"c\":[]},"
                        "\"big\":9.223372036854776e+18}");
    berth_json *k = parse_ok(t);
    cr_expect_eq(berth_json_get(k, "a")->u.array.items[5]->type, BERTH_JSON_DOUBLE);
    cr_expect_eq(berth_json_get(k, "big")->u.d, 9223372036854775808.0);
    berth_json_free(k);
    free(t);
    berth_json_gen_free(g);
    berth_json_free(j);
}
