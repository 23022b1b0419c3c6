/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>

#include "nft/nft.h"
#include "util/cleanup.h"

/* The netfilter netlink socket: opened in the current namespace (a
 * netlink socket stays in the namespace it was created in), one request
 * at a time, answers read until the ack or NLMSG_DONE. */

/* Above the kernel's largest dump message (a rule can be close to 64 KiB:
 * nla_len is 16 bits). */
#define NC_NFT_RECV_BUFSIZE (65536 + 8192)

void nc_mnl_socket_closep(struct mnl_socket **nl) {
        if (*nl)
                mnl_socket_close(*nl);
}

int nc_nft_socket_open(struct mnl_socket **ret) {
        _cleanup_(nc_mnl_socket_closep) struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
        int one = 1;

        if (!nl)
                return -errno;
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return -errno;
        /* Both are hints: a kernel without them still answers, only with
         * fewer words and longer acks. */
        (void) mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
        (void) mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
        *ret = TAKE_PTR(nl);
        return 0;
}

static int err_attr_cb(const struct nlattr *attr, void *data) {
        const struct nlattr **tb = data;
        uint16_t type = mnl_attr_get_type(attr);

        if (type == NLMSGERR_ATTR_MSG && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
                tb[type] = attr;
        return MNL_CB_OK;
}

int nc_nft_parse_error(const struct nlmsghdr *nlh, char *msg, size_t msglen) {
        const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = {};
        const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
        size_t hlen = sizeof(*err);

        if (msglen > 0)
                msg[0] = '\0';
        if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
                return -EBADMSG;
        /* Uncapped, the request we sent comes back before the TLVs. */
        if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
                hlen += mnl_nlmsg_get_payload_len(&err->msg);
        if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && hlen <= mnl_nlmsg_get_payload_len(nlh) &&
            mnl_attr_parse(nlh, (unsigned) hlen, err_attr_cb, tb) >= 0 && tb[NLMSGERR_ATTR_MSG] && msglen > 0)
                snprintf(msg, msglen, "%s", mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
        return err->error <= 0 ? err->error : -err->error;
}

struct talk {
        const struct nc_nft_dump *d;
        int err;
};

static int data_cb(const struct nlmsghdr *nlh, void *data) {
        struct talk *t = data;
        int r;

        if (!t->d || !t->d->cb)
                return MNL_CB_OK;
        r = t->d->cb(nlh, t->d->data);
        if (r < 0) {
                t->err = r;
                return MNL_CB_ERROR;
        }
        return MNL_CB_OK;
}

int nc_nft_talk(struct mnl_socket *nl, struct nlmsghdr *request, const struct nc_nft_dump *d) {
        _cleanup_free_ char *buf = malloc(NC_NFT_RECV_BUFSIZE);
        uint32_t portid = mnl_socket_get_portid(nl), seq = request->nlmsg_seq;
        struct talk t = { .d = d };
        ssize_t n;
        int r;

        if (!buf)
                return -ENOMEM;
        if (mnl_socket_sendto(nl, request, request->nlmsg_len) < 0)
                return -errno;
        do {
                n = mnl_socket_recvfrom(nl, buf, NC_NFT_RECV_BUFSIZE);
                if (n < 0)
                        return -errno;
                /* Errors, NLM_F_DUMP_INTR (EINTR) and a wrong seq come back
                 * as -1 with errno; an ack or NLMSG_DONE as MNL_CB_STOP. */
                errno = 0;
                r = mnl_cb_run(buf, (size_t) n, seq, portid, data_cb, &t);
        } while (r > 0);
        if (r < 0)
                return t.err < 0 ? t.err : errno > 0 ? -errno : -EPROTO;
        return 0;
}

static int genid_cb(const struct nlmsghdr *nlh, void *data) {
        struct nftnl_gen *g = nftnl_gen_alloc();
        uint32_t *id = data;
        int r = 0;

        if (!g)
                return -ENOMEM;
        if (nftnl_gen_nlmsg_parse(nlh, g) < 0 || !nftnl_gen_is_set(g, NFTNL_GEN_ID))
                r = -EBADMSG;
        else
                *id = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
        nftnl_gen_free(g);
        return r;
}

int nc_nft_get_genid(struct mnl_socket *nl, uint32_t seq, uint32_t *ret) {
        NC_NFT_REQUEST_BUF(buf);
        struct nc_nft_dump d = { .cb = genid_cb, .data = ret };
        struct nlmsghdr *nlh;

        nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK, seq);
        return nc_nft_talk(nl, nlh, &d);
}
