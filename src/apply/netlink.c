/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "apply/applier.h"
#include "util/cleanup.h"
#include "util/nlerr.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static void cb_putp(struct nl_cb **cb) {
        if (*cb)
                nl_cb_put(*cb);
}

void nc_kerr_begin(struct nc_applier *ap) {
        ap->kerr = (struct nc_kerr) {};
}

int nc_kerr_end(struct nc_applier *ap, int nle) {
        if (nle >= 0)
                return 0;
        if (ap->kerr.error < 0)
                return ap->kerr.error;
        return nc_nlerr_to_errno(nle);
}

/* The extended ack's text. The TLVs follow the nlmsgerr and, unless the
 * kernel capped it (NETLINK_CAP_ACK), a copy of our request. */
static void extack_message(const struct nlmsghdr *h, const struct nlmsgerr *e, char *buf, size_t size) {
        size_t total = h->nlmsg_len - NLMSG_HDRLEN, off = sizeof(*e);
        struct nlattr *msg;

        if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
                return;
        if (!(h->nlmsg_flags & NLM_F_CAPPED))
                off += e->msg.nlmsg_len - NLMSG_HDRLEN;
        off = NLMSG_ALIGN(off);
        if (off >= total)
                return;
        msg = nla_find((struct nlattr *) ((char *) e + off), (int) (total - off), NLMSGERR_ATTR_MSG);
        if (msg)
                nla_strlcpy(buf, msg, size);
}

static int error_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg) {
        struct nc_kerr *k = arg;
        /* libnl hands us the payload; the header is just before it. */
        const struct nlmsghdr *h = (const struct nlmsghdr *) ((const char *) e - NLMSG_HDRLEN);

        (void) who;
        k->error = e->error;
        k->msg[0] = '\0';
        extack_message(h, e, k->msg, sizeof(k->msg));
        return NL_STOP;
}

int nc_nl_setup_socket(struct nc_applier *ap, struct nl_sock *sk) {
        int one = 1, r;

        /* Best effort: without them errors come as bare errnos. */
        (void) setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
        (void) setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
        nl_socket_enable_msg_peek(sk);
        r = nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, error_cb, &ap->kerr);
        return r < 0 ? nc_nlerr_to_errno(r) : 0;
}

int nc_nl_request(struct nc_applier *ap, struct nl_sock *sk, struct nl_msg *msg) {
        int r;

        nc_kerr_begin(ap);
        /* nl_send_sync() frees msg whatever happens; one never sent (a
         * skipped request, test builds) is freed here. */
        r = NC_FAULT_REQUEST(ap->fault, nl_send_sync(sk, TAKE_PTR(msg)));
        if (msg)
                nlmsg_free(msg);
        return nc_kerr_end(ap, r);
}

static void parse_link(struct nlmsghdr *h, struct nc_linkinfo *ret) {
        const struct ifinfomsg *ifi = nlmsg_data(h);
        struct nlattr *a;

        *ret = (struct nc_linkinfo) { .ifindex = ifi->ifi_index, .flags = ifi->ifi_flags };
        a = nlmsg_find_attr(h, sizeof(*ifi), IFLA_IFNAME);
        if (a)
                nla_strlcpy(ret->name, a, sizeof(ret->name));
        a = nlmsg_find_attr(h, sizeof(*ifi), IFLA_OPERSTATE);
        if (a)
                ret->operstate = nla_get_u8(a);
        a = nlmsg_find_attr(h, sizeof(*ifi), IFLA_GROUP);
        if (a)
                ret->group = nla_get_u32(a);
}

struct reader {
        int (*fn)(const struct nc_linkinfo *l, void *data);
        void *data;
        int r;                          /* fn's first error */
        bool done;                      /* ack or end of dump seen */
};

static int valid_cb(struct nl_msg *msg, void *arg) {
        struct reader *rd = arg;
        struct nlmsghdr *h = nlmsg_hdr(msg);
        struct nc_linkinfo l;
        int r;

        if (h->nlmsg_type != RTM_NEWLINK || rd->r < 0 || !nlmsg_valid_hdr(h, sizeof(struct ifinfomsg)))
                return NL_OK;
        parse_link(h, &l);
        r = rd->fn(&l, rd->data);
        if (r < 0)
                rd->r = r;
        return NL_OK;
}

static int done_cb(struct nl_msg *msg, void *arg) {
        struct reader *rd = arg;

        (void) msg;
        rd->done = true;
        return NL_STOP;
}

/* Reads replies until the kernel's ack (a request) or NLMSG_DONE (a dump):
 * a reply to a GET comes in its own datagram before the ack, and an ack
 * left unread would be taken for the next request's. */
static int read_replies(struct nc_applier *ap, struct nl_sock *sk, struct reader *rd) {
        _cleanup_(cb_putp) struct nl_cb *cb = NULL;
        struct nl_cb *base = nl_socket_get_cb(sk);
        int r = 0;

        cb = nl_cb_clone(base);
        nl_cb_put(base);
        if (!cb)
                return -ENOMEM;
        nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, rd);
        nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, done_cb, rd);
        nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, done_cb, rd);
        /* Bounded: each round reads at least one datagram, and the kernel
         * always ends with an ack, an error or NLMSG_DONE. */
        for (unsigned i = 0; !rd->done && i < 1000000; i++) {
                r = nl_recvmsgs(sk, cb);
                if (r < 0)
                        break;
        }
        if (r == -NLE_DUMP_INTR)
                return -EAGAIN;
        r = nc_kerr_end(ap, r);
        if (r < 0)
                return r;
        return rd->done ? rd->r : -EIO;
}

static struct nl_msg *getlink_msg(int ifindex, const char *name, int flags) {
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
        struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, flags);

        if (!msg)
                return NULL;
        if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
            (name && ifindex <= 0 && nla_put_string(msg, IFLA_IFNAME, name) < 0) ||
            /* Counters are most of a link's message and nobody here reads them. */
            nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0) {
                nlmsg_free(msg);
                return NULL;
        }
        return msg;
}

static int send_and_read(struct nc_applier *ap, struct nl_sock *sk, struct nl_msg *msg, struct reader *rd) {
        int r;

        nc_kerr_begin(ap);
        r = nl_send_auto(sk, msg);
        nlmsg_free(msg);
        if (r < 0)
                return nc_kerr_end(ap, r);
        return read_replies(ap, sk, rd);
}

static int keep_one(const struct nc_linkinfo *l, void *data) {
        *(struct nc_linkinfo *) data = *l;
        return 0;
}

int nc_nl_get_link(struct nc_applier *ap, struct nl_sock *sk, int ifindex, const char *name,
                   struct nc_linkinfo *ret) {
        struct nc_linkinfo l = {};
        struct reader rd = { .fn = keep_one, .data = &l };
        struct nl_msg *msg = getlink_msg(ifindex, name, 0);
        int r;

        if (!msg)
                return -ENOMEM;
        r = send_and_read(ap, sk, msg, &rd);
        if (r < 0)
                return r;
        if (l.ifindex <= 0)
                return -ENODEV;
        *ret = l;
        return 0;
}

int nc_nl_dump_links(struct nc_applier *ap, struct nl_sock *sk,
                     int (*fn)(const struct nc_linkinfo *l, void *data), void *data) {
        struct reader rd = { .fn = fn, .data = data };
        struct nl_msg *msg = getlink_msg(0, NULL, NLM_F_DUMP);

        if (!msg)
                return -ENOMEM;
        return send_and_read(ap, sk, msg, &rd);
}
