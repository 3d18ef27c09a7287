#include "aws/creds.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws/sso.h"
#include "base/sbuf.h"

#define IMDS_DEFAULT "http://169.254.169.254"
#define IMDS_IPV6 "http://[fd00:ec2::254]"
#define PROCESS_TIMEOUT_MS 30000
#define MAX_CONFIG_FILE (4u << 20)
#define MAX_PROCESS_OUT (64u << 10)
#define MAX_PROCESS_ERR 4096u

static void set_err(aws_error_t *err, aws_error_kind_t kind, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void set_err(aws_error_t *err, aws_error_kind_t kind, const char *code, const char *fmt, ...)
{
	if (!err) return;
	memset(err, 0, sizeof *err);
	err->kind = kind;
	snprintf(err->code, sizeof err->code, "%s", code);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static int env_true(const char *name)
{
	const char *v = env(name);
	return v && strcasecmp(v, "true") == 0;
}

static void free_secret(char *s)
{
	if (!s) return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

void aws_creds_free(aws_creds_t *c)
{
	if (!c) return;
	free(c->access_key_id);
	free_secret(c->secret_access_key);
	free_secret(c->session_token);
	memset(c, 0, sizeof *c);
}

static int creds_set(aws_creds_t *c, const char *id, const char *secret, const char *token,
                     time_t expiration)
{
	c->access_key_id = strdup(id);
	c->secret_access_key = strdup(secret);
	c->session_token = token ? strdup(token) : NULL;
	c->expiration = expiration;
	if (!c->access_key_id || !c->secret_access_key || (token && !c->session_token)) {
		aws_creds_free(c);
		return -1;
	}
	return 0;
}

int aws_creds_copy(aws_creds_t *dst, const aws_creds_t *src)
{
	memset(dst, 0, sizeof *dst);
	if (creds_set(dst, src->access_key_id ? src->access_key_id : "",
	              src->secret_access_key ? src->secret_access_key : "", src->session_token,
	              src->expiration) < 0)
		return -1;
	memcpy(dst->source, src->source, sizeof dst->source);
	return 0;
}

int aws_creds_expiring(const aws_creds_t *c, time_t now, int margin_s)
{
	return c->expiration != 0 && now + margin_s >= c->expiration;
}

void aws_creds_plan_free(aws_creds_plan_t *plan)
{
	if (!plan) return;
	aws_creds_free(&plan->creds);
	for (size_t i = 0; i < plan->nhops; i++) {
		aws_creds_hop_t *h = &plan->hops[i];
		free(h->role_arn);
		free(h->role_session_name);
		free(h->external_id);
		free(h->mfa_serial);
		free_secret(h->token_code);
		free(h->cache_path);
		free(h->sts_region);
	}
	char **strs[] = {&plan->imds_endpoint, &plan->sso_cache_path, &plan->sso_start_url,
	                 &plan->sso_region, &plan->sso_session, &plan->sso_account_id,
	                 &plan->sso_role_name, &plan->sso_endpoint, &plan->sso_oidc_endpoint,
	                 &plan->web_token_file, &plan->web_role_arn, &plan->web_session_name};
	for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) free(*strs[i]);
	memset(plan, 0, sizeof *plan);
}

/* ---- times ---- */

static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9') return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

int aws_creds_parse_time(const char *s, time_t *out)
{
	struct tm tm = {0};
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p = s;
	if (!s || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
		return -1;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
	    digits(&p, 2, &sec))
		return -1;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9') return -1;
		while (*p >= '0' && *p <= '9') p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh)) return -1;
		if (*p == ':') p++;
		if (digits(&p, 2, &om)) return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || oh > 23 ||
	    om > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = timegm(&tm) - sign * (oh * 3600 + om * 60);
	return 0;
}

/* ---- ~/.aws/config and ~/.aws/credentials, read as Python's configparser does ---- */

typedef struct ini_kv {
	char *key, *value;
} ini_kv_t;

typedef struct ini_sec {
	char *name;
	ini_kv_t *kv;
	size_t n, cap;
} ini_sec_t;

/* One slot of the index over section names (owner NO_OWNER, idx a section) and keys
 * (owner a section, idx one of its keys): a file of many sections or keys is read in
 * linear time instead of comparing each header with every one before it. */
#define NO_OWNER SIZE_MAX
typedef struct ini_slot {
	size_t owner, idx;
	int used;
} ini_slot_t;

typedef struct ini {
	char *path;
	int found;
	ini_sec_t *sec;
	size_t n, cap;
	ini_slot_t *slot;
	size_t nslot, used; /* nslot a power of two, at most half used */
} ini_t;

static void ini_free(ini_t *f)
{
	for (size_t i = 0; i < f->n; i++) {
		for (size_t k = 0; k < f->sec[i].n; k++) {
			free(f->sec[i].kv[k].key);
			free_secret(f->sec[i].kv[k].value);
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
	if (n < *cap) return 0;
	size_t c = *cap ? *cap * 2 : 8;
	void *a = realloc(*arr, c * size);
	if (!a) return -1;
	*arr = a;
	*cap = c;
	return 0;
}

static const ini_sec_t *ini_find(const ini_t *f, const char *name)
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
		free_secret(s->kv[i].value);
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
	set_err(err, AWS_ERR_CONFIG, "InvalidConfigFile",
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
static int ini_load(ini_t *f, char *path, const char *label, aws_error_t *err)
{
	memset(f, 0, sizeof *f);
	f->path = path;
	if (!path) {
		set_err(err, AWS_ERR_CONFIG, "OutOfMemory", "Out of memory reading the AWS %s file.",
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
		set_err(err, AWS_ERR_CONFIG, "InvalidConfigFile", "Cannot read the AWS %s file %s: %s.",
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

static char *home_dir(void)
{
	const char *h = env("HOME");
	if (!h) {
		struct passwd *pw = getpwuid(getuid());
		h = pw && pw->pw_dir ? pw->pw_dir : "/";
	}
	return strdup(h);
}

/* $<var> (with a leading "~/" expanded) or ~/.aws/<leaf>. */
static char *config_path(const char *var, const char *leaf)
{
	const char *v = env(var);
	char *home = home_dir(), *out = NULL;
	if (!home) return NULL;
	int n;
	if (v && v[0] == '~' && (v[1] == '/' || !v[1])) n = asprintf(&out, "%s%s", home, v + 1);
	else if (v) n = asprintf(&out, "%s", v);
	else n = asprintf(&out, "%s/.aws/%s", home, leaf);
	free(home);
	return n < 0 ? NULL : out;
}

/* Both files and the profile in effect. */
typedef struct cfg {
	char profile[128];
	const char *origin; /* "--profile", "AWS_PROFILE", or NULL for the default */
	ini_t cred, conf;
} cfg_t;

static void cfg_free(cfg_t *c)
{
	ini_free(&c->cred);
	ini_free(&c->conf);
}

static int cfg_load(cfg_t *c, const char *profile_flag, aws_error_t *err)
{
	memset(c, 0, sizeof *c);
	const char *name = "default";
	if (profile_flag && *profile_flag) {
		name = profile_flag;
		c->origin = "--profile";
	} else if (env("AWS_PROFILE")) {
		name = env("AWS_PROFILE");
		c->origin = "AWS_PROFILE";
	}
	if (strlen(name) >= sizeof c->profile) {
		set_err(err, AWS_ERR_CONFIG, "InvalidProfile",
		        "The AWS profile name given by %s is longer than %zu characters.", c->origin,
		        sizeof c->profile - 1);
		return -1;
	}
	snprintf(c->profile, sizeof c->profile, "%s", name);
	if (ini_load(&c->cred, config_path("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
	             "credentials", err) < 0 ||
	    ini_load(&c->conf, config_path("AWS_CONFIG_FILE", "config"), "config", err) < 0) {
		cfg_free(c);
		return -1;
	}
	return 0;
}

/* [name] in the credentials file; [profile name] in the config file, where the
 * default profile may also be written [default]. */
static const ini_sec_t *cfg_section(const cfg_t *c, int config, const char *profile)
{
	if (!config) return ini_find(&c->cred, profile);
	char name[160];
	snprintf(name, sizeof name, "profile %s", profile);
	const ini_sec_t *s = ini_find(&c->conf, name);
	if (!s && strcmp(profile, "default") == 0) s = ini_find(&c->conf, "default");
	return s;
}

static const char *sec_get(const ini_sec_t *s, const char *key)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (strcmp(s->kv[i].key, key) == 0) return *s->kv[i].value ? s->kv[i].value : NULL;
	return NULL;
}

/* The credentials file wins over the config file, as in botocore's merged profile. */
static const char *cfg_get(const cfg_t *c, const char *profile, const char *key)
{
	const char *v = sec_get(cfg_section(c, 0, profile), key);
	return v ? v : sec_get(cfg_section(c, 1, profile), key);
}

static int cfg_has(const cfg_t *c, const char *profile)
{
	return cfg_section(c, 0, profile) || cfg_section(c, 1, profile);
}

/* "/h/.aws/credentials (no [dev] section)" */
static void file_status(const cfg_t *c, int config, const char *profile, char *buf, size_t n)
{
	const ini_t *f = config ? &c->conf : &c->cred;
	const char *pre = config && strcmp(profile, "default") != 0 ? "profile " : "";
	if (!f->found) snprintf(buf, n, "%s (not found)", f->path);
	else if (!cfg_section(c, config, profile))
		snprintf(buf, n, "%s (no [%s%s] section)", f->path, pre, profile);
	else snprintf(buf, n, "%s (no credentials in [%s%s])", f->path, pre, profile);
}

static void files_status(const cfg_t *c, const char *profile, char *buf, size_t n)
{
	char a[512], b[512];
	file_status(c, 0, profile, a, sizeof a);
	file_status(c, 1, profile, b, sizeof b);
	snprintf(buf, n, "%s and %s", a, b);
}

static void profile_not_found(const cfg_t *c, aws_error_t *err)
{
	char files[1100], a[512], b[512];
	snprintf(a, sizeof a, "%s%s", c->cred.path, c->cred.found ? "" : " (not found)");
	snprintf(b, sizeof b, "%s%s", c->conf.path, c->conf.found ? "" : " (not found)");
	snprintf(files, sizeof files, "%s and %s", a, b);
	set_err(err, AWS_ERR_CONFIG, "ProfileNotFound",
	        "AWS profile \"%s\" (from %s) was not found in %s; check the name, or create it "
	        "with `aws configure --profile %s`.", c->profile, c->origin, files, c->profile);
}

static void no_creds(const cfg_t *c, int flag_given, const char *imds, aws_error_t *err)
{
	char files[1100], fix[400];
	files_status(c, c->profile, files, sizeof files);
	if (strcmp(c->profile, "default") == 0)
		snprintf(fix, sizeof fix, "run `aws configure`, set AWS_ACCESS_KEY_ID/"
		         "AWS_SECRET_ACCESS_KEY, or pass --profile");
	else
		snprintf(fix, sizeof fix, "add keys or credential_process to profile \"%s\" (`aws "
		         "configure --profile %s`), or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
		         c->profile, c->profile);
	set_err(err, AWS_ERR_CREDENTIALS, "NoCredentials",
	        "No AWS credentials: tried environment variables (%s), profile \"%s\" in %s, and "
	        "instance metadata (%s); %s.",
	        flag_given ? "skipped because --profile was given" : "AWS_ACCESS_KEY_ID not set",
	        c->profile, files, imds, fix);
}

/* ---- the providers: 1 found, 0 nothing there, -1 error ---- */

static int from_env(aws_creds_t *out, aws_error_t *err)
{
	const char *id = env("AWS_ACCESS_KEY_ID"), *secret = env("AWS_SECRET_ACCESS_KEY");
	if (!id) return 0;
	if (!secret) {
		set_err(err, AWS_ERR_CREDENTIALS, "PartialCredentials",
		        "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both, or unset "
		        "AWS_ACCESS_KEY_ID to use a profile.");
		return -1;
	}
	time_t exp = 0;
	const char *e = env("AWS_CREDENTIAL_EXPIRATION");
	if (e && aws_creds_parse_time(e, &exp) < 0) {
		set_err(err, AWS_ERR_CREDENTIALS, "InvalidExpiration",
		        "AWS_CREDENTIAL_EXPIRATION is not an ISO-8601 time (e.g. 2026-01-31T12:00:00Z).");
		return -1;
	}
	if (creds_set(out, id, secret, env("AWS_SESSION_TOKEN"), exp) < 0) {
		set_err(err, AWS_ERR_CREDENTIALS, "OutOfMemory", "Out of memory reading credentials.");
		return -1;
	}
	snprintf(out->source, sizeof out->source, "environment");
	return 1;
}

static int from_section(const ini_sec_t *s, const char *path, const char *profile,
                        aws_creds_t *out, aws_error_t *err)
{
	const char *id = sec_get(s, "aws_access_key_id"), *secret = sec_get(s, "aws_secret_access_key");
	if (!id && !secret) return 0;
	if (!id || !secret) {
		set_err(err, AWS_ERR_CREDENTIALS, "PartialCredentials",
		        "Profile \"%s\" in %s has %s but no %s; add it, or remove the profile's keys.",
		        profile, path, id ? "aws_access_key_id" : "aws_secret_access_key",
		        id ? "aws_secret_access_key" : "aws_access_key_id");
		return -1;
	}
	if (creds_set(out, id, secret, sec_get(s, "aws_session_token"), 0) < 0) {
		set_err(err, AWS_ERR_CREDENTIALS, "OutOfMemory", "Out of memory reading credentials.");
		return -1;
	}
	snprintf(out->source, sizeof out->source, "profile %s", profile);
	return 1;
}

/* Keys in the credentials file, then credential_process, then keys in the config
 * file: botocore's SharedCredential, Process and Config providers in that order. */
static int from_profile(const cfg_t *c, const char *profile, aws_creds_t *out, aws_error_t *err)
{
	int r = from_section(cfg_section(c, 0, profile), c->cred.path, profile, out, err);
	if (r) return r;
	const char *cmd = cfg_get(c, profile, "credential_process");
	if (cmd) {
		if (aws_creds_run_process(cmd, profile, PROCESS_TIMEOUT_MS, out, err) < 0) return -1;
		snprintf(out->source, sizeof out->source, "credential_process (profile %.90s)", profile);
		return 1;
	}
	return from_section(cfg_section(c, 1, profile), c->conf.path, profile, out, err);
}

static char *region_from(const cfg_t *c, const char *profile)
{
	const char *r = env("AWS_REGION");
	if (!r) r = env("AWS_DEFAULT_REGION");
	if (!r) r = cfg_get(c, profile, "region");
	return r ? strdup(r) : NULL;
}

static int valid_region(const char *r);

static int oom(aws_error_t *err)
{
	set_err(err, AWS_ERR_CREDENTIALS, "OutOfMemory", "Out of memory reading credentials.");
	return -1;
}

/* ---- MFA ---- */

static aws_creds_mfa_prompt_fn mfa_prompt = aws_creds_mfa_prompt_tty;

void aws_creds_set_mfa_prompt(aws_creds_mfa_prompt_fn fn)
{
	mfa_prompt = fn ? fn : aws_creds_mfa_prompt_tty;
}

/* The terminal itself, not stdin: stdin may be a pipe or /dev/null while a user sits
 * at the terminal (botocore asks through getpass, which does the same). */
int aws_creds_mfa_prompt_tty(const char *profile, const char *serial, char *code, size_t n,
                             aws_error_t *err)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		set_err(err, AWS_ERR_CREDENTIALS, "MfaNoTerminal",
		        "Profile \"%s\" assumes its role with an MFA code (mfa_serial %s) and there is "
		        "no terminal to ask for it on; run nixl-tui from a terminal, or export "
		        "temporary credentials (`aws configure export-credentials --profile %s "
		        "--format env`).", profile, serial, profile);
		return -1;
	}
	/* echo off before the prompt, as getpass does: a code typed after the prompt is
	 * then neither shown nor flushed away */
	struct termios old, quiet;
	int restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	dprintf(fd, "Enter MFA code for %s: ", serial);
	size_t len = 0;
	for (;;) {
		char ch;
		ssize_t r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR) continue;
		if (r <= 0 || ch == '\n' || ch == '\r') break;
		if (len + 1 < n) code[len++] = ch;
	}
	code[len] = 0;
	if (restore) tcsetattr(fd, TCSANOW, &old);
	if (write(fd, "\n", 1) < 0) {} /* the newline the user's Enter did not echo */
	close(fd);
	if (len) return 0;
	set_err(err, AWS_ERR_CREDENTIALS, "MfaNoCode",
	        "No MFA code was typed for profile \"%s\" (mfa_serial %s); run the command again "
	        "and type the code your device shows.", profile, serial);
	return -1;
}

/* ---- the CLI's cache of assumed roles, for MFA roles ---- */

static const char *json_str(const cJSON *j, const char *k);
static void cleanse_item(cJSON *j, const char *k);

/* botocore's AssumeRoleCredentialFetcher._create_cache_key: the SHA-1 of
 * json.dumps(AssumeRole's arguments, sort_keys=True), without a generated
 * RoleSessionName and without the code, in ~/.aws/cli/cache (awscli's CACHE_DIR). */
static char *role_cache_path(const cfg_t *c, const char *profile)
{
	const char *keys[] = {"DurationSeconds", "ExternalId", "RoleArn", "RoleSessionName",
	                      "SerialNumber"};
	const char *vals[] = {cfg_get(c, profile, "duration_seconds"),
	                      cfg_get(c, profile, "external_id"), cfg_get(c, profile, "role_arn"),
	                      cfg_get(c, profile, "role_session_name"),
	                      cfg_get(c, profile, "mfa_serial")};
	char json[8192];
	sbuf_t b;
	sbuf_init(&b, json, sizeof json);
	sbuf_addf(&b, "{");
	int first = 1;
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		if (!vals[i]) continue;
		sbuf_addf(&b, "%s\"%s\": ", first ? "" : ", ", keys[i]);
		first = 0;
		if (i == 0) { /* an integer, as botocore passes it to STS */
			sbuf_addf(&b, "%s", vals[i]);
			continue;
		}
		sbuf_addf(&b, "\"");
		for (const unsigned char *p = (const unsigned char *)vals[i]; *p; p++) {
			if (*p == '"' || *p == '\\') sbuf_addf(&b, "\\%c", *p);
			else if (*p < 0x20) sbuf_addf(&b, "\\u%04x", *p);
			else sbuf_addf(&b, "%c", *p);
		}
		sbuf_addf(&b, "\"");
	}
	sbuf_addf(&b, "}");
	char key[41], *home = home_dir(), *out = NULL;
	aws_sso_cache_key(json, key);
	if (!b.truncated && home && asprintf(&out, "%s/.aws/cli/cache/%s.json", home, key) < 0)
		out = NULL;
	free(home);
	return out;
}

/* Credentials cached at path that are good for 15 more minutes (botocore's
 * CachedCredentialFetcher window): 1 with out set, else 0. */
static int role_cache_load(const char *path, aws_creds_t *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) return 0;
	char buf[16384];
	size_t len = 0;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		ssize_t n;
		while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
			len += (size_t)n;
	}
	close(fd);
	cJSON *j = cJSON_ParseWithLength(buf, len);
	OPENSSL_cleanse(buf, sizeof buf);
	cJSON *cr = cJSON_GetObjectItemCaseSensitive(j, "Credentials");
	const char *id = json_str(cr, "AccessKeyId"), *secret = json_str(cr, "SecretAccessKey");
	const char *token = json_str(cr, "SessionToken"), *exp = json_str(cr, "Expiration");
	time_t when = 0;
	int ok = id && secret && token && exp && aws_creds_parse_time(exp, &when) == 0 &&
	         when > time(NULL) + 15 * 60 && creds_set(out, id, secret, token, when) == 0;
	cleanse_item(cr, "SecretAccessKey");
	cleanse_item(cr, "SessionToken");
	cJSON_Delete(j);
	return ok;
}

int aws_creds_cache_store(const char *path, const aws_creds_t *c)
{
	char dir[1024], when[32], *text = NULL, tmp[1100];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash) return -1;
	*slash = 0;
	/* ~/.aws/cli/cache, each missing part private */
	for (char *p = dir + 1; p <= dir + strlen(dir); p++) {
		if (*p && *p != '/') continue;
		char keep = *p;
		*p = 0;
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) return -1;
		*p = keep;
	}
	struct tm tm;
	gmtime_r(&c->expiration, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON *j = cJSON_CreateObject(), *cr = cJSON_AddObjectToObject(j, "Credentials");
	cJSON_AddStringToObject(cr, "AccessKeyId", c->access_key_id);
	cJSON_AddStringToObject(cr, "SecretAccessKey", c->secret_access_key);
	cJSON_AddStringToObject(cr, "SessionToken", c->session_token ? c->session_token : "");
	cJSON_AddStringToObject(cr, "Expiration", when);
	text = cJSON_Print(j);
	cleanse_item(cr, "SecretAccessKey");
	cleanse_item(cr, "SessionToken");
	cJSON_Delete(j);
	snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
	int fd = text ? mkstemp(tmp) : -1, rc = -1;
	if (fd >= 0) {
		size_t len = strlen(text), off = 0;
		ssize_t n;
		while (off < len && (n = write(fd, text + off, len - off)) > 0) off += (size_t)n;
		rc = off == len && close(fd) == 0 && rename(tmp, path) == 0 ? 0 : -1;
		if (rc < 0) unlink(tmp);
	}
	if (text) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	return rc;
}

/* ---- the chain ---- */

/* The profiles a chain of roles has gone through, for the loop check. */
typedef struct visited {
	const char *name[AWS_CREDS_MAX_HOPS + 1];
	size_t n;
} visited_t;

static int has_static(const cfg_t *c, const char *profile)
{
	return cfg_get(c, profile, "aws_access_key_id") || cfg_get(c, profile, "aws_secret_access_key");
}

/* botocore's AssumeRoleProvider leaves a profile with a web identity token file to the
 * web identity provider, even when it has role_arn. */
static int assumes_role(const cfg_t *c, const char *profile)
{
	return cfg_get(c, profile, "role_arn") && !cfg_get(c, profile, "web_identity_token_file");
}

static char *default_session_name(void)
{
	char *s;
	return asprintf(&s, "nixl-tui-%lld", (long long)time(NULL)) < 0 ? NULL : s;
}

/* Web identity: each setting from its variable (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN,
 * AWS_ROLE_SESSION_NAME) before the profile's key, as botocore's
 * AssumeRoleWithWebIdentityProvider reads them; use_env is 0 for a source profile and
 * under --profile (its disable_env_vars). */
static int from_web_identity(const cfg_t *c, const char *profile, int use_env,
                             aws_creds_plan_t *plan, aws_error_t *err)
{
	const char *file = use_env ? env("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;
	int file_from_env = file != NULL;
	if (!file) file = cfg_get(c, profile, "web_identity_token_file");
	if (!file) return 0;
	const char *arn = use_env ? env("AWS_ROLE_ARN") : NULL;
	if (!arn) arn = cfg_get(c, profile, "role_arn");
	const char *name = use_env ? env("AWS_ROLE_SESSION_NAME") : NULL;
	if (!name) name = cfg_get(c, profile, "role_session_name");
	if (!arn) {
		set_err(err, AWS_ERR_CONFIG, "InvalidProfile",
		        "A web identity token file is configured (%s) but no role to assume with it; "
		        "set AWS_ROLE_ARN, or role_arn in profile \"%s\".",
		        file_from_env ? "AWS_WEB_IDENTITY_TOKEN_FILE" : "web_identity_token_file", profile);
		return -1;
	}
	plan->kind = AWS_CREDS_WEB_IDENTITY;
	plan->web_token_file = strdup(file);
	plan->web_role_arn = strdup(arn);
	plan->web_session_name = name ? strdup(name) : default_session_name();
	if (!plan->web_token_file || !plan->web_role_arn || !plan->web_session_name) return oom(err);
	if (file_from_env) snprintf(plan->source, sizeof plan->source, "web identity (environment)");
	else snprintf(plan->source, sizeof plan->source, "web identity (profile %.100s)", profile);
	return 1;
}

/* IAM Identity Center, in both shapes the CLI writes: sso_session naming an
 * [sso-session NAME] section with sso_start_url and sso_region, or (legacy) those two in
 * the profile; sso_account_id and sso_role_name in the profile (botocore's
 * SSOProvider._load_sso_config). */
static int from_sso(const cfg_t *c, const char *profile, aws_creds_plan_t *plan,
                    aws_error_t *err)
{
	const char *session = cfg_get(c, profile, "sso_session");
	const char *url = cfg_get(c, profile, "sso_start_url");
	const char *region = cfg_get(c, profile, "sso_region");
	const char *account = cfg_get(c, profile, "sso_account_id");
	const char *role = cfg_get(c, profile, "sso_role_name");
	if (!session && !url && !region && !account && !role) return 0;
	if (session) {
		char name[200];
		snprintf(name, sizeof name, "sso-session %s", session);
		const ini_sec_t *sec = ini_find(&c->conf, name);
		if (!sec) {
			set_err(err, AWS_ERR_CONFIG, "InvalidProfile",
			        "Profile \"%s\" names sso_session \"%s\", but %s has no [sso-session %s] "
			        "section; run `aws configure sso --profile %s`.", profile, session,
			        c->conf.path, session, profile);
			return -1;
		}
		const char *surl = sec_get(sec, "sso_start_url"), *sreg = sec_get(sec, "sso_region");
		const char *clash = url && surl && strcmp(url, surl) != 0       ? "sso_start_url"
		                    : region && sreg && strcmp(region, sreg) != 0 ? "sso_region"
		                                                                  : NULL;
		if (clash) {
			set_err(err, AWS_ERR_CONFIG, "InvalidProfile",
			        "Profile \"%s\" and its [sso-session %s] give different %s values; remove "
			        "the one in the profile.", profile, session, clash);
			return -1;
		}
		if (surl) url = surl;
		if (sreg) region = sreg;
	}
	const char *missing = !url ? "sso_start_url" : !region ? "sso_region"
	                      : !account ? "sso_account_id" : !role ? "sso_role_name" : NULL;
	if (missing) {
		set_err(err, AWS_ERR_CONFIG, "InvalidProfile",
		        "Profile \"%s\" is set up for IAM Identity Center (SSO) but has no %s%s; run "
		        "`aws configure sso --profile %s`.", profile, missing,
		        session && (!url || !region) ? " (in the profile or its sso-session section)"
		                                     : "",
		        profile);
		return -1;
	}
	if (!valid_region(region)) {
		set_err(err, AWS_ERR_CONFIG, "InvalidProfile",
		        "Profile \"%s\" has an sso_region that is not a region name.", profile);
		return -1;
	}
	char key[41], *home = home_dir();
	aws_sso_cache_key(session ? session : url, key);
	plan->kind = AWS_CREDS_SSO;
	if (!home || asprintf(&plan->sso_cache_path, "%s/.aws/sso/cache/%s.json", home, key) < 0)
		plan->sso_cache_path = NULL;
	free(home);
	plan->sso_start_url = strdup(url);
	plan->sso_region = strdup(region);
	plan->sso_session = session ? strdup(session) : NULL;
	plan->sso_account_id = strdup(account);
	plan->sso_role_name = strdup(role);
	/* AWS_ENDPOINT_URL_SSO / _SSO_OIDC, else portal.sso. / oidc.<sso_region> */
	plan->sso_endpoint = aws_endpoint_resolve(NULL, c->origin ? c->profile : NULL, "sso", region);
	plan->sso_oidc_endpoint =
		aws_endpoint_resolve(NULL, c->origin ? c->profile : NULL, "sso-oidc", region);
	snprintf(plan->sso_profile, sizeof plan->sso_profile, "%s", profile);
	snprintf(plan->source, sizeof plan->source, "profile %.100s via SSO", profile);
	if (!plan->sso_cache_path || !plan->sso_start_url || !plan->sso_region ||
	    (session && !plan->sso_session) || !plan->sso_account_id || !plan->sso_role_name ||
	    !plan->sso_endpoint || !plan->sso_oidc_endpoint)
		return oom(err);
	return 1;
}

static int assume_role(const cfg_t *c, const char *profile, visited_t *v, aws_creds_plan_t *plan,
                       aws_error_t *err);

/* "a -> b -> a" */
static void loop_path(const visited_t *v, const char *back, char *buf, size_t n)
{
	sbuf_t b;
	sbuf_init(&b, buf, n);
	for (size_t i = 0; i < v->n; i++) sbuf_addf(&b, "%s -> ", v->name[i]);
	sbuf_addf(&b, "%s", back);
}

static int role_source(const cfg_t *c, const char *profile, visited_t *v, aws_creds_plan_t *plan,
                       aws_error_t *err)
{
	const char *src = cfg_get(c, profile, "source_profile");
	const char *csrc = cfg_get(c, profile, "credential_source");
	char files[1100];
	if (src && csrc) {
		set_err(err, AWS_ERR_CONFIG, "InvalidProfile",
		        "Profile \"%s\" has both source_profile and credential_source; keep one.", profile);
		return -1;
	}
	if (!src && !csrc) {
		set_err(err, AWS_ERR_CONFIG, "InvalidProfile",
		        "Profile \"%s\" has role_arn but neither source_profile nor credential_source; "
		        "add source_profile = <profile with keys>.", profile);
		return -1;
	}
	if (csrc) {
		if (strcasecmp(csrc, "Environment") != 0) {
			set_err(err, AWS_ERR_CONFIG, "UnsupportedProfile",
			        "Profile \"%s\" has credential_source = %s; nixl-tui supports only "
			        "Environment, or use source_profile.", profile, csrc);
			return -1;
		}
		int r = from_env(&plan->creds, err);
		if (r == 0)
			set_err(err, AWS_ERR_CREDENTIALS, "NoCredentials",
			        "Profile \"%s\" assumes its role with credentials from the environment "
			        "(credential_source = Environment), but AWS_ACCESS_KEY_ID is not set; set "
			        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.", profile);
		return r == 1 ? 0 : -1;
	}
	if (!cfg_has(c, src)) {
		files_status(c, src, files, sizeof files);
		set_err(err, AWS_ERR_CONFIG, "ProfileNotFound",
		        "Profile \"%s\" names source_profile \"%s\", which was not found: looked in %s.",
		        profile, src, files);
		return -1;
	}
	/* botocore's _validate_source_profile: a profile may name itself only to take its
	 * own keys; any other return to a profile of the chain is a loop. */
	for (size_t i = 0; i < v->n; i++) {
		if (strcmp(v->name[i], src) != 0) continue;
		if (strcmp(src, profile) == 0 && has_static(c, src)) break;
		char path[600];
		loop_path(v, src, path, sizeof path);
		set_err(err, AWS_ERR_CONFIG, "ProfileLoop",
		        "The source_profile settings of profiles %s go round in a loop; point one of "
		        "them at a profile with its own credentials.", path);
		return -1;
	}
	int r;
	/* A source profile with keys, or without a role, gives its own credentials (botocore's
	 * profile providers with the environment off); otherwise its role is assumed first. */
	if (has_static(c, src) || !assumes_role(c, src)) {
		r = from_web_identity(c, src, 0, plan, err);
		if (!r) r = from_sso(c, src, plan, err);
		if (!r) r = from_profile(c, src, &plan->creds, err);
		if (r == 0) {
			files_status(c, src, files, sizeof files);
			set_err(err, AWS_ERR_CREDENTIALS, "NoCredentials",
			        "Profile \"%s\" assumes a role with source_profile \"%s\", which has no "
			        "credentials: looked in %s; add aws_access_key_id/aws_secret_access_key, "
			        "credential_process or SSO settings to it.", profile, src, files);
		}
	} else {
		r = assume_role(c, src, v, plan, err);
	}
	return r == 1 ? 0 : -1;
}

/* Appends profile's role to the plan, after whatever its source needs. */
static int assume_role(const cfg_t *c, const char *profile, visited_t *v, aws_creds_plan_t *plan,
                       aws_error_t *err)
{
	if (v->n >= AWS_CREDS_MAX_HOPS) {
		set_err(err, AWS_ERR_CONFIG, "InvalidProfile",
		        "Profile \"%s\" chains more than %d roles through source_profile; shorten the "
		        "chain.", v->name[0], AWS_CREDS_MAX_HOPS);
		return -1;
	}
	v->name[v->n++] = profile;
	const char *serial = cfg_get(c, profile, "mfa_serial");
	char *cache = serial ? role_cache_path(c, profile) : NULL;
	/* An MFA role assumed by an earlier run (or by the CLI) and still good: start the
	 * chain from it, without its source and without asking for a code. */
	if (cache && role_cache_load(cache, &plan->creds)) {
		free(cache);
		plan->kind = AWS_CREDS_STATIC;
		snprintf(plan->creds.source, sizeof plan->creds.source,
		         "profile %.60s via role (cached MFA session)", profile);
		return 1;
	}
	if (role_source(c, profile, v, plan, err) < 0) {
		free(cache);
		return -1;
	}
	aws_creds_hop_t *h = &plan->hops[plan->nhops++];
	h->cache_path = cache;
	snprintf(h->profile, sizeof h->profile, "%s", profile);
	const char *name = cfg_get(c, profile, "role_session_name");
	const char *ext = cfg_get(c, profile, "external_id");
	const char *dur = cfg_get(c, profile, "duration_seconds");
	if (dur) {
		char *end;
		long d = strtol(dur, &end, 10);
		if (*end || d < 900 || d > 43200) {
			set_err(err, AWS_ERR_CONFIG, "InvalidProfile",
			        "Profile \"%s\" has duration_seconds = %s; it must be a whole number of "
			        "seconds from 900 to 43200.", profile, dur);
			return -1;
		}
		h->duration_seconds = (int)d;
	}
	h->role_arn = strdup(cfg_get(c, profile, "role_arn"));
	h->role_session_name = name ? strdup(name) : default_session_name();
	h->external_id = ext ? strdup(ext) : NULL;
	h->sts_region = region_from(c, profile);
	h->mfa_serial = serial ? strdup(serial) : NULL;
	if (!h->role_arn || !h->role_session_name || (ext && !h->external_id) ||
	    (serial && (!h->mfa_serial || !h->cache_path)))
		return oom(err);
	if (serial) {
		char code[64];
		int rc = mfa_prompt(profile, serial, code, sizeof code, err);
		if (rc == 0 && !(h->token_code = strdup(code))) rc = oom(err);
		OPENSSL_cleanse(code, sizeof code);
		if (rc < 0) return -1;
	}
	return 1;
}

static char *imds_endpoint(void)
{
	const char *e = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *mode = env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
	if (!e) e = mode && strcasecmp(mode, "IPv6") == 0 ? IMDS_IPV6 : IMDS_DEFAULT;
	char *s = strdup(e);
	for (size_t n = s ? strlen(s) : 0; n > 1 && s[n - 1] == '/'; n--) s[n - 1] = 0;
	return s;
}

/* "profile admin via role, from profile sso via SSO" */
static void describe(aws_creds_plan_t *plan)
{
	char base[160];
	if (plan->kind == AWS_CREDS_STATIC) snprintf(base, sizeof base, "%s", plan->creds.source);
	else snprintf(base, sizeof base, "%s", plan->source);
	if (!plan->nhops) {
		snprintf(plan->source, sizeof plan->source, "%s", base);
		return;
	}
	snprintf(plan->source, sizeof plan->source, "profile %.50s via role, from %.80s",
	         plan->hops[plan->nhops - 1].profile, base);
}

int aws_creds_resolve(const char *profile_flag, aws_creds_plan_t *plan, aws_error_t *err)
{
	memset(plan, 0, sizeof *plan);
	cfg_t c;
	if (cfg_load(&c, profile_flag, err) < 0) return -1;
	snprintf(plan->profile, sizeof plan->profile, "%s", c.profile);
	int flag_given = profile_flag && *profile_flag;
	/* The CLI drops the environment provider only for an explicit --profile. */
	int r = flag_given ? 0 : from_env(&plan->creds, err);
	if (r == 0 && c.origin && !cfg_has(&c, c.profile)) {
		profile_not_found(&c, err);
		r = -1;
	}
	visited_t v = {0};
	if (r == 0 && assumes_role(&c, c.profile)) r = assume_role(&c, c.profile, &v, plan, err);
	if (r == 0) r = from_web_identity(&c, c.profile, !flag_given, plan, err);
	if (r == 0) r = from_sso(&c, c.profile, plan, err);
	if (r == 0) r = from_profile(&c, c.profile, &plan->creds, err);
	if (r == 0 && env_true("AWS_EC2_METADATA_DISABLED")) {
		no_creds(&c, flag_given, "disabled by AWS_EC2_METADATA_DISABLED", err);
		r = -1;
	} else if (r == 0) {
		plan->kind = AWS_CREDS_IMDS;
		snprintf(plan->source, sizeof plan->source, "instance metadata");
		if ((plan->imds_endpoint = imds_endpoint())) r = 1;
		else set_err(err, AWS_ERR_CREDENTIALS, "OutOfMemory", "Out of memory.");
	}
	cfg_free(&c);
	if (r < 0 || r == 0) {
		aws_creds_plan_free(plan);
		return -1;
	}
	describe(plan);
	return 0;
}

void aws_creds_imds_failed(const char *profile_flag, const char *imds_endpoint, const char *why,
                           aws_error_t *err)
{
	cfg_t c;
	if (cfg_load(&c, profile_flag, err) < 0) return;
	char imds[600];
	snprintf(imds, sizeof imds, "%s: %s", imds_endpoint ? imds_endpoint : IMDS_DEFAULT,
	         why ? why : "no answer");
	no_creds(&c, profile_flag && *profile_flag, imds, err);
	cfg_free(&c);
}

/* ---- credential_process ---- */

typedef struct sink {
	int fd;
	char *buf;
	size_t len, max;
	int overflow;
} sink_t;

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads what is there; closes the fd at EOF. Beyond max bytes: overflow. */
static void sink_read(sink_t *s)
{
	char chunk[4096];
	ssize_t n = read(s->fd, chunk, sizeof chunk);
	if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
	if (n <= 0) {
		close(s->fd);
		s->fd = -1;
		return;
	}
	size_t take = (size_t)n;
	if (s->len + take > s->max) {
		s->overflow = 1;
		take = s->max - s->len;
	}
	memcpy(s->buf + s->len, chunk, take);
	s->len += take;
	s->buf[s->len] = 0;
	OPENSSL_cleanse(chunk, sizeof chunk);
}

/* The first non-empty line of the process's error output, printable characters only. */
static void first_line(const char *s, char *out, size_t n)
{
	while (*s == '\n' || *s == '\r' || *s == ' ') s++;
	size_t o = 0;
	for (; *s && *s != '\n' && o + 1 < n; s++)
		out[o++] = (unsigned char)*s < 0x20 ? ' ' : *s;
	while (o && (out[o - 1] == ' ' || out[o - 1] == '\r')) o--;
	out[o] = 0;
}

/* Splits a credential_process command into arguments as botocore does on POSIX systems
 * (botocore/compat.py compat_shell_split -> Python's shlex.split, POSIX mode): blanks
 * separate words; '...' keeps everything literal; "..." keeps everything but a
 * backslash before " or \; outside quotes a backslash keeps the next character.
 * No expansions, no operators: $(...), ; and | are ordinary characters. Returns a
 * NULL-terminated array in one allocation, or NULL with *why set. */
static char **split_command(const char *cmd, const char **why)
{
	size_t len = strlen(cmd), words = len / 2 + 2;
	/* the words' text is never longer than the command, each word one NUL */
	char **argv = malloc(words * sizeof *argv + len + words);
	if (!argv) { *why = "could not be stored (out of memory)"; return NULL; }
	char *o = (char *)(argv + words);
	size_t n = 0;
	const char *p = cmd;
	*why = NULL;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
		if (!*p) break;
		argv[n++] = o;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && !*why) {
			char q = *p++;
			if (q == '\\') {
				if (!*p) *why = "ends with a backslash that escapes nothing";
				else *o++ = *p++;
			} else if (q == '\'' || q == '"') {
				for (; *p && *p != q; p++) {
					if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\')) p++;
					*o++ = *p;
				}
				if (*p) p++;
				else *why = "has a quote that is never closed";
			} else {
				*o++ = q;
			}
		}
		*o++ = 0;
		if (*why) break;
	}
	argv[n] = NULL;
	if (!*why && !n) *why = "is empty";
	if (*why) {
		OPENSSL_cleanse(argv, words * sizeof *argv + len + words);
		free(argv);
		return NULL;
	}
	return argv;
}

/* Started without a shell, as the CLI starts it; posix_spawnp reports a command that
 * cannot be executed (ENOENT, EACCES) as its return value. */
static pid_t spawn(char **argv, int out[2], int errp[2])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	pid_t pid = -1;
	if (posix_spawn_file_actions_init(&fa) != 0) return -1;
	if (posix_spawnattr_init(&at) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	int rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!rc) rc = posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	if (!rc) rc = posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	/* its own process group, so that a timeout stops whatever it started too */
	if (!rc) rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	if (!rc) rc = posix_spawnattr_setpgroup(&at, 0);
	if (!rc) rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		errno = rc;
		return -1;
	}
	return pid;
}

/* Runs the command to completion or the deadline; status -1 when it was stopped. */
static int run_capture(char **argv, int timeout_ms, sink_t *out, sink_t *errs,
                       int *status, int *timed_out)
{
	int po[2], pe[2];
	if (pipe2(po, O_CLOEXEC) < 0) return -1;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	pid_t pid = spawn(argv, po, pe);
	int e = errno;
	close(po[1]);
	close(pe[1]);
	if (pid < 0) {
		close(po[0]);
		close(pe[0]);
		errno = e;
		return -1;
	}
	out->fd = po[0];
	errs->fd = pe[0];
	int64_t deadline = mono_ms() + timeout_ms;
	*timed_out = 0;
	while ((out->fd >= 0 || errs->fd >= 0) && !out->overflow) {
		int64_t left = deadline - mono_ms();
		if (left <= 0) { *timed_out = 1; break; }
		struct pollfd p[2];
		sink_t *who[2];
		nfds_t n = 0;
		if (out->fd >= 0) { p[n] = (struct pollfd){out->fd, POLLIN, 0}; who[n++] = out; }
		if (errs->fd >= 0) { p[n] = (struct pollfd){errs->fd, POLLIN, 0}; who[n++] = errs; }
		if (poll(p, n, (int)left) < 0 && errno != EINTR) break;
		for (nfds_t i = 0; i < n; i++)
			if (p[i].revents) sink_read(who[i]);
	}
	int reaped = 0;
	while (!*timed_out && !out->overflow && !reaped) {
		pid_t w = waitpid(pid, status, WNOHANG);
		if (w == pid) {
			reaped = 1;
		} else if (w < 0 && errno == ECHILD) {
			/* SIGCHLD ignored: the kernel reaped it and its status is gone; the
			 * output decides. */
			reaped = 1;
			*status = 0;
		} else if (mono_ms() >= deadline) {
			*timed_out = 1;
		} else {
			poll(NULL, 0, 10);
		}
	}
	if (!reaped) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, status, 0) < 0 && errno == EINTR) {}
		*status = -1;
	}
	if (out->fd >= 0) close(out->fd);
	if (errs->fd >= 0) close(errs->fd);
	out->fd = errs->fd = -1;
	return 0;
}

static const char *json_str(const cJSON *j, const char *k)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, k));
	return s && *s ? s : NULL;
}

static void cleanse_item(cJSON *j, const char *k)
{
	char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, k));
	if (s) OPENSSL_cleanse(s, strlen(s));
}

/* Reads the process's JSON; returns NULL or what is wrong with it. */
static const char *parse_process_json(const char *text, size_t len, aws_creds_t *out)
{
	cJSON *j = cJSON_ParseWithLength(text, len);
	const char *bad = NULL;
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(j, "Version");
	const char *id = json_str(j, "AccessKeyId"), *secret = json_str(j, "SecretAccessKey");
	const char *token = json_str(j, "SessionToken"), *exp = json_str(j, "Expiration");
	time_t when = 0;
	if (!cJSON_IsObject(j)) bad = "is not a JSON object";
	else if (!cJSON_IsNumber(ver) || cJSON_GetNumberValue(ver) != 1) bad = "has no \"Version\": 1";
	else if (!id) bad = "has no AccessKeyId";
	else if (!secret) bad = "has no SecretAccessKey";
	else if (exp && aws_creds_parse_time(exp, &when) < 0)
		bad = "has an Expiration that is not an ISO-8601 time";
	else if (creds_set(out, id, secret, token, when) < 0) bad = "could not be stored (out of memory)";
	cleanse_item(j, "SecretAccessKey");
	cleanse_item(j, "SessionToken");
	cJSON_Delete(j);
	return bad;
}

int aws_creds_run_process(const char *command, const char *profile, int timeout_ms,
                          aws_creds_t *out, aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	sink_t so = {.fd = -1, .max = MAX_PROCESS_OUT}, se = {.fd = -1, .max = MAX_PROCESS_ERR};
	so.buf = malloc(so.max + 1);
	se.buf = malloc(se.max + 1);
	int status = 0, timed_out = 0, rc = -1;
	char line[256] = "", **argv = NULL;
	if (!so.buf || !se.buf) {
		set_err(err, AWS_ERR_CREDENTIALS, "OutOfMemory", "Out of memory.");
		goto done;
	}
	so.buf[0] = se.buf[0] = 0;
	const char *why;
	if (!(argv = split_command(command, &why))) {
		set_err(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
		        "credential_process for profile \"%s\" %s; it is split into arguments as "
		        "a POSIX shell would, without running a shell.", profile, why);
		goto done;
	}
	if (run_capture(argv, timeout_ms, &so, &se, &status, &timed_out) < 0) {
		set_err(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
		        "credential_process for profile \"%s\" could not be started: %.64s: %s.",
		        profile, argv[0], strerror(errno));
		goto done;
	}
	first_line(se.buf, line, sizeof line);
	if (timed_out) {
		set_err(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
		        "credential_process for profile \"%s\" did not finish within %d s and was "
		        "stopped; check the command in the profile.", profile, (timeout_ms + 999) / 1000);
	} else if (so.overflow) {
		set_err(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
		        "credential_process for profile \"%s\" printed more than %u KiB and was stopped.",
		        profile, MAX_PROCESS_OUT >> 10);
	} else if (WIFSIGNALED(status)) {
		set_err(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
		        "credential_process for profile \"%s\" was killed by signal %d%s%s.", profile,
		        WTERMSIG(status), *line ? ": " : "", line);
	} else if (WEXITSTATUS(status) != 0) {
		set_err(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
		        "credential_process for profile \"%s\" failed with exit status %d%s%s.", profile,
		        WEXITSTATUS(status), *line ? ": " : "", line);
	} else {
		const char *bad = parse_process_json(so.buf, so.len, out);
		if (!bad) rc = 0;
		else set_err(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
		             "credential_process for profile \"%s\" printed output that %s; it must "
		             "print {\"Version\": 1, \"AccessKeyId\": ..., \"SecretAccessKey\": ...}.",
		             profile, bad);
	}
done:
	free(argv);
	if (so.buf) OPENSSL_cleanse(so.buf, so.len);
	free(so.buf);
	free(se.buf);
	if (rc < 0) aws_creds_free(out);
	return rc;
}

/* ---- region and endpoints ---- */

static int valid_region(const char *r)
{
	size_t n = strlen(r);
	if (!n || n > 32) return 0;
	for (; *r; r++)
		if (!((*r >= 'a' && *r <= 'z') || (*r >= 'A' && *r <= 'Z') || (*r >= '0' && *r <= '9') ||
		      *r == '-'))
			return 0;
	return 1;
}

char *aws_region_resolve(const char *region_flag, const char *profile_flag, aws_error_t *err)
{
	static const char *const vars[] = {"AWS_REGION", "AWS_DEFAULT_REGION"};
	const char *r = region_flag && *region_flag ? region_flag : NULL, *from = "--region";
	for (size_t i = 0; !r && i < sizeof vars / sizeof *vars; i++)
		if ((r = env(vars[i]))) from = vars[i];
	cfg_t c;
	int loaded = 0;
	char where[1200] = "", fix[300] = "";
	memset(&c, 0, sizeof c);
	if (!r) {
		if (cfg_load(&c, profile_flag, err) < 0) return NULL;
		loaded = 1;
		if (c.origin && !cfg_has(&c, c.profile)) {
			profile_not_found(&c, err);
			cfg_free(&c);
			return NULL;
		}
		r = cfg_get(&c, c.profile, "region");
		snprintf(where, sizeof where, "`region` in profile \"%s\" (%s)", c.profile, c.conf.path);
		snprintf(fix, sizeof fix, "`aws configure set region <region>%s%s`",
		         c.origin ? " --profile " : "", c.origin ? c.profile : "");
		from = where;
	}
	char *out = NULL;
	if (!r)
		set_err(err, AWS_ERR_CONFIG, "NoRegion",
		        "No AWS region: none given by --region, AWS_REGION, AWS_DEFAULT_REGION or %s; "
		        "pass --region, set AWS_REGION, or run %s.", where, fix);
	else if (!valid_region(r))
		set_err(err, AWS_ERR_CONFIG, "InvalidRegion",
		        "The AWS region \"%.64s\" from %s is not a region name (letters, digits and '-', "
		        "e.g. us-east-1).", r, from);
	else if (!(out = strdup(r)))
		set_err(err, AWS_ERR_CONFIG, "OutOfMemory", "Out of memory.");
	if (loaded) cfg_free(&c);
	return out;
}

/* The services nixl-tui calls: the SDK service id for AWS_ENDPOINT_URL_<ID>, and the
 * endpoint prefix (NULL: IAM's one global endpoint per partition). */
static const struct {
	const char *service, *env_id, *prefix;
} services[] = {
	{"cloudformation", "CLOUDFORMATION", "cloudformation"},
	{"ec2", "EC2", "ec2"},
	{"s3", "S3", "s3"},
	{"ssm", "SSM", "ssm"},
	{"logs", "CLOUDWATCH_LOGS", "logs"},
	{"servicequotas", "SERVICE_QUOTAS", "servicequotas"},
	{"sts", "STS", "sts"},
	{"sagemaker", "SAGEMAKER", "api.sagemaker"}, /* SageMaker API Reference: api.sagemaker.REGION */
	{"iam", "IAM", NULL},
	{"sso", "SSO", "portal.sso"},
	{"sso-oidc", "SSO_OIDC", "oidc"},
};

static const struct {
	const char *region_prefix, *suffix, *iam_host, *iam_region;
} partitions[] = {
	{"cn-", "amazonaws.com.cn", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1"},
	{"us-gov-", "amazonaws.com", "iam.us-gov.amazonaws.com", "us-gov-west-1"},
	{"", "amazonaws.com", "iam.amazonaws.com", "us-east-1"},
};

static size_t partition_of(const char *region)
{
	size_t i = 0;
	while (strncmp(region, partitions[i].region_prefix, strlen(partitions[i].region_prefix)) != 0)
		i++;
	return i;
}

const char *aws_signing_region(const char *service, const char *region)
{
	if (region && service && strcmp(service, "iam") == 0)
		return partitions[partition_of(region)].iam_region;
	return region;
}

static char *strip_slash(const char *url)
{
	char *s = strdup(url);
	for (size_t n = s ? strlen(s) : 0; n && s[n - 1] == '/'; n--) s[n - 1] = 0;
	return s;
}

char *aws_endpoint_resolve(const char *endpoint_flag, const char *profile_flag,
                           const char *service, const char *region)
{
	if (endpoint_flag && *endpoint_flag) return strip_slash(endpoint_flag);
	const size_t nsvc = sizeof services / sizeof *services;
	size_t svc = nsvc;
	for (size_t i = 0; i < nsvc; i++)
		if (strcmp(services[i].service, service) == 0) svc = i;
	cfg_t c;
	int loaded = cfg_load(&c, profile_flag, NULL) == 0;
	/* The environment variable wins over the profile setting, as for every setting. */
	const char *ic = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	if (!ic && loaded) ic = cfg_get(&c, c.profile, "ignore_configured_endpoint_urls");
	int ignore = ic && strcasecmp(ic, "true") == 0;
	const char *url = NULL;
	char var[96];
	if (!ignore) {
		if (svc < nsvc) {
			snprintf(var, sizeof var, "AWS_ENDPOINT_URL_%s", services[svc].env_id);
		} else {
			snprintf(var, sizeof var, "AWS_ENDPOINT_URL_%s", service);
			for (char *p = var; *p; p++) {
				if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
				if (*p == ' ' || *p == '-') *p = '_';
			}
		}
		url = env(var);
		if (!url) url = env("AWS_ENDPOINT_URL");
		if (!url && loaded) url = cfg_get(&c, c.profile, "endpoint_url");
	}
	char *out = NULL;
	if (url) {
		out = strip_slash(url);
	} else if (region && *region) {
		size_t p = partition_of(region);
		const char *prefix = svc < nsvc ? services[svc].prefix : service;
		if (!prefix) {
			if (asprintf(&out, "https://%s", partitions[p].iam_host) < 0) out = NULL;
		} else if (asprintf(&out, "https://%s.%s.%s", prefix, region, partitions[p].suffix) < 0) {
			out = NULL;
		}
	}
	if (loaded) cfg_free(&c);
	return out;
}

int aws_endpoint_is_loopback(const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	if (!p) return 0;
	p += 3;
	size_t alen = strcspn(p, "/?#");
	/* the host is what follows any user@ part, as curl reads it */
	for (size_t i = alen; i > 0; i--)
		if (p[i - 1] == '@') {
			alen -= i;
			p += i;
			break;
		}
	char host[256];
	size_t hlen;
	if (*p == '[') {
		hlen = strcspn(p + 1, "]");
		if (hlen >= sizeof host || hlen + 1 >= alen) return 0;
		memcpy(host, p + 1, hlen);
	} else {
		hlen = strcspn(p, ":");
		if (hlen > alen) hlen = alen;
		if (hlen >= sizeof host) return 0;
		memcpy(host, p, hlen);
	}
	host[hlen] = 0;
	struct in_addr a4;
	struct in6_addr a6;
	/* inet_pton takes only complete dotted quads: "127.evil.example" is a name */
	if (inet_pton(AF_INET, host, &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
	return strcasecmp(host, "localhost") == 0;
}

char *aws_profile_get(const char *profile_flag, const char *key)
{
	cfg_t c;
	if (cfg_load(&c, profile_flag, NULL) < 0) return NULL;
	const char *v = cfg_get(&c, c.profile, key);
	char *out = v ? strdup(v) : NULL;
	cfg_free(&c);
	return out;
}
