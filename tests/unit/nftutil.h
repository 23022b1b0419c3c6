/* SPDX-License-Identifier: MIT */
/* The rule tests' helpers (test-nft.c, test-nft6.c, test-nft-dataplane.c,
 * test-maps.c), in one place: a rule built from its normalized form, sent
 * through the wire form the kernel hands back, its expressions picked, its
 * decoded kind, and one attribute tampered with. Include after cmocka.h,
 * libnftnl's headers and nft/nft.h. */
#pragma once

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <string.h>

#include "netconverge/addr.h"

static inline struct nc_ipv6 v6(const char *s) {
        struct nc_ipv6 a;

        assert_int_equal(nc_ipv6_parse(s, &a), 0);
        return a;
}

static inline struct nftnl_rule *build(const struct nc_nft_rule *r) {
        struct nftnl_rule *nr = NULL;

        assert_int_equal(nc_nft_rule_build(r, "netconverge", &nr), 0);
        assert_non_null(nr);
        return nr;
}

/* The rule as the kernel would hand it back: serialized, then parsed. */
static inline struct nftnl_rule *through_wire(const struct nftnl_rule *nr) {
        static char buf[8192] __attribute__((aligned(8)));
        struct nftnl_rule *back = nftnl_rule_alloc();
        struct nlmsghdr *nlh;

        assert_non_null(back);
        nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, NFPROTO_INET, 0, 1);
        nftnl_rule_nlmsg_build_payload(nlh, (struct nftnl_rule *) nr);
        assert_int_equal(nftnl_rule_nlmsg_parse(nlh, back), 0);
        return back;
}

/* The n-th expression of that name (from 0). */
static inline struct nftnl_expr *nth_expr(struct nftnl_rule *nr, const char *name, int n) {
        struct nftnl_expr_iter *it = nftnl_expr_iter_create(nr);
        struct nftnl_expr *e, *found = NULL;

        assert_non_null(it);
        while (!found && (e = nftnl_expr_iter_next(it)))
                if (strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), name) == 0 && n-- == 0)
                        found = e;
        nftnl_expr_iter_destroy(it);
        assert_non_null(found);
        return found;
}

static inline enum nc_rule_kind kind_of(const struct nftnl_rule *nr) {
        struct nc_nft_rule got;

        assert_int_equal(nc_nft_rule_decode(nr, &got), 0);
        return got.kind;
}

/* One attribute of a built rule changed: what it then is. */
static inline void assert_tampered(const struct nc_nft_rule *r, const char *expr, int nth, uint16_t attr,
                                   const void *data, uint32_t len, enum nc_rule_kind want) {
        struct nftnl_rule *nr = build(r);

        nftnl_expr_set(nth_expr(nr, expr, nth), attr, data, len);
        assert_int_equal(kind_of(nr), want);
        nftnl_rule_free(nr);
}

/* The rule's expressions as libnftnl prints them, one "[ name ... ]" a line
 * with runs of spaces squeezed (what nft --debug=netlink shows, compared
 * as text). */
static inline char *expr_text(const struct nftnl_rule *nr) {
        struct nftnl_expr_iter *it = nftnl_expr_iter_create(nr);
        static char out[4096];
        struct nftnl_expr *e;
        size_t n = 0;

        assert_non_null(it);
        out[0] = '\0';
        while ((e = nftnl_expr_iter_next(it))) {
                char one[512];

                nftnl_expr_snprintf(one, sizeof(one), e, NFTNL_OUTPUT_DEFAULT, 0);
                n += (size_t) snprintf(out + n, sizeof(out) - n, "[ %s %s ]\n", nftnl_expr_get_str(e, NFTNL_EXPR_NAME),
                                       one);
                assert_true(n < sizeof(out));
        }
        nftnl_expr_iter_destroy(it);
        for (char *p = out; *p; p++)
                if (p[0] == ' ' && p[1] == ' ')
                        memmove(p, p + 1, strlen(p));
        return out;
}
