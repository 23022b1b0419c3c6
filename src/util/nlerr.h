/* SPDX-License-Identifier: MIT */
#pragma once

/* libnl reports errors as -NLE_* codes (netlink/errno.h); the rest of
 * netconverge speaks negative errno. Convert once, where libnl is called.
 *
 * The mapping is the inverse of libnl's nl_syserr2nlerr(): each NLE code
 * goes back to the errno the kernel most likely returned. libnl folds
 * several errnos into one code (EEXIST and EADDRINUSE are both NLE_EXIST,
 * many are NLE_FAILURE), so a caller that needs the kernel's exact errno
 * must take it from the NLMSG_ERROR itself (an NL_CB_ERR callback). */

/* nle: a libnl code, negative (-NLE_EXIST) or positive (NLE_EXIST).
 * Returns 0 for NLE_SUCCESS, else a negative errno (-EIO for codes it does
 * not know). */
int nc_nlerr_to_errno(int nle);
