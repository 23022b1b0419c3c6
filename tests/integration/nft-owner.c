/* SPDX-License-Identifier: MIT */
/* Test helper: nft-owner TABLE. Makes the inet table TABLE with
 * NFT_TABLE_F_OWNER, so that it belongs to this process's netlink socket
 * (the kernel refuses every change to it from another socket, and deletes
 * it when the socket closes), prints "owner PORTID" once the kernel has
 * acked, and holds it until killed, or for two minutes at most (the
 * default action of SIGALRM ends it: bounded even if the test that
 * started it is gone). */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/table.h>

int main(int argc, char **argv) {
        char buf[16384] __attribute__((aligned(8)));
        struct mnl_socket *nl;
        char batch_buf[16384] __attribute__((aligned(8)));
        struct mnl_nlmsg_batch *b;
        struct nftnl_table *t;
        struct nlmsghdr *nlh;
        uint32_t seq = 1, portid;
        ssize_t n;
        int r = 0;

        if (argc != 2) {
                fprintf(stderr, "usage: nft-owner TABLE\n");
                return 2;
        }
        nl = mnl_socket_open(NETLINK_NETFILTER);
        if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                perror("netlink");
                return 1;
        }
        portid = mnl_socket_get_portid(nl);
        t = nftnl_table_alloc();
        b = mnl_nlmsg_batch_start(batch_buf, sizeof(batch_buf));
        if (!t || !b)
                return 1;
        nftnl_table_set_str(t, NFTNL_TABLE_NAME, argv[1]);
        nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
        nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, NFT_TABLE_F_OWNER);
        nftnl_batch_begin(mnl_nlmsg_batch_current(b), seq++);
        mnl_nlmsg_batch_next(b);
        nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_NEWTABLE, NFPROTO_INET,
                                    NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, seq);
        nftnl_table_nlmsg_build_payload(nlh, t);
        mnl_nlmsg_batch_next(b);
        nftnl_batch_end(mnl_nlmsg_batch_current(b), seq + 1);
        mnl_nlmsg_batch_next(b);
        if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b)) < 0) {
                perror("send");
                return 1;
        }
        /* The ack of the NEWTABLE (seq): 0, or the kernel's error. */
        do {
                n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
                if (n < 0) {
                        perror("recv");
                        return 1;
                }
                r = mnl_cb_run(buf, (size_t) n, seq, portid, NULL, NULL);
        } while (r > 0);
        if (r < 0) {
                fprintf(stderr, "nft-owner: making table inet %s: %s\n", argv[1], strerror(errno));
                return 1;
        }
        printf("owner %u\n", portid);
        fflush(stdout);
        /* Held while the socket is open. */
        alarm(120);
        for (;;)
                pause();
}
