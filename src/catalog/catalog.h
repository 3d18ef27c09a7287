/* The instance catalog: the EFA instance types nixl-tui deploys, their hardware and the
 * rules derived from it (recommended root volume, EFA interface layout, AMI family).
 * Pure data and functions: no I/O, no allocation. */
#ifndef NIXL_CATALOG_CATALOG_H
#define NIXL_CATALOG_CATALOG_H

#include <stddef.h>

/* What the accelerators are; decides the AMI (CUDA DLAMI or Neuron DLAMI). */
typedef enum catalog_accel_kind {
	CATALOG_ACCEL_NVIDIA,
	CATALOG_ACCEL_TRAINIUM,
	CATALOG_ACCEL_INFERENTIA,
} catalog_accel_kind_t;

typedef struct catalog_instance {
	const char *name;          /* "g5.12xlarge" */
	const char *series;        /* "G5" */
	const char *accelerator;   /* "NVIDIA A10G" */
	catalog_accel_kind_t kind;
	int accel_count;           /* accelerators (GPUs / Neuron devices) per instance */
	int accel_mem_gib;         /* memory per accelerator, GiB */
	int vcpus;
	int mem_gib;               /* host memory, GiB */
	int efa_max;               /* maximum EFA interfaces (0: no EFA) */
	int network_cards;
	int network_gbps;          /* total network bandwidth */
	int root_volume_gb;        /* recommended gp3 root volume */
	const char *use;           /* intended use, one short line */
} catalog_instance_t;

/* The default instance type when none is configured. */
#define CATALOG_DEFAULT_TYPE "g5.12xlarge"
/* Root volume recommended for types outside the catalog. */
#define CATALOG_FALLBACK_VOLUME_GB 200

/* The entry for an exact type name, or NULL when it is not in the catalog. */
const catalog_instance_t *catalog_lookup(const char *name);

/* All entries, in display order (series, then size); *n receives the count. */
const catalog_instance_t *catalog_list(size_t *n);

/* 1 when name has the shape of an EC2 instance type: family.size, family like
 * [a-z]+-?[0-9]+[a-z0-9-]* (g5, trn1n, p6-b200, u-6tb1), size one of nano micro small
 * medium large xlarge Nxlarge (N 2..480) metal metal-Nxl. Says nothing of existence. */
int catalog_is_valid_type_name(const char *name);

/* Recommended root volume in GB: the catalog's, else CATALOG_FALLBACK_VOLUME_GB. */
int catalog_recommended_volume_gb(const char *name);

/* Network card and device index of EFA interface i (0-based) on a multi-card type:
 * card i, device 0 for the primary on card 0 and device 1 on every other card. */
void catalog_efa_slot(int i, int *card, int *device);

/* The public SSM parameter naming the AMI for a type: the Neuron DLAMI for Trainium and
 * Inferentia families (trn*, inf*), the NVIDIA-driver base DLAMI otherwise. Works for
 * types outside the catalog by family prefix. */
const char *catalog_ami_parameter(const char *name);

#endif
