/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include "netconverge/diag.h"
#include "netconverge/state.h"

/* The observed state as a file: what `show --snapshot` prints and
 * `diff --observed SNAP` plans against (no root, no kernel). YAML, one
 * flow mapping per object, in nc_state_sort() order, so the same state
 * always gives the same bytes:
 *
 *   # netconverge snapshot
 *   snapshot: 1
 *   ip_forward: 1                  (omitted when unknown)
 *   namespaces:
 *     - {netns: web, exists: true}
 *   links:
 *     - {netns: "", name: docker0, kind: bridge, mtu: 1500, mac: "02:42:8e:00:00:01", up: true,
 *        alias: "netconverge:bridge"}          (one line in the file)
 *     - {netns: web, name: eth0, kind: veth, mtu: 1500, mac: "...", up: true, alias: "...",
 *        peer_netns: "", peer: vethbb8e173b}
 *   addresses:
 *     - {netns: "", dev: docker0, address: 172.17.0.1/16}
 *   routes:
 *     - {netns: web, dst: 0.0.0.0/0, via: 172.17.0.1, dev: eth0, protocol: 78}
 *
 * Optional keys: ip_forward, mac (all zero), master, alias, peer_netns and
 * peer (together), via, dev; `up` defaults to false. ifindex and oper_up
 * are not written (they mean nothing to a plan). An empty file is a fresh
 * host: nothing at all, ip_forward 0.
 *
 * Strings that are not plain words are double-quoted with YAML escapes.
 * A string whose bytes are not UTF-8 (a foreign link's name, an alias, a
 * namespace name or a rule comment may hold any bytes, and YAML text is
 * Unicode) is written as a `!!binary` scalar, its bytes in base64, e.g.
 * `name: !!binary "/2V0aDA="`; the reader decodes it, so a snapshot plans
 * exactly what the kernel would, and write(read(write(x))) == write(x). */

#define NC_SNAPSHOT_HEADER "# netconverge snapshot\n"
#define NC_SNAPSHOT_VERSION 1
/* A snapshot lists every link of every observed namespace, so it may be
 * much larger than a configuration file: 10,000 containers make about
 * 8 MB and 900,000 YAML nodes. */
#define NC_SNAPSHOT_MAX_BYTES (64u * 1024 * 1024)
#define NC_SNAPSHOT_MAX_NODES 4000000

/* Writes s, which must be sorted (nc_state_sort()). Returns 0, or -EIO
 * when the stream failed. */
int nc_snapshot_write(const struct nc_state *s, FILE *f);
/* The same content as a JSON document (docs/json.md): the same keys,
 * lists as arrays. */
struct nc_document;
int nc_snapshot_write_json(const struct nc_state *s, const struct nc_document *doc, FILE *f);

/* Reads a snapshot into a new sorted state. Every problem is appended to
 * d with its position (FILE:LINE:COLUMN: PATH: message, like the
 * configuration loader); then returns -EINVAL. Also -ENOENT/-EACCES/...
 * when the file cannot be read (with a placeless diagnostic), -EFBIG over
 * NC_SNAPSHOT_MAX_BYTES, -ENOMEM. */
int nc_snapshot_read_file(const char *path, struct nc_diags *d, struct nc_state **ret);
int nc_snapshot_read_buffer(const char *buf, size_t len, struct nc_diags *d, struct nc_state **ret);
