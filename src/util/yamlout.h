/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stdio.h>

/* Writing YAML scalars that every YAML reader reads back as the same
 * string: the snapshot and `show` write YAML by hand (one line per
 * object, which libyaml's emitter does not do), and share this. */

/* A plain word as it is (letters, digits, '_', '.', '-', starting with a
 * letter or '_', and not a YAML 1.1 boolean or null); anything else
 * double-quoted. */
void nc_yaml_write_scalar(FILE *f, const char *s);

/* Always double-quoted: '"' and '\\' escaped, characters libyaml does not
 * take verbatim as \xNN or \uNNNN, and bytes that are not UTF-8 as '?'
 * (YAML text is Unicode; a kernel name or alias may be any bytes). */
void nc_yaml_write_quoted(FILE *f, const char *s);

/* For the snapshot, which must keep every byte: as nc_yaml_write_scalar()
 * (or _quoted() when quoted), but a string that is not valid UTF-8 as a
 * `!!binary "BASE64"` scalar of its bytes (YAML's "\xNN" would mean the
 * code point U+00NN, not the byte). */
void nc_yaml_write_exact(FILE *f, const char *s, bool quoted);

/* Decodes base64 (RFC 4648, with padding; whitespace between groups
 * allowed, as YAML folds long !!binary scalars) in place into s, NUL-
 * terminated. Returns the length, or -EINVAL for what is not base64 or
 * decodes to a NUL byte. */
int nc_base64_decode_inplace(char *s);
