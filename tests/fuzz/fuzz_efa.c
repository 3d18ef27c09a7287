/* Every reader of node output (src/efa/parse_*, the check script's sections, saved
 * probe output) over the same bytes: real captures mix the probes' outputs, so an
 * input that drives one parser somewhere odd is worth showing to all of them. */
#include "fuzz.h"

#include <cjson/cJSON.h>

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

static void status_json(efa_node_status_t *st)
{
	cJSON *j = efa_status_to_json(st, 1);
	char *s = cJSON_PrintUnformatted(j);
	free(s);
	cJSON_Delete(j);
	efa_status_exit_code(st);
	efa_status_free(st);
}

/* The ping-pong parser is fed line by line, as the runner feeds it. */
static void pingpong_lines(const char *text, size_t len)
{
	ptext_t t;
	pp_parser_t p;
	pp_row_t row;
	pp_result_t r;
	ptext_init(&t, text, len);
	pp_parser_init(&p);
	for (const char *line; (line = ptext_next(&t));) {
		pp_parser_line(&p, line, &row);
		memset(&r, 0, sizeof r);
		pplog_command(line, &r);
		ptext_prompt_command(line);
	}
	pp_failure_reason(p.failure);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char buf[256];

	devices_out_t dev;
	parse_devices(text, size, &dev);
	gpus_out_t gpus;
	parse_gpus(text, size, &gpus);
	lsmod_out_t mods;
	parse_lsmod(text, size, &mods);
	pci_out_t pci;
	parse_lspci(text, size, &pci);
	modinfo_out_t mi;
	parse_modinfo(text, size, &mi);
	ip_out_t ip;
	parse_ip(text, size, &ip);
	ip_private_ipv4(&ip, buf, sizeof buf);

	fi_info_out_t fi;
	parse_fi_info(text, size, &fi);
	fi_info_count(&fi, "efa", "FI_EP_RDM");
	fi_info_count_domains(&fi, "efa", NULL);
	fi_info_fabrics(&fi, "efa", buf, sizeof buf);
	fi_info_free(&fi);

	pplog_t log;
	pplog_parse(text, size, &log);
	pplog_free(&log);
	pingpong_lines(text, size);

	uint64_t n;
	pp_parse_size(text, size, &n);
	pp_parse_count(text, size, &n);

	efa_node_status_t st;
	efa_status_init(&st, "fuzz");
	check_script_parse(text, size, &st);
	status_json(&st);
	efa_status_init(&st, "fuzz");
	check_parse_saved(text, size, &st);
	status_json(&st);
	return 0;
}
