/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <netlink/errno.h>

#include "util/cleanup.h"
#include "util/nlerr.h"

/* Indexed by NLE code. Codes that libnl itself raises (not from a kernel
 * errno) get the errno closest in meaning. */
static const int nle_errno_table[NLE_MAX + 1] = {
        [NLE_FAILURE] = EIO,
        [NLE_INTR] = EINTR,
        [NLE_BAD_SOCK] = EBADF,
        [NLE_AGAIN] = EAGAIN,
        [NLE_NOMEM] = ENOMEM,
        [NLE_EXIST] = EEXIST,
        [NLE_INVAL] = EINVAL,
        [NLE_RANGE] = ERANGE,
        [NLE_MSGSIZE] = EMSGSIZE,
        [NLE_OPNOTSUPP] = EOPNOTSUPP,
        [NLE_AF_NOSUPPORT] = EAFNOSUPPORT,
        [NLE_OBJ_NOTFOUND] = ENOENT,
        [NLE_NOATTR] = ENODATA,
        [NLE_MISSING_ATTR] = EINVAL,
        [NLE_AF_MISMATCH] = EINVAL,
        [NLE_SEQ_MISMATCH] = EBADMSG,
        [NLE_MSG_OVERFLOW] = EOVERFLOW,
        [NLE_MSG_TRUNC] = EMSGSIZE,
        [NLE_NOADDR] = EADDRNOTAVAIL,
        [NLE_SRCRT_NOSUPPORT] = EOPNOTSUPP,
        [NLE_MSG_TOOSHORT] = EBADMSG,
        [NLE_MSGTYPE_NOSUPPORT] = EOPNOTSUPP,
        [NLE_OBJ_MISMATCH] = EINVAL,
        [NLE_NOCACHE] = ENOENT,
        [NLE_BUSY] = EBUSY,
        [NLE_PROTO_MISMATCH] = EPROTONOSUPPORT,
        [NLE_NOACCESS] = EACCES,
        [NLE_PERM] = EPERM,
        [NLE_PKTLOC_FILE] = ENOENT,
        [NLE_PARSE_ERR] = EINVAL,
        [NLE_NODEV] = ENODEV,
        [NLE_IMMUTABLE] = EROFS,
        [NLE_DUMP_INTR] = EINTR,
        [NLE_ATTRSIZE] = ERANGE,
};

int nc_nlerr_to_errno(int nle) {
        unsigned code = nle < 0 ? -(unsigned) nle : (unsigned) nle;

        if (code == NLE_SUCCESS)
                return 0;
        /* A newer libnl may know codes this table does not: a hole is 0. */
        if (code >= ELEMENTSOF(nle_errno_table) || nle_errno_table[code] == 0)
                return -EIO;
        return -nle_errno_table[code];
}
