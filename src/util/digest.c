/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/digest.h"

/* FNV-1a with the 128-bit offset basis and prime of the FNV
 * specification (draft-eastlake-fnv): prime 2^88 + 2^8 + 0x3b. */
void nc_digest(const void *buf, size_t len, char out[static NC_DIGEST_STRLEN]) {
        const unsigned char *p = buf;
        const unsigned __int128 prime = ((unsigned __int128) 1 << 88) | 0x13b;
        unsigned __int128 h = ((unsigned __int128) 0x6c62272e07bb0142ull << 64) | 0x62b821756295c58dull;

        for (size_t i = 0; i < len; i++) {
                h ^= p[i];
                h *= prime;
        }
        snprintf(out, NC_DIGEST_STRLEN, "%s%016llx%016llx", NC_DIGEST_PREFIX, (unsigned long long) (h >> 64),
                 (unsigned long long) h);
}
