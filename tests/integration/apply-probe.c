/* SPDX-License-Identifier: MIT */
/* A developer's probe of the apply engine, without the CLI around it:
 * load a file, observe, plan, apply, and print what happened with the
 * time each stage took. Also times bulk link removal.
 *
 *   apply-probe [-n NETNS] [-w SECONDS] [-q] FILE
 *   apply-probe [-n NETNS] --delete-each PREFIX     (delete links PREFIX* one by one)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "netconverge/apply.h"
#include "netconverge/config.h"
#include "netconverge/netns.h"
#include "netconverge/observe.h"
#include "netconverge/plan.h"

static double now(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

struct probe {
        bool quiet;
        size_t reported;
        double last;                    /* time of the last report */
        double per_object[_NC_OBJECT_MAX];
};

static void progress(const struct nc_action *a, int r, const char *message, void *userdata) {
        struct probe *p = userdata;
        char *line;

        double t = now();

        p->reported++;
        p->per_object[a->object] += t - p->last;
        p->last = t;
        if (r == 0 && p->quiet)
                return;
        line = nc_action_format(a);
        if (r < 0)
                printf("apply: %s: %s (%d)\n", line ? line : "?", message, r);
        else
                printf("done: %s\n", line ? line : "?");
        free(line);
}

/* The baseline the group delete is measured against. */
static int delete_each(const char *prefix) {
        struct nl_sock *sk = nl_socket_alloc();
        struct nl_cache *cache = NULL;
        size_t n = 0;
        double t0;
        int r;

        if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0)
                return 1;
        r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);
        if (r < 0)
                return 1;
        t0 = now();
        for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
                struct rtnl_link *l = (struct rtnl_link *) o;

                if (strncmp(rtnl_link_get_name(l), prefix, strlen(prefix)) != 0)
                        continue;
                if (rtnl_link_delete(sk, l) >= 0)
                        n++;
        }
        printf("deleted %zu links one by one in %.3f s\n", n, now() - t0);
        nl_cache_free(cache);
        nl_socket_free(sk);
        return 0;
}

int main(int argc, char **argv) {
        static const struct option options[] = {
                { "delete-each", required_argument, NULL, 'd' },
                {},
        };
        struct nc_apply_result res = {};
        struct nc_model *model = NULL;
        struct nc_state *observed = NULL;
        struct nc_plan *plan = NULL;
        struct probe p = {};
        struct nc_diags diags;
        unsigned wait = 10;
        const char *netns = NULL, *del = NULL;
        char err[512] = "";
        double t0, t1, t2, t3, t4;
        int c, r, lock;

        while ((c = getopt_long(argc, argv, "n:w:q", options, NULL)) >= 0) {
                if (c == 'n')
                        netns = optarg;
                else if (c == 'w')
                        wait = (unsigned) atoi(optarg);
                else if (c == 'q')
                        p.quiet = true;
                else if (c == 'd')
                        del = optarg;
                else
                        return 2;
        }
        if (netns && nc_netns_enter_named(netns) < 0) {
                fprintf(stderr, "cannot enter %s\n", netns);
                return 1;
        }
        if (del)
                return delete_each(del);
        if (optind + 1 != argc) {
                fprintf(stderr, "usage: apply-probe [-n NETNS] [-w SECONDS] [-q] FILE\n");
                return 2;
        }
        lock = nc_lock_acquire(5);
        if (lock < 0) {
                fprintf(stderr, "lock: %s\n", strerror(-lock));
                return 1;
        }
        t0 = now();
        nc_diags_init(&diags, argv[optind]);
        r = nc_config_load_file(argv[optind], &diags, &model);
        if (r < 0 || !model) {
                fprintf(stderr, "load failed: %d\n", r);
                return 1;
        }
        t1 = now();
        r = nc_observe(model, &observed, err, sizeof(err));
        if (r < 0) {
                fprintf(stderr, "observe: %s\n", err);
                return 1;
        }
        t2 = now();
        r = nc_plan_compute(model, observed, &plan);
        if (r < 0 || plan->n_conflicts > 0) {
                for (size_t i = 0; plan && i < plan->n_conflicts; i++)
                        fprintf(stderr, "conflict: %s\n", plan->conflicts[i]);
                return 1;
        }
        t3 = now();
        p.last = t3;
        r = nc_apply(plan, &(struct nc_apply_opts) { .wait_seconds = wait, .progress = progress, .userdata = &p },
                     &res);
        t4 = now();
        printf("plan: %zu changes; applied %zu, failed %zu, not up %zu; r=%d\n", plan->n_actions, res.applied,
               res.failed, res.not_up, r);
        for (int o = 0; o < _NC_OBJECT_MAX; o++)
                printf("  %-8s %.3f s\n", nc_object_to_string(o), p.per_object[o]);
        printf("times: load %.3f observe %.3f plan %.3f apply+wait %.3f s\n", t1 - t0, t2 - t1, t3 - t2, t4 - t3);
        nc_plan_free(plan);
        nc_state_free(observed);
        nc_model_free(model);
        nc_diags_done(&diags);
        close(lock);
        return r < 0 ? 1 : 0;
}
