/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/trust.h"

/* sshd allows 40 links on the way, as the kernel does (MAXSYMLINKS). */
#define MAX_LINKS 40

/* "WHAT (mode 0664, owner alice uid 1000)": the facts a person needs to
 * fix it, whatever WHAT found wrong. */
static int refuse(char *reason, size_t size, const struct stat *st, const char *fmt, const char *a,
                  const char *b) {
        char buf[1024], what[PATH_MAX + 128];
        struct passwd pw, *found = NULL;

        snprintf(what, sizeof(what), fmt, a, b);
        if (getpwuid_r(st->st_uid, &pw, buf, sizeof(buf), &found) != 0)
                found = NULL;
        snprintf(reason, size, "%s (mode %04o, owner %s%suid %u)", what, (unsigned) (st->st_mode & 07777),
                 found ? found->pw_name : "", found ? " " : "", (unsigned) st->st_uid);
        return -EPERM;
}

static int cannot(char *reason, size_t size, const char *what, const char *path, int r) {
        snprintf(reason, size, "cannot examine %s %s: %s", what, path, strerror(-r));
        return r;
}

/* Who can write to it is the file's own business: the owner (chmod) and
 * whoever its write bits name. */
static int check_file(const char *shown, const struct stat *st, uid_t trusted, char *reason, size_t size) {
        /* A device's mode says who may write to the device, not who may
         * change what reading it gives (/dev/null is 0666); a FIFO or a
         * socket is refused by the read itself (util/readfile.c). */
        if (!S_ISREG(st->st_mode))
                return 0;
        if (!nc_trust_owner(st->st_uid, trusted))
                return refuse(reason, size, st, "%s%sowned by another user", shown, shown[0] ? " is " : "");
        if (st->st_mode & S_IWOTH)
                return refuse(reason, size, st, "%s%sworld-writable", shown, shown[0] ? " is " : "");
        if (st->st_mode & S_IWGRP)
                return refuse(reason, size, st, "%s%sgroup-writable", shown, shown[0] ? " is " : "");
        return 0;
}

/* A directory and each one above it, up to /. dir is already resolved
 * (no symbolic links, no dot components): its parent is lexical. A writer
 * of any of them could rename another file in place of the one below. */
static int check_dirs(const char *dir, uid_t trusted, char *reason, size_t size) {
        char d[PATH_MAX];

        if (strlen(dir) >= sizeof(d))
                return cannot(reason, size, "directory", dir, -ENAMETOOLONG);
        strcpy(d, dir);
        for (;;) {
                struct stat st;
                char *slash;

                if (stat(d[0] ? d : "/", &st) < 0)
                        return cannot(reason, size, "directory", d[0] ? d : "/", -errno);
                if (!nc_trust_owner(st.st_uid, trusted))
                        return refuse(reason, size, &st, "directory %s above it is owned by another user",
                                      d[0] ? d : "/", "");
                /* Sticky: others may add entries but not rename or remove
                 * ours, and ours are owned by root or the user. */
                if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
                        return refuse(reason, size, &st, "directory %s above it is %s without the sticky bit",
                                      d[0] ? d : "/", st.st_mode & S_IWOTH ? "world-writable" : "group-writable");
                if (!d[0] || strcmp(d, "/") == 0)
                        return 0;
                slash = strrchr(d, '/');
                if (!slash)
                        return 0;
                *slash = '\0';  /* "/etc" -> "" stands for "/" */
        }
}

/* The directory part of path as written, resolved. */
static int resolved_parent(const char *path, char ret[static PATH_MAX]) {
        char tmp[PATH_MAX];
        const char *slash = strrchr(path, '/');

        if (!slash)
                strcpy(tmp, ".");
        else if (slash == path)
                strcpy(tmp, "/");
        else {
                if ((size_t) (slash - path) >= sizeof(tmp))
                        return -ENAMETOOLONG;
                memcpy(tmp, path, (size_t) (slash - path));
                tmp[slash - path] = '\0';
        }
        return realpath(tmp, ret) ? 0 : -errno;
}

/* Each symbolic link on the way, as written: whoever can replace the link
 * (its owner in a sticky directory, or a writer of a directory above it)
 * can point the path elsewhere, even at a file that passes every check
 * itself. realpath() alone would only show where the links lead now. */
static int check_links(const char *path, unsigned depth, uid_t trusted, char *reason, size_t size) {
        size_t len = strlen(path);

        if (depth > MAX_LINKS)
                return cannot(reason, size, "path", path, -ELOOP);
        for (size_t i = 1; i <= len; i++) {
                char prefix[PATH_MAX], target[PATH_MAX], parent[PATH_MAX], next[PATH_MAX];
                struct stat st;
                ssize_t n;
                int r;

                if (i < len && path[i] != '/')
                        continue;
                if (i >= sizeof(prefix))
                        return cannot(reason, size, "path", path, -ENAMETOOLONG);
                memcpy(prefix, path, i);
                prefix[i] = '\0';
                if (lstat(prefix, &st) < 0)
                        return cannot(reason, size, "path", prefix, -errno);
                if (!S_ISLNK(st.st_mode))
                        continue;
                if (!nc_trust_owner(st.st_uid, trusted))
                        return refuse(reason, size, &st, "symbolic link %s on the way is owned by another user",
                                      prefix, "");
                r = resolved_parent(prefix, parent);
                if (r < 0)
                        return cannot(reason, size, "the directory of", prefix, r);
                r = check_dirs(parent, trusted, reason, size);
                if (r < 0)
                        return r;
                n = readlink(prefix, target, sizeof(target) - 1);
                if (n < 0)
                        return cannot(reason, size, "symbolic link", prefix, -errno);
                target[n] = '\0';
                /* Go on from where the link leads, with the rest of the path. */
                if (snprintf(next, sizeof(next), "%s%s%s%s", target[0] == '/' ? "" : parent,
                             target[0] == '/' ? "" : "/", target, path + i) >= (int) sizeof(next))
                        return cannot(reason, size, "path", path, -ENAMETOOLONG);
                return check_links(next, depth + 1, trusted, reason, size);
        }
        return 0;
}

/* The check goes by path and the read that follows opens the path again.
 * That is no race to win: swapping anything on the way needs write access
 * to a directory (or a link) that was just found to be root's or the
 * user's, as with sshd's secure_filename(). */
int nc_trust_check(const char *path, uid_t trusted, char *reason, size_t size) {
        char resolved[PATH_MAX], absolute[PATH_MAX], *slash;
        struct stat st;
        int r;

        if (!realpath(path, resolved))
                return cannot(reason, size, "file", path, -errno);
        if (stat(resolved, &st) < 0)
                return cannot(reason, size, "file", resolved, -errno);
        /* Relative to the working directory, whose own chain counts. */
        if (path[0] == '/')
                snprintf(absolute, sizeof(absolute), "%s", path);
        else if (!getcwd(absolute, sizeof(absolute)) ||
                 strlen(absolute) + 1 + strlen(path) >= sizeof(absolute))
                return cannot(reason, size, "file", path, -ENAMETOOLONG);
        else
                strcat(strcat(absolute, "/"), path);
        /* Name the file itself only when the links led elsewhere. */
        r = check_file(strcmp(resolved, absolute) == 0 ? "" : resolved, &st, trusted, reason, size);
        if (r < 0)
                return r;
        r = check_links(absolute, 0, trusted, reason, size);
        if (r < 0)
                return r;
        slash = strrchr(resolved, '/');
        if (slash)
                *slash = '\0';
        return check_dirs(resolved, trusted, reason, size);
}
