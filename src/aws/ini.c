#include "aws/ini.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "aws/creds_priv.h"
#include "base/grow.h"

#define MAX_CONFIG_FILE (4u << 20)

void ini_free(ini_t *f)
{
	for (size_t i = 0; i < f->n; i++) {
		for (size_t k = 0; k < f->sec[i].n; k++) {
			free(f->sec[i].kv[k].key);
			creds_free_secret(f->sec[i].kv[k].value);
		}
		free(f->sec[i].kv);
		free(f->sec[i].name);
	}
	free(f->sec);
	free(f->slot);
	free(f->path);
	memset(f, 0, sizeof *f);
}

/* FNV-1a over the name, then the owner mixed in. */
static size_t ini_hash(size_t owner, const char *name)
{
	uint64_t h = 1469598103934665603u;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		h = (h ^ *c) * 1099511628211u;
	h ^= (uint64_t)owner * 0x9E3779B97F4A7C15u;
	return (size_t)(h ^ (h >> 29));
}

static const char *ini_slot_name(const ini_t *f, const ini_slot_t *s)
{
	return s->owner == NO_OWNER ? f->sec[s->idx].name : f->sec[s->owner].kv[s->idx].key;
}

/* The slot holding (owner, name), or the empty slot where it would go. */
static ini_slot_t *ini_probe(const ini_t *f, size_t owner, const char *name)
{
	size_t mask = f->nslot - 1;
	for (size_t i = ini_hash(owner, name) & mask;; i = (i + 1) & mask) {
		ini_slot_t *s = &f->slot[i];
		if (!s->used || (s->owner == owner && strcmp(ini_slot_name(f, s), name) == 0)) return s;
	}
}

/* Room for one more entry; -1 on OOM. */
static int ini_index_grow(ini_t *f)
{
	if (f->nslot && (f->used + 1) * 2 <= f->nslot) return 0;
	size_t nslot = f->nslot ? f->nslot * 2 : 64;
	ini_t next = *f;
	next.nslot = nslot;
	if (!(next.slot = calloc(nslot, sizeof *next.slot))) return -1;
	for (size_t i = 0; i < f->nslot; i++)
		if (f->slot[i].used)
			*ini_probe(&next, f->slot[i].owner, ini_slot_name(f, &f->slot[i])) = f->slot[i];
	free(f->slot);
	f->slot = next.slot;
	f->nslot = nslot;
	return 0;
}

/* The index of (owner, name), or -1 when absent. */
static long ini_lookup(const ini_t *f, size_t owner, const char *name)
{
	if (!f->nslot) return -1;
	const ini_slot_t *s = ini_probe(f, owner, name);
	return s->used ? (long)s->idx : -1;
}

static void ini_index_add(ini_t *f, size_t owner, size_t idx)
{
	const char *name = owner == NO_OWNER ? f->sec[idx].name : f->sec[owner].kv[idx].key;
	ini_slot_t *s = ini_probe(f, owner, name);
	*s = (ini_slot_t){.owner = owner, .idx = idx, .used = 1};
	f->used++;
}

/* Grows an array of n elements to hold one more, doubling; -1 on OOM. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	return grow_array(arr, cap, n + 1, size, 8);
}

const ini_sec_t *ini_find(const ini_t *f, const char *name)
{
	long i = ini_lookup(f, NO_OWNER, name);
	return i < 0 ? NULL : &f->sec[i];
}

/* The index of the section of that name (a repeated header adds to the first), or -1
 * on OOM. */
static long ini_section(ini_t *f, const char *name)
{
	long i = ini_lookup(f, NO_OWNER, name);
	if (i >= 0) return i;
	if (ini_index_grow(f) < 0 || grow((void **)&f->sec, &f->cap, f->n, sizeof *f->sec) < 0)
		return -1;
	ini_sec_t *s = &f->sec[f->n];
	memset(s, 0, sizeof *s);
	if (!(s->name = strdup(name))) return -1;
	ini_index_add(f, NO_OWNER, f->n);
	return (long)f->n++;
}

/* Sets key in section si (a repeated key replaces the value); returns its index or -1
 * on OOM. */
static long ini_set(ini_t *f, size_t si, const char *key, const char *value)
{
	ini_sec_t *s = &f->sec[si];
	long i = ini_lookup(f, si, key);
	if (i >= 0) {
		char *v = strdup(value);
		if (!v) return -1;
		creds_free_secret(s->kv[i].value);
		s->kv[i].value = v;
		return i;
	}
	if (ini_index_grow(f) < 0 || grow((void **)&s->kv, &s->cap, s->n, sizeof *s->kv) < 0) return -1;
	ini_kv_t *kv = &s->kv[s->n];
	kv->key = strdup(key);
	kv->value = strdup(value);
	if (!kv->key || !kv->value) {
		free(kv->key);
		free(kv->value);
		return -1;
	}
	ini_index_add(f, si, s->n);
	return (long)s->n++;
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static char *trim(char *s)
{
	while (is_blank(*s)) s++;
	size_t n = strlen(s);
	while (n && is_blank(s[n - 1])) s[--n] = 0;
	return s;
}

/* "profile   dev" -> "profile dev", as botocore splits the header. */
static void normalize_section(char *name)
{
	if (strncmp(name, "profile", 7) != 0 || !is_blank(name[7])) return;
	char *rest = trim(name + 7);
	memmove(name + 8, rest, strlen(rest) + 1);
	name[7] = ' ';
}

/* Continuation lines (indented, after a key) extend its value, so nested settings
 * such as "s3 =\n  addressing_style = path" read as one value. */
static int ini_parse(ini_t *f, char *text, size_t len, const char *label, aws_error_t *err)
{
	char *p = text, *end = text + len;
	long cur = -1, last = -1;
	int lineno = 0;
	const char *bad = NULL;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
	while (p < end && !bad) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		lineno++;
		if (le > p && le[-1] == '\r') le--;
		for (char *c = p; c < le && !bad; c++) {
			unsigned char u = (unsigned char)*c;
			if ((u < 0x20 && u != '\t') || u == 0x7f) bad = "holds binary data, not text";
		}
		*le = 0;
		int indented = is_blank(*p);
		char *line = trim(p);
		p = nl ? nl + 1 : end;
		if (bad || !*line || *line == '#' || *line == ';') continue;
		if (indented && cur >= 0 && last >= 0) {
			ini_kv_t *kv = &f->sec[cur].kv[last];
			size_t vl = strlen(kv->value), ll = strlen(line);
			char *v = realloc(kv->value, vl + ll + 2);
			if (!v) { bad = "could not be stored (out of memory)"; continue; }
			v[vl] = '\n';
			memcpy(v + vl + 1, line, ll + 1);
			kv->value = v;
			continue;
		}
		if (*line == '[') {
			char *close = strrchr(line, ']');
			if (!close) { bad = "is a section header without a closing ']'"; continue; }
			*close = 0;
			char *name = trim(line + 1);
			if (!*name) { bad = "is a section header with no name"; continue; }
			normalize_section(name);
			if ((cur = ini_section(f, name)) < 0) bad = "could not be stored (out of memory)";
			last = -1;
			continue;
		}
		if (cur < 0) { bad = "comes before any [section] header"; continue; }
		/* The line itself is never quoted back: it may hold a secret. */
		char *eq = strpbrk(line, "=:");
		if (!eq) { bad = "is not `key = value` (it has no '=')"; continue; }
		*eq = 0;
		char *key = trim(line), *value = trim(eq + 1);
		if (!*key) { bad = "has no key before the '='"; continue; }
		for (char *c = key; *c; c++)
			if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
		if ((last = ini_set(f, (size_t)cur, key, value)) < 0) bad = "could not be stored (out of memory)";
	}
	if (!bad) return 0;
	creds_err(err, AWS_ERR_CONFIG, "InvalidConfigFile",
	        "The AWS %s file %s is not valid: line %d %s; fix or remove that line.", label,
	        f->path, lineno, bad);
	return -1;
}

/* AWS_CONFIG_FILE=/dev/null is a common way to say "no file": read it as empty. */
static int is_dev_null(const struct stat *st)
{
	struct stat null;
	return S_ISCHR(st->st_mode) && stat("/dev/null", &null) == 0 && S_ISCHR(null.st_mode) &&
	       st->st_rdev == null.st_rdev;
}

/* A missing file is not an error (found stays 0); an unreadable or garbled one is. */
int ini_load(ini_t *f, char *path, const char *label, aws_error_t *err)
{
	memset(f, 0, sizeof *f);
	f->path = path;
	if (!path) {
		creds_err(err, AWS_ERR_CONFIG, "OutOfMemory", "Out of memory reading the AWS %s file.",
		        label);
		return -1;
	}
	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer, forever; the fd's
	 * own fstat then decides, so what is read is what was checked. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) return 0;
	struct stat st;
	const char *why = NULL;
	if (fd < 0) why = strerror(errno);
	else if (fstat(fd, &st) != 0) why = strerror(errno);
	else if (S_ISDIR(st.st_mode)) why = "it is a directory";
	else if (!S_ISREG(st.st_mode) && !is_dev_null(&st))
		why = S_ISFIFO(st.st_mode) ? "it is a FIFO, not a regular file"
		                           : "it is a device or socket, not a regular file";
	else if (st.st_size > (off_t)MAX_CONFIG_FILE) why = "it is larger than 4 MiB";
	char *text = NULL;
	size_t len = 0;
	if (!why && !(text = malloc((size_t)st.st_size + 1))) why = "out of memory";
	while (!why && len < (size_t)st.st_size) {
		ssize_t n = read(fd, text + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR) continue;
		if (n < 0) why = strerror(errno);
		if (n <= 0) break;
		len += (size_t)n;
	}
	if (fd >= 0) close(fd);
	if (why) {
		free(text);
		creds_err(err, AWS_ERR_CONFIG, "InvalidConfigFile", "Cannot read the AWS %s file %s: %s.",
		        label, path, why);
		return -1;
	}
	f->found = 1;
	text[len] = 0;
	int rc = ini_parse(f, text, len, label, err);
	OPENSSL_cleanse(text, len);
	free(text);
	return rc;
}

const char *ini_get(const ini_sec_t *s, const char *key)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (strcmp(s->kv[i].key, key) == 0) return *s->kv[i].value ? s->kv[i].value : NULL;
	return NULL;
}
