/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "netconverge/apply.h"
#include "util/fault.h"

/* One apply in progress. Everything apply keeps between changes lives
 * here: the per-namespace sockets, the kernel's last error, what failed
 * (so that what depends on it is skipped) and what to wait for. */

/* The kernel's own word on the last request, caught by the sockets' error
 * callback: libnl folds errnos into its NLE_* codes and drops the extended
 * ack, and the user should see both as the kernel gave them. */
struct nc_kerr {
        int error;                      /* negative errno; 0 = none */
        char msg[256];                  /* NLMSGERR_ATTR_MSG; "" = none */
};

struct nc_ifindex_entry {
        char name[NC_IFNAMSIZ];
        int ifindex;
};

/* A namespace apply works in. Its socket is created inside it and reused;
 * sockets of namespaces not used for a while are closed when too many are
 * open (a thousand containers are a thousand namespaces). */
struct nc_ns {
        char *netns;                    /* "" = host (the current namespace) */
        struct nl_sock *sk;             /* NULL until needed, or after eviction */
        uint64_t last_used;
        int error;                      /* < 0: cannot be used; its changes are skipped */
        struct nc_ifindex_entry *ifindex;       /* names resolved in it */
        size_t n_ifindex, cap_ifindex;
        char (*failed)[NC_IFNAMSIZ];    /* links whose add failed or was skipped */
        size_t n_failed, cap_failed;
};

/* A link to wait for until it is operationally up. */
struct nc_wait_link {
        struct nc_ns *ns;
        char name[NC_IFNAMSIZ];
        bool up;
        bool gone;                      /* no such link any more (deleted, renamed): not waited for */
};

struct nc_applier {
        const struct nc_plan *plan;
        int home_fd;                    /* the host namespace, to return to */
        struct nc_ns **ns;              /* sorted by netns */
        size_t n_ns, cap_ns;
        size_t n_open;                  /* sockets open */
        size_t max_open;
        uint64_t clock;                 /* for last_used */
        struct nc_kerr kerr;
        struct nc_wait_link *wait;
        size_t n_wait, cap_wait;
        bool nft_failed;                /* the batch was refused: isolation may be missing */
        struct nc_fault *fault;         /* crash injection (test builds); NULL = none */
};

/* ns.c */
int nc_applier_init(struct nc_applier *ap, const struct nc_plan *plan);
void nc_applier_done(struct nc_applier *ap);
/* The entry for netns, created on first use. -ENOMEM. */
int nc_ns_get(struct nc_applier *ap, const char *netns, struct nc_ns **ret);
/* Its socket, opened inside the namespace if needed. A namespace that
 * cannot be entered is marked unusable and the error returned. */
int nc_ns_socket(struct nc_applier *ap, struct nc_ns *ns, struct nl_sock **ret);
/* The ifindex of the link called name in the namespace, cached. -ENODEV. */
int nc_ns_ifindex(struct nc_applier *ap, struct nc_ns *ns, const char *name);
void nc_ns_forget(struct nc_ns *ns, const char *name);
void nc_ns_forget_all(struct nc_applier *ap);
int nc_ns_mark_failed(struct nc_ns *ns, const char *name);
bool nc_ns_link_failed(const struct nc_ns *ns, const char *name);

/* netlink.c: requests over a namespace's socket, with the kernel's errno
 * and extended ack kept in ap->kerr. */
void nc_kerr_begin(struct nc_applier *ap);
/* Turns a libnl result into 0 or a negative errno, the kernel's own when
 * it sent one. */
int nc_kerr_end(struct nc_applier *ap, int nle);
/* Makes sk report kernel errors into ap->kerr. */
int nc_nl_setup_socket(struct nc_applier *ap, struct nl_sock *sk);

struct nc_linkinfo {
        int ifindex;
        char name[NC_IFNAMSIZ];
        unsigned flags;                 /* IFF_* */
        uint8_t operstate;              /* IF_OPER_* */
        uint32_t group;
};

/* RTM_GETLINK for one link, by ifindex (> 0) or else by name. */
int nc_nl_get_link(struct nc_applier *ap, struct nl_sock *sk, int ifindex, const char *name,
                   struct nc_linkinfo *ret);
/* Dumps every link of the socket's namespace, calling fn for each; fn
 * returns < 0 to stop. -EAGAIN when the dump was interrupted by a change. */
int nc_nl_dump_links(struct nc_applier *ap, struct nl_sock *sk,
                     int (*fn)(const struct nc_linkinfo *l, void *data), void *data);
/* Sends msg (taking it) and waits for the kernel's ack. */
int nc_nl_request(struct nc_applier *ap, struct nl_sock *sk, struct nl_msg *msg);

/* rtnl.c: one function per kind of change; each returns 0 or a negative
 * errno and leaves the kernel's words in ap->kerr. */
int nc_apply_bridge_add(struct nc_applier *ap, const struct nc_action *a);
int nc_apply_bridge_modify(struct nc_applier *ap, const struct nc_action *a);
int nc_apply_veth_add(struct nc_applier *ap, const struct nc_action *a);
int nc_apply_veth_modify(struct nc_applier *ap, const struct nc_action *a);
int nc_apply_loopback(struct nc_applier *ap, const struct nc_action *a);
int nc_apply_address(struct nc_applier *ap, const struct nc_action *a);
int nc_apply_route(struct nc_applier *ap, const struct nc_action *a);

/* vxlan.c: a bridge's VXLAN link (made marked, enslaved, up; its ~ is a
 * bridge's, nc_apply_bridge_modify()) and an FDB entry (+ and -). */
int nc_apply_vxlan_add(struct nc_applier *ap, const struct nc_action *a);
int nc_apply_fdb(struct nc_applier *ap, const struct nc_action *a);

/* group.c: removes the links of actions[0..n) (all REMOVE_LINK), writing
 * each one's result to results[i]. */
void nc_apply_remove_links(struct nc_applier *ap, const struct nc_action *const *actions, size_t n, int *results);

/* sysctl.c */
int nc_apply_sysctl(struct nc_applier *ap, const struct nc_action *a);

/* wait.c: records what to wait for after a successful change, then waits. */
int nc_wait_add(struct nc_applier *ap, struct nc_ns *ns, const char *name);
size_t nc_wait_run(struct nc_applier *ap, unsigned seconds);
