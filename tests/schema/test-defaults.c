/* SPDX-License-Identifier: MIT */
/* The fixed defaults in the key tables (what the JSON Schema and the
 * manual say) are the ones the parser applies: a file that leaves every
 * such key out loads into a model holding exactly those values, and every
 * default in the tables is checked here (a new one fails until it is). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "netconverge/config.h"
#include "netconverge/schema.h"

static const char file[] = "version: 1\n"
                           "bridges:\n"
                           "  b0: { subnet: 10.0.0.0/24, range: 10.0.0.0/25, vxlan: { vni: 1, underlay: eth1 } }\n"
                           "containers:\n"
                           "  c0:\n"
                           "    networks: [b0]\n"
                           "    ports: [{ published: 80, target: 80 }]\n";

/* The model's value of (table, key) as the file would write it. */
static void model_value(const struct nc_model *m, const char *what, const char *key, char *buf, size_t len) {
        const struct nc_bridge *b = &m->bridges[0];

        if (strcmp(what, "settings") == 0 && strcmp(key, "table") == 0)
                snprintf(buf, len, "%s", m->settings.table);
        else if (strcmp(what, "settings") == 0 && strcmp(key, "ip_forward") == 0)
                snprintf(buf, len, "%s", m->settings.ip_forward ? "true" : "false");
        else if (strcmp(what, "bridge") == 0 && strcmp(key, "mtu") == 0)
                snprintf(buf, len, "%u", b->mtu);
        else if (strcmp(what, "bridge") == 0 && strcmp(key, "masquerade") == 0)
                snprintf(buf, len, "%s", b->masquerade ? "true" : "false");
        else if (strcmp(what, "bridge") == 0 && strcmp(key, "isolated") == 0)
                snprintf(buf, len, "%s", b->isolated ? "true" : "false");
        else if (strcmp(what, "bridge") == 0 && strcmp(key, "icc") == 0)
                snprintf(buf, len, "%s", b->icc ? "true" : "false");
        else if (strcmp(what, "bridge") == 0 && strcmp(key, "internal") == 0)
                snprintf(buf, len, "%s", b->internal ? "true" : "false");
        else if (strcmp(what, "bridge") == 0 && strcmp(key, "adopt") == 0)
                snprintf(buf, len, "%s", b->adopt ? "true" : "false");
        else if (strcmp(what, "vxlan") == 0 && strcmp(key, "port") == 0)
                snprintf(buf, len, "%u", b->vxlan ? b->vxlan->port : 0);
        else if (strcmp(what, "port") == 0 && strcmp(key, "protocol") == 0)
                snprintf(buf, len, "%s", nc_proto_to_string(m->containers[0].ports[0].proto));
        else
                fail_msg("the default of %s.%s is not checked: add it to model_value()", what, key);
}

static size_t check_table(const struct nc_model *m, const struct nc_key_table *t) {
        size_t checked = 0;

        for (size_t i = 0; i < t->n_keys; i++) {
                const struct nc_key *k = &t->keys[i];
                char got[64];

                if (k->table)
                        checked += check_table(m, k->table);
                if (!k->default_value)
                        continue;
                model_value(m, t->what, k->name, got, sizeof(got));
                if (strcmp(got, k->default_value) != 0)
                        fail_msg("%s.%s: the table says %s, the parser gives %s", t->what, k->name, k->default_value, got);
                checked++;
        }
        return checked;
}

static void test_defaults_match_parser(void **state) {
        struct nc_model *m = NULL;
        struct nc_diags d = {};

        (void) state;
        assert_int_equal(nc_config_load_buffer(file, strlen(file), &d, &m), 0);
        assert_int_equal(check_table(m, nc_schema_root()), 10);
        nc_diags_done(&d);
        nc_model_free(m);
}

/* Every key of every table has a description, and names are unique in a table. */
static void check_rows(const struct nc_key_table *t) {
        assert_non_null(t->what);
        assert_non_null(t->description);
        for (size_t i = 0; i < t->n_keys; i++) {
                assert_true(t->keys[i].description && t->keys[i].description[0]);
                assert_true(t->keys[i].type < _NC_KEY_TYPE_MAX);
                for (size_t k = i + 1; k < t->n_keys; k++)
                        assert_string_not_equal(t->keys[i].name, t->keys[k].name);
                if (t->keys[i].table)
                        check_rows(t->keys[i].table);
        }
}

static void test_rows(void **state) {
        (void) state;
        check_rows(nc_schema_root());
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults_match_parser),
                cmocka_unit_test(test_rows),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
