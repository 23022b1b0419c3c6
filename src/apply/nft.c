/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/flowtable.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "apply/batch.h"
#include "netconverge/plan.h"
#include "nft/nft.h"
#include "util/cleanup.h"
#include "util/fault.h"

/* Every nftables change of an apply in one batch: BATCH_BEGIN, one message
 * per change (two for a chain removal or a table marked), BATCH_END, sent
 * at once. The kernel applies the whole batch or, when any message fails,
 * none of it; so does this report: the rejected changes with the kernel's
 * error, the others as not applied.
 *
 * Each message asks for an ack under its own seq, and the seq says which
 * change it belongs to (nftables' mnl_batch_talk() does the same). */

#define NOT_APPLIED "not applied: the nftables batch was rejected"
#define NOT_SENT "not applied: the nftables batch could not be built"

/* A batch page; a bigger batch spans pages, sent as one iovec. The
 * overrun is room for the largest message past a page's end. */
#define NC_BATCH_PAGE (256 * 1024)
#define NC_BATCH_OVERRUN (64 * 1024 + 8192)

/* Per message, room in the receive buffer for its ack (a capped ack is
 * small, an error with an extended ack text larger; each is an skb). */
#define NC_ACK_ROOM 1024

/* How long to wait for acks still missing once the socket is drained:
 * the kernel answers a batch before sendmsg() returns, so this only
 * guards against a lost answer. */
#define NC_ACK_TIMEOUT_MS 5000

/* Receive buffer: acks are small, a whole datagram must fit. */
#define NC_ACK_BUFSIZE 65536

struct batch {
        struct nftnl_batch *b;
        uint32_t first_seq;             /* of the first change message */
        uint32_t seq;                   /* the next one */
        size_t *owner;                  /* by message (seq - first_seq): its action */
        size_t n_msgs, cap_msgs;
        bool chains_flushed;
        bool returns_put;
};

static void batch_done(struct batch *bt) {
        if (bt->b)
                nftnl_batch_free(bt->b);
        free(bt->owner);
}

/* The header of the next change message, owned by action i. */
static struct nlmsghdr *msg_begin(struct batch *bt, size_t i, uint16_t type, uint16_t flags) {
        if (bt->n_msgs == bt->cap_msgs) {
                size_t cap = bt->cap_msgs ? bt->cap_msgs * 2 : 64;
                size_t *v = realloc(bt->owner, cap * sizeof(*v));

                if (!v)
                        return NULL;
                bt->owner = v;
                bt->cap_msgs = cap;
        }
        bt->owner[bt->n_msgs++] = i;
        return nftnl_nlmsg_build_hdr(nftnl_batch_buffer(bt->b), type, NFPROTO_INET, flags | NLM_F_ACK, bt->seq++);
}

/* Debian 12's libmnl (1.0.4) leaves the padding after an attribute as it
 * finds it, and a batch page is malloc()ed: without this, bytes of the
 * heap went to the kernel as padding (valgrind: "sendmsg points to
 * uninitialised bytes", 85 bytes in, after the table's userdata). A page
 * is zeroed when it is begun; a message built at its end moves to the
 * next page, which then has at least a page of room after it. */
static int msg_end(struct batch *bt) {
        char *start = nftnl_batch_buffer(bt->b);
        size_t len = NLMSG_ALIGN(((struct nlmsghdr *) start)->nlmsg_len);
        char *tail;

        if (nftnl_batch_update(bt->b) < 0)
                return -ENOMEM;
        tail = nftnl_batch_buffer(bt->b);
        if (tail != start + len)
                memset(tail, 0, NC_BATCH_PAGE);
        return 0;
}

static int put_table_msg(struct batch *bt, size_t i, const char *name, bool add) {
        _cleanup_(nc_nft_table_freep) struct nftnl_table *t = NULL;
        struct nlmsghdr *nlh;
        int r;

        /* Made with the mark; EXCL: a table that appeared since it was
         * observed missing is someone else's, and the batch fails. */
        r = nc_nft_table_build(name, add, &t);
        if (r < 0)
                return r;
        nlh = msg_begin(bt, i, add ? NFT_MSG_NEWTABLE : NFT_MSG_DELTABLE, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
        if (!nlh)
                return -ENOMEM;
        nftnl_table_nlmsg_build_payload(nlh, t);
        return msg_end(bt);
}

/* + a table, - a table, or ~ mark one: the kernel keeps a table's
 * userdata as it was made (a NEWTABLE for an existing table changes only
 * its flags), so an earlier netconverge's table is deleted and made again
 * with the mark, in this batch, and its chains and rules are added after
 * it (planned as +). The ruleset switches at the commit, all at once. */
static int put_table(struct batch *bt, size_t i, const struct nc_action *a) {
        int r = 0;

        /* ~ dormant: the table's flags cleared in place, its chains
         * back on their hooks at the commit. */
        if (a->change == NC_CHANGE_MODIFY && a->diff == NC_DIFF_DORMANT) {
                _cleanup_(nc_nft_table_freep) struct nftnl_table *t = NULL;
                struct nlmsghdr *nlh;

                r = nc_nft_table_build_active(a->nft.table, &t);
                if (r < 0)
                        return r;
                nlh = msg_begin(bt, i, NFT_MSG_NEWTABLE, 0);
                if (!nlh)
                        return -ENOMEM;
                nftnl_table_nlmsg_build_payload(nlh, t);
                return msg_end(bt);
        }
        if (a->change != NC_CHANGE_ADD)
                r = put_table_msg(bt, i, a->nft.table, false);
        if (r >= 0 && a->change != NC_CHANGE_REMOVE)
                r = put_table_msg(bt, i, a->nft.table, true);
        return r;
}

/* DELRULE naming only the table and the chain flushes the chain. */
static int put_flush(struct batch *bt, size_t i, const char *table, const char *chain) {
        _cleanup_(nc_nft_rule_freep) struct nftnl_rule *nr = nftnl_rule_alloc();
        struct nlmsghdr *nlh;

        if (!nr || nftnl_rule_set_str(nr, NFTNL_RULE_TABLE, table) < 0 ||
            nftnl_rule_set_str(nr, NFTNL_RULE_CHAIN, chain) < 0)
                return -ENOMEM;
        nlh = msg_begin(bt, i, NFT_MSG_DELRULE, 0);
        if (!nlh)
                return -ENOMEM;
        nftnl_rule_nlmsg_build_payload(nlh, nr);
        return msg_end(bt);
}

/* All the chains this batch removes are flushed before the first set,
 * map, chain or flowtable is deleted: a rule of one may jump to another
 * chain, look up a set or offload to a flowtable, and the kernel refuses
 * (EBUSY) to delete what a rule still uses. Plan order puts all of those
 * deletions after actions[i]. */
static int put_flushes(struct batch *bt, const struct nc_action *const *actions, size_t n, size_t i) {
        int r;

        for (size_t k = i; !bt->chains_flushed && k < n; k++) {
                const struct nc_action *x = actions[k];

                if (x->object != NC_OBJECT_NFT_CHAIN || x->change != NC_CHANGE_REMOVE)
                        continue;
                r = put_flush(bt, k, x->nft.table, x->nft.chain.have->name);
                if (r < 0)
                        return r;
        }
        bt->chains_flushed = true;
        return 0;
}

/* - a set, map, flowtable or stateful object, by name. */
static int put_object_remove(struct batch *bt, const struct nc_action *const *actions, size_t n, size_t i) {
        const struct nc_action *a = actions[i];
        struct nlmsghdr *nlh;
        int r;

        r = put_flushes(bt, actions, n, i);
        if (r < 0)
                return r;
        if (a->object == NC_OBJECT_NFT_STATEFUL) {
                _cleanup_(nc_nft_obj_freep) struct nftnl_obj *obj = nftnl_obj_alloc();

                /* DELOBJ needs the type: names are unique per type. */
                if (!obj)
                        return -ENOMEM;
                /* void in libnftnl: an allocation failure shows as unset. */
                nftnl_obj_set_str(obj, NFTNL_OBJ_TABLE, a->nft.table);
                nftnl_obj_set_str(obj, NFTNL_OBJ_NAME, a->nft.object->name);
                if (!nftnl_obj_is_set(obj, NFTNL_OBJ_TABLE) || !nftnl_obj_is_set(obj, NFTNL_OBJ_NAME))
                        return -ENOMEM;
                nftnl_obj_set_u32(obj, NFTNL_OBJ_TYPE, nc_nft_object_kind_type(a->nft.object->kind));
                nlh = msg_begin(bt, i, NFT_MSG_DELOBJ, 0);
                if (!nlh)
                        return -ENOMEM;
                nftnl_obj_nlmsg_build_payload(nlh, obj);
        } else if (a->object == NC_OBJECT_NFT_FLOWTABLE) {
                _cleanup_(nc_nft_flowtable_freep) struct nftnl_flowtable *ft = nftnl_flowtable_alloc();

                if (!ft || nftnl_flowtable_set_str(ft, NFTNL_FLOWTABLE_TABLE, a->nft.table) < 0 ||
                    nftnl_flowtable_set_str(ft, NFTNL_FLOWTABLE_NAME, a->nft.object->name) < 0)
                        return -ENOMEM;
                nlh = msg_begin(bt, i, NFT_MSG_DELFLOWTABLE, 0);
                if (!nlh)
                        return -ENOMEM;
                nftnl_flowtable_nlmsg_build_payload(nlh, ft);
        } else {
                _cleanup_(nc_nft_set_freep) struct nftnl_set *set = nftnl_set_alloc();

                if (!set || nftnl_set_set_str(set, NFTNL_SET_TABLE, a->nft.table) < 0 ||
                    nftnl_set_set_str(set, NFTNL_SET_NAME, a->nft.object->name) < 0)
                        return -ENOMEM;
                nlh = msg_begin(bt, i, NFT_MSG_DELSET, 0);
                if (!nlh)
                        return -ENOMEM;
                nftnl_set_nlmsg_build_payload(nlh, set);
        }
        return msg_end(bt);
}

/* A chain goes empty, then goes. */
static int put_chain_remove(struct batch *bt, const struct nc_action *const *actions, size_t n, size_t i) {
        _cleanup_(nc_nft_chain_freep) struct nftnl_chain *nc = nftnl_chain_alloc();
        const struct nc_action *a = actions[i];
        struct nlmsghdr *nlh;
        int r;

        r = put_flushes(bt, actions, n, i);
        if (r < 0)
                return r;
        if (!nc || nftnl_chain_set_str(nc, NFTNL_CHAIN_TABLE, a->nft.table) < 0 ||
            nftnl_chain_set_str(nc, NFTNL_CHAIN_NAME, a->nft.chain.have->name) < 0)
                return -ENOMEM;
        nlh = msg_begin(bt, i, NFT_MSG_DELCHAIN, 0);
        if (!nlh)
                return -ENOMEM;
        nftnl_chain_nlmsg_build_payload(nlh, nc);
        return msg_end(bt);
}

static int put_chain_add(struct batch *bt, size_t i, const struct nc_action *a) {
        _cleanup_(nc_nft_chain_freep) struct nftnl_chain *nc = NULL;
        struct nlmsghdr *nlh;
        int r;

        r = nc_nft_chain_build(a->nft.chain.want, a->nft.table, &nc);
        if (r < 0)
                return r;
        nlh = msg_begin(bt, i, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
        if (!nlh)
                return -ENOMEM;
        nftnl_chain_nlmsg_build_payload(nlh, nc);
        return msg_end(bt);
}

static int put_rule_remove(struct batch *bt, size_t i, const struct nc_action *a) {
        _cleanup_(nc_nft_rule_freep) struct nftnl_rule *nr = nftnl_rule_alloc();
        struct nlmsghdr *nlh;

        /* Without the chain the kernel would delete every rule of the
         * table, whatever the handle says. */
        if (!a->nft.rule.have->chain || !a->nft.rule.have->handle)
                return -EINVAL;
        if (!nr || nftnl_rule_set_str(nr, NFTNL_RULE_TABLE, a->nft.table) < 0 ||
            nftnl_rule_set_str(nr, NFTNL_RULE_CHAIN, a->nft.rule.have->chain) < 0)
                return -ENOMEM;
        nftnl_rule_set_u64(nr, NFTNL_RULE_HANDLE, a->nft.rule.have->handle);
        nlh = msg_begin(bt, i, NFT_MSG_DELRULE, 0);
        if (!nlh)
                return -ENOMEM;
        nftnl_rule_nlmsg_build_payload(nlh, nr);
        return msg_end(bt);
}

/* A changed rule is replaced where it is and keeps its handle; a new one
 * is appended, except a RETURN, which must come before the chain's other
 * rules (traffic from the container's own bridge is not published back). */
static int put_rule_set(struct batch *bt, size_t i, const struct nc_action *a) {
        _cleanup_(nc_nft_rule_freep) struct nftnl_rule *nr = NULL;
        uint16_t flags = NLM_F_CREATE;
        struct nlmsghdr *nlh;
        int r;

        r = nc_nft_rule_build(a->nft.rule.want, a->nft.table, &nr);
        if (r < 0)
                return r;
        if (a->change == NC_CHANGE_MODIFY) {
                if (!a->nft.rule.have->handle)
                        return -EINVAL;
                nftnl_rule_set_u64(nr, NFTNL_RULE_HANDLE, a->nft.rule.have->handle);
                flags = NLM_F_REPLACE;
        } else if (a->nft.rule.want->kind != NC_RULE_RETURN)
                flags |= NLM_F_APPEND;
        nlh = msg_begin(bt, i, NFT_MSG_NEWRULE, flags);
        if (!nlh)
                return -ENOMEM;
        nftnl_rule_nlmsg_build_payload(nlh, nr);
        return msg_end(bt);
}

static bool is_return_add(const struct nc_action *a) {
        return a->object == NC_OBJECT_NFT_RULE && a->change == NC_CHANGE_ADD &&
               a->nft.rule.want->kind == NC_RULE_RETURN;
}

/* Each RETURN goes to the head of its chain, pushing down the one before:
 * put in reverse, they read in plan order. All of them go at the first. */
static int put_returns(struct batch *bt, const struct nc_action *const *actions, size_t n, size_t i) {
        int r;

        if (bt->returns_put)
                return 0;
        bt->returns_put = true;
        for (size_t k = n; k-- > i;) {
                if (!is_return_add(actions[k]))
                        continue;
                r = put_rule_set(bt, k, actions[k]);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* + a port map: made empty, its elements follow in this batch. */
static int put_map_add(struct batch *bt, size_t i, const struct nc_action *a) {
        _cleanup_(nc_nft_set_freep) struct nftnl_set *set = NULL;
        struct nlmsghdr *nlh;
        int r;

        r = nc_nft_map_build(a->nft.object, a->nft.table, &set);
        if (r < 0)
                return r;
        /* The kernel wants an id for a set made in a batch (rules of the
         * same batch may name it by id); the action's index is unique. */
        nftnl_set_set_u32(set, NFTNL_SET_ID, (uint32_t) i + 1);
        nlh = msg_begin(bt, i, NFT_MSG_NEWSET, NLM_F_CREATE);
        if (!nlh)
                return -ENOMEM;
        nftnl_set_nlmsg_build_payload(nlh, set);
        return msg_end(bt);
}

/* One NEWSETELEM or DELSETELEM (the key alone) of e: one message each,
 * so the kernel's error names the port. */
static int put_element_msg(struct batch *bt, size_t i, const char *table, const struct nc_nft_rule *e, bool remove) {
        _cleanup_(nc_nft_set_freep) struct nftnl_set *set = nftnl_set_alloc();
        struct nftnl_set_elem *x = NULL;
        struct nlmsghdr *nlh;
        int r;

        if (!set || nftnl_set_set_str(set, NFTNL_SET_TABLE, table) < 0 || nftnl_set_set_str(set, NFTNL_SET_NAME, e->chain) < 0)
                return -ENOMEM;
        r = nc_nft_element_build(e, remove, &x);
        if (r < 0)
                return r;
        nftnl_set_elem_add(set, x);     /* the set owns it now */
        nlh = msg_begin(bt, i, remove ? NFT_MSG_DELSETELEM : NFT_MSG_NEWSETELEM, remove ? 0 : NLM_F_CREATE);
        if (!nlh)
                return -ENOMEM;
        nftnl_set_elems_nlmsg_build_payload(nlh, set);
        return msg_end(bt);
}

/* + an element, - one, or ~ one: its data cannot be replaced in place,
 * so the old goes and the new comes, in this batch (the commit switches
 * them at once). */
static int put_element(struct batch *bt, size_t i, const struct nc_action *a) {
        int r = 0;

        if (a->change != NC_CHANGE_ADD)
                r = put_element_msg(bt, i, a->nft.table, a->nft.rule.have, true);
        if (r >= 0 && a->change != NC_CHANGE_REMOVE)
                r = put_element_msg(bt, i, a->nft.table, a->nft.rule.want, false);
        return r;
}

static int put_action(struct batch *bt, const struct nc_action *const *actions, size_t n, size_t i) {
        const struct nc_action *a = actions[i];
        bool remove = a->change == NC_CHANGE_REMOVE;

        if (is_return_add(a))
                return put_returns(bt, actions, n, i);
        switch (a->object) {
        case NC_OBJECT_NFT_TABLE:
                return put_table(bt, i, a);
        case NC_OBJECT_NFT_CHAIN:
                return remove ? put_chain_remove(bt, actions, n, i) : put_chain_add(bt, i, a);
        case NC_OBJECT_NFT_RULE:
                return remove ? put_rule_remove(bt, i, a) : put_rule_set(bt, i, a);
        case NC_OBJECT_NFT_MAP:
                return remove ? put_object_remove(bt, actions, n, i) : put_map_add(bt, i, a);
        case NC_OBJECT_NFT_ELEMENT:
                return put_element(bt, i, a);
        case NC_OBJECT_NFT_SET:
        case NC_OBJECT_NFT_FLOWTABLE:
        case NC_OBJECT_NFT_STATEFUL:
                return remove ? put_object_remove(bt, actions, n, i) : -EINVAL;
        default:
                return -EINVAL;
        }
}

/* Fills the batch. On failure *ret_failed is the action that could not be
 * put (none was sent). */
static int batch_build(struct batch *bt, const struct nc_action *const *actions, size_t n, size_t *ret_failed) {
        int r;

        bt->b = nftnl_batch_alloc(NC_BATCH_PAGE, NC_BATCH_OVERRUN);
        if (!bt->b)
                return -ENOMEM;
        memset(nftnl_batch_buffer(bt->b), 0, NC_BATCH_PAGE + NC_BATCH_OVERRUN);
        nftnl_batch_begin(nftnl_batch_buffer(bt->b), bt->seq++);
        if (msg_end(bt) < 0)
                return -ENOMEM;
        bt->first_seq = bt->seq;
        for (size_t i = 0; i < n; i++) {
                r = put_action(bt, actions, n, i);
                if (r < 0) {
                        *ret_failed = i;
                        return r;
                }
        }
        nftnl_batch_end(nftnl_batch_buffer(bt->b), bt->seq++);
        return msg_end(bt);
}

/* Both buffers must hold the whole exchange: a batch larger than the send
 * buffer is refused (EMSGSIZE), and acks beyond the receive buffer are
 * dropped (ENOBUFS). Forcing needs CAP_NET_ADMIN, which apply has. */
static void size_buffers(struct mnl_socket *nl, size_t send_len, size_t n_msgs) {
        int fd = mnl_socket_get_fd(nl);
        int snd = (int) (send_len + 65536), rcv = (int) ((n_msgs + 16) * NC_ACK_ROOM);

        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) < 0)
                (void) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
                (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
}

static int batch_send(struct mnl_socket *nl, struct batch *bt) {
        int n_iov = nftnl_batch_iovec_len(bt->b);
        _cleanup_free_ struct iovec *iov = calloc((size_t) n_iov, sizeof(*iov));
        struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
        struct msghdr msg = { .msg_name = &kernel, .msg_namelen = sizeof(kernel) };
        size_t len = 0;

        if (!iov)
                return -ENOMEM;
        nftnl_batch_iovec(bt->b, iov, (uint32_t) n_iov);
        for (int i = 0; i < n_iov; i++)
                len += iov[i].iov_len;
        size_buffers(nl, len, bt->n_msgs);
        msg.msg_iov = iov;
        msg.msg_iovlen = (size_t) n_iov;
        if (sendmsg(mnl_socket_get_fd(nl), &msg, 0) < 0)
                return -errno;
        return 0;
}

/* What the kernel said about the batch. */
struct acks {
        struct batch *bt;
        int *err;                       /* by message: 0, or the kernel's error */
        char (*text)[256];              /* by message: its extended ack */
        bool *answered;                 /* by message */
        size_t n_answered;
        int batch_err;                  /* an error not about one message (begin, commit) */
        char batch_text[256];
        bool lost;                      /* ENOBUFS: some answers were dropped */
};

static int ack_cb(const struct nlmsghdr *nlh, void *data) {
        struct acks *k = data;
        char text[256];
        size_t m;
        int e;

        e = nc_nft_parse_error(nlh, text, sizeof(text));
        if (e == -EBADMSG)
                return MNL_CB_OK;
        m = nlh->nlmsg_seq - k->bt->first_seq;
        if (nlh->nlmsg_seq < k->bt->first_seq || m >= k->bt->n_msgs) {
                if (e < 0 && k->batch_err == 0) {
                        k->batch_err = e;
                        snprintf(k->batch_text, sizeof(k->batch_text), "%s", text);
                }
                return MNL_CB_OK;
        }
        if (!k->answered[m]) {
                k->answered[m] = true;
                k->n_answered++;
        }
        /* A message may be acked and refused: the refusal is what counts. */
        if (e < 0 && k->err[m] == 0) {
                k->err[m] = e;
                snprintf(k->text[m], sizeof(k->text[m]), "%s", text);
        }
        return MNL_CB_OK;
}

static int read_acks(struct mnl_socket *nl, struct acks *k) {
        mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = ack_cb };
        _cleanup_free_ char *buf = malloc(NC_ACK_BUFSIZE);
        struct pollfd p = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
        uint32_t portid = mnl_socket_get_portid(nl);
        ssize_t n;
        int r;

        if (!buf)
                return -ENOMEM;
        for (;;) {
                /* Every answer is in, or some can no longer come: the
                 * batch refused as a whole, or answers dropped. */
                bool settled = k->n_answered == k->bt->n_msgs || k->batch_err < 0 || k->lost;

                /* Drain what is there; wait only while answers are due. */
                r = poll(&p, 1, settled ? 0 : NC_ACK_TIMEOUT_MS);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
                if (r == 0)
                        return settled ? 0 : -ETIMEDOUT;
                n = recv(p.fd, buf, NC_ACK_BUFSIZE, MSG_DONTWAIT);
                if (n < 0 && errno == ENOBUFS) {
                        k->lost = true;
                        continue;
                }
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        continue;
                if (n < 0)
                        return -errno;
                /* seq 0: answers to every message of the batch. */
                (void) mnl_cb_run2(buf, (size_t) n, 0, portid, NULL, k, ctl, NLMSG_MIN_TYPE);
        }
}

static void outcome_set(struct nc_nft_outcome *o, int r, const char *text) {
        o->r = r;
        snprintf(o->message, sizeof(o->message), "%s", r < 0 ? (text && text[0] ? text : strerror(-r)) : "");
}

static void outcome_all(struct nc_nft_outcome *out, size_t n, int r, const char *text) {
        for (size_t i = 0; i < n; i++)
                outcome_set(&out[i], r, text);
}

/* From the acks to one outcome per action: all applied, or none. */
static void outcomes(struct acks *k, struct nc_nft_outcome *out, size_t n, int read_err) {
        bool rejected = k->batch_err < 0;

        for (size_t m = 0; m < k->bt->n_msgs; m++)
                rejected = rejected || k->err[m] < 0;
        if (!rejected && (read_err < 0 || k->lost)) {
                /* A missing answer could have been the refusal. */
                outcome_all(out, n, read_err < 0 ? read_err : -ENOBUFS,
                            "the kernel's answer to the nftables batch was lost; the next run re-reads the table");
                return;
        }
        if (!rejected) {
                outcome_all(out, n, 0, NULL);
                return;
        }
        /* The refused changes carry the kernel's error (an action's first,
         * when it had two messages: walked backwards, the first is written
         * last); the others were not applied, or, when the batch was refused
         * as a whole (not allowed, commit failed), failed for that reason. */
        outcome_all(out, n, k->batch_err < 0 ? k->batch_err : -ECANCELED,
                    k->batch_err < 0 ? k->batch_text : NOT_APPLIED);
        for (size_t m = k->bt->n_msgs; m-- > 0;)
                if (k->err[m] < 0)
                        outcome_set(&out[k->bt->owner[m]], k->err[m], k->text[m]);
}

static int talk(struct batch *bt, struct nc_nft_outcome *out, size_t n) {
        _cleanup_(nc_mnl_socket_closep) struct mnl_socket *nl = NULL;
        _cleanup_free_ int *err = calloc(bt->n_msgs + 1, sizeof(*err));
        _cleanup_free_ bool *answered = calloc(bt->n_msgs + 1, sizeof(*answered));
        _cleanup_free_ char(*text)[256] = calloc(bt->n_msgs + 1, sizeof(*text));
        struct acks k = { .bt = bt, .err = err, .text = text, .answered = answered };
        int r;

        if (!err || !answered || !text)
                return -ENOMEM;
        r = nc_nft_socket_open(&nl);
        if (r < 0)
                return r;
        r = batch_send(nl, bt);
        if (r < 0)
                return r;
        outcomes(&k, out, n, read_acks(nl, &k));
        return 0;
}

void nc_apply_nft(struct nc_fault *fault, const struct nc_action *const *actions, size_t n,
                  struct nc_nft_outcome *out) {
        struct batch bt = { .seq = 1 };
        size_t failed = n;
        int r;

        /* An empty batch is never sent. */
        if (n == 0)
                return;
        r = batch_build(&bt, actions, n, &failed);
        /* The batch is one request, all or nothing: skipped (test builds),
         * every outcome stays "applied" (out comes zeroed). */
        if (r >= 0)
                r = NC_FAULT_REQUEST(fault, talk(&bt, out, n));
        if (r < 0) {
                /* Nothing reached the kernel: nothing applied. */
                outcome_all(out, n, failed < n ? -ECANCELED : r, failed < n ? NOT_SENT : NULL);
                if (failed < n)
                        outcome_set(&out[failed], r, NULL);
        }
        batch_done(&bt);
}
