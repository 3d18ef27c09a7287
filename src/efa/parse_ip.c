#include "efa/parse_ip.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efa/parse_text.h"

static int is_ipv4_cidr(const char *w)
{
	int dots = 0, digits = 0;
	for (; *w && *w != '/'; w++) {
		if (*w == '.') { if (!digits) return 0; dots++; digits = 0; }
		else if (isdigit((unsigned char)*w)) { if (++digits > 3) return 0; }
		else return 0;
	}
	return dots == 3 && digits > 0 && *w == '/';
}

static int is_ipv6_cidr(const char *w)
{
	return strchr(w, ':') && strchr(w, '/') && strspn(w, "0123456789abcdefABCDEF:./") == strlen(w);
}

static ip_iface_t *iface(ip_out_t *o, const char *name, size_t n)
{
	char nm[32];
	const char *at = memchr(name, '@', n);
	if (at) n = (size_t)(at - name);
	ptext_copy_trim(nm, sizeof nm, name, n);
	for (int i = 0; i < o->n; i++)
		if (strcmp(o->ifaces[i].name, nm) == 0) return &o->ifaces[i];
	if (o->n == IP_MAX_IFACES) return NULL;
	ip_iface_t *f = &o->ifaces[o->n++];
	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", nm);
	return f;
}

static void add_addr(ip_iface_t *f, const char *w, size_t n)
{
	char a[64];
	ptext_copy_trim(a, sizeof a, w, n);
	if (is_ipv4_cidr(a)) {
		if (f->nipv4++ == 0) snprintf(f->ipv4, sizeof f->ipv4, "%s", a);
	} else if (is_ipv6_cidr(a)) {
		f->nipv6++;
	}
}

static const char *const states[] = { "UP", "DOWN", "UNKNOWN", "LOWERLAYERDOWN", "DORMANT", "NOTPRESENT", "UNKNOWN", NULL };

static int is_state(const char *w, size_t n)
{
	for (const char *const *s = states; *s; s++)
		if (strlen(*s) == n && strncmp(w, *s, n) == 0) return 1;
	return 0;
}

int parse_ip(const char *text, size_t len, ip_out_t *o)
{
	memset(o, 0, sizeof *o);
	ptext_t t;
	ptext_init(&t, text, len);
	const char *line;
	int shaped = 0;
	while ((line = ptext_next(&t))) {
		const char *w[24];
		size_t wl[24];
		int n = ptext_words(line, w, wl, 24);
		if (n > 24) n = 24; /* the first 24 */
		if (n < 2) continue;
		/* ip -o: "4: eth0    inet 192.0.2.2/24 brd ... scope global eth0\ ..." */
		if (isdigit((unsigned char)w[0][0]) && w[0][wl[0] - 1] == ':' && n >= 4 &&
		    ((wl[2] == 4 && strncmp(w[2], "inet", 4) == 0) || (wl[2] == 5 && strncmp(w[2], "inet6", 5) == 0))) {
			ip_iface_t *f = iface(o, w[1], wl[1]);
			if (f) add_addr(f, w[3], wl[3]);
			shaped++;
			continue;
		}
		/* ip -br: "eth0             UP             192.0.2.2/24 fd00::2/64" */
		if (!is_state(w[1], wl[1]) || !isalnum((unsigned char)w[0][0])) continue;
		ip_iface_t *f = iface(o, w[0], wl[0]);
		if (!f) continue;
		ptext_copy_trim(f->state, sizeof f->state, w[1], wl[1]);
		for (int i = 2; i < n; i++) add_addr(f, w[i], wl[i]);
		shaped++;
	}
	return shaped > 0;
}

int ip_private_ipv4(const ip_out_t *o, char *buf, size_t n)
{
	for (int i = 0; i < o->n; i++) {
		const ip_iface_t *f = &o->ifaces[i];
		if (!f->ipv4[0] || strcmp(f->name, "lo") == 0 || strcmp(f->state, "DOWN") == 0) continue;
		if (strncmp(f->ipv4, "127.", 4) == 0) continue;
		const char *slash = strchr(f->ipv4, '/');
		size_t l = slash ? (size_t)(slash - f->ipv4) : strlen(f->ipv4);
		if (l >= n) return 0;
		memcpy(buf, f->ipv4, l);
		buf[l] = 0;
		return 1;
	}
	return 0;
}
