/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Whether a file that drives root actions can be changed only by root or
 * by trusted_uid (the user running netconverge), sshd's StrictModes being
 * the model (SPEC 7.6):
 *  - the file, and every symbolic link met on the way to it, is owned by
 *    root or trusted_uid;
 *  - the file, if it is a regular file, is neither group- nor
 *    world-writable (a device such as /dev/null is 0666 by design);
 *  - every directory from the one holding it up to /, after resolving
 *    symbolic links, and every directory holding one of those links, is
 *    owned by root or trusted_uid and is not group- or world-writable,
 *    unless it has the sticky bit (like /tmp: others cannot rename or
 *    remove what they do not own, and the file and the links are owned by
 *    root or trusted_uid).
 * Returns 0 when trusted; -EPERM when not, with a sentence in reason such
 * as "group-writable (mode 0664, owner alice uid 1000)" or "directory /srv
 * above it is world-writable without the sticky bit (mode 0777, owner root
 * uid 0)"; another negative errno when a part of the path cannot be
 * examined (reason then says which), which the caller may leave to the
 * read that follows to report. */
int nc_trust_check(const char *path, uid_t trusted_uid, char *reason, size_t size);

/* The owner rule of all the checks above, and of the run directory and the
 * lock (util/rundir.c, apply/lock.c): root, or the user running us. */
static inline bool nc_trust_owner(uid_t owner, uid_t trusted_uid) {
        return owner == 0 || owner == trusted_uid;
}
