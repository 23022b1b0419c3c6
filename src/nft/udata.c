/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>

#include "nft/nft.h"

/* The userdata of a rule or table is whatever its writer put there (any
 * root process, up to 256 bytes): nft's TLVs, one byte of type, one of
 * length, the value. nftnl_udata_parse() (libnftnl 1.2) checks only that
 * an attribute starts inside the buffer, so a length running past the end
 * handed its callback bytes beyond it (found by tests/fuzz/fuzz-nft-decode,
 * a heap over-read under ASan). Walked here with both ends checked. */
int nc_nft_udata_walk(const void *buf, uint32_t len, nc_nft_udata_fn fn, void *data) {
        const uint8_t *p = buf;
        uint32_t off = 0;

        while (off < len) {
                uint8_t type, vlen;
                int r;

                if (len - off < 2)
                        return -EBADMSG;
                type = p[off];
                vlen = p[off + 1];
                if (len - off - 2 < vlen)
                        return -EBADMSG;
                r = fn(type, p + off + 2, vlen, data);
                if (r < 0)
                        return r;
                off += 2 + (uint32_t) vlen;
        }
        return 0;
}
