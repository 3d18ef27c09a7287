#include "testutil.h"

#include <math.h>
#include <unistd.h>

#include "efa/check_script.h"
#include "efa/efa_status.h"
#include "efa/parse_devices.h"
#include "efa/parse_fi_info.h"
#include "efa/parse_gpus.h"
#include "efa/parse_ip.h"
#include "efa/parse_lsmod.h"
#include "efa/parse_lspci.h"
#include "efa/parse_modinfo.h"
#include "efa/parse_pingpong.h"
#include "efa/parse_pplog.h"
#include "efa/parse_text.h"
#include "efa/pp_result.h"

static char *fx(const char *name, size_t *len)
{
	char rel[256];
	snprintf(rel, sizeof rel, "efa/%s", name);
	return fixture_read(rel, len, 1);
}

#define assert_double(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-9)

/* ---------------------------------------------------------------- fi_info */

static void fi(const char *name, fi_info_out_t *o)
{
	size_t len;
	char *t = fx(name, &len);
	parse_fi_info(t, len, o);
	free(t);
}

static void assert_entry(const fi_entry_t *e, const char *prov, const char *fabric, const char *domain,
                         const char *version, const char *type)
{
	assert_string_equal(e->provider, prov);
	assert_string_equal(e->fabric, fabric);
	assert_string_equal(e->domain, domain);
	assert_string_equal(e->version, version);
	assert_string_equal(e->type, type);
	assert_string_equal(e->protocol, strcmp(prov, "efa") == 0 ? "FI_PROTO_EFA" : "FI_PROTO_RXD");
}

static void test_fi_info_short_forms(void **state)
{
	(void)state;
	fi_info_out_t o;

	fi("fi_info-p-efa-t-FI_EP_RDM.p3dn-1nic.txt", &o); /* no indentation */
	assert_int_equal(o.n, 1);
	assert_entry(&o.entries[0], "efa", "EFA-fe80::94:3dff:fe89:1b70", "efa_0-rdm", "2.0", "FI_EP_RDM");
	assert_int_equal(fi_info_count_domains(&o, "efa", "FI_EP_RDM"), 1);
	fi_info_free(&o);

	fi("fi_info-p-efa-t-FI_EP_RDM.p4d-rdmap.txt", &o);
	assert_int_equal(o.n, 4);
	assert_entry(&o.entries[0], "efa", "EFA-fe80::10d8:baff:fec9:6c1", "rdmap16s27-rdm", "111.20", "FI_EP_RDM");
	assert_entry(&o.entries[3], "efa", "EFA-fe80::1059:7cff:fe95:ed6d", "rdmap160s27-rdm", "111.20", "FI_EP_RDM");
	assert_int_equal(fi_info_count_domains(&o, "efa", "FI_EP_RDM"), 4);
	assert_int_equal(o.incomplete, 0);
	assert_int_equal(o.other_lines, 0);
	fi_info_free(&o);

	fi("fi_info-p-efa-t-FI_EP_RDM.p4d-mpirun-tagged.DERIVED.txt", &o);
	assert_int_equal(o.n, 4);
	assert_entry(&o.entries[2], "efa", "EFA-fe80::102f:29ff:fe3d:1685", "rdmap144s27-rdm", "111.20", "FI_EP_RDM");
	assert_int_equal(fi_info_count_domains(&o, "efa", "FI_EP_RDM"), 4);
	fi_info_free(&o);

	fi("fi_info-p-efa-t-FI_EP_RDM.pcluster-compute-rdmap0s6-v118.txt", &o); /* prompt line */
	assert_int_equal(o.n, 1);
	assert_entry(&o.entries[0], "efa", "efa", "rdmap0s6-rdm", "118.20", "FI_EP_RDM");
	assert_int_equal(o.other_lines, 0);
	fi_info_free(&o);

	fi("fi_info-p-efa-t-FI_EP_RDM.rdmap0s6.aws-cdi-sdk.txt", &o);
	assert_int_equal(o.n, 1);
	assert_entry(&o.entries[0], "efa", "EFA-fe80::4dd:7eff:fe99:4620", "rdmap0s6-rdm", "2.0", "FI_EP_RDM");
	fi_info_free(&o);

	static const char *const rxd_era[] = { "fi_info-p-efa.dlami-efa_0-rxd.txt", "fi_info-p-efa.libfabric-issue-5689.txt",
	                                       "fi_info-p-efa.soca-c5n.txt" };
	static const char *const rxd_fabric[] = { "EFA-fe80::e5:56ff:fe34:56a8", "EFA-fe80::39:beff:fe6e:c23",
	                                          "EFA-fe80::828:bfff:fe5c:95d4" };
	for (int i = 0; i < 3; i++) {
		fi(rxd_era[i], &o);
		assert_int_equal(o.n, 3);
		assert_entry(&o.entries[0], "efa", rxd_fabric[i], "efa_0-rdm", "2.0", "FI_EP_RDM");
		assert_entry(&o.entries[1], "efa", rxd_fabric[i], "efa_0-dgrm", "2.0", "FI_EP_DGRAM");
		assert_entry(&o.entries[2], "efa;ofi_rxd", rxd_fabric[i], "efa_0-dgrm", "1.0", "FI_EP_RDM");
		assert_int_equal(fi_info_count(&o, "efa", "FI_EP_RDM"), 1);
		assert_int_equal(fi_info_count(&o, NULL, "FI_EP_RDM"), 2);
		assert_int_equal(fi_info_count_domains(&o, "efa", NULL), 2);
		fi_info_free(&o);
	}

	fi("fi_info-p-efa.efa-direct-rdmap47s0-v201.txt", &o);
	assert_int_equal(o.n, 3);
	assert_entry(&o.entries[0], "efa", "efa-direct", "rdmap47s0-rdm", "201.0", "FI_EP_RDM");
	assert_entry(&o.entries[2], "efa", "efa", "rdmap47s0-dgrm", "201.0", "FI_EP_DGRAM");
	assert_int_equal(fi_info_count(&o, "efa", "FI_EP_RDM"), 2);
	assert_int_equal(fi_info_count_domains(&o, "efa", "FI_EP_RDM"), 1);
	char fabrics[128];
	assert_int_equal(fi_info_fabrics(&o, "efa", fabrics, sizeof fabrics), 2);
	assert_string_equal(fabrics, "efa-direct, efa");
	fi_info_free(&o);

	static const char *const fabric_efa[] = { "fi_info-p-efa.efa-fabric-rdmap0s31-v120.txt",
	                                          "fi_info-p-efa.fabric-efa-rdmap0s31-v121.txt" };
	static const char *const ver[] = { "120.0", "121.0" };
	for (int i = 0; i < 2; i++) {
		fi(fabric_efa[i], &o);
		assert_int_equal(o.n, 2);
		assert_entry(&o.entries[0], "efa", "efa", "rdmap0s31-rdm", ver[i], "FI_EP_RDM");
		assert_entry(&o.entries[1], "efa", "efa", "rdmap0s31-dgrm", ver[i], "FI_EP_DGRAM");
		fi_info_free(&o);
	}
}

static void test_fi_info_verbose(void **state)
{
	(void)state;
	fi_info_out_t o;
	fi("fi_info-fabric-efa-verbose.rdmap70s0-25G.txt", &o);
	assert_int_equal(o.n, 2);
	assert_entry(&o.entries[0], "efa", "efa", "rdmap70s0-rdm", "200.0", "FI_EP_RDM");
	assert_entry(&o.entries[1], "efa", "efa", "rdmap70s0-dgrm", "200.0", "FI_EP_DGRAM");
	assert_string_equal(o.entries[0].nic, "rdmap70s0");
	assert_true(o.entries[0].link_speed == 25000000000ull);
	assert_int_equal(o.incomplete, 0);
	fi_info_free(&o);

	fi("fi_info-verbose.rdmap79s0-p5-100G.ELIDED.txt", &o);
	assert_int_equal(o.n, 1);
	assert_entry(&o.entries[0], "efa", "efa", "rdmap79s0-rdm", "200.0", "FI_EP_RDM");
	assert_true(o.entries[0].link_speed == 100000000000ull);
	assert_int_equal(o.incomplete, 0);
	fi_info_free(&o);

	const char *v = "/usr/bin/fi_info: 1.17.0\nlibfabric: 1.17.0\nlibfabric api: 1.17\n";
	assert_int_equal(parse_fi_info(v, strlen(v), &o), 1);
	assert_string_equal(o.lib_version, "1.17.0");
	assert_string_equal(o.api_version, "1.17");
	assert_int_equal(o.n, 0);
	fi_info_free(&o);
	v = "/opt/amazon/efa/bin/fi_info: 1.22.0amzn4.0\n";
	parse_fi_info(v, strlen(v), &o);
	assert_string_equal(o.lib_version, "1.22.0amzn4.0");
	fi_info_free(&o);
}

static void test_fi_info_failures(void **state)
{
	(void)state;
	fi_info_out_t o;
	fi("fi_info-p-efa-FAILURE-fi_getinfo-61-with-warnings.txt", &o);
	assert_int_equal(o.n, 0);
	assert_int_equal(o.getinfo_error, 61);
	assert_string_equal(o.error_text, "No data available");
	assert_int_equal(o.warn_lines, 3);
	assert_string_equal(o.first_warn, "ibv_open_device failed! errno: 2");
	fi_info_free(&o);

	fi("fi_info-NO-EFA.graviton-pcluster-doc.txt", &o);
	assert_int_equal(o.getinfo_error, 61);
	assert_string_equal(o.error_text, "");
	fi_info_free(&o);

	fi("fi_info-NO-PROVIDER-format-reference.shm.txt", &o);
	assert_int_equal(o.getinfo_error, 61);
	assert_string_equal(o.error_text, "No data available");
	assert_int_equal(o.other_lines, 0); /* the "$ fi_info -p shm" prompt is not content */
	fi_info_free(&o);

	/* only FI_LOG lines, some mentioning -61 for other providers: no result either way */
	size_t len;
	char *t = fx("fi_info-FI_LOG-getinfo-61-lines.libfabric-issue-11256.TRUNCATED.txt", &len);
	assert_int_equal(parse_fi_info(t, len, &o), 0);
	assert_int_equal(o.getinfo_error, 0);
	assert_int_equal(o.log_lines, 11);
	assert_int_equal(o.warn_lines, 0);
	fi_info_free(&o);
	free(t);
}

/* ---------------------------------------------------------------- other probes */

static void test_lspci(void **state)
{
	(void)state;
	pci_out_t p;
	size_t len;
	char *t = fx("lspci-grep-efa.pcluster-c5n.txt", &len);
	assert_int_equal(parse_lspci(t, len, &p), 1);
	assert_int_equal(p.devices, 1);
	assert_int_equal(p.efa, 1);
	assert_string_equal(p.efa_first, "00:06.0");
	free(t);

	t = fx("lspci-grep-efa.single.txt", &len);
	parse_lspci(t, len, &p);
	assert_int_equal(p.efa, 1);
	assert_string_equal(p.efa_first, "2f:00.0");
	free(t);

	t = fx("lspci-tv.trn1-32xl-neuron.txt", &len);
	assert_int_equal(parse_lspci(t, len, &p), 1);
	assert_int_equal(p.devices, 42);
	assert_int_equal(p.efa, 8);
	assert_int_equal(p.ena, 8);
	assert_int_equal(p.neuron, 16);
	assert_string_equal(p.efa_first, "19.0");
	free(t);

	t = fx("lspci.trn1-2xl-no-efa.xla-torch.txt", &len);
	assert_int_equal(parse_lspci(t, len, &p), 1);
	assert_int_equal(p.devices, 8);
	assert_int_equal(p.efa, 0);
	assert_int_equal(p.ena, 1);
	assert_int_equal(p.neuron, 1);
	free(t);

	const char *nn = "00:06.0 Ethernet controller [0200]: Amazon.com, Inc. Elastic Fabric Adapter (EFA) [1d0f:efa1]\n"
	                 "00:1e.0 3D controller [0302]: NVIDIA Corporation GH100 [H100 SXM5 80GB] [10de:2330] (rev a1)\n"
	                 "10:1c.0 0200: 1d0f:efa2\n"
	                 "0000:20:1c.0 0x1d0f 0xefa3 0x020000\n"
	                 "0000:30:00.0 0x10de 0x2330 0x030200\n"
	                 "0000:31:00.0 0x10de 0x22a3 0x068000\n";
	assert_int_equal(parse_lspci(nn, strlen(nn), &p), 1);
	assert_int_equal(p.devices, 6);
	assert_int_equal(p.efa, 3);
	assert_string_equal(p.efa_id, "efa1");
	assert_int_equal(p.nvidia_gpu, 2); /* the NVSwitch bridge (class 0680) is no GPU */
}

static void test_modinfo_lsmod(void **state)
{
	(void)state;
	size_t len;
	modinfo_out_t m;
	char *t = fx("modinfo-efa.bottlerocket-6.12-efa-2.17.3g.txt", &len);
	assert_int_equal(parse_modinfo(t, len, &m), 1);
	assert_int_equal(m.found, 1);
	assert_string_equal(m.version, "2.17.3g");
	assert_string_equal(m.name, "efa");
	assert_string_equal(m.filename, "/lib/modules/6.12.53/kernel/drivers/amazon/net/efa/efa.ko");
	assert_int_equal(m.device_ids, 4);
	free(t);

	t = fx("modinfo-efa.pcluster-ubuntu1804-efa-1.13.0g.txt", &len);
	parse_modinfo(t, len, &m);
	assert_string_equal(m.version, "1.13.0g");
	assert_string_equal(m.vermagic, "5.4.0-1054-aws SMP mod_unload modversions");
	assert_int_equal(m.device_ids, 2);
	free(t);

	t = fx("modinfo-efa-not-found.SYNTHETIC.txt", &len);
	assert_int_equal(parse_modinfo(t, len, &m), 1);
	assert_int_equal(m.found, 0);
	free(t);

	lsmod_out_t l;
	t = fx("lsmod.SYNTHETIC.txt", &len);
	assert_int_equal(parse_lsmod(t, len, &l), 1);
	assert_int_equal(l.header, 1);
	assert_int_equal(l.modules, 6);
	assert_int_equal(l.efa, 1);
	assert_int_equal(l.efa_users, 0);
	assert_int_equal(l.ib_uverbs, 1);
	assert_int_equal(l.peermem, 1);
	free(t);

	t = fx("proc-modules.SYNTHETIC.txt", &len);
	assert_int_equal(parse_lsmod(t, len, &l), 1);
	assert_int_equal(l.header, 0);
	assert_int_equal(l.modules, 3);
	assert_int_equal(l.efa, 1);
	assert_int_equal(l.peermem, 0);
	free(t);

	/* a pingpong table is not lsmod */
	t = fx("efa_test.dlami.txt", &len);
	assert_int_equal(parse_lsmod(t, len, &l), 0);
	free(t);
}

static void test_devices_ip_gpus(void **state)
{
	(void)state;
	size_t len;
	devices_out_t d;
	char *t = fx("ls-l-dev-infiniband.SYNTHETIC.txt", &len);
	assert_int_equal(parse_devices(t, len, &d), 1);
	assert_int_equal(d.uverbs, 4);
	assert_int_equal(d.rdma_cm, 1);
	assert_int_equal(d.char_devices, 5);
	free(t);
	const char *missing = "ls: cannot access '/dev/infiniband': No such file or directory\n";
	assert_int_equal(parse_devices(missing, strlen(missing), &d), 1);
	assert_int_equal(d.missing, 1);
	assert_int_equal(d.uverbs, 0);
	const char *plain = "rdma_cm\nuverbs0\nuverbs1\n/dev/infiniband/uverbs2\nuverbsX\n";
	parse_devices(plain, strlen(plain), &d);
	assert_int_equal(d.uverbs, 3);
	assert_int_equal(d.rdma_cm, 1);

	ip_out_t ip;
	char addr[16];
	t = fx("ip-br-addr.dev-vm.txt", &len);
	assert_int_equal(parse_ip(t, len, &ip), 1);
	assert_int_equal(ip.n, 4);
	assert_string_equal(ip.ifaces[3].name, "eth0");
	assert_string_equal(ip.ifaces[3].state, "UP");
	assert_int_equal(ip.ifaces[3].nipv6, 2);
	assert_string_equal(ip.ifaces[1].state, "DOWN");
	assert_int_equal(ip_private_ipv4(&ip, addr, sizeof addr), 1);
	assert_string_equal(addr, "192.0.2.2");
	free(t);
	t = fx("ip-o-addr.dev-vm.txt", &len);
	assert_int_equal(parse_ip(t, len, &ip), 1);
	assert_int_equal(ip.n, 2);
	assert_string_equal(ip.ifaces[1].ipv4, "192.0.2.2/24");
	assert_int_equal(ip.ifaces[1].nipv6, 2);
	assert_int_equal(ip_private_ipv4(&ip, addr, sizeof addr), 1);
	assert_string_equal(addr, "192.0.2.2");
	free(t);
	const char *veth = "lo UNKNOWN 127.0.0.1/8\neth0@if12 UP 10.1.2.3/16\n";
	parse_ip(veth, strlen(veth), &ip);
	assert_string_equal(ip.ifaces[1].name, "eth0");
	ip_private_ipv4(&ip, addr, sizeof addr);
	assert_string_equal(addr, "10.1.2.3");
	const char *lo_only = "lo UNKNOWN 127.0.0.1/8 ::1/128\nens5 DOWN\n";
	parse_ip(lo_only, strlen(lo_only), &ip);
	assert_int_equal(ip_private_ipv4(&ip, addr, sizeof addr), 0);

	gpus_out_t g;
	t = fx("nvidia-smi-L.8xH100.ub-ccr-openfold.txt", &len);
	assert_int_equal(parse_gpus(t, len, &g), 1);
	assert_int_equal(g.kind, GPU_NVIDIA);
	assert_int_equal(g.count, 8);
	assert_string_equal(g.model, "NVIDIA H100 80GB HBM3");
	assert_int_equal(g.mixed, 0);
	free(t);
	t = fx("neuron-ls.trn1-2xl.xla-torch.txt", &len);
	assert_int_equal(parse_gpus(t, len, &g), 1);
	assert_int_equal(g.kind, GPU_NEURON);
	assert_int_equal(g.count, 1);
	assert_int_equal(g.neuron_cores, 2);
	assert_string_equal(g.instance_type, "trn1.2xlarge");
	free(t);
	t = fx("neuron-ls.inf1-6xl.ec2-user-guide.txt", &len);
	parse_gpus(t, len, &g);
	assert_int_equal(g.count, 4);
	assert_int_equal(g.neuron_cores, 16);
	free(t);
	const char *broken = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. "
	                     "Make sure that the latest NVIDIA driver is installed and running.\n";
	assert_int_equal(parse_gpus(broken, strlen(broken), &g), 1);
	assert_int_equal(g.driver_error, 1);
	assert_int_equal(g.count, 0);
}

/* ---------------------------------------------------------------- ping-pong */

static void test_pp_sizes_and_counts(void **state)
{
	(void)state;
	static const struct { const char *s; uint64_t v; } sizes[] = {
		{ "0", 0 }, { "64", 64 }, { "1k", 1024 }, { "1.5k", 1536 }, { "1.2k", 1228 }, { "1.2m", 1258291 },
		{ "20m", 20971520 }, { "1.1g", 1181116006ull }, { "1000m", 1048576000ull }, { "768k", 786432 },
	};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		uint64_t v = 99;
		assert_int_equal(pp_parse_size(sizes[i].s, strlen(sizes[i].s), &v), 0);
		assert_true(v == sizes[i].v);
	}
	static const char *const bad[] = { "", "k", "1.5", "1.5kk", "-1", "1.k", "1,5k", "x1", "1t" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		uint64_t v;
		assert_int_equal(pp_parse_size(bad[i], strlen(bad[i]), &v), -1);
	}
	uint64_t c;
	assert_int_equal(pp_parse_count("20k", 3, &c), 0);
	assert_true(c == 20000);
	assert_int_equal(pp_parse_count("2b", 2, &c), 0);
	assert_true(c == 2000000000ull);
	assert_int_equal(pp_parse_count("1m", 2, &c), 0);
	assert_true(c == 1000000);
	assert_int_equal(pp_parse_count("1g", 2, &c), -1);
}

static void test_pp_incremental(void **state)
{
	(void)state;
	pp_parser_t p;
	pp_parser_init(&p);
	pp_row_t r;
	assert_int_equal(pp_parser_line(&p, "64      10      =10      1.2k        0.02s      0.06    1123.55       0.00", &r),
	                 PP_EV_NONE); /* no header yet: not a row */
	assert_int_equal(pp_parser_line(&p, "bytes   #sent   #ack     total       time     MB/sec    usec/xfer   Mxfers/sec", &r),
	                 PP_EV_HEADER);
	assert_int_equal(pp_parser_line(&p, "1.5k    100     =100     150k        0.00s    512.00       3.00       0.33", &r),
	                 PP_EV_ROW);
	assert_true(r.bytes == 1536 && r.sent == 100 && r.acked == 100 && r.total_bytes == 153600);
	assert_double(r.time_s, 0.0);
	assert_double(r.mb_per_s, 512.0);
	assert_double(r.usec_per_xfer, 3.0);
	assert_double(r.mxfers_per_s, 0.33);
	assert_true(isnan(r.median_usec) && isnan(r.p99_usec));
	assert_int_equal(pp_parser_line(&p, "[1,0]<stdout>:0       10      =10      0           0.00s      0.00       5.10       0.20", &r),
	                 PP_EV_ROW);
	assert_true(r.bytes == 0 && r.total_bytes == 0);
	assert_double(r.usec_per_xfer, 5.10);
	assert_int_equal(pp_parser_line(&p, "4k      10      =10", &r), PP_EV_PARTIAL);
	assert_int_equal(pp_parser_line(&p, "4k      10      =10      80k        0.00s    227.56      18.00       0.0", &r),
	                 PP_EV_PARTIAL);
	assert_int_equal(pp_parser_line(&p, "4k      10      =10      80k        0.00s    227.56      18.00       0.06 x", &r),
	                 PP_EV_NONE);
	assert_int_equal(pp_parser_line(&p, "4k      1x      =10      80k        0.00s    227.56      18.00       0.06", &r),
	                 PP_EV_NONE);
	assert_int_equal(p.rows, 2);
	assert_int_equal(p.partial, 2);

	static const struct { const char *line; pp_failure_t f; } fails[] = {
		{ "[error] util/pingpong.c:408 : failed to connect: Connection refused", PP_FAIL_REFUSED },
		{ "fi_getinfo(): util/pingpong.c:1489, ret=-61 (No data available)", PP_FAIL_NO_PROVIDER },
		{ "fi_getinfo: -61", PP_FAIL_NO_PROVIDER },
		{ "[error] util/pingpong.c:568 : ctrl/read: no data or remote connection closed", PP_FAIL_PEER_CLOSED },
		{ "# Error: fi_pingpong test failed because of timeout.", PP_FAIL_TIMEOUT },
		{ "[error] util/pingpong.c:999 : something else", PP_FAIL_OTHER },
	};
	for (size_t i = 0; i < sizeof fails / sizeof *fails; i++) {
		pp_parser_init(&p);
		assert_int_equal(pp_parser_line(&p, fails[i].line, &r), PP_EV_FAILURE);
		assert_int_equal(p.failure, fails[i].f);
	}
	assert_non_null(strstr(pp_exit_reason(111), "security group's self rule"));
	assert_non_null(strstr(pp_exit_reason(61), "fi_getinfo -61"));
	assert_non_null(strstr(pp_exit_reason(103), "peer"));
	assert_non_null(strstr(pp_exit_reason(141), "peer closed the control connection")); /* SIGPIPE */
	assert_null(pp_exit_reason(1));
}

static void log_of(const char *name, pplog_t *l)
{
	size_t len;
	char *t = fx(name, &len);
	pplog_parse(t, len, l);
	free(t);
}

static void assert_row(const pp_row_t *r, uint64_t bytes, uint64_t sent, uint64_t total, double time_s, double mbs,
                       double usec, double mx)
{
	assert_true(r->bytes == bytes);
	assert_true(r->sent == sent);
	assert_true(r->total_bytes == total);
	assert_double(r->time_s, time_s);
	assert_double(r->mb_per_s, mbs);
	assert_double(r->usec_per_xfer, usec);
	assert_double(r->mxfers_per_s, mx);
}

static void test_pp_efa_test_logs(void **state)
{
	(void)state;
	pplog_t l;
	log_of("efa_test.dlami.txt", &l);
	assert_int_equal(l.format, PPLOG_EFA_TEST_OLD);
	assert_int_equal(l.result.nrows, 6);
	assert_row(&l.result.rows[0], 64, 10, 1228, 0.02, 0.06, 1123.55, 0.00);
	assert_true(l.result.rows[0].acked == 10);
	assert_row(&l.result.rows[2], 1024, 10, 20480, 0.00, 67.81, 15.10, 0.07);
	assert_row(&l.result.rows[4], 65536, 10, 1258291, 0.00, 921.10, 71.15, 0.01);
	assert_row(&l.result.rows[5], 1048576, 10, 20971520, 0.01, 2122.41, 494.05, 0.00);
	assert_string_equal(l.result.provider, "efa");
	assert_string_equal(l.result.endpoint, "rdm");
	assert_int_equal(l.result.iterations, 10);
	assert_int_equal(l.verdict, 1);
	assert_string_equal(l.result.error, "");
	pplog_free(&l);

	static const struct { const char *file; double usec4k; } olds[] = {
		{ "efa_test.aws-cdi-sdk.txt", 18.85 }, { "efa_test.p4d.txt", 24.20 },
		{ "efa_installer-tail-with-test.soca-c5n.txt", 18.00 },
	};
	for (size_t i = 0; i < 3; i++) {
		log_of(olds[i].file, &l);
		assert_int_equal(l.format, i == 2 ? PPLOG_INSTALLER : PPLOG_EFA_TEST_OLD);
		assert_int_equal(l.result.nrows, 6);
		assert_true(l.result.rows[3].bytes == 4096);
		assert_double(l.result.rows[3].usec_per_xfer, olds[i].usec4k);
		assert_int_equal(l.verdict, 1);
		pplog_free(&l);
	}

	log_of("efa_test.new-format-success.txt", &l);
	assert_int_equal(l.format, PPLOG_EFA_TEST_NEW);
	assert_int_equal(l.attempts, 1);
	assert_int_equal(l.result.nrows, 6);
	assert_int_equal(l.server.nrows, 6);
	assert_row(&l.result.rows[0], 64, 10, 1228, 0.02, 0.08, 803.75, 0.00);
	assert_row(&l.server.rows[0], 64, 10, 1228, 0.02, 0.08, 803.40, 0.00);
	assert_row(&l.result.rows[5], 1048576, 10, 20971520, 0.00, 15500.01, 67.65, 0.01);
	assert_row(&l.server.rows[5], 1048576, 10, 20971520, 0.00, 15397.59, 68.10, 0.01);
	assert_int_equal(l.verdict, 1);
	pplog_free(&l);

	log_of("efa_test.new-format-timeout-FAILURE.txt", &l);
	assert_int_equal(l.format, PPLOG_EFA_TEST_NEW);
	assert_int_equal(l.result.nrows, 0);
	assert_int_equal(l.verdict, 0);
	assert_non_null(strstr(l.result.error, "timed out"));
	assert_non_null(strstr(l.result.error, "security group"));
	assert_non_null(strstr(l.note, "2 libfabric warnings"));
	assert_non_null(strstr(l.note, "Failed to register CUDA buffer"));
	pplog_free(&l);
}

static void test_pp_truncated_hang_fabtests(void **state)
{
	(void)state;
	pplog_t l;
	log_of("fi_pingpong-client.libfabric-issue-5689.TRUNCATED.txt", &l);
	assert_int_equal(l.format, PPLOG_FI_PINGPONG);
	assert_int_equal(l.result.nrows, 3);
	assert_int_equal(l.cut_rows, 1);
	assert_row(&l.result.rows[2], 1024, 10, 20480, 0.00, 48.53, 21.10, 0.05);
	assert_string_equal(l.result.provider, "efa");
	assert_string_equal(l.result.endpoint, "rdm");
	assert_int_equal(l.verdict, -1);
	assert_non_null(strstr(l.note, "mid-row after 3 complete rows"));
	pplog_free(&l);

	log_of("fi_pingpong-server-verbose-HANG.libfabric-issue-11256.TRUNCATED.txt", &l);
	assert_int_equal(l.format, PPLOG_FI_PINGPONG);
	assert_int_equal(l.result.nrows, 0);
	assert_int_equal(l.verdict, 0);
	assert_non_null(strstr(l.result.error, "no result table"));
	pplog_free(&l);

	log_of("fi_rma_bw-write-gdr.fabtests-table.p5.txt", &l);
	assert_int_equal(l.format, PPLOG_FABTESTS);
	assert_int_equal(l.result.nrows, 46);
	assert_row(&l.result.rows[0], 1, 20000, 19456, 0.03, 0.75, 1.33, 0.75);
	assert_row(&l.result.rows[20], 1536, 20000, 29 * 1048576ull, 0.03, 1212.41, 1.27, 0.79);
	assert_row(&l.result.rows[45], 8388608, 200, 1610612736ull, 0.16, 10504.60, 798.57, 0.00);
	assert_true(l.result.rows[45].acked == 0);
	assert_string_equal(l.result.provider, "efa");
	assert_int_equal(l.verdict, 1);
	pplog_free(&l);

	static const char *const not_pp[] = { "dmesg-efa-probe.amzn-drivers-issue-114.txt", "ibstat.efa_0.amzn-drivers-issue-114.txt",
	                                      "nccl-debug-net-ofi-selected.ec2ug.txt", "fi_info-p-efa.soca-c5n.txt",
	                                      "fi_info-NO-EFA.graviton-pcluster-doc.txt", "README.md",
	                                      "efa_check-script.dev-vm-no-efa.txt" };
	for (size_t i = 0; i < sizeof not_pp / sizeof *not_pp; i++) {
		log_of(not_pp[i], &l);
		assert_int_equal(l.format, PPLOG_UNRECOGNISED);
		assert_int_equal(l.result.nrows, 0);
		assert_int_equal(l.verdict, -1);
		assert_string_equal(l.result.error, "");
		pplog_free(&l);
	}
}

/* Logs as launchers save them: every line prefixed, both sides' tables in one file. */
static void test_pp_launcher_logs(void **state)
{
	(void)state;
	static const struct { const char *file, *provider; } logs[] = {
		{ "fi_pingpong-mpirun-tag-output.2-ranks-interleaved.DERIVED.txt", "efa" },
		{ "fi_pingpong-rank-prefix.server-then-client.DERIVED.txt", "efa" },
		{ "fi_pingpong-host-prefix.pdsh-2-hosts.DERIVED.txt", "tcp;ofi_rxm" },
		{ "fi_pingpong-timestamped.server-and-client.DERIVED.txt", "efa" },
	};
	for (size_t i = 0; i < sizeof logs / sizeof logs[0]; i++) {
		pplog_t l;
		log_of(logs[i].file, &l);
		assert_int_equal(l.format, PPLOG_FI_PINGPONG);
		assert_int_equal(l.tables, 2);
		/* the client's table is the result, told by its command line (it names the server) */
		assert_int_equal(l.result.nrows, 6);
		assert_row(&l.result.rows[0], 64, 10, 1228, 0.02, 0.08, 803.75, 0.00);
		assert_row(&l.result.rows[5], 1048576, 10, 20971520, 0.00, 15500.01, 67.65, 0.01);
		assert_int_equal(l.server.nrows, 6);
		assert_row(&l.server.rows[0], 64, 10, 1228, 0.02, 0.08, 803.40, 0.00);
		assert_non_null(strstr(l.which, "the client's table (told by its command line)"));
		assert_string_equal(l.result.provider, logs[i].provider);
		assert_string_equal(l.result.endpoint, "rdm");
		assert_int_equal(l.result.iterations, 10);
		assert_int_equal(l.cut_rows, 0);
		assert_int_equal(l.verdict, 1);
		pplog_free(&l);
	}

	/* two tables and nothing saying whose: the last is reported, and the log says so */
	const char *two = "bytes #sent #ack total time MB/sec usec/xfer Mxfers/sec\n"
	                  "64 10 =10 1.2k 0.02s 0.08 803.40 0.00\n"
	                  "bytes #sent #ack total time MB/sec usec/xfer Mxfers/sec\n"
	                  "64 10 =10 1.2k 0.02s 0.08 803.75 0.00\n";
	pplog_t l;
	pplog_parse(two, strlen(two), &l);
	assert_int_equal(l.tables, 2);
	assert_int_equal(l.result.nrows, 1);
	assert_double(l.result.rows[0].usec_per_xfer, 803.75);
	assert_int_equal(l.server.nrows, 0);
	assert_non_null(strstr(l.which, "nothing in the log says which is the client's"));
	pplog_free(&l);

	/* a server's log alone: its table is reported, and said to be the server's */
	const char *srv = "2026-02-25T10:00:00.5+01:00 [rank 0] $ fi_pingpong -e rdm -p 'verbs;ofi_rxm' -I 10\n"
	                  "2026-02-25T10:00:00.5+01:00 [rank 0] bytes #sent #ack total time MB/sec usec/xfer Mxfers/sec\n"
	                  "2026-02-25T10:00:00.6+01:00 [rank 0] 64 10 =10 1.2k 0.02s 0.08 803.40 0.00\n";
	pplog_parse(srv, strlen(srv), &l);
	assert_int_equal(l.result.nrows, 1);
	assert_string_equal(l.result.provider, "verbs;ofi_rxm");
	assert_non_null(strstr(l.which, "the server's table"));
	assert_int_equal(l.verdict, 1);
	pplog_free(&l);

	/* efa_test.sh's second attempt replaces the first, roles included */
	const char *again = "Localhost fi_pingpong test: Attempt 1 (max 3)...\n"
	                    "Client Log:\n"
	                    "bytes #sent #ack total time MB/sec usec/xfer Mxfers/sec\n"
	                    "64 10 =10 1.2k 0.02s 0.08 900.00 0.00\n"
	                    "Localhost fi_pingpong test: Attempt 2 (max 3)...\n"
	                    "bytes #sent #ack total time MB/sec usec/xfer Mxfers/sec\n"
	                    "64 10 =10 1.2k 0.02s 0.08 803.40 0.00\n"
	                    "fi_pingpong: SUCCESS!\n";
	pplog_parse(again, strlen(again), &l);
	assert_int_equal(l.attempts, 2);
	assert_int_equal(l.tables, 1);
	assert_double(l.result.rows[0].usec_per_xfer, 803.40);
	assert_string_equal(l.which, "");
	pplog_free(&l);

	/* "Error:" / "Running:" are never taken for host names, and the error is still read */
	const char *err = "Running: fi_pingpong -e rdm -p efa 10.0.0.1\n"
	                  "Error: fi_pingpong test failed because of timeout.\n";
	pplog_parse(err, strlen(err), &l);
	assert_int_equal(l.verdict, 0);
	assert_non_null(strstr(l.result.error, "timed out"));
	assert_string_equal(l.result.provider, "efa");
	pplog_free(&l);

	/* a prefix that is nothing a launcher writes stays in the line: no table */
	const char *odd = "<rank:1> bytes #sent #ack total time MB/sec usec/xfer Mxfers/sec\n"
	                  "<rank:1> 64 10 =10 1.2k 0.02s 0.08 803.40 0.00\n";
	pplog_parse(odd, strlen(odd), &l);
	assert_int_equal(l.format, PPLOG_UNRECOGNISED);
	assert_int_equal(l.result.nrows, 0);
	pplog_free(&l);

	pp_result_t r = { .exit_code = -1 };
	assert_int_equal(pplog_command("+ timeout --foreground -k 5 30 fi_pingpong -e rdm -p \"tcp;ofi_rxm\" -I 10 -S 64 -P 47600 10.0.1.2", &r),
	                 PPLOG_CMD_CLIENT);
	assert_string_equal(r.provider, "tcp;ofi_rxm");
	assert_int_equal(pplog_command("fi_pingpong -e rdm -p efa -B 47592 -v", &r), PPLOG_CMD_SERVER);
	/* the line nixl-tui's own client script runs, as set -x shows it */
	memset(&r, 0, sizeof r);
	assert_int_equal(pplog_command("+ timeout --foreground -k 5 30 stdbuf -oL fi_pingpong -e rdm -p efa -I 10 -S 64 "
	                               "-P 47600 10.0.1.2", &r), PPLOG_CMD_CLIENT);
	assert_string_equal(r.provider, "efa");
	assert_int_equal(pplog_command("fi_pingpong -e rdm -p efa 2>&1 | tee server.log", &r), PPLOG_CMD_SERVER);
	assert_int_equal(pplog_command("Error: fi_pingpong test failed", &r), 0);

	char tag[48];
	assert_int_equal(ptext_launcher_prefix("[2026-02-25 10:00:00,123] [1,1]<stderr>:x", tag, sizeof tag), 40);
	assert_string_equal(tag, "[1,1]<stderr>:");
	assert_int_equal(ptext_launcher_prefix("2026-02-25T10:00:00 provider: efa", tag, sizeof tag), 20);
	assert_string_equal(tag, "");
	assert_int_equal(ptext_launcher_prefix("2026-02-25X10:00:00 x", tag, sizeof tag), 0);
	assert_int_equal(ptext_launcher_prefix("[rank x] y", tag, sizeof tag), 0);
}

/* Cutting a log at every byte never yields a row that differs from the real one. */
static void test_pp_cut_everywhere(void **state)
{
	(void)state;
	size_t len;
	char *t = fx("efa_test.new-format-success.txt", &len);
	pplog_t full;
	pplog_parse(t, len, &full);
	for (size_t cut = 0; cut <= len; cut++) {
		pplog_t l;
		pplog_parse(t, cut, &l);
		assert_true(l.result.nrows <= full.result.nrows);
		assert_true(l.server.nrows <= full.server.nrows);
		/* cut before the client's table: the server's is reported, and the log says so */
		const pp_result_t *want = strstr(l.which, "server's table") ? &full.server : &full.result;
		for (size_t i = 0; i < l.result.nrows; i++) assert_memory_equal(&l.result.rows[i], &want->rows[i], offsetof(pp_row_t, median_usec));
		for (size_t i = 0; i < l.server.nrows; i++) assert_memory_equal(&l.server.rows[i], &full.server.rows[i], offsetof(pp_row_t, median_usec));
		pplog_free(&l);
	}
	pplog_free(&full);
	free(t);
}

/* ---------------------------------------------------------------- the check */

static void saved(const char *name, efa_node_status_t *st)
{
	size_t len;
	char *t = fx(name, &len);
	efa_status_init(st, name);
	check_parse_saved(t, len, st);
	free(t);
}

static void test_check_script_pass(void **state)
{
	(void)state;
	efa_node_status_t st;
	saved("efa_check-script.ASSEMBLED-pass.txt", &st);
	assert_string_equal(st.source, "check script");
	assert_int_equal(st.script_complete, 1);
	for (int i = 0; i < EFA_CHECK_COUNT; i++) {
		if (st.checks[i].verdict != EFA_PASS) fail_msg("%s: %s", efa_check_title(i), st.checks[i].detail);
		assert_non_null(st.checks[i].raw);
	}
	assert_int_equal(efa_status_exit_code(&st), 0);
	assert_int_equal(st.efa_devices, 4);
	assert_int_equal(st.module_loaded, 1);
	assert_string_equal(st.module_version, "2.17.3g");
	assert_int_equal(st.rdm_domains, 4);
	assert_int_equal(st.dgram_domains, 1);
	assert_string_equal(st.provider_version, "111.20");
	assert_string_equal(st.first_domain, "rdmap16s27-rdm");
	assert_int_equal(st.uverbs, 4);
	assert_string_equal(st.private_ipv4, "172.31.20.7");
	assert_string_equal(st.private_iface, "ens32");
	assert_int_equal(st.gpus, 8);
	assert_string_equal(st.gpu_model, "NVIDIA H100 80GB HBM3");
	assert_string_equal(st.libfabric_version, "1.22.0amzn4.0");
	assert_string_equal(st.installer_version, "1.34.0");
	assert_string_equal(st.checks[EFA_CHECK_MODULE].detail, "efa 2.17.3g loaded, ib_uverbs loaded, GPUDirect peermem loaded");
	assert_non_null(strstr(st.checks[EFA_CHECK_LIBFABRIC].detail, "4 RDM domains"));

	cJSON *j = efa_status_to_json(&st, 0);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "passed")));
	cJSON *pci = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "checks"), "pci");
	assert_string_equal(cJSON_GetObjectItem(pci, "status")->valuestring, "passed");
	assert_null(cJSON_GetObjectItem(pci, "raw"));
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "facts"), "rdm_domains")->valueint, 4);
	cJSON_Delete(j);
	efa_status_free(&st);
}

static void test_check_script_no_efa_vm(void **state)
{
	(void)state;
	efa_node_status_t st;
	saved("efa_check-script.dev-vm-no-efa.txt", &st);
	assert_int_equal(st.checks[EFA_CHECK_PCI].verdict, EFA_FAIL);
	assert_non_null(strstr(st.checks[EFA_CHECK_PCI].detail, "among 6 PCI devices"));
	assert_int_equal(st.checks[EFA_CHECK_MODULE].verdict, EFA_UNKNOWN);
	assert_int_equal(st.checks[EFA_CHECK_LIBFABRIC].verdict, EFA_FAIL);
	assert_non_null(strstr(st.checks[EFA_CHECK_LIBFABRIC].detail, "fi_getinfo -61"));
	assert_int_equal(st.checks[EFA_CHECK_DEVICES].verdict, EFA_FAIL);
	assert_int_equal(st.checks[EFA_CHECK_NETWORK].verdict, EFA_PASS);
	assert_string_equal(st.private_ipv4, "192.0.2.2");
	assert_int_equal(st.checks[EFA_CHECK_GPU].verdict, EFA_FAIL);
	assert_non_null(strstr(st.checks[EFA_CHECK_GPU].detail, "EFA installer has not run"));
	assert_int_equal(efa_status_exit_code(&st), 1);
	efa_status_free(&st);
}

static void test_check_script_cut_short(void **state)
{
	(void)state;
	size_t len;
	char *t = fx("efa_check-script.ASSEMBLED-pass.txt", &len);
	/* cut inside the fi_info_rdm section, after the second entry */
	char *at = strstr(t, "domain: rdmap144s27-rdm");
	assert_non_null(at);
	efa_node_status_t st;
	efa_status_init(&st, "cut");
	assert_true(check_script_parse(t, (size_t)(at - t), &st));
	assert_int_equal(st.script_complete, 0);
	assert_int_equal(st.checks[EFA_CHECK_PCI].verdict, EFA_PASS);
	assert_int_equal(st.checks[EFA_CHECK_LIBFABRIC].verdict, EFA_PASS);
	assert_non_null(strstr(st.checks[EFA_CHECK_LIBFABRIC].detail, "cut short"));
	assert_int_equal(st.checks[EFA_CHECK_DEVICES].verdict, EFA_UNKNOWN);
	assert_int_equal(st.checks[EFA_CHECK_NETWORK].verdict, EFA_UNKNOWN);
	assert_int_equal(efa_status_exit_code(&st), 3);
	efa_status_free(&st);
	free(t);
}

static void test_check_saved_single_probes(void **state)
{
	(void)state;
	efa_node_status_t st;
	saved("fi_info-p-efa-t-FI_EP_RDM.p4d-rdmap.txt", &st);
	assert_string_equal(st.source, "fi_info");
	assert_int_equal(st.checks[EFA_CHECK_LIBFABRIC].verdict, EFA_PASS);
	assert_int_equal(st.rdm_domains, 4);
	assert_int_equal(efa_status_count(&st, EFA_UNKNOWN), 5);
	assert_int_equal(efa_status_exit_code(&st), 3);
	efa_status_free(&st);

	saved("fi_info-p-efa.efa-direct-rdmap47s0-v201.txt", &st);
	assert_int_equal(st.checks[EFA_CHECK_LIBFABRIC].verdict, EFA_PASS);
	assert_string_equal(st.fabrics, "efa-direct, efa");
	assert_int_equal(st.rdm_domains, 1);
	assert_string_equal(st.provider_version, "201.0");
	efa_status_free(&st);

	saved("fi_info-p-efa-FAILURE-fi_getinfo-61-with-warnings.txt", &st);
	assert_int_equal(st.checks[EFA_CHECK_LIBFABRIC].verdict, EFA_FAIL);
	assert_non_null(strstr(st.checks[EFA_CHECK_LIBFABRIC].detail, "(No data available)"));
	assert_non_null(strstr(st.checks[EFA_CHECK_LIBFABRIC].detail, "ibv_open_device failed"));
	assert_int_equal(efa_status_exit_code(&st), 1);
	efa_status_free(&st);

	saved("lspci.trn1-2xl-no-efa.xla-torch.txt", &st);
	assert_int_equal(st.checks[EFA_CHECK_PCI].verdict, EFA_FAIL);
	efa_status_free(&st);

	saved("lspci-tv.trn1-32xl-neuron.txt", &st);
	assert_int_equal(st.checks[EFA_CHECK_PCI].verdict, EFA_PASS);
	assert_int_equal(st.efa_devices, 8);
	efa_status_free(&st);

	saved("modinfo-efa.pcluster-ubuntu1804-efa-1.13.0g.txt", &st);
	assert_int_equal(st.checks[EFA_CHECK_MODULE].verdict, EFA_UNKNOWN);
	assert_string_equal(st.module_version, "1.13.0g");
	assert_non_null(strstr(st.checks[EFA_CHECK_MODULE].detail, "efa 1.13.0g installed"));
	efa_status_free(&st);

	saved("nvidia-smi-L.8xH100.ub-ccr-openfold.txt", &st);
	assert_int_equal(st.checks[EFA_CHECK_GPU].verdict, EFA_UNKNOWN);
	assert_int_equal(st.gpus, 8);
	assert_non_null(strstr(st.checks[EFA_CHECK_GPU].detail, "8 x NVIDIA H100 80GB HBM3"));
	efa_status_free(&st);

	saved("neuron-ls.trn1-2xl.xla-torch.txt", &st);
	assert_int_equal(st.gpu_kind, GPU_NEURON);
	assert_int_equal(st.gpus, 1);
	efa_status_free(&st);

	saved("ls-l-dev-infiniband.SYNTHETIC.txt", &st);
	assert_int_equal(st.checks[EFA_CHECK_DEVICES].verdict, EFA_PASS);
	efa_status_free(&st);

	saved("lsmod.SYNTHETIC.txt", &st);
	assert_int_equal(st.checks[EFA_CHECK_MODULE].verdict, EFA_PASS);
	efa_status_free(&st);
}

static size_t arr_len(cJSON *facts, const char *k)
{
	cJSON *a = cJSON_GetObjectItem(facts, k);
	assert_true(cJSON_IsArray(a));
	return (size_t)cJSON_GetArraySize(a);
}

static const char *arr_at(cJSON *facts, const char *k, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItem(facts, k), i)->valuestring;
}

/* What a node's text did not report is null with its key kept, strings and the module's
 * state alike, as the counts are: a program reads facts["module_version"] without a
 * KeyError, and never takes "" or false for a reading. */
static void test_unreported_facts_null(void **state)
{
	(void)state;
	efa_node_status_t st;
	saved("fi_info-p-efa.p5-32nic-v201.DERIVED.txt", &st);
	cJSON *j = efa_status_to_json(&st, 0);
	cJSON *f = cJSON_GetObjectItem(j, "facts");
	static const char *const unreported[] = { "module_loaded", "module_version", "installer_version",
		                                  "private_ipv4", "private_interface", "accelerator_model" };
	for (size_t i = 0; i < sizeof unreported / sizeof *unreported; i++) {
		cJSON *v = cJSON_GetObjectItem(f, unreported[i]);
		assert_non_null(v);
		assert_true(cJSON_IsNull(v));
	}
	cJSON_Delete(j);
	efa_status_free(&st);
}

static int json_is_null(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(o, k);
	return v && cJSON_IsNull(v);
}

/* A ping-pong that failed before fi_pingpong said anything: provider, endpoint, iterations
 * and exit code are null (keys kept), the error a sentence, rows an empty array; one that
 * ran: its figures, and error null. */
static void test_pp_result_json_nulls(void **state)
{
	(void)state;
	pp_result_t r = { .exit_code = -1 };
	snprintf(r.error, sizeof r.error, "unknown provider \"x\"");
	cJSON *j = pp_result_json(&r);
	static const char *const unreported[] = { "provider", "endpoint", "iterations", "exit_code", "simulated" };
	for (size_t i = 0; i < sizeof unreported / sizeof *unreported; i++)
		assert_true(json_is_null(j, unreported[i]));
	assert_string_equal(cJSON_GetObjectItem(j, "error")->valuestring, "unknown provider \"x\"");
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(j, "rows")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rows")), 0);
	cJSON_Delete(j);

	pp_result_t ok = { .iterations = 10, .exit_code = 0, .simulated = PP_SIM_NO };
	snprintf(ok.provider, sizeof ok.provider, "tcp");
	snprintf(ok.endpoint, sizeof ok.endpoint, "rdm");
	pp_row_t row = { .bytes = 64, .usec_per_xfer = 12.5, .mb_per_s = 5.1, .median_usec = NAN, .p99_usec = NAN };
	assert_int_equal(pp_result_add(&ok, &row), 0);
	j = pp_result_json(&ok);
	assert_true(json_is_null(j, "error"));
	assert_string_equal(cJSON_GetObjectItem(j, "provider")->valuestring, "tcp");
	assert_int_equal(cJSON_GetObjectItem(j, "exit_code")->valueint, 0);
	const cJSON *r0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rows"), 0);
	assert_true(cJSON_GetObjectItem(r0, "usec_per_xfer")->valuedouble == 12.5);
	assert_true(json_is_null(r0, "median_usec"));
	cJSON_Delete(j);
	pp_result_free(&ok);
}

/* Listings repeated per NIC keep every fabric and domain; GPUs beside EFA devices are
 * counted; in JSON lists are arrays and what was not measured is null. */
static void test_check_per_nic_lists_and_nulls(void **state)
{
	(void)state;
	efa_node_status_t st;
	saved("fi_info-p-efa.p5-32nic-v201.DERIVED.txt", &st);
	assert_int_equal(st.checks[EFA_CHECK_LIBFABRIC].verdict, EFA_PASS);
	assert_int_equal(st.rdm_domains, 32);
	assert_int_equal(st.dgram_domains, 32);
	cJSON *j = efa_status_to_json(&st, 0);
	cJSON *f = cJSON_GetObjectItem(j, "facts");
	assert_int_equal(arr_len(f, "fabrics"), 2);
	assert_string_equal(arr_at(f, "fabrics", 0), "efa-direct");
	assert_string_equal(arr_at(f, "fabrics", 1), "efa");
	assert_int_equal(arr_len(f, "domains"), 64);
	assert_string_equal(arr_at(f, "domains", 63), "rdmap137s0-dgrm");
	assert_int_equal(cJSON_GetObjectItem(f, "rdm_domains")->valueint, 32);
	/* no lspci, ls or nvidia-smi was read: null, not 0 */
	static const char *const unmeasured[] = { "efa_devices", "pci_gpus", "uverbs", "accelerators", "accelerator" };
	for (size_t i = 0; i < sizeof unmeasured / sizeof *unmeasured; i++)
		assert_true(cJSON_IsNull(cJSON_GetObjectItem(f, unmeasured[i])));
	assert_int_equal(arr_len(f, "efa_pci_addresses"), 0);
	cJSON_Delete(j);
	efa_status_free(&st);

	saved("fi_info-p-efa.p4d-4nic-rdm-dgram.DERIVED.txt", &st);
	assert_int_equal(st.rdm_domains, 4);
	assert_int_equal(st.dgram_domains, 4);
	assert_int_equal(st.fabric_list.n, 4); /* one "EFA-fe80::..." fabric per device, none lost */
	assert_string_equal(st.fabric_list.v[3], "EFA-fe80::10a9:5cff:fe80:2f1b");
	assert_int_equal(st.domains.n, 8);
	efa_status_free(&st);

	/* the same listing with a time stamp and a rank before every line */
	size_t flen;
	char *ft = fx("fi_info-p-efa.p4d-4nic-rdm-dgram.DERIVED.txt", &flen);
	size_t lines = 1;
	for (size_t i = 0; i < flen; i++) lines += ft[i] == '\n';
	char *pre = malloc(flen + lines * 40), *q = pre;
	for (const char *c = ft; c < ft + flen;) {
		const char *nl = memchr(c, '\n', (size_t)(ft + flen - c));
		size_t n = nl ? (size_t)(nl - c) + 1 : (size_t)(ft + flen - c);
		q += sprintf(q, "2026-02-25T10:00:00.250Z [rank 3] ");
		memcpy(q, c, n);
		q += n;
		c += n;
	}
	fi_info_out_t fo;
	parse_fi_info(pre, (size_t)(q - pre), &fo);
	assert_int_equal(fo.n, 8);
	assert_int_equal(fi_info_count_domains(&fo, "efa", "FI_EP_DGRAM"), 4);
	assert_int_equal(fo.other_lines, 0);
	fi_info_free(&fo);
	free(pre);
	free(ft);

	saved("fi_info-p-efa-FAILURE-fi_getinfo-61-with-warnings.txt", &st);
	assert_int_equal(st.rdm_domains, 0); /* measured: fi_getinfo found none */
	efa_status_free(&st);

	pci_out_t p;
	size_t len;
	char *t = fx("lspci.p5-efa-beside-gpus.DERIVED.txt", &len);
	assert_int_equal(parse_lspci(t, len, &p), 1);
	assert_int_equal(p.efa, 32);
	assert_int_equal(p.nvidia_gpu, 8); /* the NVSwitch bridges are no GPUs */
	assert_int_equal(p.ena, 1);
	assert_string_equal(p.efa_addrs[31], "89:00.0");
	assert_string_equal(p.gpu_addrs[7], "ae:00.0");
	free(t);
	saved("lspci.p5-efa-beside-gpus.DERIVED.txt", &st);
	assert_int_equal(st.checks[EFA_CHECK_PCI].verdict, EFA_PASS);
	assert_non_null(strstr(st.checks[EFA_CHECK_PCI].detail, "32 EFA devices (first at 4f:00.0); 8 NVIDIA GPUs on the bus"));
	j = efa_status_to_json(&st, 0);
	f = cJSON_GetObjectItem(j, "facts");
	assert_int_equal(cJSON_GetObjectItem(f, "efa_devices")->valueint, 32);
	assert_int_equal(cJSON_GetObjectItem(f, "pci_gpus")->valueint, 8);
	assert_int_equal(arr_len(f, "efa_pci_addresses"), 32);
	assert_int_equal(arr_len(f, "pci_gpu_addresses"), 8);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(f, "rdm_domains")));
	cJSON_Delete(j);
	efa_status_free(&st);

	/* the whole passing script: every list filled */
	saved("efa_check-script.ASSEMBLED-pass.txt", &st);
	j = efa_status_to_json(&st, 0);
	f = cJSON_GetObjectItem(j, "facts");
	assert_int_equal(arr_len(f, "efa_pci_addresses"), 4);
	assert_int_equal(arr_len(f, "device_files"), 5);
	assert_string_equal(arr_at(f, "device_files", 0), "rdma_cm");
	assert_true(arr_len(f, "interfaces") >= 2);
	assert_int_equal(arr_len(f, "accelerator_devices"), 8);
	assert_string_equal(arr_at(f, "accelerator_devices", 7), "NVIDIA H100 80GB HBM3");
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(f, "fabrics")));
	cJSON_Delete(j);
	efa_status_free(&st);
}

static void test_check_saved_session_and_garbage(void **state)
{
	(void)state;
	/* a pasted terminal session with three probes */
	size_t a, b, c;
	char *fa = fx("fi_info-p-efa.soca-c5n.txt", &a);
	char *fb = fx("modinfo-efa.pcluster-ubuntu1804-efa-1.13.0g.txt", &b);
	char *fc = fx("lspci-grep-efa.pcluster-c5n.txt", &c);
	char *all = malloc(a + b + c + 1);
	memcpy(all, fa, a);
	memcpy(all + a, fb, b);
	memcpy(all + a + b, fc, c);
	all[a + b + c] = 0;
	efa_node_status_t st;
	efa_status_init(&st, "session");
	assert_int_equal(check_parse_saved(all, a + b + c, &st), 3);
	assert_int_equal(st.checks[EFA_CHECK_LIBFABRIC].verdict, EFA_PASS);
	assert_int_equal(st.checks[EFA_CHECK_PCI].verdict, EFA_PASS);
	assert_int_equal(st.checks[EFA_CHECK_MODULE].verdict, EFA_UNKNOWN);
	assert_string_equal(st.source, "lspci, modinfo, fi_info");
	efa_status_free(&st);
	free(fa); free(fb); free(fc); free(all);

	/* nothing known: every check unrecognised, the text kept */
	static const char *const unknown[] = { "dmesg-efa-probe.amzn-drivers-issue-114.txt", "ibstat.efa_0.amzn-drivers-issue-114.txt",
	                                       "ibv_devinfo.efa_0.rdma-core-pr884.txt", "nccl-ofi-init-failure-no-data-available.txt",
	                                       "fi_info-FI_LOG-getinfo-61-lines.libfabric-issue-11256.TRUNCATED.txt" };
	for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++) {
		saved(unknown[i], &st);
		assert_int_equal(efa_status_count(&st, EFA_UNRECOGNISED), EFA_CHECK_COUNT);
		assert_non_null(st.raw);
		assert_int_equal(efa_status_exit_code(&st), 3);
		efa_status_free(&st);
	}

	efa_status_init(&st, "empty");
	assert_int_equal(check_parse_saved("", 0, &st), 0);
	assert_int_equal(efa_status_count(&st, EFA_PASS), 0);
	efa_status_free(&st);

	/* random bytes (fixed seed): no crash, nothing passes */
	unsigned x = 12345;
	for (int round = 0; round < 20; round++) {
		size_t n = 1 + (size_t)round * 3000;
		char *buf = malloc(n);
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = (char)(x >> 16);
		}
		efa_status_init(&st, "random");
		check_parse_saved(buf, n, &st);
		assert_int_equal(efa_status_count(&st, EFA_PASS), 0);
		efa_status_free(&st);
		pplog_t l;
		pplog_parse(buf, n, &l);
		assert_int_equal(l.result.nrows, 0);
		pplog_free(&l);
		free(buf);
	}
}

static void test_prompts_and_script_text(void **state)
{
	(void)state;
	assert_string_equal(ptext_prompt_command("[root@ip-30-0-82-154 ~]# fi_info -p efa"), "fi_info -p efa");
	assert_string_equal(ptext_prompt_command("ubuntu@ip-172-31-6-251:~$ modinfo efa"), "modinfo efa");
	assert_string_equal(ptext_prompt_command("bash-5.1# modinfo efa"), "modinfo efa");
	assert_string_equal(ptext_prompt_command("$ fi_info -p shm"), "fi_info -p shm");
	assert_string_equal(ptext_prompt_command("(venv) [ec2-user@ip-1 ~]$ neuron-ls"), "neuron-ls");
	assert_null(ptext_prompt_command("# EFA installer version: 1.30.0"));
	assert_null(ptext_prompt_command("provider: efa"));

	const char *s = check_script_text();
	assert_non_null(strstr(s, "===NIXL-EFA-CHECK v1==="));
	assert_non_null(strstr(s, "fi_info -p efa -t FI_EP_RDM"));
	char path[] = "/tmp/nixl-efa-check-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "sh -n %s", path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fi_info_short_forms),
		cmocka_unit_test(test_fi_info_verbose),
		cmocka_unit_test(test_fi_info_failures),
		cmocka_unit_test(test_lspci),
		cmocka_unit_test(test_modinfo_lsmod),
		cmocka_unit_test(test_devices_ip_gpus),
		cmocka_unit_test(test_pp_sizes_and_counts),
		cmocka_unit_test(test_pp_incremental),
		cmocka_unit_test(test_pp_efa_test_logs),
		cmocka_unit_test(test_pp_truncated_hang_fabtests),
		cmocka_unit_test(test_pp_launcher_logs),
		cmocka_unit_test(test_pp_cut_everywhere),
		cmocka_unit_test(test_check_script_pass),
		cmocka_unit_test(test_check_script_no_efa_vm),
		cmocka_unit_test(test_check_script_cut_short),
		cmocka_unit_test(test_check_saved_single_probes),
		cmocka_unit_test(test_check_per_nic_lists_and_nulls),
		cmocka_unit_test(test_unreported_facts_null),
		cmocka_unit_test(test_pp_result_json_nulls),
		cmocka_unit_test(test_check_saved_session_and_garbage),
		cmocka_unit_test(test_prompts_and_script_text),
	};
	return cmocka_run_group_tests_name("efa_parse", tests, NULL, NULL);
}
