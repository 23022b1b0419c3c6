/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

#include "netconverge/plan.h"

/* apply/nft.c's entry point, apart from applier.h: applier.h brings libnl,
 * whose <netinet/in.h> cannot follow the <linux/netfilter.h> that nft.c
 * includes first (both define struct in_addr). */

/* The outcome of one action of the batch. */
struct nc_nft_outcome {
        int r;                          /* 0, or a negative errno */
        char message[256];              /* for r < 0: the kernel's words, or why it was not applied */
};

/* Sends actions[0..n) (all NC_OBJECT_NFT_*, in plan order) as one batch
 * transaction and writes each one's outcome. All or nothing: when the
 * kernel rejects any message, no action applied; the rejected ones carry
 * the kernel's error, the others -ECANCELED. n == 0 sends nothing. */
struct nc_fault;
void nc_apply_nft(struct nc_fault *fault, const struct nc_action *const *actions, size_t n,
                  struct nc_nft_outcome *out);
