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
