/* SPDX-License-Identifier: MIT */
#pragma once

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
