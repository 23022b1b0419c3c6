/* SPDX-License-Identifier: MIT */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "netconverge/observe.h"
#include "netconverge/state.h"

/* One observation in progress: the state being filled, and where to
 * say what failed. */
struct nc_observer {
        struct nc_state *state;
        char *err;
        size_t errlen;
};

/* Writes "<what>: <strerror(-r)>" to o->err and returns r. */
__attribute__((format(printf, 3, 4)))
int nc_observer_fail(struct nc_observer *o, int r, const char *fmt, ...);

/* rtnl.c: dumps links, IPv4 addresses and main-table routes of one
 * namespace into o->state under the name netns. netns_fd < 0 means the
 * current namespace; otherwise the socket is created inside netns_fd and
 * the process returns to home_fd before dumping. */
int nc_observe_rtnl(struct nc_observer *o, const char *netns, int netns_fd, int home_fd);

/* rtnl.c: the host namespace in part (scope->host_some): the links scope
 * names read again one by one, the others copied from prev; every address
 * and route dumped (a host's are few). */
struct nc_observe_scope;
int nc_observe_rtnl_host_some(struct nc_observer *o, const struct nc_state *prev, const struct nc_observe_scope *scope,
                              int home_fd);

/* fdb.c (SPEC 7.5): a VXLAN link's own attributes from libnl's parse of
 * it (its underlay by ifindex; rtnl.c names it); and the FDB entries of
 * every VXLAN link of our group in netns, one RTM_GETNEIGH AF_BRIDGE dump
 * each, appended to o->state (failures reported). */
struct rtnl_link;
struct nl_sock;
void nc_observe_vxlan_attrs(struct rtnl_link *rl, struct nc_link *l);
int nc_observe_fdb(struct nc_observer *o, struct nl_sock *sk, const char *netns);

/* pair.c: fills peer_netns/peer_name of the veth ends whose other end was
 * observed. Call before nc_state_sort(). */
int nc_observe_pair_veths(struct nc_observer *o);

/* listen.c: the host's TCP listeners and bound UDP sockets (IPv4 and
 * IPv6) on the host ports desired publishes (desired NULL: on any port),
 * in the current namespace; nothing when desired has no published ports.
 * 0, or -ENOMEM with a message. */
int nc_observe_listeners(struct nc_observer *o, const struct nc_model *desired);

/* reuse.c: copies from prev what a scoped observation keeps. */
struct nc_observe_reuse {
        bool host;                      /* the host's links, addresses, routes */
        const char **netns;             /* sorted: container namespaces */
        size_t n_netns;
};

int nc_observe_reuse_rtnl(struct nc_observer *o, const struct nc_state *prev, const struct nc_observe_reuse *k);
int nc_observe_reuse_nft(struct nc_observer *o, const struct nc_state *prev);

/* observe.c: one container namespace (missing is no error). */
int nc_observe_container(struct nc_observer *o, const char *netns, int home_fd);

/* pool.c: container namespaces observed by several threads. start() sets
 * them going on names (which must outlive the pool); the caller may do
 * other work, then finish() joins in, waits, and moves what was observed
 * into o->state, or reports the first failure (by position in names) in
 * o->err. done() always, after start(). */
struct nc_observe_worker;
struct nc_observe_pool {
        const char **names;
        size_t n;
        int home_fd;
        struct nc_observe_worker *workers;
        size_t n_workers;
        atomic_size_t next;
        atomic_bool stop;
};

int nc_observe_pool_start(struct nc_observe_pool *p, const char **names, size_t n, int home_fd);
int nc_observe_pool_finish(struct nc_observe_pool *p, struct nc_observer *o);
void nc_observe_pool_done(struct nc_observe_pool *p);

/* nft.c: every inet table by name and mark into o->state->nft.tables,
 * and one of them read in full (its chains and rules): table, or with
 * table NULL (no file: show) the first marked one by name, else
 * NC_TABLE_DEFAULT (a table an earlier netconverge made, before the mark).
 * No full table when that one does not exist. The dumps are bracketed by
 * the generation id and redone when a commit happened in between
 * (bounded). A failure is reported through nc_observer_fail(). */
/* prev (may be NULL): an earlier observation, whose decoded rules are
 * taken for rules whose kernel message is byte for byte the same. */
struct nc_nft;
int nc_observe_nft(struct nc_observer *o, const char *table, const struct nc_nft *prev);

/* nft.c: the table read on a thread while the caller reads the rest.
 * start() never fails for want of a thread (finish() then reads inline);
 * finish() moves the table into o->state or reports the failure in o->err;
 * job_done() always, after start(). */
struct nc_nft_job {
        pthread_t thread;
        bool started;
        const char *table;
        const struct nc_nft *prev;
        struct nc_state *state;
        char err[512];
        int r;
};

int nc_observe_nft_start(struct nc_nft_job *j, const char *table, const struct nc_nft *prev);
int nc_observe_nft_finish(struct nc_nft_job *j, struct nc_observer *o);
void nc_observe_nft_job_done(struct nc_nft_job *j);
