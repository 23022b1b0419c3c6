/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "netconverge/names.h"

/* FNV-1a, 32 bits, over "container\0bridge\0": tiny, stable across
 * platforms and releases, and documented, so users can predict names. */
uint32_t nc_name_hash(const char *container, const char *bridge) {
        uint32_t h = 2166136261u;
        const char *parts[2] = { container, bridge };

        for (int i = 0; i < 2; i++) {
                const unsigned char *p = (const unsigned char *) parts[i];

                do {
                        h ^= *p;
                        h *= 16777619u;
                } while (*p++);
        }
        return h;
}

void nc_default_host_interface(const char *container, const char *bridge, char ret[static NC_IFNAMSIZ]) {
        snprintf(ret, NC_IFNAMSIZ, "veth%08x", nc_name_hash(container, bridge));
}

/* "vx-" and the bridge's name when that fits in 15 bytes; else "vx-", the
 * name's first 4 bytes and 8 hex digits of nc_name_hash("vxlan", bridge),
 * so two long names that share a start still differ. */
void nc_vxlan_link_name(const char *bridge, char ret[static NC_IFNAMSIZ]) {
        if (strlen(bridge) + 3 < NC_IFNAMSIZ)
                snprintf(ret, NC_IFNAMSIZ, "vx-%s", bridge);
        else
                snprintf(ret, NC_IFNAMSIZ, "vx-%.4s%08x", bridge, nc_name_hash("vxlan", bridge));
}

bool nc_host_interface_is_derived(const char *name) {
        if (strncmp(name, "veth", 4) != 0 || strlen(name) != 12)
                return false;
        for (const char *p = name + 4; *p; p++)
                if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
                        return false;
        return true;
}

/* The kernel's dev_valid_name(): at most 15 bytes, not "." or "..", no
 * '/', ':' or whitespace. */
const char *nc_ifname_invalid(const char *name) {
        size_t n = strlen(name);

        if (n == 0)
                return "is empty";
        if (n >= NC_IFNAMSIZ)
                return "is longer than 15 bytes";
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return "may not be \".\" or \"..\"";
        for (const char *p = name; *p; p++) {
                if (*p == '/')
                        return "may not contain '/'";
                if (*p == ':')
                        return "may not contain ':'";
                if (*p == ' ' || (*p >= '\t' && *p <= '\r'))
                        return "may not contain whitespace";
                if ((unsigned char) *p < 0x20 || *p == 0x7f)
                        return "may not contain control characters";
        }
        return NULL;
}

/* A name under /run/netns (what `ip netns add` accepts: one path
 * component), or an absolute path to an existing namespace file. */
const char *nc_netns_invalid(const char *netns) {
        size_t n = strlen(netns);

        if (n == 0)
                return "is empty";
        /* The host veth's alias records it (see state.h). */
        if (n > NC_NETNS_MAX)
                return "is longer than 150 bytes";
        if (netns[0] == '/') {
                for (const char *p = netns; *p; p++)
                        if ((unsigned char) *p <= 0x20 || *p == 0x7f)
                                return "may not contain whitespace or control characters";
                return NULL;
        }
        if (strcmp(netns, ".") == 0 || strcmp(netns, "..") == 0)
                return "may not be \".\" or \"..\"";
        if (strchr(netns, '/'))
                return "must be a name without '/' or an absolute path";
        for (const char *p = netns; *p; p++)
                if ((unsigned char) *p <= 0x20 || *p == 0x7f)
                        return "may not contain whitespace or control characters";
        return NULL;
}

/* Docker's rule for container names: [a-zA-Z0-9][a-zA-Z0-9_.-]*. It also
 * makes every container name a valid default namespace name. */
const char *nc_container_name_invalid(const char *name) {
        if (!*name)
                return "is empty";
        if (strlen(name) > NC_CONTAINER_NAME_MAX)
                return "is longer than 64 bytes";
        for (const char *p = name; *p; p++) {
                bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');

                if (p == name && !alnum)
                        return "must start with a letter or digit";
                if (!alnum && *p != '_' && *p != '.' && *p != '-')
                        return "may contain only letters, digits, '_', '.' and '-'";
        }
        return NULL;
}

/* nft's identifier syntax, [a-zA-Z_][a-zA-Z0-9_.-]*, within the kernel's
 * NFT_NAME_MAXLEN. */
const char *nc_table_name_invalid(const char *name) {
        if (!*name)
                return "is empty";
        if (strlen(name) > 255)
                return "is longer than 255 bytes";
        for (const char *p = name; *p; p++) {
                bool alpha = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_';
                bool more = (*p >= '0' && *p <= '9') || *p == '.' || *p == '-';

                if (p == name && !alpha)
                        return "must start with a letter or '_'";
                if (!alpha && !more)
                        return "may contain only letters, digits, '_', '.' and '-'";
        }
        return NULL;
}
