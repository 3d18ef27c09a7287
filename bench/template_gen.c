/* In-process cost of one template: config resolution from flags + validation + build +
 * render, repeated; prints {"per_template_us": ..., "maxrss_kib": ..., "bytes": ...}.
 * Built and run by bench/template.sh against build/libnixl.a. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "stack/template.h"
#include "catalog/config.h"

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 1000;
	size_t bytes = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < runs; i++) {
		config_t cfg;
		config_diags_t d = { 0 };
		config_init(&cfg);
		for (int a = 2; a + 1 < argc; a += 2)
			config_set(&cfg, argv[a], argv[a + 1], CONFIG_SRC_FLAG, "-c", &d);
		config_validate(&cfg, "us-east-1", &d);
		char *text = template_render(&cfg, NULL, 1);
		if (!text) return 1;
		bytes = 0;
		while (text[bytes]) bytes++;
		free(text);
		config_diags_free(&d);
		config_free(&cfg);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double us = ((double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) / runs;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"per_template_us\": %.1f, \"maxrss_kib\": %ld, \"bytes\": %zu}\n", us, ru.ru_maxrss, bytes);
	return 0;
}
