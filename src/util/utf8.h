/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the UTF-8 sequence at p (NUL-terminated): its length in bytes,
 * with the code point in *ret, or 0 when the bytes there are not valid
 * UTF-8 (a stray continuation byte, a truncated sequence, an overlong
 * form, an encoded surrogate, anything above U+10FFFF). Kernel names,
 * namespace names and rule comments may hold any bytes; JSON and YAML
 * writers use this to never copy such bytes raw. */
size_t nc_utf8_decode(const char *p, uint32_t *ret);

/* Whether the whole NUL-terminated string is valid UTF-8. */
bool nc_utf8_valid(const char *s);
