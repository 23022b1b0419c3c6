/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdio.h>

#include "util/strbuf.h"

/* Text output (messages on stderr, plan lines, the watcher's log, the
 * model validate -v prints) carries names from the file and from the
 * kernel, which may hold any bytes: an ESC starts a terminal escape, a CR
 * rewrites the line, a newline forges one. Every text printer passes its
 * fields through these, C-style like systemd's cescape(): \a \b \t \n \v
 * \f \r, other control characters (C0, DEL, and C1 written in UTF-8) and
 * bytes that are not UTF-8 as \xHH, byte by byte; valid UTF-8 is copied.
 * A backslash is left as it is, so escaping is idempotent: a line that
 * goes through two printers (a diagnostic logged by the watcher) is not
 * escaped twice. JSON has its own escaping (output/json.c). */
void nc_escape_append(struct nc_strbuf *b, const char *s, size_t len);
void nc_escape_fputs(const char *s, FILE *f);
/* Whether s (len bytes) needs no escaping. */
bool nc_escape_clean(const char *s, size_t len);
