/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netconverge/netconverge.h"
#include "netconverge/observe.h"
#include "netconverge/plan.h"
#include "netconverge/state.h"
#include "testutil.h"

/* The planner on hand-made observed states. The golden tests cover the
 * plan format broadly; these pin the rules: in sync is "No changes.",
 * identity vs updatable attributes, ownership, conflicts, waiting. */

static const char docker0[] = "version: 1\n"
                              "bridges:\n  docker0: {subnet: 172.17.0.0/16}\n"
                              "containers:\n  web: {networks: [docker0], ports: ['8080:80']}\n";

static struct nc_model *load(const char *text) {
        struct nc_model *m = NULL;
        struct nc_diags d;

        assert_int_equal(nc_diags_init(&d, "t.yaml"), 0);
        assert_int_equal(nc_config_load_buffer(text, strlen(text), &d, &m), 0);
        nc_diags_done(&d);
        return m;
}

static char *plan_text(const struct nc_model *m, const struct nc_state *observed) {
        struct nc_plan *p = NULL;
        char *s = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&s, &n);

        assert_int_equal(nc_plan_compute(m, observed, &p), 0);
        for (size_t i = 0; i < p->n_conflicts; i++)
                fprintf(f, "conflict: %s\n", p->conflicts[i]);
        assert_int_equal(nc_print_plan_text(p, f), 0);
        fclose(f);
        nc_plan_free(p);
        return s;
}

static struct nc_state *converged(const struct nc_model *m) {
        return nc_test_converged(m);
}

static struct nc_link *link_of(struct nc_state *s, const char *netns, const char *name) {
        return (struct nc_link *) nc_state_find_link(s, netns, name);
}

static void test_fresh_host(void **state) {
        struct nc_model *m = load(docker0);
        struct nc_state *empty = nc_state_new();
        char *t;

        (void) state;
        empty->ip_forward = 0;
        t = plan_text(m, empty);
        assert_string_equal(t, "+ netns web\n"
                               "+ bridge docker0 (mtu 1500)\n"
                               "+ address 172.17.0.1/16 on docker0\n"
                               "+ veth vethbb8e173b <-> eth0 in netns web, master docker0\n"
                               "~ link lo in netns web: down -> up\n"
                               "+ address 172.17.0.2/16 on eth0 in netns web\n"
                               "+ route default via 172.17.0.1 in netns web\n"
                               "+ nft table inet netconverge\n"
                               "+ nft chain forward (filter, hook forward, priority 0)\n"
                               "+ nft chain guard (filter, hook prerouting, priority -300)\n"
                               "+ nft chain output (nat, hook output, priority -100)\n"
                               "+ nft chain postrouting (nat, hook postrouting, priority 100)\n"
                               "+ nft chain prerouting (nat, hook prerouting, priority -100)\n"
                               "+ nft chain publish\n"
                               "+ nft map ports4_tcp (inet_service : ipv4_addr . inet_service)\n"
                               "+ filter into docker0 from links not in group 28259: "
                               "drop unless published or established\n"
                               "+ filter guard: drop to 127.0.0.0/8 not from lo\n"
                               "+ nat masquerade hairpin 172.17.0.0/16 out docker0\n"
                               "+ nat output: local addresses of IPv4, 127.0.0.0/8 included, jump to publish\n"
                               "+ nat prerouting: local addresses jump to publish\n"
                               "+ nat masquerade localhost 127.0.0.0/8 out docker0\n"
                               "+ nat masquerade 172.17.0.0/16 out !docker0\n"
                               "+ nat publish tcp dport via map ports4_tcp\n"
                               "+ nat publish tcp 0.0.0.0:8080 -> 172.17.0.2:80\n"
                               "~ sysctl net.ipv4.ip_forward: 0 -> 1\n"
                               "~ sysctl net.ipv4.conf.all.route_localnet: unknown -> 1\n"
                               "Plan: 23 to add, 3 to change, 0 to remove.\n");
        free(t);
        nc_state_free(empty);
        nc_model_free(m);
}

static void test_converged_is_in_sync(void **state) {
        struct nc_model *m = load(docker0);
        struct nc_state *s = converged(m);
        char *t = plan_text(m, s);

        (void) state;
        assert_string_equal(t, "No changes.\n");
        /* One map and its lookup; the port is its element. */
        assert_int_equal(s->nft.n_objects, 1);
        assert_string_equal(s->nft.objects[0].name, "ports4_tcp");
        assert_int_equal(s->nft.n_elements, 1);
        assert_string_equal(s->nft.elements[0].chain, "ports4_tcp");
        free(t);
        nc_state_free(s);
        nc_model_free(m);
}

static void test_updatable_drift_is_a_change(void **state) {
        struct nc_model *m = load(docker0);
        struct nc_state *s = converged(m);
        char *t;

        (void) state;
        link_of(s, "", "docker0")->mtu = 1400;
        link_of(s, "", "docker0")->up = false;
        link_of(s, "web", "eth0")->mac[5] = 0x99;
        link_of(s, "web", "lo")->up = false;
        t = plan_text(m, s);
        assert_string_equal(t, "~ bridge docker0: mtu 1400 -> 1500, down -> up\n"
                               "~ veth vethbb8e173b <-> eth0 in netns web: mac 02:42:ac:11:00:99 -> 02:42:ac:11:00:02\n"
                               "~ link lo in netns web: down -> up\n"
                               "Plan: 0 to add, 3 to change, 0 to remove.\n");
        free(t);
        nc_state_free(s);
        nc_model_free(m);
}

static void test_foreign_bridge_is_a_conflict_unless_adopted(void **state) {
        struct nc_model *m = load(docker0);
        struct nc_model *adopt = load("version: 1\n"
                                      "bridges:\n  docker0: {subnet: 172.17.0.0/16, adopt: true}\n"
                                      "containers:\n  web: {networks: [docker0], ports: ['8080:80']}\n");
        struct nc_state *s = converged(m);
        struct nc_link *br = link_of(s, "", "docker0");
        char *t;

        (void) state;
        free(br->alias);
        br->alias = NULL;
        br->group = 0;
        nc_link_check_marks(br);
        t = plan_text(m, s);
        assert_non_null(strstr(t, "conflict: link docker0 exists and is not managed by netconverge; set adopt: true "
                                  "on bridge docker0 to take it over\n"));
        free(t);
        t = plan_text(adopt, s);
        assert_string_equal(t, "~ bridge docker0: adopt\nPlan: 0 to add, 1 to change, 0 to remove.\n");
        free(t);
        nc_state_free(s);
        nc_model_free(m);
        nc_model_free(adopt);
}

static void test_prune_removes_only_ours(void **state) {
        struct nc_model *m = load(docker0);
        struct nc_model *none = load("version: 1\n");
        struct nc_state *s = converged(m);
        struct nc_link foreign = { .netns = "", .name = "dummy0", .kind = NC_LINK_OTHER, .mtu = 1500 };
        struct nc_address fa = { .netns = "", .ifname = "dummy0", .address = 0x0a000001, .prefixlen = 8 };
        char *t;

        (void) state;
        assert_int_equal(nc_state_add_link(s, &foreign), 0);
        assert_int_equal(nc_state_add_address(s, &fa), 0);
        nc_state_sort(s);
        t = plan_text(none, s);
        assert_string_equal(t, "- bridge docker0 (disrupts web)\n"
                               "- veth vethbb8e173b <-> eth0 in netns web (disrupts web)\n"
                               "- nft table inet netconverge\n"
                               "Plan: 0 to add, 0 to change, 3 to remove.\n");
        free(t);
        nc_state_free(s);
        nc_model_free(m);
        nc_model_free(none);
}

static void test_running_container_keeps_its_address(void **state) {
        /* web holds .9; a newcomer "api" (first by name) must not take it,
         * and web must not move to .2. */
        struct nc_model *m1 = load(docker0);
        struct nc_model *m2 = load("version: 1\n"
                                   "bridges:\n  docker0: {subnet: 172.17.0.0/16}\n"
                                   "containers:\n  web: {networks: [docker0], ports: ['8080:80']}\n"
                                   "  api: {networks: [docker0]}\n");
        struct nc_state *s = converged(m1);
        char *t;

        (void) state;
        s->addresses[1].address = 0xac110009;   /* web's eth0: sorted after docker0's */
        assert_string_equal(s->addresses[1].netns, "web");
        link_of(s, "web", "eth0")->mac[5] = 0x09;
        t = plan_text(m2, s);
        assert_non_null(strstr(t, "+ address 172.17.0.2/16 on eth0 in netns api\n"));
        assert_null(strstr(t, "in netns web\n"));
        free(t);
        nc_state_free(s);
        nc_model_free(m1);
        nc_model_free(m2);
}

static struct nc_nft_rule *rule_of(struct nc_state *s, const char *key) {
        for (size_t i = 0; i < s->nft.n_rules; i++)
                if (s->nft.rules[i].key && strcmp(s->nft.rules[i].key, key) == 0)
                        return &s->nft.rules[i];
        fail_msg("no rule %s", key);
        return NULL;
}

static struct nc_nft_rule *element_of(struct nc_state *s, const char *key) {
        for (size_t i = 0; i < s->nft.n_elements; i++)
                if (s->nft.elements[i].key && strcmp(s->nft.elements[i].key, key) == 0)
                        return &s->nft.elements[i];
        fail_msg("no element %s", key);
        return NULL;
}

static void test_nft_rules_diffed_one_by_one(void **state) {
        struct nc_model *m = load(docker0);
        struct nc_state *s = converged(m);
        struct nc_nft_rule foreign = { .chain = "forward", .kind = NC_RULE_OTHER, .handle = 7 };
        struct nc_nft_rule *jump;
        char *t;

        (void) state;
        element_of(s, "publish tcp 0.0.0.0:8080")->to_port = 81; /* changed by hand */
        rule_of(s, "masquerade docker0")->kind = NC_RULE_OTHER;  /* replaced with something else */
        jump = rule_of(s, "jump output");                        /* the same rule, unmarked: not ours */
        free(jump->key);
        jump->key = NULL;
        jump = rule_of(s, "jump prerouting");                    /* marked with a key we do not make */
        free(jump->key);
        jump->key = strdup("stale");
        assert_int_equal(nc_state_add_nft_rule(s, &foreign), 0);
        nc_state_sort(s);
        t = plan_text(m, s);
        assert_string_equal(t, "- nft rule in chain forward, not made by netconverge\n"
                               "- nft rule in chain output, not made by netconverge\n"
                               "- nat prerouting: local addresses jump to publish\n"
                               "+ nat output: local addresses of IPv4, 127.0.0.0/8 included, jump to publish\n"
                               "+ nat prerouting: local addresses jump to publish\n"
                               "~ nat masquerade 172.17.0.0/16 out !docker0 (was: nft rule \"masquerade docker0\" in chain postrouting, not one netconverge makes)\n"
                               "~ nat publish tcp 0.0.0.0:8080 -> 172.17.0.2:80 (was: nat publish tcp 0.0.0.0:8080 -> 172.17.0.2:81) (disrupts web)\n"
                               "Plan: 2 to add, 2 to change, 3 to remove.\n");
        free(t);
        nc_state_free(s);
        nc_model_free(m);
}

static void test_waiting_container(void **state) {
        struct nc_model *m = load("version: 1\n"
                                  "bridges:\n  docker0: {subnet: 172.17.0.0/16}\n"
                                  "containers:\n  web: {netns: /proc/999999/ns/net, networks: [docker0]}\n");
        struct nc_state *s = converged(m);
        char *t;

        (void) state;
        t = plan_text(m, s);
        assert_string_equal(t, "waiting: container web (netns /proc/999999/ns/net does not exist)\nNo changes.\n");
        free(t);
        nc_state_free(s);
        nc_model_free(m);
}

/* SPEC 7.5: a host with underlay eth1 (MTU mtu, 192.0.2.11/24), and
 * with in_sync what the file's plan makes on it (no containers). */
static const char fleet[] = "version: 1\n"
                            "bridges:\n  f:\n    subnet: 10.90.0.0/16\n    range: 10.90.1.0/24\n"
                            "    vxlan: {vni: 42, underlay: eth1, remotes: [192.0.2.12, 192.0.2.13]}\n";

static struct nc_state *fleet_host(const struct nc_model *m, unsigned mtu, bool in_sync) {
        struct nc_state *s = nc_state_new();
        struct nc_link eth1 = { .netns = "", .name = "eth1", .kind = NC_LINK_VETH, .mtu = mtu, .up = true };
        struct nc_address a = { .netns = "", .ifname = "eth1", .address = 0xc000020b, .prefixlen = 24 };
        struct nc_plan *p = NULL;

        assert_int_equal(nc_state_add_link(s, &eth1), 0);
        assert_int_equal(nc_state_add_address(s, &a), 0);
        s->ip_forward = 1;
        nc_state_sort(s);
        if (!in_sync)
                return s;
        assert_int_equal(nc_plan_compute(m, s, &p), 0);
        for (size_t i = 0; i < p->desired->n_links; i++) {
                struct nc_link l = p->desired->links[i];

                l.oper_up = true;
                assert_int_equal(nc_state_add_link(s, &l), 0);
        }
        for (size_t i = 0; i < p->desired->n_addresses; i++)
                assert_int_equal(nc_state_add_address(s, &p->desired->addresses[i]), 0);
        for (size_t i = 0; i < p->desired->n_fdb; i++)
                assert_int_equal(nc_state_add_fdb(s, &p->desired->fdb[i]), 0);
        assert_int_equal(nc_state_set_nft_table(s, p->desired->nft.table), 0);
        for (size_t i = 0; i < p->desired->nft.n_chains; i++)
                assert_int_equal(nc_state_add_nft_chain(s, &p->desired->nft.chains[i]), 0);
        for (size_t i = 0; i < p->desired->nft.n_rules; i++) {
                struct nc_nft_rule r = p->desired->nft.rules[i];

                r.handle = 100 + i;
                assert_int_equal(nc_state_add_nft_rule(s, &r), 0);
        }
        nc_plan_free(p);
        nc_state_sort(s);
        return s;
}

static void test_vxlan_link_names(void **state) {
        char name[NC_IFNAMSIZ];

        (void) state;
        nc_vxlan_link_name("fleet0", name);
        assert_string_equal(name, "vx-fleet0");
        nc_vxlan_link_name("abcdefghijkl", name);
        assert_string_equal(name, "vx-abcdefghijkl");
        /* Longer than 12 bytes: a prefix and a hash, two such differ. */
        nc_vxlan_link_name("abcdefghijklm", name);
        assert_int_equal(strlen(name), 15);
        assert_memory_equal(name, "vx-abcd", 7);
        {
                char other[NC_IFNAMSIZ];

                nc_vxlan_link_name("abcdefghijkln", other);
                assert_string_not_equal(name, other);
        }
}

static void test_vxlan_in_sync_and_drift(void **state) {
        struct nc_model *m = load(fleet);
        struct nc_state *s = fleet_host(m, 1500, true);
        struct nc_link *vx = link_of(s, "", "vx-f");
        char *t;

        (void) state;
        t = plan_text(m, s);
        assert_string_equal(t, "No changes.\n");
        free(t);
        /* Down and off its bridge: put back in place. */
        vx->up = false;
        vx->master[0] = '\0';
        t = plan_text(m, s);
        assert_string_equal(t, "~ vxlan vx-f: master none -> f, down -> up\n"
                               "Plan: 0 to add, 1 to change, 0 to remove.\n");
        free(t);
        /* Learning on is another link: - then +, with its entries. */
        vx->up = true;
        strcpy(vx->master, "f");
        vx->vxlan.learning = true;
        t = plan_text(m, s);
        assert_string_equal(t, "- vxlan vx-f\n"
                               "+ vxlan vx-f (vni 42, port 4789, via eth1) master f\n"
                               "+ fdb 00:00:00:00:00:00 dst 192.0.2.12 on vx-f\n"
                               "+ fdb 00:00:00:00:00:00 dst 192.0.2.13 on vx-f\n"
                               "Plan: 3 to add, 0 to change, 1 to remove.\n");
        free(t);
        nc_state_free(s);
        nc_model_free(m);
}

/* An apply that died between creating the link and marking it: the link
 * is finished (alias set), not made again; entries on it are kept. */
static void test_vxlan_unfinished_is_finished(void **state) {
        struct nc_model *m = load(fleet);
        struct nc_state *s = fleet_host(m, 1500, true);
        struct nc_link *vx = link_of(s, "", "vx-f");
        char *t;

        (void) state;
        free(vx->alias);
        free(vx->owner_bridge);
        vx->alias = NULL;
        vx->owner_bridge = NULL;
        vx->role = NC_ROLE_NONE;
        t = plan_text(m, s);
        assert_string_equal(t, "~ vxlan vx-f: mark\nPlan: 0 to add, 1 to change, 0 to remove.\n");
        free(t);
        /* Out of our group: someone else's. */
        vx->group = 0;
        t = plan_text(m, s);
        assert_string_equal(t, "conflict: link vx-f exists and is not managed by netconverge\nNo changes.\n");
        free(t);
        nc_state_free(s);
        nc_model_free(m);
}

/* The bridge's MTU, with none in the file, follows the underlay's. */
static void test_vxlan_mtu_follows_underlay(void **state) {
        struct nc_model *m = load(fleet);
        struct nc_state *s = fleet_host(m, 9000, false);
        char *t = plan_text(m, s);

        (void) state;
        assert_non_null(strstr(t, "+ bridge f (mtu 8950)\n"));
        free(t);
        nc_state_free(s);
        nc_model_free(m);
}

/* IPv6 remotes: the underlay's IPv6 address is the local one, the MTU
 * 70 bytes below the underlay's, the entries' dst IPv6; an underlay with
 * IPv4 only waits. */
static const char fleet6[] = "version: 1\n"
                             "bridges:\n  f:\n    subnet: 10.90.0.0/16\n    range: 10.90.1.0/24\n"
                             "    vxlan: {vni: 42, underlay: eth1, remotes: [\"2001:db8::12\", \"2001:db8::13\"]}\n";

static void test_vxlan_ipv6_remotes(void **state) {
        struct nc_model *m = load(fleet6);
        struct nc_state *s = fleet_host(m, 1500, false);
        struct nc_address a6 = { .netns = "", .ifname = "eth1", .v6 = true, .prefixlen = 64,
                                 .address6 = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x11 } } };
        char *t = plan_text(m, s);

        (void) state;
        assert_non_null(strstr(t, "waiting: bridge f (vxlan underlay eth1 has no IPv6 address)\n"));
        assert_null(strstr(t, "vxlan vx-f"));
        free(t);
        assert_int_equal(nc_state_add_address(s, &a6), 0);
        nc_state_sort(s);
        t = plan_text(m, s);
        assert_non_null(strstr(t, "+ bridge f (mtu 1430)\n"));
        assert_non_null(strstr(t, "+ vxlan vx-f (vni 42, port 4789, via eth1) master f\n"
                                  "+ fdb 00:00:00:00:00:00 dst 2001:db8::12 on vx-f\n"
                                  "+ fdb 00:00:00:00:00:00 dst 2001:db8::13 on vx-f\n"));
        free(t);
        nc_state_free(s);
        nc_model_free(m);
}

/* A remote that is the host's own IPv6 address. */
static void test_vxlan_ipv6_own_remote(void **state) {
        struct nc_model *m = load(fleet6);
        struct nc_state *s = fleet_host(m, 1500, false);
        struct nc_address a6 = { .netns = "", .ifname = "eth1", .v6 = true, .prefixlen = 64,
                                 .address6 = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x13 } } };
        char *t;

        (void) state;
        assert_int_equal(nc_state_add_address(s, &a6), 0);
        nc_state_sort(s);
        t = plan_text(m, s);
        assert_non_null(strstr(t, "conflict: bridge f: vxlan remote 2001:db8::13 is this host's own address (on "
                                  "eth1); list only the other hosts of the fleet\n"));
        free(t);
        nc_state_free(s);
        nc_model_free(m);
}

/* What verify reads again after a plan: every namespace a change touched,
 * on both ends of a veth, and the table; nothing else. */
static struct nc_observe_scope scope_of(const struct nc_model *m, const struct nc_state *observed) {
        struct nc_observe_scope scope = {};
        struct nc_plan *p = NULL;

        assert_int_equal(nc_plan_compute(m, observed, &p), 0);
        assert_int_equal(nc_observe_scope_add_plan(&scope, p), 0);
        nc_observe_scope_sort(&scope);
        nc_plan_free(p);
        return scope;
}

static void test_verify_scope_is_what_the_plan_touches(void **state) {
        struct nc_model *two = load("version: 1\n"
                                    "bridges:\n  docker0: {subnet: 172.17.0.0/16}\n"
                                    "containers:\n  web: {networks: [docker0], ports: ['8080:80']}\n"
                                    "  db: {networks: [docker0]}\n");
        struct nc_model *one = load(docker0);
        struct nc_state *s = converged(two);
        struct nc_observe_scope scope;
        size_t k = 0;

        (void) state;
        /* In sync: nothing. */
        scope = scope_of(two, s);
        assert_false(scope.host_some);
        assert_false(scope.nft);
        assert_int_equal(scope.n_netns, 0);
        nc_observe_scope_done(&scope);
        /* Removing db: its host end and its bridge, its namespace (the other end). */
        scope = scope_of(one, s);
        assert_true(scope.host_some);
        assert_int_equal(scope.n_host_links, 2);
        assert_string_equal(scope.host_links[0], "docker0");
        assert_string_equal(scope.host_links[1], nc_state_find_link(s, "db", "eth0")->peer_name);
        assert_int_equal(scope.n_netns, 1);
        assert_string_equal(scope.netns[0], "db");
        nc_observe_scope_done(&scope);
        /* db's default route gone by hand: db alone. */
        for (size_t i = 0; i < s->n_routes; i++)
                if (strcmp(s->routes[i].netns, "db") != 0)
                        s->routes[k++] = s->routes[i];
                else
                        free(s->routes[i].netns);
        assert_int_equal(s->n_routes - k, 1);
        s->n_routes = k;
        scope = scope_of(two, s);
        assert_false(scope.host_some);
        assert_false(scope.nft);
        assert_int_equal(scope.n_netns, 1);
        assert_string_equal(scope.netns[0], "db");
        nc_observe_scope_done(&scope);
        nc_state_free(s);
        /* A fresh host: the bridge and both host ends, the table, both containers. */
        s = nc_state_new();
        assert_int_equal(nc_state_add_namespace(s, "db", true), 0);
        assert_int_equal(nc_state_add_namespace(s, "web", true), 0);
        nc_state_sort(s);
        scope = scope_of(two, s);
        assert_true(scope.host_some);
        assert_int_equal(scope.n_host_links, 3);
        assert_int_equal(scope.n_host_ifindexes, 0);
        assert_string_equal(scope.host_links[0], "docker0");
        assert_true(scope.nft);
        assert_int_equal(scope.n_netns, 2);
        assert_string_equal(scope.netns[0], "db");
        assert_string_equal(scope.netns[1], "web");
        nc_observe_scope_done(&scope);
        nc_state_free(s);
        nc_model_free(one);
        nc_model_free(two);
}

/* What an apply killed between creating a link (in our group, a mark the
 * kernel sets with the creation) and setting its alias leaves: the next
 * plan finishes the marks, it does not stop at a conflict. */
static void drop_alias(struct nc_link *l) {
        free(l->alias);
        l->alias = NULL;
        free(l->owner_container);
        l->owner_container = l->owner_bridge = l->owner_netns = NULL;
        l->role = NC_ROLE_NONE;
}

static void test_unmarked_links_in_our_group_are_finished(void **state) {
        struct nc_model *m = load(docker0);
        struct nc_state *s = converged(m);
        char *t;

        (void) state;
        drop_alias(link_of(s, "", "docker0"));
        drop_alias(link_of(s, "", "vethbb8e173b"));
        drop_alias(link_of(s, "web", "eth0"));
        t = plan_text(m, s);
        assert_string_equal(t, "~ bridge docker0: mark\n"
                               "~ veth vethbb8e173b <-> eth0 in netns web: mark host end, mark container end\n"
                               "Plan: 0 to add, 2 to change, 0 to remove.\n");
        free(t);
        nc_state_free(s);
        nc_model_free(m);
}

/* Our alias copied onto a link outside our groups does not make it ours. */
static void test_copied_alias_outside_group_is_a_conflict(void **state) {
        struct nc_model *m = load(docker0);
        struct nc_state *s = converged(m);
        struct nc_link *br = link_of(s, "", "docker0"), *veth = link_of(s, "", "vethbb8e173b");
        char *t;

        (void) state;
        br->group = 0;
        nc_link_check_marks(br);
        assert_int_equal(br->role, NC_ROLE_NONE);
        veth->group = 0;
        nc_link_check_marks(veth);
        t = plan_text(m, s);
        assert_non_null(strstr(t, "conflict: link docker0 exists and is not managed by netconverge"));
        assert_non_null(strstr(t, "conflict: link vethbb8e173b exists and is not managed by netconverge\n"));
        free(t);
        nc_state_free(s);
        nc_model_free(m);
}

/* Nobody wants them any more: an unmarked host end of a derived name goes
 * (its container end with it), and so does an unmarked bridge of our group
 * holding no port but ours (golden/interrupted-unmarked-bridge-port-kept:
 * one with a foreign port stays). */
static void test_unmarked_leftovers(void **state) {
        struct nc_model *m = load(docker0);
        struct nc_model *none = load("version: 1\n");
        struct nc_state *s = converged(m);
        char *t;

        (void) state;
        drop_alias(link_of(s, "", "docker0"));
        drop_alias(link_of(s, "", "vethbb8e173b"));
        drop_alias(link_of(s, "web", "eth0"));
        t = plan_text(none, s);
        assert_string_equal(t, "- bridge docker0\n"
                               "- veth vethbb8e173b <-> eth0 in netns web\n"
                               "- nft table inet netconverge\n"
                               "Plan: 0 to add, 0 to change, 3 to remove.\n");
        free(t);
        nc_state_free(s);
        nc_model_free(m);
        nc_model_free(none);
}

/* The longest description there is, a veth's ~ of every field it has,
 * disruptive, fits: no "(description overflow)", and the JSON and text
 * come out whole. */
static void test_longest_description_fits(void **state) {
        static const char *const who[] = { "a", "b", "c", "d", "e" };
        struct nc_link want = { .netns = "", .name = "vethx", .kind = NC_LINK_VETH, .mtu = 1400, .up = true,
                                .master = "br1", .mac = { 2, 0x42, 1, 2, 3, 4 } };
        struct nc_link want_peer = { .netns = "web", .name = "eth0", .kind = NC_LINK_VETH, .mtu = 1400, .up = true,
                                     .mac = { 2, 0x42, 1, 2, 3, 4 } };
        struct nc_link have = { .netns = "", .name = "vethx", .kind = NC_LINK_VETH, .mtu = 1500, .master = "br0" };
        struct nc_link have_peer = { .netns = "web", .name = "eth0", .kind = NC_LINK_VETH, .mtu = 1500 };
        struct nc_action a = { .phase = NC_PHASE_VETH, .change = NC_CHANGE_MODIFY, .object = NC_OBJECT_VETH,
                               .netns = "", .diff = NC_DIFF_LINK_MARK | NC_DIFF_PEER_MARK | NC_DIFF_MTU |
                                                    NC_DIFF_MASTER | NC_DIFF_MAC | NC_DIFF_UP | NC_DIFF_PEER_UP,
                               .disruptive = true, .affected = who, .n_affected = 5,
                               .link = { .want = &want, .have = &have, .want_peer = &want_peer,
                                         .have_peer = &have_peer } };
        struct nc_description d;
        char *t;

        (void) state;
        nc_action_description(&a, &d);
        assert_false(d.overflow);
        t = nc_action_format(&a);
        assert_string_equal(t, "~ veth vethx <-> eth0 in netns web: mark host end, mark container end, "
                               "mtu 1500 -> 1400, master br0 -> br1, mac 00:00:00:00:00:00 -> 02:42:01:02:03:04, "
                               "host end down -> up, container end down -> up (disrupts a, b, c and 2 more)");
        free(t);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fresh_host),
                cmocka_unit_test(test_longest_description_fits),
                cmocka_unit_test(test_converged_is_in_sync),
                cmocka_unit_test(test_updatable_drift_is_a_change),
                cmocka_unit_test(test_foreign_bridge_is_a_conflict_unless_adopted),
                cmocka_unit_test(test_prune_removes_only_ours),
                cmocka_unit_test(test_unmarked_links_in_our_group_are_finished),
                cmocka_unit_test(test_copied_alias_outside_group_is_a_conflict),
                cmocka_unit_test(test_unmarked_leftovers),
                cmocka_unit_test(test_running_container_keeps_its_address),
                cmocka_unit_test(test_waiting_container),
                cmocka_unit_test(test_vxlan_link_names),
                cmocka_unit_test(test_vxlan_in_sync_and_drift),
                cmocka_unit_test(test_vxlan_unfinished_is_finished),
                cmocka_unit_test(test_vxlan_mtu_follows_underlay),
                cmocka_unit_test(test_vxlan_ipv6_remotes),
                cmocka_unit_test(test_vxlan_ipv6_own_remote),
                cmocka_unit_test(test_verify_scope_is_what_the_plan_touches),
                cmocka_unit_test(test_nft_rules_diffed_one_by_one),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
