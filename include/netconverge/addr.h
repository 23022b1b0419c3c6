/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IPv4 and MAC text forms. Addresses are host byte order. Parsers are
 * strict: dotted quad only (no "10.1", no octal, no leading zeros), which is
 * what users mean and what inet_aton() would silently reinterpret. */

#define NC_IPV4_STRLEN 16       /* "255.255.255.255" + NUL */
#define NC_CIDR_STRLEN 19
#define NC_MAC_STRLEN 18

int nc_ipv4_parse(const char *s, uint32_t *ret);
int nc_cidr_parse(const char *s, uint32_t *ret_addr, unsigned *ret_prefixlen);
int nc_mac_parse(const char *s, uint8_t ret[6]);

char *nc_ipv4_format(uint32_t a, char buf[static NC_IPV4_STRLEN]);
char *nc_cidr_format(uint32_t a, unsigned prefixlen, char buf[static NC_CIDR_STRLEN]);
char *nc_mac_format(const uint8_t mac[6], char buf[static NC_MAC_STRLEN]);

uint32_t nc_prefix_mask(unsigned prefixlen);
uint32_t nc_subnet_broadcast(uint32_t subnet, unsigned prefixlen);
bool nc_subnet_contains(uint32_t subnet, unsigned prefixlen, uint32_t a);
bool nc_subnets_overlap(uint32_t a, unsigned alen, uint32_t b, unsigned blen);

/* Docker's container MAC: 02:42 followed by the four address bytes. */
void nc_mac_from_ipv4(uint32_t a, uint8_t ret[6]);

/* IPv6 text forms (RFC 4291 section 2.2 in, RFC 5952 out). An address is
 * its 16 bytes in network order, so memcmp() is numeric order. The parser
 * is as strict as the IPv4 one: one to four hex digits per group, one
 * "::" at most and standing for at least one group, a dotted-quad tail
 * only in the last 32 bits (with the IPv4 parser's rules), no zone id
 * ("%eth0": a link-local scope means nothing in a file), no brackets, no
 * whitespace. Formatting is canonical: lower case, no leading zeros, the
 * longest run of two or more zero groups (the first of equal ones) as
 * "::", and the dotted tail for IPv4-mapped addresses (::ffff:0:0/96). */

#define NC_IPV6_STRLEN 46       /* INET6_ADDRSTRLEN: "ffff:...:255.255.255.255" + NUL */
#define NC_CIDR6_STRLEN 50      /* and "/128" */

struct nc_ipv6 {
        uint8_t b[16];
};

int nc_ipv6_parse(const char *s, struct nc_ipv6 *ret);
/* Like nc_ipv6_parse() on the first len bytes of s (a part of a longer text). */
int nc_ipv6_parse_n(const char *s, size_t len, struct nc_ipv6 *ret);
int nc_cidr6_parse(const char *s, struct nc_ipv6 *ret_addr, unsigned *ret_prefixlen);

char *nc_ipv6_format(const struct nc_ipv6 *a, char buf[static NC_IPV6_STRLEN]);
char *nc_cidr6_format(const struct nc_ipv6 *a, unsigned prefixlen, char buf[static NC_CIDR6_STRLEN]);

int nc_ipv6_compare(const struct nc_ipv6 *a, const struct nc_ipv6 *b);
bool nc_ipv6_equal(const struct nc_ipv6 *a, const struct nc_ipv6 *b);
bool nc_ipv6_is_zero(const struct nc_ipv6 *a);
/* The address with the bits after prefixlen cleared (the network) or set
 * (the last address of the prefix; IPv6 has no broadcast). */
struct nc_ipv6 nc_ipv6_network(const struct nc_ipv6 *a, unsigned prefixlen);
struct nc_ipv6 nc_ipv6_last(const struct nc_ipv6 *a, unsigned prefixlen);
/* a + 1; false (a unchanged) when a is the last address of all. */
bool nc_ipv6_next(struct nc_ipv6 *a);
bool nc_subnet6_contains(const struct nc_ipv6 *subnet, unsigned prefixlen, const struct nc_ipv6 *a);
bool nc_subnets6_overlap(const struct nc_ipv6 *a, unsigned alen, const struct nc_ipv6 *b, unsigned blen);

/* Docker's MAC for an IPv6-only network: 02:42 followed by the last four
 * address bytes. */
void nc_mac_from_ipv6(const struct nc_ipv6 *a, uint8_t ret[6]);
