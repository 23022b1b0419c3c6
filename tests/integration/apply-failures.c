/* SPDX-License-Identifier: MIT */
/* nc_apply() on plans built by hand, for what a planner never produces on
 * purpose: changes the kernel refuses, and what must happen around them.
 *
 *   apply-failures HOSTNS PREFIX
 *
 * Runs inside HOSTNS (made by the calling script, which also removes every
 * namespace named PREFIX-*). Exits 0 when every check holds. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netconverge/apply.h"
#include "netconverge/netns.h"
#include "netconverge/plan.h"
#include "netconverge/state.h"

static int failures;

/* One change of a hand-made plan. */
#define ACTION(change_, phase_, object_, netns_, ...)                                               \
        { .change = NC_CHANGE_##change_, .phase = NC_PHASE_##phase_, .object = NC_OBJECT_##object_, \
          .netns = (netns_), __VA_ARGS__ }

#define CHECK(cond, ...)                                                      \
        do {                                                                  \
                if (!(cond)) {                                                \
                        fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
                        fprintf(stderr, __VA_ARGS__);                         \
                        fputc('\n', stderr);                                  \
                        failures++;                                           \
                }                                                             \
        } while (0)

#define MAX_REPORTS 32

struct recorder {
        size_t n;
        const struct nc_action *action[MAX_REPORTS];
        int r[MAX_REPORTS];
        char message[MAX_REPORTS][256];
};

static void record(const struct nc_action *a, int r, const char *message, void *userdata) {
        struct recorder *rec = userdata;

        if (rec->n >= MAX_REPORTS)
                return;
        rec->action[rec->n] = a;
        rec->r[rec->n] = r;
        snprintf(rec->message[rec->n], sizeof(rec->message[0]), "%s", message ? message : "(null)");
        rec->n++;
}

static int result_of(const struct recorder *rec, const struct nc_action *a, const char **message) {
        for (size_t i = 0; i < rec->n; i++)
                if (rec->action[i] == a) {
                        if (message)
                                *message = rec->message[i];
                        return rec->r[i];
                }
        return 1;       /* never reported */
}

static struct nc_link link_of(const char *netns, const char *name, enum nc_link_kind kind, char *alias) {
        struct nc_link l = { .netns = (char *) netns, .kind = kind, .mtu = 1500, .up = true, .alias = alias };

        snprintf(l.name, sizeof(l.name), "%s", name);
        return l;
}

static int run(const struct nc_plan *plan, struct recorder *rec, struct nc_apply_result *res) {
        const struct nc_apply_opts opts = { .wait_seconds = 2, .progress = record, .userdata = rec };

        *rec = (struct recorder) {};
        *res = (struct nc_apply_result) {};
        return nc_apply(plan, &opts, res);
}

static int link_exists(const char *netns, const char *name) {
        char cmd[512];

        snprintf(cmd, sizeof(cmd), "ip %s%s link show dev '%s' >/dev/null 2>&1", netns[0] ? "-n " : "", netns, name);
        return system(cmd) == 0;
}

/* A veth the kernel refuses (bad peer name): its address and route are not
 * attempted, the rest of the plan is made; a route via a gateway that is
 * not on the link fails with the kernel's extended ack. */
static void test_failed_veth(const char *prefix) {
        char ns[64], br[16], v1[16], v2[16];
        char alias_br[] = "netconverge:bridge", alias_peer[] = "netconverge:peer x y";

        snprintf(ns, sizeof(ns), "%s-fa", prefix);
        snprintf(br, sizeof(br), "%sfb", prefix);
        snprintf(v1, sizeof(v1), "%sv1", prefix);
        snprintf(v2, sizeof(v2), "%sv2", prefix);

        char alias_v[128];
        snprintf(alias_v, sizeof(alias_v), "netconverge:veth x %s %s", br, ns);
        struct nc_link bridge = link_of("", br, NC_LINK_BRIDGE, alias_br);
        struct nc_link h1 = link_of("", v1, NC_LINK_VETH, alias_v), p1 = link_of(ns, "bad/name", NC_LINK_VETH, alias_peer);
        struct nc_link h2 = link_of("", v2, NC_LINK_VETH, alias_v), p2 = link_of(ns, "eth0", NC_LINK_VETH, alias_peer);
        struct nc_link lo = link_of(ns, "lo", NC_LINK_LOOPBACK, NULL);
        struct nc_address a1 = { .netns = ns, .ifname = "bad/name", .address = 0x0a7c0002, .prefixlen = 24 };
        struct nc_address a2 = { .netns = ns, .ifname = "eth0", .address = 0x0a7c0003, .prefixlen = 24 };
        struct nc_route r1 = { .netns = ns, .ifname = "bad/name", .gateway = 0x0a7c0001, .protocol = NC_RTPROT };
        struct nc_route r2 = { .netns = ns, .ifname = "eth0", .gateway = 0xc0000263, .protocol = NC_RTPROT };
        strcpy(h1.master, br);
        strcpy(h2.master, br);
        p1.mac[0] = p2.mac[0] = 0x02;
        p1.mac[5] = 0x02;
        p2.mac[5] = 0x03;

        struct nc_action actions[] = {
                ACTION(ADD, NETNS, NETNS, ns),
                ACTION(ADD, BRIDGE, BRIDGE, "", .link.want = &bridge),
                ACTION(ADD, VETH, VETH, "", .link.want = &h1, .link.want_peer = &p1),
                ACTION(ADD, VETH, VETH, "", .link.want = &h2, .link.want_peer = &p2),
                ACTION(MODIFY, LOOPBACK, LOOPBACK, ns, .diff = NC_DIFF_UP, .link.want = &lo),
                ACTION(ADD, ADDRESS, ADDRESS, ns, .address.want = &a1),
                ACTION(ADD, ADDRESS, ADDRESS, ns, .address.want = &a2),
                ACTION(ADD, ROUTE, ROUTE, ns, .route.want = &r1),
                ACTION(ADD, ROUTE, ROUTE, ns, .route.want = &r2),
        };
        struct nc_plan plan = { .actions = actions, .n_actions = sizeof(actions) / sizeof(actions[0]) };
        struct nc_apply_result res;
        struct recorder rec;
        const char *msg = NULL;
        int r;

        r = run(&plan, &rec, &res);
        CHECK(r == -EIO, "nc_apply returned %d", r);
        CHECK(rec.n == plan.n_actions, "%zu reports for %zu changes", rec.n, plan.n_actions);
        CHECK(res.applied == 5 && res.failed == 4, "applied %zu failed %zu", res.applied, res.failed);
        CHECK(result_of(&rec, &actions[0], NULL) == 0, "netns");
        CHECK(result_of(&rec, &actions[1], NULL) == 0, "bridge");
        CHECK(result_of(&rec, &actions[2], &msg) == -EINVAL, "bad veth: %d %s", result_of(&rec, &actions[2], NULL), msg);
        CHECK(result_of(&rec, &actions[3], NULL) == 0, "good veth");
        CHECK(result_of(&rec, &actions[4], NULL) == 0, "lo");
        CHECK(result_of(&rec, &actions[5], &msg) == -ECANCELED, "address on the bad veth: %s", msg);
        CHECK(result_of(&rec, &actions[6], NULL) == 0, "address on the good veth");
        CHECK(result_of(&rec, &actions[7], NULL) == -ECANCELED, "route on the bad veth");
        r = result_of(&rec, &actions[8], &msg);
        CHECK(r == -ENETUNREACH || r == -EINVAL, "route via an off-link gateway: %d", r);
        /* The kernel's own words, not strerror(). */
        CHECK(msg && strstr(msg, "gateway"), "message: %s", msg);
        CHECK(link_exists("", v2) && link_exists(ns, "eth0") && !link_exists("", v1), "links after apply");
}

/* A namespace that cannot be made: everything in it is skipped. */
static void test_failed_netns(const char *prefix) {
        char ns[64], v3[16];
        char alias_v[] = "netconverge:veth y z w", alias_peer[] = "netconverge:peer y z";

        /* Not a path (no leading '/'), and its directory does not exist. */
        snprintf(ns, sizeof(ns), "%s-missing/dir", prefix);
        snprintf(v3, sizeof(v3), "%sv3", prefix);
        struct nc_link h3 = link_of("", v3, NC_LINK_VETH, alias_v), p3 = link_of(ns, "eth0", NC_LINK_VETH, alias_peer);
        struct nc_address a3 = { .netns = ns, .ifname = "eth0", .address = 0x0a7d0002, .prefixlen = 24 };
        struct nc_action actions[] = {
                ACTION(ADD, NETNS, NETNS, ns),
                ACTION(ADD, VETH, VETH, "", .link.want = &h3, .link.want_peer = &p3),
                ACTION(ADD, ADDRESS, ADDRESS, ns, .address.want = &a3),
                ACTION(MODIFY, SYSCTL, SYSCTL, "", .diff = NC_DIFF_VALUE, .sysctl.want = 1, .sysctl.have = 0),
        };
        struct nc_plan plan = { .actions = actions, .n_actions = sizeof(actions) / sizeof(actions[0]) };
        struct nc_apply_result res;
        struct recorder rec;
        int r;

        r = run(&plan, &rec, &res);
        CHECK(r == -EIO, "nc_apply returned %d", r);
        CHECK(result_of(&rec, &actions[0], NULL) < 0 && result_of(&rec, &actions[0], NULL) != -ECANCELED, "netns");
        CHECK(result_of(&rec, &actions[1], NULL) == -ECANCELED, "veth into it");
        CHECK(result_of(&rec, &actions[2], NULL) == -ECANCELED, "address in it");
        CHECK(result_of(&rec, &actions[3], NULL) == 0, "sysctl, which does not depend on it");
        CHECK(res.applied == 1 && res.failed == 3, "applied %zu failed %zu", res.applied, res.failed);
        CHECK(!link_exists("", v3), "no veth");
}

static int ifindex_of(const char *netns, const char *name) {
        char cmd[512];
        FILE *f;
        int ifindex = 0;

        snprintf(cmd, sizeof(cmd), "ip %s%s -o link show dev '%s' 2>/dev/null", netns[0] ? "-n " : "", netns, name);
        f = popen(cmd, "r");
        if (!f)
                return 0;
        if (fscanf(f, "%d:", &ifindex) != 1)
                ifindex = 0;
        pclose(f);
        return ifindex;
}

/* Removal: moved to the doomed group and deleted; a link someone else
 * left in that group is not deleted with them; a link already gone is
 * fine. */
static void test_remove(const char *prefix) {
        char br[16], v2[16], stranger[16], cmd[256];

        snprintf(br, sizeof(br), "%sfb", prefix);
        snprintf(v2, sizeof(v2), "%sv2", prefix);
        snprintf(stranger, sizeof(stranger), "%sst", prefix);
        snprintf(cmd, sizeof(cmd), "ip link add %s type veth peer name %sst1 && ip link set %s group %u", stranger,
                 prefix, stranger, NC_LINK_GROUP_DOOMED);
        CHECK(system(cmd) == 0, "%s", cmd);

        struct nc_link bridge = link_of("", br, NC_LINK_BRIDGE, NULL);
        struct nc_link veth = link_of("", v2, NC_LINK_VETH, NULL);
        struct nc_link gone = link_of("", "gone", NC_LINK_VETH, NULL);
        bridge.ifindex = ifindex_of("", br);
        veth.ifindex = ifindex_of("", v2);
        gone.ifindex = 0x7ffffff0;
        CHECK(bridge.ifindex > 0 && veth.ifindex > 0, "links to remove exist");
        struct nc_action actions[] = {
                ACTION(REMOVE, REMOVE_LINK, BRIDGE, "", .link.have = &bridge),
                ACTION(REMOVE, REMOVE_LINK, VETH, "", .link.have = &gone),
                ACTION(REMOVE, REMOVE_LINK, VETH, "", .link.have = &veth),
        };
        struct nc_plan plan = { .actions = actions, .n_actions = sizeof(actions) / sizeof(actions[0]) };
        struct nc_apply_result res;
        struct recorder rec;
        int r;

        r = run(&plan, &rec, &res);
        CHECK(r == 0, "nc_apply returned %d", r);
        CHECK(res.applied == 3 && res.failed == 0, "applied %zu failed %zu", res.applied, res.failed);
        CHECK(!link_exists("", br) && !link_exists("", v2), "removed");
        CHECK(link_exists("", stranger), "the stranger in the group is still there");
        /* And with the stranger gone, the group delete itself. */
        snprintf(cmd, sizeof(cmd), "ip link del %s", stranger);
        CHECK(system(cmd) == 0, "%s", cmd);
}

static void test_lock(void) {
        int fd = nc_lock_acquire(0), r;

        CHECK(fd >= 0, "first lock: %d", fd);
        r = nc_lock_acquire(0);
        CHECK(r == -ETIMEDOUT, "second lock: %d", r);
        if (r >= 0)
                close(r);
        if (fd >= 0)
                close(fd);
        r = nc_lock_acquire(0);
        CHECK(r >= 0, "lock after release: %d", r);
        if (r >= 0)
                close(r);
}

int main(int argc, char **argv) {
        int r;

        if (argc != 3) {
                fprintf(stderr, "usage: apply-failures HOSTNS PREFIX\n");
                return 2;
        }
        r = nc_netns_enter_named(argv[1]);
        if (r < 0) {
                fprintf(stderr, "cannot enter %s: %s\n", argv[1], strerror(-r));
                return 1;
        }
        test_failed_veth(argv[2]);
        test_failed_netns(argv[2]);
        test_remove(argv[2]);
        test_lock();
        if (failures)
                fprintf(stderr, "%d check(s) failed\n", failures);
        return failures ? 1 : 0;
}
