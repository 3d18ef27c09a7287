#include "efa/parse_lspci.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "efa/parse_text.h"

static int hexn(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i])) return 0;
	return 1;
}

/* "[DDDD:]BB:DD.F" at s; returns its length or 0. */
static size_t bdf(const char *s)
{
	size_t off = 0;
	if (hexn(s, 4) && s[4] == ':') off = 5;
	if (!hexn(s + off, 2) || s[off + 2] != ':' || !hexn(s + off + 3, 2) || s[off + 5] != '.' ||
	    s[off + 6] < '0' || s[off + 6] > '7')
		return 0;
	return off + 7;
}

/* The lspci -tv tree: "+-19.0  Amazon.com, Inc. Elastic Fabric Adapter (EFA)". */
static const char *tree_device(const char *s, char *addr, size_t n)
{
	for (const char *p = s; *p; p++) {
		if ((*p != '+' && *p != '\\') || p[1] != '-') continue;
		const char *d = p + 2;
		if (hexn(d, 2) && d[2] == '.' && d[3] >= '0' && d[3] <= '7' && d[4] == ' ') {
			ptext_copy_trim(addr, n, d, 4);
			return d + 4;
		}
	}
	return NULL;
}

static int has(const char *s, const char *needle) { return strcasestr(s, needle) != NULL; }

/* "vvvv:dddd" ids as -n/-nn print them, or the sysfs "0xvvvv 0xdddd". */
static int ids(const char *rest, char *vendor, char *device)
{
	const char *p = rest;
	while ((p = strchr(p, ':'))) {
		if (p - rest >= 4 && hexn(p - 4, 4) && hexn(p + 1, 4) && !isxdigit((unsigned char)p[5]) &&
		    (p - rest == 4 || !isxdigit((unsigned char)p[-5]))) {
			memcpy(vendor, p - 4, 4); vendor[4] = 0;
			memcpy(device, p + 1, 4); device[4] = 0;
			return 1;
		}
		p++;
	}
	const char *v = strstr(rest, "0x");
	if (v && hexn(v + 2, 4) && v[6] == ' ' && strncmp(v + 7, "0x", 2) == 0 && hexn(v + 9, 4)) {
		memcpy(vendor, v + 2, 4); vendor[4] = 0;
		memcpy(device, v + 9, 4); device[4] = 0;
		return 1;
	}
	return 0;
}

/* The PCI class is display (03xx): "-n" prints " 0302: ...", sysfs " 0x030200". */
static int display_class(const char *rest)
{
	return strncmp(rest, " 03", 3) == 0 || strstr(rest, " 0x03") != NULL;
}

int parse_lspci(const char *text, size_t len, pci_out_t *o)
{
	memset(o, 0, sizeof *o);
	ptext_t t;
	ptext_init(&t, text, len);
	const char *line;
	while ((line = ptext_next(&t))) {
		char addr[32];
		const char *rest;
		size_t b = bdf(line);
		if (b && line[b] == ' ') {
			ptext_copy_trim(addr, sizeof addr, line, b);
			rest = line + b;
		} else if (!(rest = tree_device(line, addr, sizeof addr))) {
			continue;
		}
		o->devices++;
		char vendor[5] = "", device[5] = "";
		int have_ids = ids(rest, vendor, device);
		int amazon = have_ids ? strcasecmp(vendor, "1d0f") == 0 : has(rest, "Amazon.com");
		int is_efa = (have_ids && amazon && strncasecmp(device, "efa", 3) == 0) ||
		             has(rest, "Elastic Fabric Adapter");
		if (is_efa) {
			if (o->efa < PCI_LIST_MAX) ptext_fmt(o->efa_addrs[o->efa], sizeof o->efa_addrs[0], "%s", addr);
			if (o->efa++ == 0) {
				snprintf(o->efa_first, sizeof o->efa_first, "%s", addr);
				if (have_ids) snprintf(o->efa_id, sizeof o->efa_id, "%s", device);
			}
		} else if (has(rest, "Elastic Network Adapter") || (have_ids && amazon && strcasecmp(device, "ec20") == 0)) {
			o->ena++;
		} else if (has(rest, "NeuronDevice")) {
			o->neuron++;
		} else if ((has(rest, "3D controller") || has(rest, "VGA") || display_class(rest)) &&
		           (have_ids ? strcasecmp(vendor, "10de") == 0 : has(rest, "NVIDIA"))) {
			if (o->nvidia_gpu < PCI_LIST_MAX) ptext_fmt(o->gpu_addrs[o->nvidia_gpu], sizeof o->gpu_addrs[0], "%s", addr);
			o->nvidia_gpu++;
		}
	}
	return o->devices > 0;
}
