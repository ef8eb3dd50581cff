/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The provisioning server's files, shared by its HTTP and TFTP sides: exact
 * paths (a hash map) and templates whose one '*' stands for a per-phone part
 * of the path, such as "/cfg-*.xml" serving every phone's profile from one
 * body.  In a template body {{match}} is the text the '*' matched, {{mac}}
 * and {{MAC}} the MAC found in it (lower and upper case), {{seq}} the
 * number of times the template has been served, this time included, and
 * {{pad}} (seq mod STORE_PAD_MOD) 'x' characters: a server whose answer
 * changes, in value and in size, on every request.  Exact files win
 * over templates; among templates the first added wins.  Lookups ignore the
 * query string.  Not a file system: no directories, no dot-segments.
 *
 * Upload paths (globs, '*' matching '/' too) take PUT and POST bodies, as
 * a report server does (spec 16.4): each upload is kept with its method,
 * path, content type and encoding, time and client address, oldest
 * dropped (and counted) past a cap on count and on bytes.  An upload is
 * not a file: GET never serves it.
 */

#include <ctype.h>
#include <stdio.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "netsim.h"

#define STORE_MAC_LEN 12

struct store_file {
	char *path;
	uint8_t *data;
	size_t len;
	char *encoding; /* Content-Encoding it is served with, or NULL */
	TAILQ_ENTRY(store_file) entry;
};
TAILQ_HEAD(store_files, store_file);

struct store_tmpl {
	char *prefix; /* before the '*' */
	char *suffix; /* after it; "" when the pattern has no '*' */
	int has_star;
	uint8_t *data;
	size_t len;
	uint64_t *served; /* owned: requests so far ({{seq}}); a counter,
			     not content, so lookups keep a const store */
	TAILQ_ENTRY(store_tmpl) entry;
};
TAILQ_HEAD(store_tmpls, store_tmpl);

struct store_gens {
	struct store_gen **v;
	size_t n;
};
struct store_upload_ent {
	struct store_upload u; /* strings and body owned */
	TAILQ_ENTRY(store_upload_ent) entry;
};
TAILQ_HEAD(store_uploads, store_upload_ent);

struct store {
	struct hmap map; /* path -> store_file (key in the file) */
	struct hmap genmap; /* path -> store_gen */
	struct store_gens gens;
	struct store_files files;
	struct store_tmpls tmpls;
	char **upath; /* upload globs, owned */
	size_t nupath;
	struct store_uploads uploads; /* oldest first */
	size_t nuploads;
	size_t upload_bytes;          /* bodies kept */
	size_t keep_count, keep_bytes; /* caps */
	struct hmap put_paths;        /* paths PUT so far (201 vs 204) */
	size_t nput_paths;
	struct store_upload_stats ustats;
};

static uint8_t *store_copy(const uint8_t *, size_t);
static int store_tmpl_match(const struct store_tmpl *, const char *, size_t,
    size_t *, size_t *);
static void store_expand(const struct store_tmpl *, const char *, size_t,
    struct dbuf *);
static size_t store_find_mac(const char *, size_t, size_t *);
static void store_upload_drop(struct store *);

struct store *
store_create(void)
{
	struct store *st;

	st = xcalloc(1, sizeof *st);
	hmap_init(&st->map);
	hmap_init(&st->genmap);
	TAILQ_INIT(&st->files);
	TAILQ_INIT(&st->tmpls);
	TAILQ_INIT(&st->uploads);
	hmap_init(&st->put_paths);
	st->keep_count = STORE_UPLOAD_KEEP;
	st->keep_bytes = STORE_UPLOAD_BYTES;
	return (st);
}

void
store_free(struct store *st)
{
	struct store_file *f, *f1;
	struct store_tmpl *t, *t1;
	size_t i, pos;
	char *key;

	if (st == NULL)
		return;
	TAILQ_FOREACH_SAFE(f, &st->files, entry, f1) {
		TAILQ_REMOVE(&st->files, f, entry);
		free(f->path);
		free(f->data);
		free(f->encoding);
		free(f);
	}
	TAILQ_FOREACH_SAFE(t, &st->tmpls, entry, t1) {
		TAILQ_REMOVE(&st->tmpls, t, entry);
		free(t->prefix);
		free(t->suffix);
		free(t->data);
		free(t->served);
		free(t);
	}
	hmap_clear(&st->map);
	for (i = 0; i < st->gens.n; i++) {
		free(st->gens.v[i]->path);
		free(st->gens.v[i]->block);
		free(st->gens.v[i]);
	}
	free(st->gens.v);
	hmap_clear(&st->genmap);
	while (!TAILQ_EMPTY(&st->uploads))
		store_upload_drop(st);
	for (i = 0; i < st->nupath; i++)
		free(st->upath[i]);
	free(st->upath);
	pos = 0;
	while ((key = hmap_next(&st->put_paths, &pos)) != NULL)
		free(key);
	hmap_clear(&st->put_paths);
	free(st);
}

/*
 * A generated file: its 64 KiB block comes from a splitmix64 stream seeded
 * by the file's name; block i of the file is that block with its first 8
 * bytes XORed with i, so no two blocks are equal and any range is made by
 * copying.  Replaces an earlier one at the same path.
 */
void
store_add_generated(struct store *st, const char *path, uint64_t size)
{
	struct store_gen *g;
	uint64_t x = 0x9e3779b97f4a7c15ULL, z;
	const char *c;
	size_t i;

	for (c = path; *c != '\0'; c++)
		x = (x ^ (uint8_t)*c) * 0x100000001b3ULL;
	if ((g = hmap_get(&st->genmap, path, strlen(path))) == NULL) {
		g = xcalloc(1, sizeof *g);
		g->path = xstrdup(path);
		g->block = xmalloc(STORE_GEN_BLOCK);
		st->gens.v = xreallocarray(st->gens.v, st->gens.n + 1,
		    sizeof *st->gens.v);
		st->gens.v[st->gens.n++] = g;
		hmap_put(&st->genmap, g->path, strlen(g->path), g);
	}
	g->size = size;
	for (i = 0; i < STORE_GEN_BLOCK; i += 8) {
		x += 0x9e3779b97f4a7c15ULL;
		z = x;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		memcpy(g->block + i, &z, 8);
	}
}

const struct store_gen *
store_gen_find(const struct store *st, const char *path)
{
	return (hmap_get(&st->genmap, path, strcspn(path, "?")));
}

void
store_gen_fill(const struct store_gen *g, uint64_t off, size_t n,
    struct dbuf *out)
{
	uint64_t blk, idx;
	size_t in, take, k;
	uint8_t *d;

	if (off >= g->size)
		return;
	if (n > g->size - off)
		n = g->size - off;
	dbuf_reserve(out, n);
	d = out->data + out->len;
	while (n > 0) {
		blk = off / STORE_GEN_BLOCK;
		in = off % STORE_GEN_BLOCK;
		take = STORE_GEN_BLOCK - in;
		if (take > n)
			take = n;
		memcpy(d, g->block + in, take);
		/* The block number, XORed into its first 8 bytes. */
		for (k = in; k < 8 && k < in + take; k++) {
			idx = blk >> (8 * k);
			d[k - in] ^= (uint8_t)idx;
		}
		d += take;
		off += take;
		n -= take;
		out->len += take;
	}
	out->data[out->len] = '\0';
}

int
store_add_load(struct store *st, const char *dir, const char *load,
    uint64_t size, int nimages, char **cause)
{
	const struct store_gen *g;
	struct dbuf text, chunk;
	EVP_MD_CTX *md;
	uint8_t sum[32];
	char *path, *file, ver[64];
	const char *dot, *v;
	uint64_t each, sz, off;
	size_t n;
	int i, k;

	if (nimages < 1 || nimages > STORE_LOAD_IMAGES_MAX) {
		xasprintf(cause, "images must be 1 to %d",
		    STORE_LOAD_IMAGES_MAX);
		return (-1);
	}
	if ((dot = strchr(load, '.')) == NULL || dot == load ||
	    strncmp(load, "sip", 3) != 0) {
		xasprintf(cause, "\"%s\" is not a load name "
		    "(sip<family>.<version>)", load);
		return (-1);
	}
	if ((uint64_t)nimages > size) {
		xasprintf(cause, "size smaller than the number of images");
		return (-1);
	}
	/* version=<maj>.<min>.<micro> from the name's first numbers. */
	n = 0;
	ver[0] = '\0';
	for (v = dot + 1, k = 0; *v != '\0' && k < 3; k++) {
		size_t d = strspn(v, "0123456789");

		if (d == 0 || d > 9)
			break;
		n += snprintf(ver + n, sizeof ver - n, "%s%.*s",
		    k == 0 ? "" : ".", (int)d, v);
		v += d;
		if (*v != '-')
			break;
		v++;
	}
	dbuf_init(&text);
	dbuf_init(&chunk);
	dbuf_printf(&text, "load=%s\nfamily=%.*s\n", load,
	    (int)(dot - load), load);
	if (ver[0] != '\0')
		dbuf_printf(&text, "version=%s\n", ver);
	if ((md = EVP_MD_CTX_new()) == NULL)
		abort();
	each = size / nimages;
	for (i = 0; i < nimages; i++) {
		sz = i == nimages - 1 ? size - each * (nimages - 1) : each;
		if (nimages == 1)
			xasprintf(&file, "%s.img", load);
		else
			xasprintf(&file, "%s-%d.img", load, i + 1);
		xasprintf(&path, "%s%s", dir, file);
		store_add_generated(st, path, sz);
		g = store_gen_find(st, path);
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
		for (off = 0; off < sz; off += chunk.len) {
			dbuf_reset(&chunk);
			store_gen_fill(g, off, 1024 * 1024, &chunk);
			EVP_DigestUpdate(md, chunk.data, chunk.len);
		}
		EVP_DigestFinal_ex(md, sum, NULL);
		dbuf_printf(&text, "image=%s size=%llu sha256=", file,
		    (unsigned long long)sz);
		for (k = 0; k < 32; k++)
			dbuf_printf(&text, "%02x", sum[k]);
		dbuf_printf(&text, "\n");
		free(file);
		free(path);
	}
	EVP_MD_CTX_free(md);
	xasprintf(&path, "%s%s.loads", dir, load);
	store_add_file(st, path, text.data, text.len);
	free(path);
	dbuf_clear(&text);
	dbuf_clear(&chunk);
	return (0);
}

/* Add or replace the file at path; data is copied. */
void
store_add_file(struct store *st, const char *path, const uint8_t *data,
    size_t len)
{
	struct store_file *f;

	f = hmap_get(&st->map, path, strlen(path));
	if (f != NULL) {
		free(f->data);
		f->data = store_copy(data, len);
		f->len = len;
		return;
	}
	f = xcalloc(1, sizeof *f);
	f->path = xstrdup(path);
	f->data = store_copy(data, len);
	f->len = len;
	TAILQ_INSERT_TAIL(&st->files, f, entry);
	hmap_put(&st->map, f->path, strlen(f->path), f);
}

/*
 * The Content-Encoding an exact file is served with over HTTP (its body is
 * already coded, spec 11.3), or NULL for none.  0, or -1 no such file.
 */
int
store_set_encoding(struct store *st, const char *path, const char *encoding)
{
	struct store_file *f;

	if ((f = hmap_get(&st->map, path, strlen(path))) == NULL)
		return (-1);
	free(f->encoding);
	f->encoding = encoding != NULL ? xstrdup(encoding) : NULL;
	return (0);
}

/* The Content-Encoding of the exact file at path (query ignored), or
 * NULL. */
const char *
store_encoding(const struct store *st, const char *path)
{
	const struct store_file *f;

	f = hmap_get(&st->map, path, strcspn(path, "?"));
	return (f != NULL ? f->encoding : NULL);
}

/* Add a template: pattern has one '*' (a pattern without is exact). */
void
store_add_template(struct store *st, const char *pattern, const uint8_t *data,
    size_t len)
{
	struct store_tmpl *t;
	const char *star;

	t = xcalloc(1, sizeof *t);
	if ((star = strchr(pattern, '*')) != NULL) {
		t->prefix = xstrndup(pattern, star - pattern);
		t->suffix = xstrdup(star + 1);
		t->has_star = 1;
	} else {
		t->prefix = xstrdup(pattern);
		t->suffix = xstrdup("");
	}
	t->data = store_copy(data, len);
	t->len = len;
	t->served = xcalloc(1, sizeof *t->served);
	TAILQ_INSERT_TAIL(&st->tmpls, t, entry);
}

/*
 * Find path (query ignored).  Returns 0 and appends the body to out, or -1
 * when nothing matches.
 */
int
store_lookup(const struct store *st, const char *path, struct dbuf *out)
{
	const struct store_file *f;
	const struct store_tmpl *t;
	size_t plen, off, len;

	plen = strcspn(path, "?");
	if ((f = hmap_get(&st->map, path, plen)) != NULL) {
		dbuf_add(out, f->data, f->len);
		return (0);
	}
	TAILQ_FOREACH(t, &st->tmpls, entry) {
		if (store_tmpl_match(t, path, plen, &off, &len)) {
			store_expand(t, path + off, len, out);
			return (0);
		}
	}
	return (-1);
}

/*
 * Like store_lookup, without copying an exact file: *data points into the
 * store (valid until store_free) or, for a template, into tmp.
 */
int
store_ref(const struct store *st, const char *path, const uint8_t **data,
    size_t *len, struct dbuf *tmp)
{
	const struct store_file *f;
	size_t plen;

	plen = strcspn(path, "?");
	if ((f = hmap_get(&st->map, path, plen)) != NULL) {
		*data = f->data;
		*len = f->len;
		return (0);
	}
	dbuf_reset(tmp);
	if (store_lookup(st, path, tmp) != 0)
		return (-1);
	*data = tmp->data != NULL ? tmp->data : (const uint8_t *)"";
	*len = tmp->len;
	return (0);
}

static uint8_t *
store_copy(const uint8_t *data, size_t len)
{
	uint8_t *p;

	p = xmalloc(len + 1);
	if (len != 0)
		memcpy(p, data, len);
	p[len] = '\0';
	return (p);
}

/* Does path[0..plen) match t?  The '*' part is path[*off .. *off + *len). */
static int
store_tmpl_match(const struct store_tmpl *t, const char *path, size_t plen,
    size_t *off, size_t *len)
{
	size_t pre, suf;

	pre = strlen(t->prefix);
	suf = strlen(t->suffix);
	if (!t->has_star) {
		*off = *len = 0;
		return (plen == pre && memcmp(path, t->prefix, pre) == 0);
	}
	if (plen < pre + suf)
		return (0);
	if (memcmp(path, t->prefix, pre) != 0)
		return (0);
	if (memcmp(path + plen - suf, t->suffix, suf) != 0)
		return (0);
	*off = pre;
	*len = plen - pre - suf;
	return (1);
}

/* Append t's body with its placeholders replaced for match m (mlen bytes). */
static void
store_expand(const struct store_tmpl *t, const char *m, size_t mlen,
    struct dbuf *out)
{
	static const char *const names[] = { "{{match}}", "{{mac}}",
		"{{MAC}}", "{{seq}}", "{{pad}}" };
	const uint8_t *p, *end, *open;
	size_t i, j, n, macoff = 0, maclen;
	uint64_t seq;

	seq = ++*t->served;
	maclen = store_find_mac(m, mlen, &macoff);
	p = t->data;
	end = t->data + t->len;
	while (p < end) {
		open = memchr(p, '{', end - p);
		if (open == NULL) {
			dbuf_add(out, p, end - p);
			break;
		}
		dbuf_add(out, p, open - p);
		p = open;
		for (i = 0; i < nitems(names); i++) {
			n = strlen(names[i]);
			if ((size_t)(end - p) >= n &&
			    memcmp(p, names[i], n) == 0)
				break;
		}
		if (i == nitems(names)) {
			dbuf_add_u8(out, *p++);
			continue;
		}
		p += strlen(names[i]);
		if (i == 0) {
			dbuf_add(out, m, mlen);
			continue;
		}
		if (i == 3) {
			dbuf_printf(out, "%llu", (unsigned long long)seq);
			continue;
		}
		if (i == 4) {
			for (j = 0; j < seq % STORE_PAD_MOD; j++)
				dbuf_add_u8(out, 'x');
			continue;
		}
		for (j = 0; j < maclen; j++) {
			if (i == 1)
				dbuf_add_u8(out,
				    tolower((unsigned char)m[macoff + j]));
			else
				dbuf_add_u8(out,
				    toupper((unsigned char)m[macoff + j]));
		}
	}
}

/*
 * Find the MAC in s: the first run of exactly 12 hex digits; failing that,
 * the last 12 digits of the first longer run, since names such as
 * "spa00562b043615" glue hex letters to the MAC.  Returns 12 (and *off) or 0.
 */
static size_t
store_find_mac(const char *s, size_t len, size_t *off)
{
	size_t i, start, run, longer = SIZE_MAX;

	for (i = 0; i < len;) {
		if (!isxdigit((unsigned char)s[i])) {
			i++;
			continue;
		}
		start = i;
		while (i < len && isxdigit((unsigned char)s[i]))
			i++;
		run = i - start;
		if (run == STORE_MAC_LEN) {
			*off = start;
			return (STORE_MAC_LEN);
		}
		if (run > STORE_MAC_LEN && longer == SIZE_MAX)
			longer = i - STORE_MAC_LEN;
	}
	if (longer == SIZE_MAX)
		return (0);
	*off = longer;
	return (STORE_MAC_LEN);
}

/* Uploads (16.4). */

/* PUT and POST to paths matching pattern (a glob) are uploads. */
void
store_add_upload(struct store *st, const char *pattern)
{
	st->upath = xreallocarray(st->upath, st->nupath + 1,
	    sizeof *st->upath);
	st->upath[st->nupath++] = xstrdup(pattern);
}

/* Uploads kept at most: count of them and bytes of their bodies (0: the
 * default). */
void
store_upload_limits(struct store *st, size_t count, size_t bytes)
{
	st->keep_count = count != 0 ? count : STORE_UPLOAD_KEEP;
	st->keep_bytes = bytes != 0 ? bytes : STORE_UPLOAD_BYTES;
	while (st->nuploads > st->keep_count ||
	    st->upload_bytes > st->keep_bytes)
		store_upload_drop(st);
}

/* 1 if path (query ignored) takes uploads. */
int
store_is_upload(const struct store *st, const char *path)
{
	char *p;
	size_t i;
	int match = 0;

	if (st->nupath == 0)
		return (0);
	p = xstrndup(path, strcspn(path, "?"));
	for (i = 0; i < st->nupath && !match; i++)
		match = fnmatch(st->upath[i], p, 0) == 0;
	free(p);
	return (match);
}

/*
 * Keep an upload (copied), dropping the oldest past the caps.  Returns 1
 * when a PUT replaces what an earlier PUT to the same path made (a server
 * answers 204), else 0 (201 for a PUT).
 */
int
store_upload_keep(struct store *st, const struct store_upload *u)
{
	struct store_upload_ent *e;
	size_t plen = strlen(u->path);
	int existed = 0;
	char *key;

	st->ustats.received++;
	st->ustats.bytes += u->len;
	if (strcmp(u->method, "PUT") == 0) {
		if (hmap_get(&st->put_paths, u->path, plen) != NULL)
			existed = 1;
		else if (st->nput_paths < STORE_UPLOAD_PATHS) {
			key = xstrdup(u->path);
			hmap_put(&st->put_paths, key, plen, key);
			st->nput_paths++;
		}
	}
	if (u->len > st->keep_bytes || st->keep_count == 0) {
		st->ustats.dropped++;
		return (existed);
	}
	e = xcalloc(1, sizeof *e);
	e->u = *u;
	e->u.seq = st->ustats.received;
	e->u.method = xstrdup(u->method);
	e->u.path = xstrdup(u->path);
	e->u.content_type = u->content_type != NULL ?
	    xstrdup(u->content_type) : NULL;
	e->u.content_encoding = u->content_encoding != NULL ?
	    xstrdup(u->content_encoding) : NULL;
	e->u.body = store_copy(u->body, u->len);
	TAILQ_INSERT_TAIL(&st->uploads, e, entry);
	st->nuploads++;
	st->upload_bytes += u->len;
	while (st->nuploads > st->keep_count ||
	    st->upload_bytes > st->keep_bytes)
		store_upload_drop(st);
	return (existed);
}

/* The uploads kept, oldest first: call with NULL, then with the last. */
const struct store_upload *
store_upload_next(const struct store *st, const struct store_upload *prev)
{
	const struct store_upload_ent *e;

	if (prev == NULL)
		e = TAILQ_FIRST(&st->uploads);
	else
		e = TAILQ_NEXT((const struct store_upload_ent *)prev, entry);
	return (e != NULL ? &e->u : NULL);
}

size_t
store_upload_count(const struct store *st)
{
	return (st->nuploads);
}

const struct store_upload_stats *
store_upload_stats(const struct store *st)
{
	return (&st->ustats);
}

/* The oldest upload goes (counted). */
static void
store_upload_drop(struct store *st)
{
	struct store_upload_ent *e = TAILQ_FIRST(&st->uploads);

	if (e == NULL)
		return;
	TAILQ_REMOVE(&st->uploads, e, entry);
	st->nuploads--;
	st->upload_bytes -= e->u.len;
	st->ustats.dropped++;
	free(e->u.method);
	free(e->u.path);
	free(e->u.content_type);
	free(e->u.content_encoding);
	free(e->u.body);
	free(e);
}
