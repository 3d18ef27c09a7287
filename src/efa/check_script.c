#include "efa/check_script.h"
#include "base/sbuf.h"
#include "efa/exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efa/parse_devices.h"
#include "efa/parse_fi_info.h"
#include "efa/parse_gpus.h"
#include "efa/parse_ip.h"
#include "efa/parse_lsmod.h"
#include "efa/parse_lspci.h"
#include "efa/parse_modinfo.h"
#include "efa/parse_text.h"

/* The script is a real file (testable with sh -n); the assembler embeds it (the
 * Makefile makes this object depend on it). */
__asm__(".pushsection .rodata\n"
        ".global nixl_efa_check_sh\n"
        ".hidden nixl_efa_check_sh\n"
        "nixl_efa_check_sh:\n"
        ".incbin \"src/efa/scripts/efa_check.sh\"\n"
        ".byte 0\n"
        ".popsection\n");
extern const char nixl_efa_check_sh[];

const char *check_script_text(void) { return nixl_efa_check_sh; }

/* One probe's output. In "saved" mode a section is the whole input, named after the
 * probe whose parser recognised it. */
typedef struct sect {
	char name[32];
	char *text;
	size_t len, cap;
	int rc;       /* -1 when the end marker is missing */
} sect_t;

typedef struct sects {
	sect_t s[24];
	int n;
	int script;   /* sections from the script, not whole saved text */
	int complete; /* the script ran to its end: an absent section means an absent tool */
} sects_t;

static void sects_free(sects_t *ss)
{
	for (int i = 0; i < ss->n; i++) free(ss->s[i].text);
}

static const sect_t *find(const sects_t *ss, const char *name)
{
	for (int i = 0; i < ss->n; i++)
		if (strcmp(ss->s[i].name, name) == 0) return &ss->s[i];
	return NULL;
}

static void append(sect_t *s, const char *line)
{
	exec_text_append(&s->text, &s->len, &s->cap, line, strlen(line));
}

static const char *text_of(const sect_t *s) { return s && s->text ? s->text : ""; }
static size_t len_of(const sect_t *s) { return s ? s->len : 0; }

/* The tool was not there: the shell's 127 and its "not found". */
static int tool_missing(const sect_t *s)
{
	return s && (s->rc == 127 || s->rc == 126) &&
	       (strstr(text_of(s), "not found") || strstr(text_of(s), "No such file"));
}

static int has_text(const sect_t *s)
{
	const char *t = text_of(s);
	return t[strspn(t, " \t\r\n")] != 0;
}

/* A section that was there but that no parser understood. */
static void unrecognised(efa_node_status_t *st, efa_check_id_t id, const sect_t *s, const char *what)
{
	efa_status_set(st, id, EFA_UNRECOGNISED, text_of(s), len_of(s),
	               "%s output not recognised (%zu bytes kept)", what, len_of(s));
}

static void eval_pci(efa_node_status_t *st, const sects_t *ss)
{
	const sect_t *sys = find(ss, "pci"), *ls = find(ss, "lspci");
	pci_out_t a, b;
	int ra = sys && parse_lspci(text_of(sys), len_of(sys), &a);
	int rb = ls && parse_lspci(text_of(ls), len_of(ls), &b);
	if (ra || rb) {
		const pci_out_t *p = ra && (!rb || a.efa >= b.efa) ? &a : &b;
		const sect_t *raw = rb ? ls : sys;
		st->efa_devices = p->efa;
		st->pci_gpus = p->nvidia_gpu;
		for (int i = 0; i < p->efa && i < PCI_LIST_MAX; i++) efa_list_add(&st->efa_pci, p->efa_addrs[i], 1);
		for (int i = 0; i < p->nvidia_gpu && i < PCI_LIST_MAX; i++) efa_list_add(&st->pci_gpu_addrs, p->gpu_addrs[i], 1);
		/* GPUs beside the EFA devices: what GPUDirect RDMA pairs them with */
		char gpus[48] = "";
		if (p->nvidia_gpu > 0)
			ptext_fmt(gpus, sizeof gpus, "; %d NVIDIA GPU%s on the bus", p->nvidia_gpu, p->nvidia_gpu == 1 ? "" : "s");
		if (p->efa > 0)
			efa_status_set(st, EFA_CHECK_PCI, EFA_PASS, text_of(raw), len_of(raw), "%d EFA device%s (first at %s%s%s)%s",
			               p->efa, p->efa == 1 ? "" : "s", p->efa_first, p->efa_id[0] ? ", id " : "", p->efa_id, gpus);
		else
			efa_status_set(st, EFA_CHECK_PCI, EFA_FAIL, text_of(raw), len_of(raw),
			               "no EFA device among %d PCI devices: the instance type has no EFA, or it was "
			               "launched without an EFA network interface%s", p->devices, gpus);
		return;
	}
	const sect_t *s = has_text(ls) && !tool_missing(ls) ? ls : has_text(sys) ? sys : NULL;
	if (s) unrecognised(st, EFA_CHECK_PCI, s, "lspci");
	else if (ls || sys)
		efa_status_set(st, EFA_CHECK_PCI, EFA_UNKNOWN, NULL, 0, "no PCI listing (lspci not installed, /sys not readable)");
}

static void eval_module(efa_node_status_t *st, const sects_t *ss)
{
	const sect_t *lm = find(ss, "lsmod"), *mi = find(ss, "modinfo");
	lsmod_out_t m;
	modinfo_out_t info;
	int rl = lm && parse_lsmod(text_of(lm), len_of(lm), &m);
	int rm = mi && parse_modinfo(text_of(mi), len_of(mi), &info);
	if (rm && info.found) snprintf(st->module_version, sizeof st->module_version, "%s", info.version);
	const char *ver = rm && info.found && info.version[0] ? info.version : NULL;
	const sect_t *raw = rl ? lm : mi;
	if (rl) {
		st->module_loaded = m.efa;
		if (m.efa)
			efa_status_set(st, EFA_CHECK_MODULE, EFA_PASS, text_of(raw), len_of(raw), "efa %s loaded%s%s",
			               ver ? ver : "(version unknown)", m.ib_uverbs ? ", ib_uverbs loaded" : "",
			               m.peermem ? ", GPUDirect peermem loaded" : "");
		else if (ver)
			efa_status_set(st, EFA_CHECK_MODULE, EFA_FAIL, text_of(raw), len_of(raw),
			               "efa %s is installed but not loaded: try `sudo modprobe efa` and read dmesg", ver);
		else
			efa_status_set(st, EFA_CHECK_MODULE, EFA_FAIL, text_of(raw), len_of(raw),
			               "efa kernel module not loaded%s", rm ? " and not installed: run the EFA installer" : "");
		return;
	}
	if (rm && info.found) {
		efa_status_set(st, EFA_CHECK_MODULE, EFA_UNKNOWN, text_of(mi), len_of(mi),
		               "efa %s installed (%s); whether it is loaded is unknown without lsmod",
		               ver ? ver : "(no version)", info.filename);
		return;
	}
	if (rm) {
		efa_status_set(st, EFA_CHECK_MODULE, EFA_FAIL, text_of(mi), len_of(mi),
		               "efa kernel module not installed (modinfo: not found): run the EFA installer");
		return;
	}
	const sect_t *s = has_text(lm) && !tool_missing(lm) && lm->rc == 0 ? lm : has_text(mi) && !tool_missing(mi) ? mi : NULL;
	if (s) unrecognised(st, EFA_CHECK_MODULE, s, s == lm ? "lsmod" : "modinfo");
	else if (lm || mi)
		efa_status_set(st, EFA_CHECK_MODULE, EFA_UNKNOWN, NULL, 0, "neither lsmod/proc/modules nor modinfo was available");
}

/* Every efa fabric and domain, once each: 4 NICs on p4d, 32 on p5 repeat them per NIC. */
static void efa_names(efa_node_status_t *st, const fi_info_out_t *o)
{
	for (size_t i = 0; i < o->n; i++) {
		const fi_entry_t *e = &o->entries[i];
		if (strcmp(e->provider, "efa") != 0 || !e->domain[0]) continue;
		if (e->fabric[0]) efa_list_add(&st->fabric_list, e->fabric, 1);
		efa_list_add(&st->domains, e->domain, 1);
	}
}

static void eval_libfabric(efa_node_status_t *st, const sects_t *ss)
{
	const sect_t *rdm = find(ss, "fi_info_rdm"), *all = find(ss, "fi_info");
	fi_info_out_t a, b;
	int ra = rdm ? parse_fi_info(text_of(rdm), len_of(rdm), &a) : (memset(&a, 0, sizeof a), 0);
	int rb = all ? parse_fi_info(text_of(all), len_of(all), &b) : (memset(&b, 0, sizeof b), 0);
	const fi_info_out_t *p = ra ? &a : &b;
	const sect_t *raw = ra ? rdm : all;
	const fi_info_out_t *fab = rb && b.n ? &b : p;
	size_t nrdm = fi_info_count(p, "efa", "FI_EP_RDM");
	if (!ra && rb) nrdm = fi_info_count(&b, "efa", "FI_EP_RDM");
	efa_names(st, p);
	if (rb) efa_names(st, &b);
	if (nrdm > 0) {
		const fi_info_out_t *q = ra && fi_info_count(&a, "efa", "FI_EP_RDM") ? &a : &b;
		st->rdm_domains = (int)fi_info_count_domains(q, "efa", "FI_EP_RDM");
		st->dgram_domains = (int)fi_info_count_domains(fab, "efa", "FI_EP_DGRAM");
		fi_info_fabrics(fab, "efa", st->fabrics, sizeof st->fabrics);
		for (size_t i = 0; i < q->n; i++)
			if (strcmp(q->entries[i].provider, "efa") == 0 && strcmp(q->entries[i].type, "FI_EP_RDM") == 0) {
				snprintf(st->provider_version, sizeof st->provider_version, "%s", q->entries[i].version);
				snprintf(st->first_domain, sizeof st->first_domain, "%s", q->entries[i].domain);
				break;
			}
		efa_status_set(st, EFA_CHECK_LIBFABRIC, EFA_PASS, text_of(raw), len_of(raw),
		               "provider efa %s, fabric %s, %d RDM domain%s (%s%s)%s", st->provider_version, st->fabrics,
		               st->rdm_domains, st->rdm_domains == 1 ? "" : "s", st->first_domain,
		               st->rdm_domains > 1 ? ", ..." : "",
		               ss->script && raw->rc < 0 ? "; the listing was cut short, there may be more" : "");
	} else if (p->getinfo_error || (rb && b.getinfo_error)) {
		const fi_info_out_t *e = p->getinfo_error ? p : &b;
		st->rdm_domains = st->dgram_domains = 0; /* measured: fi_getinfo found none */
		efa_status_set(st, EFA_CHECK_LIBFABRIC, EFA_FAIL, text_of(raw), len_of(raw),
		               "fi_getinfo -%d%s%s%s: libfabric has no efa provider here (no EFA device or driver, or the "
		               "EFA software is missing)%s%s", e->getinfo_error, e->error_text[0] ? " (" : "", e->error_text,
		               e->error_text[0] ? ")" : "", e->warn_lines ? "; first warning: " : "", e->first_warn);
	} else if (p->n > 0 && !p->incomplete) {
		st->rdm_domains = 0;
		efa_status_set(st, EFA_CHECK_LIBFABRIC, EFA_FAIL, text_of(raw), len_of(raw),
		               "fi_info lists %zu entr%s but no efa RDM endpoint (first: %s %s)", p->n,
		               p->n == 1 ? "y" : "ies", p->entries[0].provider, p->entries[0].type);
	} else if (tool_missing(rdm) || tool_missing(all)) {
		efa_status_set(st, EFA_CHECK_LIBFABRIC, EFA_FAIL, text_of(raw), len_of(raw),
		               "fi_info not found: the EFA software (libfabric in /opt/amazon/efa) is not installed");
	} else if (has_text(rdm) || has_text(all)) {
		const sect_t *s = has_text(rdm) ? rdm : all;
		const fi_info_out_t *q = has_text(rdm) ? &a : &b;
		efa_status_set(st, EFA_CHECK_LIBFABRIC, EFA_UNRECOGNISED, text_of(s), len_of(s),
		               "no complete provider list and no fi_getinfo result (%zu entries cut short, %d libfabric "
		               "log lines)", q->n, q->log_lines);
	}
	fi_info_free(&a);
	fi_info_free(&b);
}

static void eval_devices(efa_node_status_t *st, const sects_t *ss)
{
	const sect_t *s = find(ss, "devices");
	devices_out_t d;
	if (!s) return;
	if (parse_devices(text_of(s), len_of(s), &d) && (ss->script || d.entries || d.missing)) {
		st->uverbs = d.uverbs;
		st->rdma_cm = d.rdma_cm;
		for (int i = 0; i < d.entries && i < DEVICES_LIST_MAX; i++) efa_list_add(&st->device_files, d.names[i], 1);
		if (d.uverbs > 0)
			efa_status_set(st, EFA_CHECK_DEVICES, EFA_PASS, text_of(s), len_of(s), "%d uverbs device%s%s",
			               d.uverbs, d.uverbs == 1 ? "" : "s", d.rdma_cm ? ", rdma_cm" : "");
		else if (d.missing)
			efa_status_set(st, EFA_CHECK_DEVICES, EFA_FAIL, text_of(s), len_of(s),
			               "/dev/infiniband does not exist: no RDMA device registered (efa module not loaded, "
			               "or no EFA interface)");
		else
			efa_status_set(st, EFA_CHECK_DEVICES, EFA_FAIL, text_of(s), len_of(s),
			               "/dev/infiniband has no uverbs device");
		return;
	}
	if (has_text(s)) unrecognised(st, EFA_CHECK_DEVICES, s, "ls /dev/infiniband");
}

static void eval_network(efa_node_status_t *st, const sects_t *ss)
{
	const sect_t *s = find(ss, "ip");
	ip_out_t ip;
	if (!s) return;
	if (parse_ip(text_of(s), len_of(s), &ip)) {
		for (int i = 0; i < ip.n; i++) efa_list_add(&st->interfaces, ip.ifaces[i].name, 1);
		if (ip_private_ipv4(&ip, st->private_ipv4, sizeof st->private_ipv4)) {
			for (int i = 0; i < ip.n; i++)
				if (strncmp(ip.ifaces[i].ipv4, st->private_ipv4, strlen(st->private_ipv4)) == 0) {
					snprintf(st->private_iface, sizeof st->private_iface, "%s", ip.ifaces[i].name);
					break;
				}
			efa_status_set(st, EFA_CHECK_NETWORK, EFA_PASS, text_of(s), len_of(s), "%s %s (%d interface%s)",
			               st->private_iface, st->private_ipv4, ip.n, ip.n == 1 ? "" : "s");
		} else {
			efa_status_set(st, EFA_CHECK_NETWORK, EFA_FAIL, text_of(s), len_of(s),
			               "no interface is up with an IPv4 address besides loopback (%d interface%s)", ip.n,
			               ip.n == 1 ? "" : "s");
		}
		return;
	}
	if (has_text(s)) unrecognised(st, EFA_CHECK_NETWORK, s, "ip addr");
}

/* "# EFA installer version: 1.30.0" in /opt/amazon/efa_installed_packages */
static void installer_version(const char *text, char *out, size_t n)
{
	const char *v = strstr(text, "EFA installer version:");
	if (!v) return;
	v = ptext_skip_ws(v + strlen("EFA installer version:"));
	size_t l = strcspn(v, " \t\r\n");
	ptext_copy_trim(out, n, v, l);
}

static void eval_gpu(efa_node_status_t *st, const sects_t *ss)
{
	const sect_t *nv = find(ss, "nvidia_smi"), *ne = find(ss, "neuron_ls"), *inst = find(ss, "efa_install");
	gpus_out_t g;
	memset(&g, 0, sizeof g);
	const sect_t *gs = NULL;
	efa_verdict_t gv = EFA_UNKNOWN, iv = EFA_UNKNOWN;
	char gd[160] = "", id[160] = "";
	for (const sect_t *const *s = (const sect_t *const[]){ nv, ne, NULL }; *s; s++) {
		if (!*s || !parse_gpus(text_of(*s), len_of(*s), &g)) continue;
		gs = *s;
		if (g.count > 0) break;
	}
	if (gs) {
		st->gpu_kind = g.kind;
		st->gpus = g.count;
		for (int i = 0; i < g.count && i < GPUS_LIST_MAX; i++) efa_list_add(&st->gpu_list, g.names[i], 0);
		snprintf(st->gpu_model, sizeof st->gpu_model, "%s", g.model);
		if (g.count > 0 && g.kind == GPU_NVIDIA) {
			gv = EFA_PASS;
			snprintf(gd, sizeof gd, "%d x %s%s", g.count, g.model, g.mixed ? " (mixed models)" : "");
		} else if (g.count > 0) {
			gv = EFA_PASS;
			snprintf(gd, sizeof gd, "%d Neuron device%s, %d cores", g.count, g.count == 1 ? "" : "s", g.neuron_cores);
		} else {
			gv = EFA_FAIL;
			snprintf(gd, sizeof gd, "%s", g.driver_error ? "nvidia-smi cannot talk to the NVIDIA driver"
			                                             : "no accelerator listed");
		}
	} else if (has_text(nv) || has_text(ne)) {
		gv = EFA_UNRECOGNISED;
		gs = has_text(nv) ? nv : ne;
		snprintf(gd, sizeof gd, "%s output not recognised", gs == nv ? "nvidia-smi" : "neuron-ls");
	} else if (ss->complete) {
		gv = EFA_FAIL;
		snprintf(gd, sizeof gd, "no accelerator: neither nvidia-smi nor neuron-ls is installed");
	}
	if (inst) {
		fi_info_out_t v;
		parse_fi_info(text_of(inst), len_of(inst), &v);
		installer_version(text_of(inst), st->installer_version, sizeof st->installer_version);
		snprintf(st->libfabric_version, sizeof st->libfabric_version, "%s", v.lib_version);
		fi_info_free(&v);
		if (st->libfabric_version[0]) {
			iv = EFA_PASS;
			snprintf(id, sizeof id, "libfabric %s in /opt/amazon/efa%s%s%s", st->libfabric_version,
			         st->installer_version[0] ? " (installer " : "", st->installer_version,
			         st->installer_version[0] ? ")" : "");
		} else if (tool_missing(inst)) {
			iv = EFA_FAIL;
			snprintf(id, sizeof id, "/opt/amazon/efa/bin/fi_info not found: the EFA installer has not run");
		} else if (has_text(inst)) {
			iv = EFA_UNRECOGNISED;
			snprintf(id, sizeof id, "EFA software version not recognised");
		}
	}
	if (gv == EFA_UNKNOWN && iv == EFA_UNKNOWN) return;
	efa_verdict_t v = gv == EFA_FAIL || iv == EFA_FAIL ? EFA_FAIL
	                : gv == EFA_UNRECOGNISED || iv == EFA_UNRECOGNISED ? EFA_UNRECOGNISED
	                : gv == EFA_PASS && iv == EFA_PASS ? EFA_PASS : EFA_UNKNOWN;
	/* raw: both parts when both are there */
	size_t rl = len_of(gs) + len_of(inst);
	char *raw = malloc(rl + 1);
	if (raw) {
		memcpy(raw, text_of(gs), len_of(gs));
		memcpy(raw + len_of(gs), text_of(inst), len_of(inst));
		raw[rl] = 0;
	}
	efa_status_set(st, EFA_CHECK_GPU, v, raw, raw ? rl : 0, "%s%s%s", gd[0] ? gd : "accelerators not checked",
	               "; ", id[0] ? id : "EFA software not checked");
	free(raw);
}

/* The node's word that it is simulated: a fact of the node, not a check. */
static void eval_simulated(efa_node_status_t *st, const sects_t *ss)
{
	const sect_t *s = find(ss, "simulated");
	if (has_text(s)) {
		const char *t = ptext_skip_ws(text_of(s));
		st->simulated = 1;
		ptext_copy_trim(st->simulated_note, sizeof st->simulated_note, t, strcspn(t, "\r\n"));
	} else if (ss->complete) {
		st->simulated = 0;
	}
}

static void (*const evaluators[])(efa_node_status_t *, const sects_t *) = {
	eval_pci, eval_module, eval_libfabric, eval_devices, eval_network, eval_gpu, eval_simulated,
};

static void evaluate(efa_node_status_t *st, const sects_t *ss)
{
	for (size_t i = 0; i < sizeof evaluators / sizeof evaluators[0]; i++) evaluators[i](st, ss);
}

/* "===NIXL-SECTION name===" -> name; "===NIXL-END rc=N===" -> N. */
static int marker(const char *line, const char *what, char *out, size_t n)
{
	size_t wl = strlen(what);
	if (strncmp(line, what, wl) != 0) return 0;
	const char *v = line + wl;
	const char *end = strstr(v, "===");
	if (!end || end[3]) return 0;
	ptext_copy_trim(out, n, v, (size_t)(end - v));
	return 1;
}

static int split(const char *text, size_t len, sects_t *ss, int *complete)
{
	memset(ss, 0, sizeof *ss);
	ss->script = 1;
	*complete = 0;
	ptext_t t;
	ptext_init(&t, text, len);
	sect_t *cur = NULL;
	int seen = 0;
	const char *line;
	char v[64];
	while ((line = ptext_next(&t))) {
		const char *s = ptext_skip_ws(line);
		if (marker(s, "===NIXL-EFA-CHECK ", v, sizeof v)) {
			seen = 1;
			if (strcmp(v, "done") == 0) *complete = ss->complete = 1;
			continue;
		}
		if (marker(s, "===NIXL-SECTION ", v, sizeof v)) {
			seen = 1;
			cur = NULL;
			if (ss->n == (int)(sizeof ss->s / sizeof ss->s[0]) || find(ss, v)) continue;
			cur = &ss->s[ss->n++];
			ptext_fmt(cur->name, sizeof cur->name, "%s", v);
			cur->rc = -1;
			continue;
		}
		if (marker(s, "===NIXL-END rc=", v, sizeof v)) {
			if (cur) cur->rc = atoi(v);
			cur = NULL;
			continue;
		}
		if (cur) append(cur, line);
	}
	return seen;
}

/* Returns the number of sections (0: not script output). */
static int script_parse(const char *text, size_t len, efa_node_status_t *st)
{
	sects_t ss;
	int complete;
	int seen = split(text, len, &ss, &complete);
	if (seen) {
		snprintf(st->source, sizeof st->source, "check script");
		st->script_complete = complete;
		evaluate(st, &ss);
	}
	int n = seen ? (ss.n ? ss.n : 1) : 0;
	sects_free(&ss);
	return n;
}

int check_script_parse(const char *text, size_t len, efa_node_status_t *st)
{
	return script_parse(text, len, st) > 0;
}

static void add_whole(sects_t *ss, const char *name, const char *text, size_t len)
{
	sect_t *s = &ss->s[ss->n++];
	snprintf(s->name, sizeof s->name, "%s", name);
	s->rc = -1;
	s->text = malloc(len + 1);
	if (s->text) {
		memcpy(s->text, text, len);
		s->text[len] = 0;
		s->len = len;
	}
}

int check_parse_saved(const char *text, size_t len, efa_node_status_t *st)
{
	int n = script_parse(text, len, st);
	if (n) return n;
	/* Probe outputs: each parser looks at the whole text and takes the lines it knows. */
	sects_t ss;
	memset(&ss, 0, sizeof ss);
	pci_out_t pci;
	lsmod_out_t lsm;
	modinfo_out_t mi;
	fi_info_out_t fi;
	devices_out_t dev;
	ip_out_t ip;
	gpus_out_t g;
	struct { const char *section, *label; int found; } probes[] = {
		{ "lspci", "lspci", parse_lspci(text, len, &pci) },
		{ "lsmod", "lsmod", parse_lsmod(text, len, &lsm) },
		{ "modinfo", "modinfo", parse_modinfo(text, len, &mi) },
		{ "fi_info", "fi_info", parse_fi_info(text, len, &fi) },
		{ "devices", "/dev/infiniband", parse_devices(text, len, &dev) && (dev.entries || dev.missing) },
		{ "ip", "ip addr", parse_ip(text, len, &ip) },
		{ "nvidia_smi", "accelerators", parse_gpus(text, len, &g) },
	};
	fi_info_free(&fi);
	sbuf_t src;
	sbuf_init(&src, st->source, sizeof st->source);
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		if (!probes[i].found) continue;
		add_whole(&ss, probes[i].section, text, len);
		sbuf_addf(&src, "%s%s", src.len ? ", " : "", probes[i].label);
	}
	if (memmem(text, len, "/opt/amazon/efa", 15) &&
	    (memmem(text, len, "EFA installer version:", 22) || memmem(text, len, "fi_info: ", 9)))
		add_whole(&ss, "efa_install", text, len);
	evaluate(st, &ss);
	n = ss.n;
	sects_free(&ss);
	if (n == 0) {
		for (int i = 0; i < EFA_CHECK_COUNT; i++)
			efa_status_set(st, (efa_check_id_t)i, EFA_UNRECOGNISED, NULL, 0,
			               "the input is neither the check script's output nor any probe's that nixl-tui reads");
		free(st->raw);
		if ((st->raw = malloc(len + 1))) {
			memcpy(st->raw, text, len);
			st->raw[len] = 0;
		}
		snprintf(st->source, sizeof st->source, "unrecognised");
	}
	return n;
}
