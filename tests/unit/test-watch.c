/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netconf.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "watch/watch.h"

/* The watcher's pure parts: when a cycle runs, which kernel messages
 * matter, and how lines are logged. */

#define MS (1000 * 1000LL)

static void test_nothing_pending_blocks(void **state) {
        struct nc_watch_sched s = {};

        (void) state;
        assert_int_equal(nc_watch_sched_due(&s), -1);
        assert_int_equal(nc_watch_sched_timeout_ms(&s, 123 * MS), -1);
        nc_watch_sched_mark(&s, 0, 5 * MS);
        assert_int_equal(nc_watch_sched_due(&s), -1);
}

static void test_start_reload_resync_run_at_once(void **state) {
        static const unsigned now_flags[] = { NC_DIRTY_START, NC_DIRTY_RELOAD, NC_DIRTY_RESYNC, NC_DIRTY_RETRY };

        (void) state;
        for (size_t i = 0; i < sizeof(now_flags) / sizeof(now_flags[0]); i++) {
                struct nc_watch_sched s = {};

                nc_watch_sched_mark(&s, now_flags[i], 1000 * MS);
                assert_int_equal(nc_watch_sched_due(&s), 1000 * MS);
                assert_int_equal(nc_watch_sched_timeout_ms(&s, 1000 * MS), 0);
        }
}

static void test_bursts_wait_for_quiet_bounded(void **state) {
        struct nc_watch_sched s = {};

        (void) state;
        nc_watch_sched_mark(&s, NC_DIRTY_DRIFT, 1000 * MS);
        /* Kernel events alone: a short quiet. */
        assert_int_equal(nc_watch_sched_due(&s), (1000 + NC_WATCH_DRIFT_QUIET_MS) * MS);
        assert_int_equal(nc_watch_sched_timeout_ms(&s, 1000 * MS), NC_WATCH_DRIFT_QUIET_MS);
        nc_watch_sched_mark(&s, NC_DIRTY_DRIFT, 1004 * MS);
        assert_int_equal(nc_watch_sched_due(&s), (1004 + NC_WATCH_DRIFT_QUIET_MS) * MS);
        /* Each new event pushes it back, the file's with the longer quiet... */
        nc_watch_sched_mark(&s, NC_DIRTY_FILE, 1030 * MS);
        assert_int_equal(nc_watch_sched_due(&s), (1030 + NC_WATCH_QUIET_MS) * MS);
        /* ...but never past the bound after the first. */
        for (int64_t t = 1060; t <= 1400; t += 30)
                nc_watch_sched_mark(&s, NC_DIRTY_DRIFT, t * MS);
        assert_int_equal(nc_watch_sched_due(&s), (1000 + NC_WATCH_MAX_DELAY_MS) * MS);
        /* A resync joining a burst waits with it. */
        s = (struct nc_watch_sched) {};
        nc_watch_sched_mark(&s, NC_DIRTY_RESYNC, 1000 * MS);
        nc_watch_sched_mark(&s, NC_DIRTY_DRIFT, 1010 * MS);
        assert_int_equal(nc_watch_sched_due(&s), (1010 + NC_WATCH_DRIFT_QUIET_MS) * MS);
        /* The first cycle does not wait for a burst. */
        nc_watch_sched_mark(&s, NC_DIRTY_START, 1020 * MS);
        assert_int_equal(nc_watch_sched_due(&s), 1000 * MS);
}

static void test_after_a_failure_only_the_user_is_not_held(void **state) {
        struct nc_watch_sched s = { .fail_gap_ns = 2000 * MS };

        (void) state;
        nc_watch_sched_mark(&s, NC_DIRTY_DRIFT, 1000 * MS);
        assert_int_equal(nc_watch_sched_due(&s), 2000 * MS);
        assert_int_equal(nc_watch_sched_timeout_ms(&s, 1500 * MS), 500);
        s.dirty = 0;
        nc_watch_sched_mark(&s, NC_DIRTY_RESYNC, 1000 * MS);
        assert_int_equal(nc_watch_sched_due(&s), 2000 * MS);
        /* An edit or SIGHUP goes through. */
        nc_watch_sched_mark(&s, NC_DIRTY_FILE, 1000 * MS);
        assert_int_equal(nc_watch_sched_due(&s), (1000 + NC_WATCH_QUIET_MS) * MS);
        s.dirty = 0;
        nc_watch_sched_mark(&s, NC_DIRTY_RELOAD, 1000 * MS);
        assert_int_equal(nc_watch_sched_due(&s), 1000 * MS);
}

static void test_lock_busy_holds_everything(void **state) {
        struct nc_watch_sched s = { .lock_retry_ns = 3000 * MS };

        (void) state;
        nc_watch_sched_mark(&s, NC_DIRTY_RELOAD, 1000 * MS);
        assert_int_equal(nc_watch_sched_due(&s), 3000 * MS);
        /* Rounded up to whole milliseconds. */
        assert_int_equal(nc_watch_sched_timeout_ms(&s, 3000 * MS - 1), 1);
        assert_int_equal(nc_watch_sched_timeout_ms(&s, 3000 * MS), 0);
}

static void test_reasons(void **state) {
        char *r;

        (void) state;
        r = nc_watch_reasons(NC_DIRTY_START);
        assert_string_equal(r, "start");
        free(r);
        r = nc_watch_reasons(NC_DIRTY_DRIFT | NC_DIRTY_FILE | NC_DIRTY_RESYNC);
        assert_string_equal(r, "file changed, kernel drift, resync");
        free(r);
        /* A reload reads the file: said once. */
        r = nc_watch_reasons(NC_DIRTY_RELOAD | NC_DIRTY_FILE);
        assert_string_equal(r, "reload");
        free(r);
        r = nc_watch_reasons(0);
        assert_string_equal(r, "none");
        free(r);
}

static void test_time_is_iso8601(void **state) {
        char buf[40];

        (void) state;
        nc_watch_format_time(buf, sizeof(buf), 0, true);
        assert_string_equal(buf, "1970-01-01T00:00:00.000+00:00");
        nc_watch_format_time(buf, sizeof(buf), 1764165361123456789LL, true);
        assert_string_equal(buf, "2025-11-26T13:56:01.123+00:00");
}

/* A temporary file to log into; returns its fd, rewound by read_all(). */
static int temp_fd(char *path) {
        int fd = mkstemp(path);

        assert_true(fd >= 0);
        unlink(path);
        return fd;
}

static char *read_all(int fd) {
        static char buf[4096];
        ssize_t n;

        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        n = read(fd, buf, sizeof(buf) - 1);
        assert_true(n >= 0);
        buf[n] = '\0';
        assert_int_equal(ftruncate(fd, 0), 0);
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        return buf;
}

static void test_journal_is_recognised_by_dev_and_inode(void **state) {
        char path[] = "/tmp/nc-test-watch-XXXXXX", env[64];
        int fd = temp_fd(path);
        struct stat st;

        (void) state;
        assert_int_equal(fstat(fd, &st), 0);
        snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long) st.st_dev, (unsigned long long) st.st_ino);
        assert_true(nc_watch_fd_is_journal(fd, env));
        snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long) st.st_dev, (unsigned long long) st.st_ino + 1);
        assert_false(nc_watch_fd_is_journal(fd, env));
        assert_false(nc_watch_fd_is_journal(fd, NULL));
        assert_false(nc_watch_fd_is_journal(fd, ""));
        assert_false(nc_watch_fd_is_journal(fd, "12"));
        assert_false(nc_watch_fd_is_journal(fd, "1:2x"));
        close(fd);
}

static void test_log_levels_and_prefixes(void **state) {
        char path[] = "/tmp/nc-test-watch-XXXXXX";
        int fd = temp_fd(path);
        struct nc_watch_log l = { .level = NC_LOG_NORMAL, .fd = fd, .journal = true };
        const char *out;

        (void) state;
        nc_watch_log(&l, LOG_ERR, "%s: %s", "+ address 10.0.0.2/24 on eth0 in netns web", "File exists");
        nc_watch_log(&l, LOG_WARNING, "careful");
        nc_watch_log(&l, LOG_INFO, "+ bridge br0 (mtu 1500)");
        nc_watch_log(&l, LOG_DEBUG, "event: hidden");
        out = read_all(fd);
        assert_string_equal(out, "<3>error: + address 10.0.0.2/24 on eth0 in netns web: File exists\n"
                                 "<4>warning: careful\n"
                                 "<6>+ bridge br0 (mtu 1500)\n");
        l.level = NC_LOG_QUIET;
        nc_watch_log(&l, LOG_ERR, "only this");
        nc_watch_log(&l, LOG_WARNING, "not this");
        nc_watch_log(&l, LOG_INFO, "nor this");
        assert_string_equal(read_all(fd), "<3>error: only this\n");
        l.level = NC_LOG_VERBOSE;
        nc_watch_log(&l, LOG_DEBUG, "event: shown");
        nc_watch_log_lines(&l, LOG_ERR, "f.yaml:4:13: a: bad\n\nf.yaml:5:1: b: worse\n");
        assert_string_equal(read_all(fd), "<7>event: shown\n<3>error: f.yaml:4:13: a: bad\n<3>error: f.yaml:5:1: b: worse\n");

        /* Not the journal: a timestamp, no priority. */
        l.journal = false;
        nc_watch_log(&l, LOG_INFO, "converged: 1 added, 0 changed, 0 removed (kernel drift)");
        out = read_all(fd);
        assert_true(strlen(out) > 30);
        assert_int_equal(out[4], '-');
        assert_int_equal(out[10], 'T');
        assert_true(out[23] == '+' || out[23] == '-');
        assert_string_equal(strchr(out, ' '), " converged: 1 added, 0 changed, 0 removed (kernel drift)\n");
        close(fd);
}

/* Kernel messages, built the way the kernel sends them, into buf. */
#define MSG_BUF 4096

static struct nlmsghdr *link_msg(char *buf, uint16_t type, uint8_t family, const char *name) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifinfomsg *ifi;

        nlh->nlmsg_type = type;
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = family;
        ifi->ifi_index = 7;
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        return nlh;
}

static struct nlmsghdr *route_msg(char *buf, uint8_t table, uint8_t protocol, uint8_t type) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct rtmsg *rtm;

        nlh->nlmsg_type = RTM_DELROUTE;
        rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
        rtm->rtm_family = AF_INET;
        rtm->rtm_table = table;
        rtm->rtm_protocol = protocol;
        rtm->rtm_type = type;
        mnl_attr_put_u32(nlh, RTA_TABLE, table);
        return nlh;
}

static struct nlmsghdr *route6_msg(char *buf, uint8_t protocol) {
        struct nlmsghdr *nlh = route_msg(buf, RT_TABLE_MAIN, protocol, RTN_UNICAST);

        ((struct rtmsg *) mnl_nlmsg_get_payload(nlh))->rtm_family = AF_INET6;
        return nlh;
}

static struct nlmsghdr *addr6_msg(char *buf, uint8_t scope, uint32_t flags) {
        static const uint8_t a[16] = { 0xfd, 0, 0, 0x17, [15] = 2 };
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifaddrmsg *ifa;

        nlh->nlmsg_type = RTM_NEWADDR;
        ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = AF_INET6;
        ifa->ifa_prefixlen = 64;
        ifa->ifa_scope = scope;
        ifa->ifa_index = 4;
        mnl_attr_put(nlh, IFA_ADDRESS, sizeof(a), a);
        mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
        return nlh;
}

static struct nlmsghdr *netconf_msg(char *buf, int ifindex) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct netconfmsg *ncm;

        nlh->nlmsg_type = RTM_NEWNETCONF;
        ncm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ncm));
        ncm->ncm_family = AF_INET;
        mnl_attr_put_u32(nlh, NETCONFA_IFINDEX, (uint32_t) ifindex);
        mnl_attr_put_u32(nlh, NETCONFA_FORWARDING, 0);
        return nlh;
}

static struct nlmsghdr *neigh_msg(char *buf, uint8_t family, uint8_t flags, bool dst) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        static const uint8_t zero[6];
        struct ndmsg *ndm;

        nlh->nlmsg_type = RTM_DELNEIGH;
        ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
        ndm->ndm_family = family;
        ndm->ndm_flags = flags;
        ndm->ndm_ifindex = 9;
        mnl_attr_put(nlh, NDA_LLADDR, 6, zero);
        if (dst)
                mnl_attr_put_u32(nlh, NDA_DST, htonl(0xc000020c));
        return nlh;
}

static void test_rtnl_messages_that_matter(void **state) {
        char buf[MSG_BUF] __attribute__((aligned(8))), what[256];

        (void) state;
        assert_true(nc_watch_rtnl_relevant(link_msg(buf, RTM_DELLINK, AF_UNSPEC, "veth1234"), what, sizeof(what)));
        assert_string_equal(what, "RTM_DELLINK veth1234 (ifindex 7)");
        /* A bridge port's state comes with a real link message anyway. */
        assert_false(nc_watch_rtnl_relevant(link_msg(buf, RTM_NEWLINK, AF_BRIDGE, "veth1234"), what, sizeof(what)));
        /* Routes: what observation reads, no more. */
        assert_true(nc_watch_rtnl_relevant(route_msg(buf, RT_TABLE_MAIN, RTPROT_STATIC, RTN_UNICAST), what, sizeof(what)));
        assert_true(nc_watch_rtnl_relevant(route_msg(buf, RT_TABLE_MAIN, 78, RTN_UNICAST), what, sizeof(what)));
        assert_false(nc_watch_rtnl_relevant(route_msg(buf, RT_TABLE_MAIN, RTPROT_KERNEL, RTN_UNICAST), what, sizeof(what)));
        assert_false(nc_watch_rtnl_relevant(route_msg(buf, RT_TABLE_LOCAL, RTPROT_KERNEL, RTN_LOCAL), what, sizeof(what)));
        assert_false(nc_watch_rtnl_relevant(route_msg(buf, RT_TABLE_MAIN, RTPROT_BOOT, RTN_BLACKHOLE), what, sizeof(what)));
        /* net.ipv4.ip_forward is "all"; a device's own forwarding is not ours. */
        assert_true(nc_watch_rtnl_relevant(netconf_msg(buf, NETCONFA_IFINDEX_ALL), what, sizeof(what)));
        assert_string_equal(what, "RTM_NEWNETCONF ifindex -1 forwarding off");
        assert_false(nc_watch_rtnl_relevant(netconf_msg(buf, 3), what, sizeof(what)));
        /* IPv6: what observation reads; not the kernel's link-local
         * addresses, nor what router advertisements made. */
        assert_true(nc_watch_rtnl_relevant(addr6_msg(buf, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT | IFA_F_NODAD), what,
                                           sizeof(what)));
        assert_string_equal(what, "RTM_NEWADDR fd00:17::2/64 on ifindex 4");
        assert_false(nc_watch_rtnl_relevant(addr6_msg(buf, RT_SCOPE_LINK, IFA_F_PERMANENT), what, sizeof(what)));
        assert_false(nc_watch_rtnl_relevant(addr6_msg(buf, RT_SCOPE_UNIVERSE, IFA_F_MANAGETEMPADDR), what,
                                            sizeof(what)));
        assert_true(nc_watch_rtnl_relevant(route6_msg(buf, 78), what, sizeof(what)));
        assert_string_equal(what, "RTM_DELROUTE ::/0 table 254 proto 78");
        assert_false(nc_watch_rtnl_relevant(route6_msg(buf, RTPROT_RA), what, sizeof(what)));
        assert_false(nc_watch_rtnl_relevant(route6_msg(buf, RTPROT_KERNEL), what, sizeof(what)));
        /* Neighbours: a VXLAN link's remote only, not ARP or what a bridge learns. */
        assert_true(nc_watch_rtnl_relevant(neigh_msg(buf, AF_BRIDGE, NTF_SELF, true), what, sizeof(what)));
        assert_string_equal(what, "RTM_DELNEIGH family 7 dst 192.0.2.12 on ifindex 9");
        assert_false(nc_watch_rtnl_relevant(neigh_msg(buf, AF_BRIDGE, NTF_MASTER, false), what, sizeof(what)));
        assert_false(nc_watch_rtnl_relevant(neigh_msg(buf, AF_INET, 0, true), what, sizeof(what)));
}

static struct nlmsghdr *nft_msg(char *buf, uint16_t msg, uint8_t family, const char *table) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct nfgenmsg *nfg;

        nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | msg;
        nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
        nfg->nfgen_family = family;
        nfg->version = NFNETLINK_V0;
        if (table)
                mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, table);
        return nlh;
}

static void test_nft_messages_that_matter(void **state) {
        char buf[MSG_BUF] __attribute__((aligned(8))), what[256];

        (void) state;
        assert_true(nc_watch_nft_relevant("netconverge", nft_msg(buf, NFT_MSG_DELRULE, NFPROTO_INET, "netconverge"), what,
                                          sizeof(what)));
        assert_string_equal(what, "nft DELRULE family 1 table netconverge");
        assert_true(nc_watch_nft_relevant("netconverge", nft_msg(buf, NFT_MSG_DELTABLE, NFPROTO_INET, "netconverge"),
                                          what, sizeof(what)));
        assert_false(nc_watch_nft_relevant("netconverge", nft_msg(buf, NFT_MSG_NEWRULE, NFPROTO_INET, "firewalld"), what,
                                           sizeof(what)));
        assert_false(nc_watch_nft_relevant("netconverge", nft_msg(buf, NFT_MSG_NEWRULE, NFPROTO_IPV4, "netconverge"),
                                           what, sizeof(what)));
        assert_false(nc_watch_nft_relevant("netconverge", nft_msg(buf, NFT_MSG_NEWGEN, NFPROTO_UNSPEC, NULL), what,
                                           sizeof(what)));
        /* No model yet: any inet table. */
        assert_true(nc_watch_nft_relevant(NULL, nft_msg(buf, NFT_MSG_NEWCHAIN, NFPROTO_INET, "other"), what, sizeof(what)));
}

/* What a cycle for these events reads again: the host always; for a link
 * whose alias marks it our host veth end, also its container's namespace. */
static void test_rtnl_messages_name_their_scope(void **state) {
        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct nlmsghdr *nlh;
        struct nc_observe_scope scope = {};

        (void) state;
        assert_int_equal(nc_watch_rtnl_scope(route_msg(buf, RT_TABLE_MAIN, RTPROT_STATIC, RTN_UNICAST), &scope), 0);
        assert_true(scope.host_some);
        assert_false(scope.nft);
        assert_int_equal(scope.n_netns, 0);
        assert_int_equal(scope.n_host_links + scope.n_host_ifindexes, 0);
        /* Not ours (no alias, someone else's alias, our bridge): the host alone. */
        assert_int_equal(nc_watch_rtnl_scope(link_msg(buf, RTM_DELLINK, AF_UNSPEC, "veth1234"), &scope), 0);
        nlh = link_msg(buf, RTM_DELLINK, AF_UNSPEC, "veth1234");
        mnl_attr_put_strz(nlh, IFLA_IFALIAS, "docker: veth web br0 ns-web");
        assert_int_equal(nc_watch_rtnl_scope(nlh, &scope), 0);
        nlh = link_msg(buf, RTM_NEWLINK, AF_UNSPEC, "br0");
        mnl_attr_put_strz(nlh, IFLA_IFALIAS, "netconverge:bridge");
        assert_int_equal(nc_watch_rtnl_scope(nlh, &scope), 0);
        assert_int_equal(scope.n_netns, 0);
        /* Our host ends: their containers, each once after sorting. */
        nlh = link_msg(buf, RTM_DELLINK, AF_UNSPEC, "veth1234");
        mnl_attr_put_strz(nlh, IFLA_IFALIAS, "netconverge:veth web br0 ns-web");
        assert_int_equal(nc_watch_rtnl_scope(nlh, &scope), 0);
        nlh = link_msg(buf, RTM_NEWLINK, AF_UNSPEC, "veth5678");
        mnl_attr_put_strz(nlh, IFLA_IFALIAS, "netconverge:veth db br0 ns-db");
        assert_int_equal(nc_watch_rtnl_scope(nlh, &scope), 0);
        nlh = link_msg(buf, RTM_NEWLINK, AF_UNSPEC, "veth1234");
        mnl_attr_put_strz(nlh, IFLA_IFALIAS, "netconverge:veth web br0 ns-web");
        assert_int_equal(nc_watch_rtnl_scope(nlh, &scope), 0);
        nc_observe_scope_sort(&scope);
        /* Each link by ifindex and name (ifindex 7, four names). */
        assert_int_equal(scope.n_host_ifindexes, 1);
        assert_int_equal(scope.host_ifindexes[0], 7);
        assert_int_equal(scope.n_host_links, 3);
        assert_string_equal(scope.host_links[0], "br0");
        assert_string_equal(scope.host_links[1], "veth1234");
        assert_string_equal(scope.host_links[2], "veth5678");
        assert_int_equal(scope.n_netns, 2);
        assert_string_equal(scope.netns[0], "ns-db");
        assert_string_equal(scope.netns[1], "ns-web");
        assert_true(nc_observe_scope_has_netns(&scope, "ns-web"));
        assert_false(nc_observe_scope_has_netns(&scope, "ns-we"));
        /* The container end's alias names no namespace of its own. */
        nc_observe_scope_done(&scope);
        nlh = link_msg(buf, RTM_NEWLINK, AF_UNSPEC, "eth0");
        mnl_attr_put_strz(nlh, IFLA_IFALIAS, "netconverge:peer web br0");
        assert_int_equal(nc_watch_rtnl_scope(nlh, &scope), 0);
        assert_int_equal(scope.n_netns, 0);
        nc_observe_scope_done(&scope);
}

/* The advertisement's text: pid and an absolute path, each line ended;
 * anything else is not one (and makes apply say so, not guess). */
static void test_advert_parse(void **state) {
        static const char *const bad[] = {
                "", "\n", "1234", "1234\n", "1234\n\n", "x\n/a.yaml\n", "-1\n/a.yaml\n", "0\n/a.yaml\n",
                "12 \n/a.yaml\n", "1234\nrelative.yaml\n", "1234\n/a.yaml",
        };
        struct nc_watch_holder h = {};
        char buf[64];

        (void) state;
        strcpy(buf, "1234\n/etc/netconverge/a.yaml\n");
        assert_int_equal(nc_watch_advert_parse(buf, strlen("1234\n/etc/netconverge/a.yaml\n"), &h), 0);
        assert_int_equal(h.pid, 1234);
        assert_string_equal(h.path, "/etc/netconverge/a.yaml");
        nc_watch_holder_done(&h);
        /* A newline inside the path is part of it. */
        strcpy(buf, "7\n/odd\nname.yaml\n");
        assert_int_equal(nc_watch_advert_parse(buf, strlen("7\n/odd\nname.yaml\n"), &h), 0);
        assert_string_equal(h.path, "/odd\nname.yaml");
        nc_watch_holder_done(&h);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                strcpy(buf, bad[i]);
                assert_int_equal(nc_watch_advert_parse(buf, strlen(bad[i]), &h), -EBADMSG);
                assert_null(h.path);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_nothing_pending_blocks),
                cmocka_unit_test(test_start_reload_resync_run_at_once),
                cmocka_unit_test(test_bursts_wait_for_quiet_bounded),
                cmocka_unit_test(test_after_a_failure_only_the_user_is_not_held),
                cmocka_unit_test(test_lock_busy_holds_everything),
                cmocka_unit_test(test_reasons),
                cmocka_unit_test(test_time_is_iso8601),
                cmocka_unit_test(test_journal_is_recognised_by_dev_and_inode),
                cmocka_unit_test(test_log_levels_and_prefixes),
                cmocka_unit_test(test_rtnl_messages_that_matter),
                cmocka_unit_test(test_rtnl_messages_name_their_scope),
                cmocka_unit_test(test_nft_messages_that_matter),
                cmocka_unit_test(test_advert_parse),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
